#!/bin/bash
# The long-mode session a student runs first (issue 4):
#   ./vmm --wait-gdb guest/hello64.elf, then gdb as vmm says:
# break main, continue, next through every line of main watching 0x400
# turn from 0 to 42 after the store, the control registers of long mode,
# the monitor commands, and continuing past the final HLT to the exit.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

SRC="$VMM_SRCDIR/guest/hello.c"

# next until the pc leaves main, showing 0x400 after every step; the
# bound keeps a stepping bug from looping forever.
cat >"$TMP/next.gdb" <<'GDB'
echo ==loop\n
set $n = 0
while $n < 200 && $_any_caller_is("main", 0)
  next
  x/gx 0x400
  set $n = $n + 1
end
echo ==end\n
GDB

start_vmm -v --wait-gdb "$GUESTS/hello64.elf" || { not_ok "vmm listens"; done_testing; exit; }

case "$(host_module)" in
kvm_pvm) want="vmm: strategy: breakpoints: patched HLT" ;;
kvm_intel | kvm_amd) want="vmm: strategy: breakpoints: int3" ;;
*) want="vmm: strategy: breakpoints: " ;;
esac
vmm_has "-v names the breakpoint strategy for $(host_module)" "$want"
vmm_has "vmm tells the student how to start gdb" "waiting for gdb: gdb "

run_gdb_hint 'break main' 'continue' 'x/gx 0x400' \
	'info registers rip cr0 cr3 cr4 efer' \
	'echo ==help\n' 'monitor help' \
	'echo ==regs\n' 'monitor regs' \
	'echo ==walk\n' 'monitor walk 0x400' \
	'echo ==nope\n' 'monitor walk nope' \
	"source $TMP/next.gdb" \
	'echo ==halt\n' 'continue' 'echo ==exit\n' 'continue'
cp "$TMP/gdb.out" "$TMP/session.out"
wait_vmm 10

# Sections of gdb's output, between the echo markers.
section() { sed -n "/^==$1\$/,/^==/p" "$TMP/session.out" | sed '1d;$d'; }
sed -n '1,/^==help$/p' "$TMP/session.out" >"$TMP/start.out"

gdb_match "break main; continue stops at main" '^Breakpoint 1, main \(\) at .*hello\.c:[0-9]+' "$TMP/start.out"
gdb_match "x/gx 0x400 is 0 before the store" $'^0x400:\t0x0000000000000000$' "$TMP/start.out"
gdb_match "info registers rip: at main" '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <main>$' "$TMP/start.out"
gdb_match "cr0 0x80050033 [ PE MP ET NE WP AM PG ]" '^cr0 +0x80050033 +\[ PE MP ET NE WP AM PG \]$' "$TMP/start.out"
gdb_match "cr3 0x1fe000 (the PML4)" '^cr3 +0x1fe000 ' "$TMP/start.out"
gdb_match "cr4 0x20 [ PAE ]" '^cr4 +0x20 +\[ PAE \]$' "$TMP/start.out"
gdb_match "efer 0x500 [ LME LMA ]" '^efer +0x500 +\[ LME LMA \]$' "$TMP/start.out"

# monitor
section help >"$TMP/help.out"
gdb_has "monitor help lists the commands" "vmm monitor commands:" "$TMP/help.out"
for c in regs walk; do
	gdb_match "monitor help lists $c" "^  $c( |$)" "$TMP/help.out"
done
section regs >"$TMP/regs.out"
gdb_has "monitor regs: the mode" "mode long mode" "$TMP/regs.out"
gdb_match "monitor regs: cr0 decoded" '^cr0 +0x80050033 \[ PE MP ET NE WP AM PG \]' "$TMP/regs.out"
gdb_match "monitor regs: efer decoded" '^efer +0x500 \[ LME LMA \]' "$TMP/regs.out"
gdb_match "monitor regs: cs is a 64-bit code segment" '^cs +0x0008 .*L\(64-bit\)' "$TMP/regs.out"
section walk | grep -v '^$' >"$TMP/walk.out"
levels=$(grep -oE '^(PML4|PDPT|PD|PT)\[' "$TMP/walk.out" | tr -d '[' | tr '\n' ' ')
check_eq "monitor walk 0x400: three levels, PML4 PDPT PD" "$levels" "PML4 PDPT PD " "$TMP/walk.out"
grep -v "^host: " "$TMP/walk.out" | tail -1 >"$TMP/walk.last"	# the page-table walk's last level
gdb_match "monitor walk 0x400 ends in GPA 0x400" 'GPA 0x400($|;| )' "$TMP/walk.last"
section nope >"$TMP/nope.out"
gdb_match "monitor walk nope: a usage: line" '^usage: walk ' "$TMP/nope.out"

# next through main. The statement lines of main, from the source.
want_lines=""
for pat in 'for (p = ' 'outb(DEBUG_PORT' 'RESULT_ADDR = 42' 'return 42'; do
	want_lines+="$(grep -nF -- "$pat" "$SRC" | grep -v '^[0-9]*:#' | head -1 | cut -d: -f1) "
done
store_line=$(grep -nF 'RESULT_ADDR = 42' "$SRC" | grep -v ':#' | cut -d: -f1)
out_line=$(grep -nF 'outb(DEBUG_PORT' "$SRC" | cut -d: -f1)
section loop >"$TMP/loop.out"
shown=$(grep -oE $'^[0-9]+\t' "$TMP/loop.out" | tr -d '\t')
for l in $want_lines; do
	if printf '%s\n' "$shown" | grep -qx "$l"; then ok "next shows line $l of main"
	else not_ok "next never showed line $l of main ($(sed -n "${l}p" "$SRC" | tr -s '\t ' ' '))"; gdb_show "$TMP/loop.out"; fi
done
check_eq "next shows the outb line once per character (14)" \
	"$(printf '%s\n' "$shown" | grep -cx "$out_line")" 14 "$TMP/loop.out"
stray=$(printf '%s\n' "$shown" | grep -vxE "$(echo $want_lines | tr ' ' '|')" | sort -u | tr '\n' ' ')
check_eq "next shows no line outside main's statements" "$stray" "" "$TMP/loop.out"
gdb_match "next leaves main for _start" 'in _start \(\)' "$TMP/loop.out"
# Each step: the line shown (not yet run), then 0x400. 42 exactly when the
# store's line has been shown before, i.e. has run.
verdict=$(awk -v store="$store_line" '
	/^[0-9]+\t/ { line = $1 + 0; next }
	/ in _start \(\)/ { line = -1; next }
	/^0x400:/ {
		want = ran ? "0x000000000000002a" : "0x0000000000000000"
		if ($2 != want) { print "after line " prev " ran, 0x400 = " $2 ", expected " want; bad = 1 }
		if (line == store) ran = 1
		prev = line
		n++
	}
	END { if (!bad) print (ran ? "ok " n : "store never shown") }' "$TMP/loop.out")
if [[ $verdict == ok* ]]; then ok "x/gx 0x400: 0 until the store runs, 42 after"
else not_ok "x/gx 0x400: 0 until the store runs, 42 after: $verdict"; gdb_show "$TMP/loop.out"; fi
tail -2 "$TMP/loop.out" >"$TMP/loop.last"
gdb_match "x/gx 0x400 is 42 after main" $'^0x400:\t0x000000000000002a$' "$TMP/loop.last"

# Past the HLT.
section halt >"$TMP/halt.out"
gdb_has "continue stops at the final HLT, and vmm says so" "the guest halted" "$TMP/halt.out"
sed -n '/^==exit$/,$p' "$TMP/session.out" >"$TMP/exit.out"
gdb_match "continuing past the HLT: gdb reports the exit" '^\[Inferior 1 \(.*\) exited normally\]$' "$TMP/exit.out"
check_vmm_rc "vmm exits 0" 0
check_vmm_out "vmm's stdout is the guest's greeting" 'Hello, world!\n'
vmm_has "vmm judged the halt with gdb attached" "2 checks passed"

done_testing
