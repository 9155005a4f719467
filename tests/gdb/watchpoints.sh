#!/bin/bash
# Watchpoints with the real gdb: watch, rwatch, awatch stop after the
# access with the right values, on every host (debug registers or page
# protection, whichever the probe chose).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

W="$TGUESTS/watch.elf"

# The course's example: watch the long at 0x400 in the hello guest.
start_vmm -v --wait-gdb "$GUESTS/hello64.elf"
run_gdb "$GUESTS/hello64.elf" 'watch *(long *)0x400' continue 'p $pc' 'info line *$pc'
gdb_has "watch 0x400: gdb inserted a hardware watchpoint" "Hardware watchpoint 1: *(long *)0x400"
gdb_has "watch 0x400: Old value = 0" "Old value = 0"
gdb_has "watch 0x400: New value = 42" "New value = 42"
gdb_has "watch 0x400: stopped after the store, at the return" "return 42;"
stop_vmm
case $(host_module) in
kvm_pvm) want="watchpoints: page protection" ;;
*)	 want="watchpoints: debug registers" ;;
esac
grep -qF "vmm: strategy: $want" "$TMP/vmm.err" && ok "--verbose names the watchpoint strategy ($want)" ||
	{ not_ok "--verbose names the watchpoint strategy ($want)"; diag <"$TMP/vmm.err"; }

# rwatch: each read, not the write between them.
start_vmm --wait-gdb "$W"
run_gdb "$W" 'rwatch *(long *)&data' continue 'p $pc' continue 'p $pc'
gdb_has "rwatch: first read sees 10" "Value = 10"
gdb_has "rwatch: ... stopped after the read" "<after_dread1>"
gdb_has "rwatch: second read sees 11" "Value = 11"
gdb_has "rwatch: ... stopped after it, the write skipped" "<after_dread2>"
gdb_lacks "rwatch: no stop at the write" "<after_dwrite1>"
stop_vmm

# awatch: the read, the write, the read.
start_vmm --wait-gdb "$W"
run_gdb "$W" 'awatch *(long *)&data' continue 'p $pc' continue 'p $pc' continue 'p $pc'
gdb_has "awatch: the read" "Value = 10"
gdb_has "awatch: the write, old value" "Old value = 10"
gdb_has "awatch: the write, new value" "New value = 11"
gdb_has "awatch: stopped after the write" "<after_dwrite1>"
gdb_has "awatch: the second read" "<after_dread2>"
stop_vmm

# A watch on the page the guest's code runs from.
start_vmm --wait-gdb "$W"
run_gdb "$W" 'watch *(long *)&value' continue 'p $pc' continue 'p $pc'
gdb_has "watch on the code page: 5 -> 6" "New value = 6"
gdb_has "watch on the code page: stopped after the write" "<after_write1>"
gdb_has "watch on the code page: 6 -> 7" "New value = 7"
gdb_has "watch on the code page: stopped after the second write" "<after_write2>"
gdb_lacks "watch on the code page: reads do not stop it" "<after_read1>"
stop_vmm

# Eight at once: vars[i] = i + 1, each stop in order.
cmds=()
for i in 0 1 2 3 4 5 6 7; do cmds+=("watch *(long *)((char *)&vars + $((8 * i)))"); done
for i in 0 1 2 3 4 5 6 7; do cmds+=(continue 'p/d *(long *)((char *)&vars + 0)'); done
start_vmm --wait-gdb "$W"
run_gdb "$W" "${cmds[@]}"
prev=0 inorder=1
for i in 1 2 3 4 5 6 7 8; do
	line=$(grep -n "^Hardware watchpoint $i: " "$TMP/gdb.out" | sed -n 2p | cut -d: -f1)
	if [ -z "$line" ] || [ "$line" -le "$prev" ]; then inorder=0; fi
	prev=${line:-0}
done
n=$(grep -c '^New value = ' "$TMP/gdb.out")
[ "$n" -eq 8 ] && ok "eight watchpoints at once: eight stops" || { not_ok "eight watchpoints at once: eight stops (saw $n)"; diag <"$TMP/gdb.out"; }
[ "$inorder" -eq 1 ] && ok "eight watchpoints: each hit in order" || { not_ok "eight watchpoints: each hit in order"; diag <"$TMP/gdb.out"; }
gdb_has "the eighth stop saw vars[7] become 8" "New value = 8"
stop_vmm

# A watch on the stack: _start's call pushes the return address at
# 0x1fbff8, just below vmm's initial stack pointer; every other push and pop
# on that page runs on.
start_vmm --wait-gdb "$GUESTS/hello64.elf"
run_gdb "$GUESTS/hello64.elf" 'watch *(long *)0x1fbff8' continue 'p $pc' continue
gdb_has "a watch on the stack page: the call's push" "New value = 1048581"
gdb_has "... stopped in main, after the call" "main () at"
stop_vmm

# A watch on a page holding the guest's page tables is refused, with a
# reason, never a hang (hello64's page directory is at 0x1fc000).
start_vmm --wait-gdb "$GUESTS/hello64.elf"
run_gdb "$GUESTS/hello64.elf" 'watch *(long *)0x1fc000' continue
if [ "$(host_module)" = kvm_pvm ]; then
	gdb_has "a watch on the page tables is refused" "Could not insert hardware watchpoint"
	grep -qF "holds the guest's page tables" "$TMP/vmm.err" && ok "... and vmm says why" ||
		{ not_ok "... and vmm says why"; diag <"$TMP/vmm.err"; }
else
	skip "a watch on the page tables is refused" "debug registers take it on $(host_module)"
	skip "... and vmm says why" "debug registers take it on $(host_module)"
fi
stop_vmm

# Every refused Z packet is explained in gdb's console (issue 13), not
# only on vmm's stderr. gdb 13 shows O packets only while it waits for a
# stop, so the reason comes with the next stop, once however often gdb
# retried. Page protection is forced so this runs on every host.
VMM_DEBUG_NO_DR_WATCH=1 start_vmm --wait-gdb "$GUESTS/hello64.elf"
run_gdb "$GUESTS/hello64.elf" 'watch *(long *)0x1fc000' continue continue \
	'echo ==deleted\n' 'delete 1' stepi 'echo ==stepped\n' stepi kill
stop_vmm
sed -n '/^==deleted$/,/^==stepped$/p' "$TMP/gdb.out" >"$TMP/step.out"
gdb_has "a refused watch on the page tables: gdb's console says why" \
	"vmm: gdb could not insert the watchpoint at 0x1fc000+8: vmm refused it because a page it covers holds the guest's page tables" "$TMP/step.out"
n=$(grep -c "vmm: gdb could not insert" "$TMP/gdb.out")
check_eq "... once, though gdb tried twice" "$n" 1
gdb_lacks "... and the session stays in step" "Invalid remote reply"

# Five hardware breakpoints: the fifth has no debug register.
start_vmm --wait-gdb "$GUESTS/hello64.elf"
run_gdb "$GUESTS/hello64.elf" 'set debug remote 1' 'hbreak *0x100001' 'hbreak *0x100002' 'hbreak *0x100003' \
	'hbreak *0x100004' 'hbreak main' continue 'echo ==deleted\n' 'delete 5' stepi kill
stop_vmm
gdb_has "a fifth hbreak: gdb could not insert it" "Cannot insert hardware breakpoint 5"
sed -n '/^==deleted$/,$p' "$TMP/gdb.out" >"$TMP/step.out"
gdb_match "... and gdb's console says why" "vmm: gdb could not insert the hardware breakpoint at 0x[0-9a-f]+: vmm refused it because all four debug registers \(DR0-DR3\) are in use" "$TMP/step.out"
# Each error code the refusal sent is in doc/protocol.md's list.
codes=$(grep -oE 'Packet received: E[0-9a-f]{2}' "$TMP/gdb.out" | sort -u | grep -oE 'E[0-9a-f]{2}$')
[ -n "$codes" ] && ok "the refusal is an E reply ($codes)" || not_ok "the refusal is an E reply"
if [ -f "$VMM_SRCDIR/doc/protocol.md" ]; then
	policy=$(sed -n '/^## Policy/,/^## /p' "$VMM_SRCDIR/doc/protocol.md")
	for e in $codes; do
		case $policy in
		*"\`$e\`"*) ok "doc/protocol.md's error list has $e" ;;
		*) not_ok "doc/protocol.md's error list has $e" ;;
		esac
	done
else
	skip "doc/protocol.md's error list has the codes" "no doc/ in this tree (tests/nested copies tests only)"
fi

done_testing
