#!/bin/bash
# gdb writing the guest's memory and registers, and the guest living with
# what gdb wrote: set {long}, set $reg, restore over the guest's page
# tables (the range is translated in full before a byte is written).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

ELF="$GUESTS/hello64.elf"

# 1. Memory and registers written at the final HLT decide the verdict:
# vmm checks 0x400 and rax there, so gdb's writes must reach KVM.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" 'break main' 'continue' \
	'set {long}0x400 = 7' 'x/gx 0x400' \
	'set {char[4]}0x1000 = "abc"' 'x/s 0x1000' \
	'set $rbx = 0x1122334455667788' 'p/x $rbx' \
	'set $eflags = 0x46' 'p $eflags' \
	'continue' \
	'set {long}0x400 = 41' 'set $rax = 99' 'p/x $rax' 'continue'
wait_vmm 10
gdb_match "set {long}0x400 = 7 reads back" $'^0x400:\t0x0000000000000007$'
gdb_match "a string written at 0x1000 reads back" '^0x1000:[[:space:]]+"abc"$'
gdb_match "set \$rbx reads back" '^\$[0-9]+ = 0x1122334455667788$'
gdb_match "set \$eflags reads back with its flags" '^\$[0-9]+ = \[ PF ZF \]$'
gdb_match "set \$rax at the HLT reads back" '^\$[0-9]+ = 0x63$'
check_eq "the verdict sees gdb's writes: exit 1" 1 "$vmm_rc"
vmm_has "the accumulator check sees rax = 99" "the accumulator holds 0x63"
vmm_has "the 0x400 check sees 41" "0x400 holds 0x29"

# 2. An 8 KiB write over the page directory and the PDPT (0x1fc000):
# the first page written unmaps the rest, yet the whole range was
# translated first. vmm lives on, gdb sees what it wrote, and the guest
# that can no longer translate anything is reported as a crash.
head -c 8192 /dev/zero >"$TMP/zero.bin"
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" 'break main' 'continue' \
	"restore $TMP/zero.bin binary 0x1fc000" \
	'echo ==after\n' 'x/gx 0x400' 'monitor walk 0x400' \
	'echo ==cont\n' 'continue' 'kill'
wait_vmm 10
gdb_has "restore over the page tables is accepted" "Restoring binary file"
gdb_has "memory behind the zeroed tables is no longer reachable" "Cannot access memory at address 0x400"
gdb_has "monitor walk shows the empty entry" "not present"
gdb_has "the guest that runs on crashes, reported to gdb" "SIGSEGV"
check_eq "vmm ended by gdb's kill, not by a signal of its own" 137 "$vmm_rc"
if grep -q 'AddressSanitizer\|Segmentation' "$TMP/vmm.err"; then
	not_ok "vmm did not crash"; diag <"$TMP/vmm.err"
else
	ok "vmm did not crash"
fi

done_testing
