#!/bin/bash
# --timeout counts the guest's run time, not the time it sits stopped in
# gdb (issue 13): a student who stops at main and thinks for longer than
# the limit can still continue to the end. The limit itself still holds
# under gdb: a guest that spins is stopped, however long it sat parked.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

# Parked at main for 3 s under a 2 s limit, then to the HLT and the end.
start_vmm --timeout=2 --wait-gdb "$GUESTS/hello64.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$GUESTS/hello64.elf" 'break main' 'continue' 'shell sleep 3' \
	'echo ==halt\n' 'continue' 'echo ==exit\n' 'continue'
wait_vmm 10
gdb_match "break main; continue stops at main" '^Breakpoint 1, main \(\) at .*hello\.c:[0-9]+'
gdb_has "after 3 s parked, continue reaches the HLT" "vmm: the guest halted (HLT before"
gdb_match "... and the next continue ends the run" '\[Inferior 1 \(Remote target\) exited normally\]'
check_vmm_rc "vmm exits 0, not 4 (time-out)" 0
if grep -qF "time limit" "$TMP/vmm.err"; then
	not_ok "vmm does not report a time-out"; sed 's/^/#   /' "$TMP/vmm.err"
else
	ok "vmm does not report a time-out"
fi
check_vmm_out "the guest's output is complete" 'Hello, world!\n'

# A spinning guest: 3 s parked at its first instruction (longer than the
# 1 s limit), a few steps, then continue: the limit ends it after about
# 1 s of running, with the documented status.
start_vmm --timeout=1 --wait-gdb "$TGUESTS/spin.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$TGUESTS/spin.elf" 'shell sleep 3' 'stepi' 'stepi' 'echo ==steps\n' \
	'info registers rbx' 'continue'
wait_vmm 20
gdb_match "after 3 s parked under a 1 s limit, stepping still works" '^rbx +0x1 +1$'
check_vmm_rc "continuing a spinning guest: the limit ends it (exit 4)" 4
vmm_has "... saying so" "time limit: the guest ran for 1 s without halting (--timeout)"

done_testing
