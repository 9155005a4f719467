#!/bin/bash
# Breakpoints: six software breakpoints at once, each hit once and in
# order; while stopped, memory at a breakpoint shows the guest's own byte,
# not the patch (0xf4 HLT or 0xcc int3); hardware breakpoints (hbreak) stop
# at their address, all four debug registers, and a fifth is refused.
# tests/guests/gdb_six.S calls f1..f6 in order; each adds to rbx, so rbx
# at fN says which functions have run: 0 1 3 6 10 15, and 21 at the end.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

ELF="$TGUESTS/gdb_six.elf"
# The first byte of f1..f6 (see the comments in gdb_six.S).
orig="0xbb 0x48 0x90 0x50 0x31 0x48"

# stops FILE: "N fK" for each "Breakpoint N, fK ()" line, in order.
stops() { sed -n 's/^Breakpoint \([0-9]*\), \(f[0-9]\) ().*/\1 \2/p' "$1" | tr '\n' ' '; }
# rbxs FILE: the value of each "rbx=N" line gdb printed.
rbxs() { sed -n 's/^rbx=//p' "$1" | tr '\n' ' '; }
# bytes FILE TAG: the bytes of the "TAG f1 ... f6" line.
bytes() { sed -n "s/^$2 //p" "$1" | head -1; }

# show_bytes TAG: a printf that prints "TAG 0xNN ... 0xNN", f1..f6.
show_bytes() {
	local f fmt="$1" args=""
	for f in f1 f2 f3 f4 f5 f6; do fmt+=" 0x%02x"; args+=", *(unsigned char *)$f"; done
	echo "printf \"$fmt\\n\"$args"
}

for mode in default always-inserted; do
	cmds=()
	[ $mode = always-inserted ] && cmds+=('set breakpoint always-inserted on')
	for f in f1 f2 f3 f4 f5 f6; do cmds+=("break $f"); done
	for i in 1 2 3 4 5 6; do
		cmds+=(continue 'printf "rbx=%lu\n", $rbx')
		if [ $i = 1 ]; then
			cmds+=("$(show_bytes at-f1)" 'echo ==x\n')
			for f in f1 f2 f3 f4 f5 f6; do cmds+=("x/bx $f"); done
			cmds+=('echo ==end\n')
		fi
		[ $i = 4 ] && cmds+=("$(show_bytes at-f4)")
	done
	cmds+=(continue 'printf "rbx=%lu\n", $rbx' continue)
	start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
	run_gdb "$ELF" "${cmds[@]}"
	cp "$TMP/gdb.out" "$TMP/six-$mode.out"
	wait_vmm 10
	check_eq "$mode: six breakpoints hit once each, in order" "$(stops "$TMP/gdb.out")" "1 f1 2 f2 3 f3 4 f4 5 f5 6 f6 "
	check_eq "$mode: rbx at each stop says f1..f6 each ran once" "$(rbxs "$TMP/gdb.out")" "0 1 3 6 10 15 21 "
	check_eq "$mode: stopped at f1, every breakpoint address holds its own byte" "$(bytes "$TMP/gdb.out" at-f1)" "$orig"
	check_eq "$mode: stopped at f4, likewise" "$(bytes "$TMP/gdb.out" at-f4)" "$orig"
	xb=$(sed -n '/^==x$/,/^==end$/p' "$TMP/gdb.out" | sed -n 's/^0x[0-9a-f]* <f[0-9]>:\t//p' | tr '\n' ' ')
	check_eq "$mode: x/bx on each breakpoint address shows the original byte" "$xb" "$orig "
	gdb_match "$mode: the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
	check_vmm_rc "$mode: vmm exits 0" 0
done

# hbreak: the four debug registers, each stopping at its address.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
cmds=()
for f in f2 f4 f5 f6; do cmds+=("hbreak $f"); done
for f in f2 f4 f5 f6; do cmds+=(continue 'printf "rbx=%lu\n", $rbx' 'x/i $pc'); done
run_gdb "$ELF" "${cmds[@]}" continue continue
wait_vmm 10
gdb_match "hbreak: gdb took a hardware breakpoint" '^Hardware assisted breakpoint 1 at 0x[0-9a-f]+: file'
hits=$(sed -n 's/^=> 0x[0-9a-f]* <\([^>]*\)>:.*/\1/p' "$TMP/gdb.out" | tr '\n' ' ')
check_eq "four hbreaks: the pc is at each address in turn" "$hits" "f2 f4 f5 f6 "
check_eq "four hbreaks: each stopped before its function ran" "$(rbxs "$TMP/gdb.out")" "1 6 10 15 "
gdb_match "four hbreaks: the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "vmm exits 0" 0

# A fifth hardware breakpoint: gdb says it cannot insert it; deleting one
# lets the session go on.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
cmds=()
for f in f1 f2 f3 f4 f5; do cmds+=("hbreak $f"); done
run_gdb "$ELF" "${cmds[@]}" continue 'p $pc' 'delete 5' continue 'x/i $pc' \
	'delete' continue continue
wait_vmm 10
gdb_has "a fifth hbreak is refused" "Could not insert hardware breakpoints"
gdb_match "after deleting one, continue stops at the first" '^=> 0x[0-9a-f]+ <f1>:'
gdb_match "... and the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "vmm exits 0" 0

done_testing
