#!/bin/bash
# Setting the control registers from gdb with plain numbers, as a student
# pokes them: "set $cr0 = 0x80050033", "set $cr4 = 0x20",
# "set $efer = 0x500" in long mode, and their 32-bit counterparts in flat
# protected mode. Each value is read back after a stepi (so KVM took it:
# the vCPU ran with it and vmm read it again), "p" still names the bits,
# and the guest then runs to its end.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

# readback NAME: in ${rb[@]}, the commands that make gdb ask vmm again
# and print the three registers.
readback() {
	rb=(stepi 'maint flush register-cache' "echo ==$1\\n"
	    'p/x $cr0' 'p/x $cr4' 'p/x $efer' 'p $cr0' 'p $cr4' 'p $efer')
}

# section NAME: the lines gdb printed after "==NAME" up to the next "==".
section() { sed -n "/^==$1\$/,/^==/p" "$TMP/gdb.out" | grep '^\$'; }

# --- long mode: other values first, then the ones of the issue -----------
readback other; rb1=("${rb[@]}")
readback back; rb2=("${rb[@]}")
start_vmm --wait-gdb "$GUESTS/hello64.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$GUESTS/hello64.elf" \
	'set $cr0 = 0x80050031' 'set $cr4 = 0x220' 'set $efer = 0xd00' "${rb1[@]}" \
	'set $cr0 = 0x80050033' 'set $cr4 = 0x20' 'set $efer = 0x500' "${rb2[@]}" \
	'echo ==end\n' 'monitor regs' continue continue
wait_vmm 10
gdb_lacks "long mode: a plain number is no \"Invalid cast.\"" "Invalid cast"
gdb_lacks "long mode: ... and KVM took every value" "Remote failure reply"
check_eq "long mode: cr0 0x80050031, cr4 0x220, efer 0xd00 read back, bits named" \
	"$(section other)" '$1 = 0x80050031
$2 = 0x220
$3 = 0xd00
$4 = [ PE ET NE WP AM PG ]
$5 = [ PAE OSFXSR ]
$6 = [ LME LMA NXE ]'
check_eq "long mode: set \$cr0 = 0x80050033, \$cr4 = 0x20, \$efer = 0x500 read back" \
	"$(section back)" '$7 = 0x80050033
$8 = 0x20
$9 = 0x500
$10 = [ PE MP ET NE WP AM PG ]
$11 = [ PAE ]
$12 = [ LME LMA ]'
gdb_has "long mode: vmm's own view agrees (monitor regs)" "cr0  0x80050033 [ PE MP ET NE WP AM PG ]"
gdb_has "long mode: the guest runs to its end" "exited normally"
check_vmm_rc "long mode: vmm exits 0" 0
check_vmm_out "long mode: Hello, world!" 'Hello, world!\n'

# --- flat 32-bit protected mode (no paging: LME without PG is legal) -----
readback other; rb1=("${rb[@]}")
readback back; rb2=("${rb[@]}")
start_vmm --wait-gdb -s "$GUESTS/hello32.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$GUESTS/hello32.elf" \
	'set $cr0 = 0x33' 'set $cr4 = 0x20' 'set $efer = 0x100' "${rb1[@]}" \
	'set $cr0 = 0x31' 'set $cr4 = 0' 'set $efer = 0' "${rb2[@]}" \
	'echo ==end\n' continue continue
wait_vmm 10
gdb_lacks "32-bit: a plain number is no \"Invalid cast.\" (efer too)" "Invalid cast"
gdb_lacks "32-bit: ... and KVM took every value" "Remote failure reply"
check_eq "32-bit: cr0 0x33, cr4 0x20, efer 0x100 read back, bits named" \
	"$(section other)" '$1 = 0x33
$2 = 0x20
$3 = 0x100
$4 = [ PE MP ET NE ]
$5 = [ PAE ]
$6 = [ LME ]'
check_eq "32-bit: cr0 0x31, cr4 0, efer 0 read back" \
	"$(section back)" '$7 = 0x31
$8 = 0x0
$9 = 0x0
$10 = [ PE ET NE ]
$11 = [ ]
$12 = [ ]'
gdb_has "32-bit: the guest runs to its end" "exited normally"
check_vmm_rc "32-bit: vmm exits 0" 0
check_vmm_out "32-bit: Hello, world!" 'Hello, world!\n'

done_testing
