#!/bin/bash
# The long-mode session of tests/gdb/session.sh, in LLDB 14 (issue 18):
# connect, registers, a software breakpoint, memory read and write, a
# write watchpoint, step-over, step-in, step-inst, memory region from the
# guest's page tables, and detach, after which the guest runs on.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

ELF="$GUESTS/hello64.elf"
SRC="$VMM_SRCDIR/guest/hello.c"
line_of() { grep -nF -- "$1" "$SRC" | grep -v '^[0-9]*:#' | head -1 | cut -d: -f1; }
for_line=$(line_of 'for (p = ')
out_line=$(line_of 'outb(DEBUG_PORT')

start_vmm -v --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" \
	'register read rip rsp' 'register read cr0 cr3 cr4 efer' \
	'b main' c \
	'memory read -s8 -fx -c1 0x400' \
	'memory write -s4 0x500 0x11223344' 'memory read -s4 -fx -c1 0x500' \
	'process plugin packet monitor xp 0x500 4' \
	n s bt n 'x/2i $pc' si 'register read pc' \
	'watchpoint set expression -w write -s 8 -- 0x400' c \
	'memory read -s8 -fx -c1 0x400' 'watchpoint delete 1' \
	'process plugin packet monitor mem' \
	'memory region 0x400' 'memory region 0x200000' \
	'memory region 0xffff800000000000' \
	detach
cp "$TMP/lldb.out" "$TMP/session.out"
cp "$TMP/lldb.pkt" "$TMP/session.pkt"
wait_vmm 10
S="$TMP/session.out"
# The output of one command: from its "(lldb) CMD" line to the next prompt.
cmd_out() { awk -v c="(lldb) $1" '$0 == c { on = 1; next } /^\(lldb\) / { on = 0 } on' "$S"; }

lldb_has "connect: the guest is stopped at its first instruction" "stop reason = signal SIGTRAP" "$S"
lldb_match "connect: at _start" 'frame #0: 0x0000000000100000 hello64\.elf`_start' "$S"
lldb_match "register read rip: the entry point" '^ +rip = 0x0000000000100000' "$S"
lldb_match "register read rsp: vmm's stack top" '^ +rsp = 0x00000000001fc000' "$S"
lldb_match "cr0 0x80050033 (PE MP ET NE WP AM PG)" '^ +cr0 = 0x0*80050033$' "$S"
lldb_match "cr3 0x1fe000 (the PML4)" '^ +cr3 = 0x00000000001fe000$' "$S"
lldb_match "efer 0x500 (LME LMA)" '^ +efer = 0x0*500$' "$S"
lldb_match "b main; c: stops at breakpoint 1.1" 'stop reason = breakpoint 1\.1$' "$S"
lldb_match "... in main, at its first line" "hello64\\.elf\`main at hello\\.c:$for_line" "$S"
check_eq "memory read 0x400 before the store: 0" \
	"$(cmd_out 'memory read -s8 -fx -c1 0x400' | head -1)" "0x00000400: 0x0000000000000000" "$S"
check_eq "memory write, then read back" \
	"$(cmd_out 'memory read -s4 -fx -c1 0x500')" "0x00000500: 0x11223344" "$S"
lldb_match "... and vmm's own view of guest RAM (monitor xp) agrees" '^0x500: 44 33 22 11$' "$S"

# n, s, n, si
lldb_match "n: step over to the outb line" "stop reason = step over" "$S"
lldb_match "n: ... line $out_line" "hello64\\.elf\`main at hello\\.c:$out_line" "$S"
lldb_match "s: step in, into the inlined outb" 'stop reason = step in' "$S"
lldb_match "s: ... outb(byte='H', port=233)" "\\[inlined\\] outb\\(byte='H', port=233\\)" "$S"
lldb_match "bt: outb inlined in main, called from _start" 'frame #2: 0x0000000000100005 hello64\.elf`_start \+ 5' "$S"
next_pc=$(cmd_out 'x/2i $pc' | sed -n '2s/^ *\(0x[0-9a-f]*\):.*/\1/p')
si_pc=$(cmd_out 'register read pc' | sed -n 's/^ *rip = 0x0*\([0-9a-f]*\) .*/0x\1/p')
if [ -n "$next_pc" ] && [ "$si_pc" = "$next_pc" ]; then
	ok "si: one instruction, to $next_pc (the second line of x/2i \$pc)"
else
	not_ok "si: pc $si_pc after si, expected the next instruction ${next_pc:-(none shown)}"
	lldb_show "$S"
fi
lldb_has "si: stop reason instruction step into" "stop reason = instruction step into" "$S"

# The write watchpoint: the store of 42.
lldb_match "watchpoint set: write, 8 bytes at 0x400" 'Watchpoint created: Watchpoint 1: addr = 0x0*400 size = 8 state = enabled type = w' "$S"
lldb_has "c: the watchpoint is hit" "Watchpoint 1 hit:" "$S"
lldb_has "... old value 0" "old value: 0" "$S"
lldb_has "... new value 42" "new value: 42" "$S"
lldb_has "... stop reason watchpoint 1" "stop reason = watchpoint 1" "$S"
check_eq "memory read 0x400 after the store: 42" \
	"$(cmd_out 'memory read -s8 -fx -c1 0x400' | sed -n '$p')" "0x00000400: 0x000000000000002a" "$S"
if lldb_sent "$TMP/session.pkt" | grep -q '^Z2,400,8$'; then ok "the watchpoint is a Z2 of 8 bytes at 0x400"
else not_ok "LLDB sent no Z2,400,8"; lldb_show "$S"; fi

# memory region, against vmm's own list of the guest's mappings.
map=$(cmd_out 'process plugin packet monitor mem' | grep -E '^0x[0-9a-f]+-0x[0-9a-f]+ ->' | head -1)
lo=$(printf '%s\n' "$map" | sed 's/^\(0x[0-9a-f]*\)-.*/\1/')
hi=$(printf '%s\n' "$map" | sed 's/^0x[0-9a-f]*-\(0x[0-9a-f]*\) .*/\1/')
if [ -n "$lo" ]; then
	perm=r; case "$map" in *" W"*) perm+=w ;; *) perm+=- ;; esac
	case "$map" in *" NX"*) perm+=- ;; *) perm+=x ;; esac
	want=$(printf '[0x%016x-0x%016x) %s' "$lo" "$((hi + 1))" "$perm")
	check_eq "memory region 0x400: the mapping monitor mem lists ($map)" \
		"$(cmd_out 'memory region 0x400')" "$want" "$S"
	want=$(printf '[0x%016x-0xffffffffffffffff) ---' "$((hi + 1))")
	check_eq "memory region past it: unmapped to the top of the address space" \
		"$(cmd_out 'memory region 0x200000')" "$want" "$S"
	check_eq "memory region in the upper half: the same unmapped range" \
		"$(cmd_out 'memory region 0xffff800000000000')" "$want" "$S"
else
	not_ok "monitor mem listed no mapping"; lldb_show "$S"
fi

# With the thread list in every stop reply LLDB stops asking for it at
# each stop (it still may, for a step-in's own bookkeeping).
n=$(lldb_sent "$TMP/session.pkt" | grep -c '^qfThreadInfo$')
stops=$(grep -c '^Process 1 stopped$' "$S")
if [ "$stops" -ge 5 ] && [ "$n" -lt "$stops" ]; then
	ok "QListThreadsInStopReply: $n qfThreadInfo in $stops stops"
else not_ok "LLDB sent qfThreadInfo $n times in $stops stops"; lldb_show "$S"; fi
lldb_has "detach: LLDB detaches" "Process 1 detached" "$S"
check_vmm_rc "after detach the guest runs on to its HLT: vmm exits 0" 0
vmm_has "... and its checks pass" "2 checks passed"
check_vmm_out "the guest's greeting reaches vmm's stdout, once" 'Hello, world!\n'

done_testing
