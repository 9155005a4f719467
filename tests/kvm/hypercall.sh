#!/bin/bash
# The hypercall guest (guest/hypercalls.c) in every mode this host runs:
# a string by its guest-virtual address, a value, the exit count by IN,
# and a bad pointer that vmm refuses with a reason - never reading host
# memory for it.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm
CHECK="python3 $VMM_SRCDIR/tests/kvm/tracecheck.py"

WANT='Hello from the guest, through the string hypercall\nthe value hypercall prints 42: 42\nexits so far, this IN included: 5\nnow a bad pointer, on purpose:\n'

# mode FLAG GUEST BAD: run it; BAD is the reason vmm must give.
mode() {
	local flag=$1 guest=$2 bad=$3
	run_vmm "$flag" --trace=all,"$TMP/trace" "$GUESTS/$guest"
	check_rc "$flag $guest: halts with its checks passed" 0
	check_out "$flag $guest: the three hypercalls' output" "$WANT"
	check_err "$flag: the bad pointer is refused with the reason" "vmm: warning: hypercall 0xec (print a string): the guest's pointer 0xdeadbeef is bad: $bad; nothing printed"
	if grep -qE 'KVM_EXIT_IO \{direction=in, size=4, port=0xeb, count=1, data_offset=0x[0-9a-f]+\}$' "$TMP/trace" &&
	   grep -qF "[vmm's answer to the IN, at data_offset: 05 00 00 00] = 0" "$TMP/trace"; then
		ok "$flag: the trace shows the IN from port 0xeb and vmm's answer, 5, going in with the next KVM_RUN"
	else
		not_ok "$flag: the trace shows the IN and vmm's answer"; grep 0xeb "$TMP/trace" | diag
	fi
	n=$(awk '/port=0xeb/ { print NR; exit }' "$TMP/trace")
	head -n "$n" "$TMP/trace" >"$TMP/trace.upto"
	if command -v python3 >/dev/null; then
		check_eq5 "$flag: the count the guest got (5) is the trace's exits up to that IN" "$($CHECK exits "$TMP/trace.upto")" "5 5 0"
	else
		skip "$flag: the count the guest got is the trace's" "python3 (the trace checker) is not installed"
	fi
	grep -qF "hypercall 0xec: the string at GVA 0x" "$TMP/trace" &&
		ok "$flag: the trace says where the string was read" || not_ok "$flag: the trace says where the string was read"
}

check_eq5() {
	[ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got $2)"
}

mode -l hypercalls64.elf "GVA 0xdeadbeef is not mapped: not present at level 3 (PDPT) of the guest's page tables (long mode, 4-level paging)"
mode -s hypercalls32.elf "GVA 0xdeadbeef is GPA 0xdeadbeef, outside guest RAM (0x0-0x1fffff)"
mode -r hypercalls16.elf "GVA 0xdeadbeef cannot be read: offset beyond the segment limit (real mode)"
for m in paged pae; do
	if host_refuses_paging32; then
		run_vmm --mode=$m "$GUESTS/hypercalls32.elf"
		check_rc "--mode=$m: refused on $(host_module)" 5
		skip "--mode=$m hypercalls32.elf" "$(host_module) shuts the vCPU down in this paging mode"
	else
		why="GVA 0xdeadbeef is not mapped: not present at level 2 (PD) of the guest's page tables (32-bit paging)"
		[ $m = pae ] && why="GVA 0xdeadbeef is not mapped: not present at level 3 (PDPT) of the guest's page tables (PAE paging)"
		mode --mode=$m hypercalls32.elf "$why"
	fi
done

# Without the trace the guest sees the same count: counting is always on.
run_vmm -l "$GUESTS/hypercalls64.elf"
check_out "-l without --trace: the same output, the same count" "$WANT"

done_testing
