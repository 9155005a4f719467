#!/bin/bash
# A guest that crashes, never halts, or is stopped by a signal: a named
# reason, the registers, the documented exit status.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

run_vmm "$TGUESTS/triple.elf"
check_rc "a triple fault exits 3" 3
check_out "output before the triple fault is kept" 'boom\n'
check_err "the exit is named" "guest crashed: KVM_EXIT_SHUTDOWN"
check_err "general registers are shown" "rbx 0x1234"
check_err "control registers are shown" "cr0 0x"
check_err "segments are shown" "cs  0x0008"

run_vmm "$TGUESTS/mmio32.elf"
check_rc "a write to unbacked memory exits 3" 3
check_err "... and says where" "KVM_EXIT_MMIO: the guest wrote 4 bytes at GPA 0x10000000"

run_vmm --timeout=0.3 "$TGUESTS/spin.elf"
check_rc "--timeout ends a guest that never halts with status 4" 4
check_err "... with a clear message" "time limit: the guest ran for 0.3 s without halting"
check_err "... and its registers" "rip 0x"

for sig in INT TERM; do
	"$VMM" "$TGUESTS/spin.elf" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 0.3
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	check_rc "SIG$sig while the guest runs exits $want" "$want"
	check_err "SIG$sig is named" "stopped by SIG$sig"
done

done_testing
