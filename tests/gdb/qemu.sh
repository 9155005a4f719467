#!/bin/bash
# QEMU's gdb extensions, which pwndbg and GEF look for (issue 18), through
# gdb's "maintenance packet": the single-step flags (qqemu.sstepbits,
# qqemu.sstep, Qqemu.sstep=) and physical memory mode (qqemu.PhyMemMode,
# Qqemu.PhyMemMode:1 and :0), with which m, M and X address guest-physical
# memory. QEMU documents them in docs/system/gdb.rst.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

# maint NAME PACKET WANT [N]: the N-th time (default 1) gdb sent PACKET,
# it printed received: "WANT".
maint() {
	local got
	got=$(awk -v p="sending: $2" -v n="${4:-1}" \
		'$0 == p && ++k == n { getline; print; exit }' "$TMP/gdb.out")
	check_eq "$1" "$got" "received: \"$3\""
}

# --- the single-step flags.
SEQ="$TGUESTS/gdb_stepseq.elf"
start_vmm --wait-gdb "$SEQ" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$SEQ" 'maintenance packet qqemu.Supported' \
	'maintenance packet qqemu.sstepbits' 'maintenance packet Qqemu.sstepbits' \
	'maintenance packet qqemu.sstep' \
	'maintenance packet Qqemu.sstep=0x5' 'maintenance packet qqemu.sstep' \
	'maintenance packet Qqemu.sstep=0x10' \
	'echo ==step\n' stepi 'x/i $pc' \
	'maintenance packet Qqemu.sstep=0x6' 'echo ==nostep\n' stepi \
	'echo ==end\n' continue
wait_vmm 10
maint "qqemu.Supported: QEMU's three commands" qqemu.Supported "sstepbits;sstep;PhyMemMode"
maint "qqemu.sstepbits: QEMU's names for the flags" qqemu.sstepbits "ENABLE=1,NOIRQ=2,NOTIMER=4"
maint "Qqemu.sstepbits (how pwndbg asks): the same" Qqemu.sstepbits "ENABLE=1,NOIRQ=2,NOTIMER=4"
maint "qqemu.sstep: 0x7 at first, as in QEMU" qqemu.sstep "0x7"
maint "Qqemu.sstep=0x5: accepted" Qqemu.sstep=0x5 "OK"
maint "... and read back" qqemu.sstep "0x5" 2
maint "Qqemu.sstep=0x10, a bit QEMU does not define: E16" Qqemu.sstep=0x10 "E16"
sed -n '/^==step$/,/^==nostep$/p' "$TMP/gdb.out" >"$TMP/step.out"
gdb_match "with ENABLE set (0x5), stepi steps one instruction, to s0" '^=> 0x[0-9a-f]+ <s0>:' "$TMP/step.out"
sed -n '/^==nostep$/,/^==end$/p' "$TMP/gdb.out" >"$TMP/nostep.out"
gdb_has "with ENABLE clear (0x6), stepi runs on like continue, to the HLT" "the guest halted" "$TMP/nostep.out"
check_vmm_out "... across the OUT: its byte, once" 'S'

# --- physical memory mode. In long mode vmm maps the first 2 MiB 1:1
# (PD at 0x1fc000), so virtual and physical addresses agree until gdb,
# in physical mode, writes a second PD entry: GVA 2 MiB -> GPA 0, a
# 2 MiB page (P RW PS). Then GVA 0x200400 is GPA 0x400 -- and, in
# physical mode, 0x200400 is past the end of RAM.
ELF="$GUESTS/hello64.elf"
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" 'maintenance packet qqemu.PhyMemMode' \
	'set var *(long *)0x400 = 0x1122334455667788' \
	'echo ==unmapped\n' 'x/gx 0x200400' \
	'maintenance packet Qqemu.PhyMemMode:1' 'maintenance packet qqemu.PhyMemMode' \
	'echo ==pd\n' 'x/gx 0x1fc000' 'set var *(long *)0x1fc008 = 0x83' 'x/gx 0x1fc008' \
	'echo ==physpast\n' 'x/gx 0x200400' 'set var *(short *)0x200402 = 1' \
	'echo ==physwrite\n' 'set var *(short *)0x402 = 0x4242' \
	'maintenance packet Qqemu.PhyMemMode:0' 'maintenance packet qqemu.PhyMemMode' \
	'echo ==alias\n' 'x/gx 0x200400' 'x/gx 0x400' \
	'echo ==mon\n' 'monitor walk 0x200400' \
	'echo ==end\n' 'set var *(long *)0x1fc008 = 0' detach
wait_vmm 10
section() { sed -n "/^==$1\$/,/^==/p" "$TMP/gdb.out" | sed '1d;$d'; }
# sec NAME: the section in a file of its own (the nested image has no
# /dev/fd for process substitution).
sec() { section "$1" >"$TMP/sec.$1"; echo "$TMP/sec.$1"; }
maint "qqemu.PhyMemMode: 0 (virtual) at first" qqemu.PhyMemMode "0"
gdb_match "virtual mode: GVA 0x200400 is not mapped" 'Cannot access memory at address 0x200400' "$(sec unmapped)"
maint "Qqemu.PhyMemMode:1: OK" "Qqemu.PhyMemMode:1" "OK"
maint "... and qqemu.PhyMemMode reads 1" qqemu.PhyMemMode "1" 2
pde=$(section pd | sed -n 's/^0x1fc000:\t\(0x[0-9a-f]*\)$/\1/p')
if [ -n "$pde" ] && (( (pde & 0x81) == 0x81 && (pde & ~0xfff & 0xffffffffff000) == 0 )); then
	ok "physical mode: GPA 0x1fc000, the PD, maps page 0 as 2 MiB (PDE $pde)"
else not_ok "physical mode: PD entry 0 at GPA 0x1fc000 is ${pde:-(not shown)}"; gdb_show; fi
gdb_match "... a written PD entry reads back" $'^0x1fc008:\t0x0000000000000083$' "$(sec pd)"
gdb_match "physical mode: 0x200400 is past the 2 MiB of RAM, an error -- though mapped virtually now" 'Cannot access memory at address 0x200400' "$(sec physpast)"
gdb_match "... and so is a write there" 'Cannot access memory at address 0x200402' "$(sec physpast)"
maint "Qqemu.PhyMemMode:0: back to virtual (reads 0)" qqemu.PhyMemMode "0" 3
gdb_match "virtual mode: GVA 0x200400 now reads GPA 0x400, with the physical write in it" \
	$'^0x200400:\t0x1122334442427788$' "$(sec alias)"
gdb_match "... the same bytes as GVA 0x400" $'^0x400:\t0x1122334442427788$' "$(sec alias)"
gdb_match "monitor walk agrees: GVA 0x200400 -> GPA 0x400" 'GPA 0x400($|;| )' "$(sec mon)"
check_vmm_rc "detach: the guest runs on, vmm exits 0" 0

done_testing
