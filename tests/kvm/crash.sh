#!/bin/bash
# A guest that crashes, never halts, or is stopped by a signal: a named
# reason, the registers, the documented exit status.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

run_vmm "$TGUESTS/triple.elf"
check_rc "a triple fault exits 3" 3
check_out "output before the triple fault is kept" 'boom\n'
check_err "the exit is named" "guest crashed: KVM_EXIT_SHUTDOWN"
check_err "general registers are shown" "rbx 0x"
check_err "control registers are shown" "cr0 0x"
check_err "segments are shown" "cs  0x"
# What the dump holds depends on what the host leaves in the vCPU at a
# triple fault: kvm_pvm keeps the guest's state (measured); kvm_amd INITs
# the vCPU at the SHUTDOWN intercept (the VMCB is undefined after one), so
# the dump shows reset values, rip 0xfff0 and cs 0xf000 (measured under
# tests/nested). kvm_intel's VMX code only reports the exit, so it should
# keep them, but no Intel host has measured it yet: skipped until one has.
case $(host_module) in
kvm_pvm)
	check_err "the dump holds the guest's rbx" "rbx 0x1234  "
	check_err "the dump holds the guest's code segment" "cs  0x0008 "
	;;
kvm_amd)
	why="kvm_amd resets the vCPU at a triple fault (INIT at the SHUTDOWN intercept): the dump shows rip 0xfff0, cs 0xf000"
	skip "the dump holds the guest's rbx" "$why"
	skip "the dump holds the guest's code segment" "$why"
	;;
*)
	why="$(host_module): what it leaves in the registers at a triple fault has not been measured (kvm_pvm keeps the guest's, kvm_amd resets them)"
	skip "the dump holds the guest's rbx" "$why"
	skip "the dump holds the guest's code segment" "$why"
	;;
esac

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
