#!/bin/bash
# stepi lands on every instruction of a known sequence, in order, none
# skipped or repeated, across the exits that make single-stepping hard on
# some hosts (DESIGN.md): an OUT, an IN and the HLT. tests/guests/
# gdb_stepseq.S gives each instruction a label: _start s0 s1 ... s7.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

ELF="$TGUESTS/gdb_stepseq.elf"
seq="_start s0 s1 s2 s3 s4 s5 s6 s7"

# pcs FILE: the label of each "=> ADDR <label>:" line, in order.
pcs() { sed -n 's/^=> 0x[0-9a-f]* <\([^>]*\)>:.*/\1/p' "$1" | tr '\n' ' '; }

# From the first instruction: x/i $pc, then stepi and x/i $pc eight times.
cmds=('x/i $pc')
for l in $seq; do
	[ "$l" = _start ] && continue
	cmds+=(stepi 'x/i $pc')
	[ "$l" = s4 ] && cmds+=('p/x $al')	# the IN has run
done
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" "${cmds[@]}" 'echo ==end\n' continue
wait_vmm 10
check_eq "stepi visits each instruction once, in order" "$(pcs "$TMP/gdb.out")" "$seq "
gdb_match "after the IN from port 0xe9, al is 0xe9" '^\$1 = 0xe9$'
gdb_has "stepping the HLT: vmm says so" "the guest executed HLT"
gdb_match "continue after the HLT: the run ends" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "vmm exits 0" 0
check_vmm_out "the OUT's byte reaches stdout exactly once" 'S'

# The same sequence entered from a breakpoint on the OUT: continue, then
# stepi off the breakpoint and across the OUT and the IN.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" 'break s1' continue 'x/i $pc' stepi 'x/i $pc' stepi 'x/i $pc' \
	stepi 'x/i $pc' 'p/x $al' stepi 'x/i $pc' 'delete' continue continue
wait_vmm 10
gdb_match "break on the OUT: stops there" '^Breakpoint 1, s1 \(\)'
check_eq "from the breakpoint, stepi visits s1 s2 s3 s4 s5" "$(pcs "$TMP/gdb.out")" "s1 s2 s3 s4 s5 "
gdb_match "al is 0xe9 after the IN" '^\$1 = 0xe9$'
check_vmm_rc "vmm exits 0" 0
check_vmm_out "the OUT's byte reaches stdout exactly once" 'S'

# A hardware breakpoint on the IN, then stepi across it.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$ELF" 'hbreak s3' continue 'x/i $pc' stepi 'x/i $pc' 'p/x $al' \
	stepi 'x/i $pc' 'delete' continue continue
wait_vmm 10
check_eq "hbreak on the IN, then stepi: s3 s4 s5" "$(pcs "$TMP/gdb.out")" "s3 s4 s5 "
gdb_match "al is 0xe9 after the IN" '^\$1 = 0xe9$'
check_vmm_rc "vmm exits 0" 0
check_vmm_out "the OUT's byte reaches stdout exactly once" 'S'

done_testing
