#!/bin/bash
# Reverse execution (issue 16, doc/reverse.md): stock gdb's reverse-stepi,
# reverse-continue, reverse-finish and reverse-next against vmm's recorded
# history. tests/guests/reverse.S changes registers and memory at (nearly)
# every step and calls bump(), which increments `counter`, 200 times.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

REV="$TGUESTS/reverse.elf"
SRC="$VMM_SRCDIR/tests/guests/reverse.S"
line_of() { grep -n "line: $1" "$SRC" | cut -d: -f1; }
CALL=$(line_of call)
AFTER=$(line_of after)
counters() { sed -n 's/^counter=//p' "$1" | tr '\n' ' '; }
CTR='printf "counter=%ld\n", *(long *)&counter'

# 1. N steps forward, N back: every register and the hash of all RAM
# equal the forward pass's at each point.
N=1100
start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; done_testing; exit; }
gdb_args "set \$n = $N" "source $VMM_SRCDIR/tests/gdb/reverse_steps.py" \
	'monitor record status' kill
# 2N stops and N re-executions: more than run_gdb's minute on a slow host
timeout -k 5 "$(scaled 600)" "$GDB" -batch -nx -q "$REV" -ex "target remote $SOCK" \
	"${gdb_argv[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
stop_vmm
gdb_has "$N reverse-stepi: every point's registers and RAM hash match the forward pass" \
	"checked $N points, 0 differ"
ram=$(sed -n "s/^ram changed in \([0-9]*\) of $N steps, registers in \([0-9]*\)$/\1 \2/p" "$TMP/gdb.out")
if [ -n "$ram" ] && [ "${ram% *}" -ge $((N * 3 / 4)) ] && [ "${ram#* }" -eq $N ]; then
	ok "the guest's registers changed at every one of the $N steps, its RAM at ${ram% *}"
else
	not_ok "registers and RAM changed at ${ram:-?} of the $N steps (expected every step, at least 3 in 4)"; gdb_show
fi
gdb_match "monitor record status: the history holds the $N steps" "^history: steps 0 to $N \($N instructions\); at step 0 \(replaying\)$"

# 1b. Continues run at full speed, their steps counted only when gdb
# goes back over them: the step before bump's 7th call, reached by
# reverse-stepi after 7 continues, is the one single-stepping from the
# start finds (same step count, registers and RAM), and reverse-continue
# comes back to each earlier hit as it was.
HITS=7
free_run() {	# MODE OUT
	start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; return 1; }
	gdb_args "set \$hits = $HITS" "set \$mode = $1" \
		"source $VMM_SRCDIR/tests/gdb/reverse_free.py" kill
	timeout -k 5 "$(scaled 300)" "$GDB" -batch -nx -q "$REV" -ex "target remote $SOCK" \
		"${gdb_argv[@]}" >"$2" 2>&1 </dev/null
	stop_vmm
}
free_run 0 "$TMP/truth.out"
free_run 1 "$TMP/free.out"
line() { sed -n "s/^$1: //p" "$2"; }
nostep() { sed -n "s/^$1: step [0-9]* //p" "$2"; }	# counts not yet known
for what in before at; do
	t=$(nostep "$what" "$TMP/truth.out") f=$(nostep "$what" "$TMP/free.out")
	if [ -n "$t" ] && [ "$t" = "$f" ]; then
		ok "after $HITS continues, reverse-stepi and stepi: '$what' bump's call, registers and RAM as single-stepping found"
	else
		not_ok "after $HITS continues, '$what' bump's call differs from single-stepping"
		echo "#   stepped:   ${t:0:120}"; echo "#   continued: ${f:0:120}"
	fi
done
t=$(line at "$TMP/truth.out") f=$(line again "$TMP/free.out")
if [ -n "$t" ] && [ "$t" = "$f" ]; then
	ok "back over every continue and forward again: bump's call $HITS at ${t%% ram*}, as single-stepping counted"
else
	not_ok "back over every continue and forward again: not as single-stepping found"
	echo "#   stepped:   ${t:0:120}"; echo "#   continued: ${f:0:120}"
fi
same=0
for i in $(seq 1 $((HITS - 1))); do
	[ -n "$(nostep "hit $i" "$TMP/free.out")" ] &&
	[ "$(nostep "hit $i" "$TMP/free.out")" = "$(nostep "back $i" "$TMP/free.out")" ] &&
		same=$((same + 1))
done
check_eq "reverse-continue back over $((HITS - 1)) continues: each hit as it was the first time" \
	"$same" "$((HITS - 1))"
gdb_match "monitor record status: every continue gone back over was counted" \
	"^restores: [0-9]+, steps re-executed: [0-9]+, continues counted: $HITS\$" "$TMP/free.out"

# A continue longer than the history's limit cannot be counted: the
# history then begins where it stopped, and gdb hears why.
start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$REV" 'monitor record limit 5' 'break bump' continue 'echo ==back\n' \
	reverse-stepi 'p $pc' stepi 'reverse-stepi' 'p $pc' kill
stop_vmm
sed -n '/^==back$/,$p' "$TMP/gdb.out" >"$TMP/back.out"
gdb_has "a continue past the history's limit: reverse-stepi says the steps could not be counted" \
	"its steps could not be counted (it ran more than 5 instructions" "$TMP/back.out"
gdb_has "... gdb: no more history" "No more reverse-execution history." "$TMP/back.out"
set -- $(sed -n 's/^\$[0-9]* = .* <\(.*\)>$/\1/p' "$TMP/back.out")
check_eq "... the guest stays in bump, and a step after it is undone" "${1:-} ${2:-}" "bump bump"

# 2. reverse-continue to a breakpoint hit several times, then to the
# start of history.
start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$REV" 'break bump' continue continue continue continue "$CTR" \
	'echo ==back\n' reverse-continue "$CTR" reverse-continue "$CTR" \
	reverse-continue "$CTR" 'echo ==start\n' reverse-continue 'p $pc' "$CTR" \
	'echo ==again\n' continue "$CTR" kill
stop_vmm
sed -n '/^==back$/,/^==start$/p' "$TMP/gdb.out" >"$TMP/back.out"
check_eq "reverse-continue stops at each earlier hit of bump: counter 2, 1, 0" \
	"$(grep -c '^Breakpoint 1, bump ()' "$TMP/back.out") $(counters "$TMP/back.out")" \
	"3 2 1 0 "
sed -n '/^==start$/,/^==again$/p' "$TMP/gdb.out" >"$TMP/start.out"
gdb_has "reverse-continue past the first hit: gdb says the history ran out" \
	"No more reverse-execution history." "$TMP/start.out"
gdb_match "... at the first instruction, _start" '^\$1 = .* <_start>$' "$TMP/start.out"
sed -n '/^==again$/,$p' "$TMP/gdb.out" >"$TMP/again.out"
gdb_match "continue from the start replays to bump's first hit (counter 0)" \
	'^counter=0$' "$TMP/again.out"

# 3. A write watchpoint, backwards: gdb's Old and New values, stopped at
# the write; reverse-finish out of bump; reverse-next over the call.
start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$REV" 'break bump' continue continue continue continue delete \
	'watch *(long *)&counter' 'echo ==watch\n' reverse-continue 'x/i $pc' \
	delete 'echo ==finish\n' stepi reverse-finish 'p $pc' "$CTR" \
	"break $AFTER" continue delete 'echo ==next\n' "$CTR" reverse-next \
	'p $pc' "$CTR" kill
stop_vmm
sed -n '/^==watch$/,/^==finish$/p' "$TMP/gdb.out" >"$TMP/watch.out"
gdb_has "reverse-continue to a write watchpoint: Old value is the later one" \
	"Old value = 3" "$TMP/watch.out"
gdb_has "... New value the earlier one" "New value = 2" "$TMP/watch.out"
gdb_match "... stopped on the write itself" '^=> 0x[0-9a-f]* <bump>:[[:space:]]+incq' "$TMP/watch.out"
sed -n '/^==finish$/,/^==next$/p' "$TMP/gdb.out" >"$TMP/finish.out"
# the watch stopped before bump's third increment (counter 2); a stepi
# does it, reverse-finish undoes it
gdb_match "reverse-finish out of bump: its increment undone (counter 2)" '^counter=2$' "$TMP/finish.out"
# (no process substitution: the nested image has no /dev/fd)
"$GDB" -batch -nx -q "$REV" -ex "info line $CALL" >"$TMP/line.out" 2>/dev/null
want=$(printf '0x%x' "$(( $(sed -n 's/^Line '"$CALL"' of .* starts at address \(0x[0-9a-f]*\).*/\1/p' "$TMP/line.out") ))")
gdb_match "... and stops on the call instruction" "^\\\$1 = .* $want <_start\\+[0-9]+>\$" "$TMP/finish.out"
sed -n '/^==next$/,$p' "$TMP/gdb.out" >"$TMP/next.out"
check_eq "reverse-next from after the call: back on the call's line, bump undone (counter 3, then 2)" \
	"$(grep -c "^$CALL[[:space:]]" "$TMP/next.out") $(counters "$TMP/next.out")" \
	"1 3 2 "
gdb_match "... on the call instruction" "^\\\$2 = .* $want <_start\\+[0-9]+>\$" "$TMP/next.out"

# 4. From a triple-fault stop, reverse-stepi lands on the faulting ud2,
# and forward again faults again; the output is printed once.
TRIPLE="$TGUESTS/triple.elf"
start_vmm --wait-gdb "$TRIPLE" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$TRIPLE" continue 'echo ==back\n' reverse-stepi 'x/i $pc' 'p/x $rbx' \
	'echo ==fwd\n' stepi 'echo ==end\n' continue
wait_vmm 10
gdb_has "the triple fault is a stop gdb sees" "SIGSEGV" 
sed -n '/^==back$/,/^==fwd$/p' "$TMP/gdb.out" >"$TMP/back.out"
gdb_match "reverse-stepi from the triple fault: on the faulting ud2" '^=> 0x[0-9a-f]* <_start\+[0-9]+>:[[:space:]]+ud2' "$TMP/back.out"
gdb_match "... with the registers of before it (rbx 0x1234)" '^\$1 = 0x1234$' "$TMP/back.out"
sed -n '/^==fwd$/,/^==end$/p' "$TMP/gdb.out" >"$TMP/fwd.out"
gdb_has "stepi forward again: the same fault" "SIGSEGV" "$TMP/fwd.out"
check_vmm_out "the guest's output was printed once" 'boom\n'

# 5. The hello guest, back and forth across its whole output: printed
# exactly once, and the run ends as usual.
H="$GUESTS/hello64.elf"
start_vmm --wait-gdb "$H" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$H" 'break main' continue continue 'echo ==back\n' reverse-continue \
	continue 'reverse-stepi 40' 'stepi 25' reverse-continue 'next 3' \
	'reverse-next 2' delete 'echo ==end\n' continue continue
wait_vmm 10
sed -n '/^==back$/,/^==end$/p' "$TMP/gdb.out" >"$TMP/back.out"
check_eq "reverse-continue from the halt stops at main twice" \
	"$(grep -c '^Breakpoint 1, main ()' "$TMP/back.out")" 2
check_vmm_out "back and forth over the output: Hello, world! printed once" 'Hello, world!\n'
check_vmm_rc "the run ends with the guest's checks passed" 0

# 6. monitor record off: no history, and gdb hears why; on again: a
# history that starts there.
start_vmm --wait-gdb "$REV" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$REV" 'monitor record off' 'stepi 5' 'p $pc' 'echo ==off\n' reverse-stepi \
	'p $pc' 'echo ==on\n' 'monitor record on' stepi 'p $pc' 'stepi 2' \
	'reverse-stepi 2' 'p $pc' reverse-stepi 'p $pc' 'echo ==start\n' reverse-stepi 'p $pc' kill
stop_vmm
pcs() { sed -n 's/^\$[0-9]* = .* <\(.*\)>$/\1/p' "$TMP/gdb.out" | tr '\n' ' '; }
gdb_has "monitor record off: vmm says so" "recording off"
gdb_has "reverse-stepi with recording off: vmm explains" "recording is off: there is no history"
set -- $(pcs)
check_eq "... and the guest stays where it was" "${2:-}" "${1:-}"
check_eq "recording on again: stepi 2, reverse-stepi 2 come back" "${4:-}" "${3:-}"
check_eq "... and one more step back is where recording began" "${5:-}" "${1:-}"
sed -n '/^==start$/,$p' "$TMP/gdb.out" >"$TMP/start.out"
gdb_has "... before which there is no history" "No more reverse-execution history." "$TMP/start.out"

done_testing
