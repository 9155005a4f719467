#!/bin/bash
# bench/reverse.sh - what reverse execution costs (doc/reverse.md). Prints
# figures; asserts nothing. Times are taken inside gdb (Python's
# perf_counter around the command).
#   stepi:     `stepi N` on bench/gdb_loop.S, steps/s, recording on / off
#   continue:  N continues to a breakpoint on tick, continues/s, on / off
#   free run:  bench/count.S run to its HLT (2 x 10^5 instructions),
#              instructions/s, on / off (on: a continue runs at full speed)
#   reverse-stepi: after 10^3, 10^5 and 10^6 instructions of history
#              (count.S continued to its HLT first): the first, which
#              counts the continue's steps, then the mean of 20
#   memory:    per checkpoint, from monitor record status, on count.S
#              (registers only) and tests/guests/reverse.S (pages too)
#   BENCH_STEPS=N (default 2000), BENCH_CONTS=N (default 300)
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
GDB=${GDB:-gdb}
steps=${BENCH_STEPS:-2000}
conts=${BENCH_CONTS:-300}
LOOP="$B/bench/gdb_loop.elf" COUNT="$B/bench/count.elf" REV="$B/tests/guests/reverse.elf"
for f in "$LOOP" "$COUNT" "$REV"; do
	[ -f "$f" ] || { echo "bench: $f is missing (make bench)" >&2; exit 1; }
done
command -v "$GDB" >/dev/null || { echo "bench: $GDB not found" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"

# session ELF CMDS...: a fresh vmm waiting for gdb, gdb -batch running
# CMDS (bench/lib.sh); gdb's output in $TMP/gdb.out.
session() {
	start_target "$B/vmm" --gdb="unix:$TMP/s" --wait-gdb "$1"
	gdb_session "$@"
}

# timed CMD: gdb prints "ELAPSED s" for CMD.
timed() {
	echo "python t = time.perf_counter(); gdb.execute('$1', to_string=True); print('ELAPSED %.6f' % (time.perf_counter() - t))"
}
elapsed() { sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | tail -1; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }'; }

for rec in on off; do
	session "$LOOP" "monitor record $rec" "$(timed "stepi $steps")"
	s=$(elapsed)
	printf 'stepi, recording %-3s  %8s steps/s (%d in %s s)\n' "$rec" "$(rate "$steps" "$s")" "$steps" "$s"
done
for rec in on off; do
	session "$LOOP" "monitor record $rec" 'break tick' continue \
		"python t = time.perf_counter()
for i in range($conts): gdb.execute('continue', to_string=True)
print('ELAPSED %.6f' % (time.perf_counter() - t))"
	s=$(elapsed)
	printf 'continue, recording %-3s %7s continues/s (%d in %s s)\n' "$rec" "$(rate "$conts" "$s")" "$conts" "$s"
done
for rec in on off; do
	session "$COUNT" "monitor record $rec" 'break go' continue delete 'set $rcx = 100000' \
		"$(timed continue)"
	s=$(elapsed)
	printf 'free run, recording %-3s %7s instructions/s (200,000 in %s s)\n' "$rec" "$(rate 200000 "$s")" "$s"
done
for n in 500 50000 500000; do
	session "$COUNT" 'break go' continue delete "set \$rcx = $n" continue \
		"$(timed reverse-stepi)" \
		"python t = time.perf_counter()
for i in range(20): gdb.execute('reverse-stepi', to_string=True)
print('ELAPSED %.6f' % ((time.perf_counter() - t) / 20))" 'monitor record status'
	first=$(sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | head -1)
	s=$(elapsed)
	h=$(sed -n 's/^history: steps [0-9]* to [0-9]* (\([0-9]*\) instructions.*/\1/p' "$TMP/gdb.out")
	printf 'reverse-stepi at %8s instructions of history: the first (counts the continue) %s ms, then %s ms\n' "$h" \
		"$(awk -v s="$first" 'BEGIN { printf "%.1f", s * 1000 }')" \
		"$(awk -v s="$s" 'BEGIN { printf "%.2f", s * 1000 }')"
	[ "$n" = 500000 ] && sed -n 's/^checkpoints: \([0-9]*\), every .* memory \([0-9.]*\) KiB.*/\1 \2/p' "$TMP/gdb.out" >"$TMP/mem.count"
done
session "$REV" 'monitor record on' continue reverse-stepi 'monitor record status'
sed -n 's/^checkpoints: \([0-9]*\), every .* memory \([0-9.]*\) KiB.*/\1 \2/p' "$TMP/gdb.out" >"$TMP/mem.rev"
for f in count rev; do
	read -r nck kib <"$TMP/mem.$f" || continue
	printf 'memory per checkpoint (%s): %s KiB (%s checkpoints, %s KiB; a copy of RAM besides)\n' \
		"$([ $f = count ] && echo "bench/count.S, registers only" || echo "tests/guests/reverse.S, its pages")" \
		"$(awk -v m="$kib" -v n="$nck" 'BEGIN { if (n) printf "%.2f", m / n; else print "?" }')" "$nck" "$kib"
done
