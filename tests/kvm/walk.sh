#!/bin/bash
# vmm --walk: the guest's own page tables, walked at the halt.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

run_vmm -l --walk=0x400
check_rc "vmm -l --walk=0x400 exits 0" 0
check_out "--walk leaves stdout to the guest" 'Hello, world!\n'
check_err "the walk names the mode and CR3" "walk 0x400 (long mode, 4-level paging, CR3 0x1fe000)"
check_err "level 1: PML4[0] -> PDPT" "PML4[0] @0x1fe000 = 0x1fd027 P RW US A -> PDPT 0x1fd000"
check_err "level 2: PDPT[0] -> PD" "PDPT[0] @0x1fd000 = 0x1fc027 P RW US A -> PD 0x1fc000"
check_err "level 3: PD[0] maps the 2 MiB page and ends at GPA 0x400" "PD[0] @0x1fc000 = 0xe7 P RW US A D PS -> 2 MiB page 0x0; GPA 0x400; HVA 0x"
n=$(grep -c '^P' "$TMP/err")
[ "$n" -eq 3 ] && ok "exactly three levels" || not_ok "exactly three levels (saw $n lines)"

run_vmm -l --walk=0x200000,0xffff800000000000,0x800000000000
check_err "past the 2 MiB page: not present at the PD" "PD[1] @0x1fc008 = 0x0 -> not present at level 2 (PD)"
check_err "the upper half: not present at the PML4" "PML4[256] @0x1fe800 = 0x0 -> not present at level 4 (PML4)"
check_err "a non-canonical address is named" "non-canonical"

run_vmm -s --walk=0x400
check_err "protected mode: base + offset" "protected mode without paging: base 0x0 + offset 0x400; GPA 0x400"
run_vmm -r --walk=0x400
check_err "real mode: base + offset" "real mode: base 0x0 + offset 0x400; GPA 0x400"

# The last step: host-virtual to host-physical through /proc/self/pagemap,
# in every mode; without CAP_SYS_ADMIN the kernel hides frame numbers.
for mode in -l -s -r; do
	run_vmm $mode --walk=0x400
	if [ "$(id -u)" -ne 0 ]; then
		skip "$mode --walk=0x400 goes on to the host-physical address" "not root: the kernel hides frame numbers"
	elif grep -qE '^host: HVA 0x[0-9a-f]+ -> HPA 0x[0-9a-f]+ \(frame 0x[0-9a-f]+ of 4 KiB, from /proc/self/pagemap\)$' "$TMP/err"; then
		ok "$mode --walk=0x400 goes on to the host-physical address"
	else
		not_ok "$mode --walk=0x400 goes on to the host-physical address"; show_run
	fi
	hva=$(sed -n 's/.*; GPA 0x400; HVA \(0x[0-9a-f]*\)$/\1/p' "$TMP/err")
	check_err "$mode: the HPA line starts at the walk's HVA ($hva)" "host: HVA $hva -> "
done
run_vmm -l --walk=0x1f0000
check_err "a guest page nothing touched has no host frame yet" "-> no HPA: no host frame yet: nothing has touched the page"
if command -v setpriv >/dev/null; then
	timeout "$(scaled 20)" setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		"$VMM" -l --walk=0x400 >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	check_err "without CAP_SYS_ADMIN: says why there is no HPA" "-> no HPA: /proc/self/pagemap hides frame numbers from users without CAP_SYS_ADMIN: run vmm as root to see them"
else
	skip "without CAP_SYS_ADMIN: says why there is no HPA" "setpriv is not installed"
fi

run_vmm --walk=0x400,nope
check_rc "a bad --walk address is a usage error" 2
check_err "... naming it" "'nope' is not an address"

done_testing
