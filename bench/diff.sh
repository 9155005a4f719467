#!/bin/bash
# bench/diff.sh - the differential test (tests/diff/) at length: COUNT
# random gdb sessions per guest (default 200) from SEED (default the
# date), with the count of sessions run and failed printed at the end.
#   VMM_BUILDDIR=... bench/diff.sh [COUNT] [SEED]
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
S=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-200}
seed=${2:-$(date +%Y%m%d)}
total=0 bad=0
start=$(date +%s)
for g in "$B"/tests/guests/diff_*.elf; do
	out=$(python3 "$S/tests/diff/differential.py" "$B/vmm" "${GDB:-gdb}" "$g" "$seed" "$count")
	n=$(echo "$out" | grep -c '^ok ')
	f=$(echo "$out" | grep -c '^not ok ')
	echo "$out" | grep -A40 '^not ok ' | head -200
	echo "diff: ${g##*/}: seed $seed: $((n + f)) sessions, $f differed"
	total=$((total + n + f)) bad=$((bad + f))
done
echo "diff: $total random gdb sessions in $(( $(date +%s) - start )) s, $bad differed from the run without gdb"
[ "$bad" -eq 0 ]
