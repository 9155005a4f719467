#!/bin/bash
# LLDB's read watchpoint on the hello string, which shares its 4 KiB page
# with main's code reading it (issue 12 item 6): with page protection the
# CPU makes that read itself while vmm steps the instruction, and vmm
# names it from the instruction (src/insn.c). The guest then runs on to
# its end.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

ELF="$GUESTS/hello64.elf"
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" 'watchpoint set expression -w read -s 1 -- 0x100032' c \
	'register read rip' 'register read al' 'watchpoint delete 1' detach
wait_vmm 10
S="$TMP/lldb.out"
lldb_match "watchpoint set: read, 1 byte at 0x100032" 'Watchpoint created: Watchpoint 1: addr = 0x0*100032 size = 1 state = enabled type = r' "$S"
lldb_has "c: the read watchpoint on the hello string fires" "Watchpoint 1 hit:" "$S"
lldb_match "... after main's movzbl read 'e'" 'al = 0x65' "$S"
if lldb_sent "$TMP/lldb.pkt" | grep -q '^Z3,100032,1$'; then ok "the watchpoint is a Z3 of 1 byte at 0x100032"
else not_ok "the watchpoint is a Z3 of 1 byte at 0x100032"; lldb_sent "$TMP/lldb.pkt" | grep '^[Zz]' | diag; fi
check_vmm_out "detach: the guest printed its whole string" 'Hello, world!\n'
check_vmm_rc "... and exited 0" 0
done_testing
