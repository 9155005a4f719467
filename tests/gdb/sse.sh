#!/bin/bash
# The SSE state on this host (issue 13): kvm_pvm's KVM_GET_FPU reads mxcsr
# as 0 even right after KVM_SET_FPU, and an xmm register written from gdb
# is now and then lost. vmm probes it, shows it in --verbose's host line,
# and tells a gdb user once, when they first write an xmm register.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

H="$GUESTS/hello64.elf"
NOTE="vmm: note: this host's KVM ($(host_module)) does not give back the SSE state it is given"

run_vmm -v "$H"
# kvm_pvm reads mxcsr back as 0 (measured). So do kvm_amd under the
# QEMU emulator of tests/nested and kvm_intel under its Bochs (measured
# there; the emulators' or KVM's doing, not known), so elsewhere only the
# probe's presence is asserted.
case $(host_module) in
kvm_pvm)
	check_err "--verbose: the host line says the FPU state does not read back" \
		"FPU state read back: no (mxcsr 0x0 for 0x1f80)" ;;
*)
	check_err "--verbose: the host line has the FPU probe" "FPU state read back: " ;;
esac
# kvm_pvm has the quirk (measured); elsewhere vmm's probe says.
quirky=
{ [ "$(host_module)" = kvm_pvm ] || grep -qF "FPU state read back: no" "$TMP/err"; } && quirky=1

start_vmm --wait-gdb "$H" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$H" 'p $rax' 'stepi' 'echo ==write1\n' 'set $xmm0.v4_int32[0] = 7' 'stepi' \
	'echo ==write2\n' 'set $xmm1.v4_int32[0] = 9' 'set $mxcsr = 0x1f81' 'stepi' \
	'echo ==end\n' 'kill'
stop_vmm
n=$(grep -cF "$NOTE" "$TMP/gdb.out")
before=$(sed -n '1,/^==write1$/p' "$TMP/gdb.out" | grep -cF "$NOTE")
check_eq "no note before any SSE register is written" "$before" 0
if [ -n "$quirky" ]; then
	check_eq "one note in gdb's console, however many SSE writes" "$n" 1
	gdb_match "... at the stop after the first write" '^==write1$' 
	sed -n '/^==write1$/,/^==write2$/p' "$TMP/gdb.out" >"$TMP/w1.out"
	gdb_has "... which says what to do" "check it (p \$xmm0) after the next step" "$TMP/w1.out"
else
	check_eq "this host reads the FPU state back: no note" "$n" 0
	skip "... at the stop after the first write" "$(host_module) gives back the FPU state"
	skip "... which says what to do" "$(host_module) gives back the FPU state"
fi
gdb_lacks "writing xmm0 works (no error)" "Could not"

done_testing
