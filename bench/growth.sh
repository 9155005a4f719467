#!/bin/bash
# bench/growth.sh - costs that grow with the guest. Prints figures;
# asserts nothing.
#   monitor mem and --walk on 1 GiB mapped with 4 KiB pages (bench/pt4k.S:
#     262,144 page-table entries), times taken inside gdb / around vmm;
#   a write watchpoint on a variable sharing its page with the stack of a
#     loop of 1,000,000 calls (bench/watch_stack.S), against the same loop
#     unwatched, both under gdb (page protection exits on every push where
#     debug registers never fire);
#   boot-to-halt with -m 1G beside the minimal program given 1 GiB, and
#     both at 2 MiB, interleaved, mean of BENCH_BOOTS (default 100).
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
GDB=${GDB:-gdb}
boots=${BENCH_BOOTS:-100}
PT="$B/bench/pt4k.elf"
WS="$B/bench/watch_stack.elf"
for f in "$PT" "$WS" "$B/bench/minimal_kvm"; do
	[ -e "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 1; }
done
. "$(dirname "$0")/lib.sh"

# vmm_session ELF VMM-ARGS -- GDB-CMDS...: vmm waiting on a Unix socket,
# gdb -batch (bench/lib.sh); gdb's output in $TMP/gdb.out.
vmm_session() {
	local elf=$1 vargs=()
	shift
	while [ "$1" != -- ]; do vargs+=("$1"); shift; done
	shift
	start_target "$B/vmm" "${vargs[@]}" --gdb="unix:$TMP/s" --wait-gdb "$elf"
	gdb_session "$elf" "$@"
}
T0='python t0 = time.perf_counter()'
T1='python print("ELAPSED %.6f" % (time.perf_counter() - t0))'
# elapsed N: the Nth ELAPSED of the last session, in ms.
elapsed() { sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | sed -n "${1}p" | awk '{ printf "%.1f", $1 * 1000 }'; }
now() { echo "${EPOCHREALTIME/./}000"; }	# ns, from bash 5

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done)"

# 1. monitor mem and monitor walk at the guest's HLT, its tables in place.
vmm_session "$PT" -m 1G -- 'break tables_done' continue stepi \
	"$T0" 'monitor mem' "$T1" "$T0" 'monitor walk 0x3ffff000' "$T1"
line=$(grep -m1 '4 KiB pages x' "$TMP/gdb.out")
early=$(grep -c 'stopped early' "$TMP/gdb.out")
echo "monitor mem, 1 GiB in 4 KiB pages: $(elapsed 1) ms for \"${line:-nothing listed}\"$([ "$early" -gt 0 ] && echo ' (stopped early)')"
echo "monitor walk 0x3ffff000 there: $(elapsed 2) ms"

# --walk: one address, then 16 (the most it takes) spread over the GiB,
# walked at the halt; the difference is what 15 walks cost, beside a run
# the guest's own table building makes seconds long.
best_run() {
	local i t0 t1 b=
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t1=$(now)
		b=$(( b && b < t1 - t0 ? b : t1 - t0 ))
	done
	echo $((b / 1000))
}
many=$(awk 'BEGIN { for (i = 0; i < 16; i++) printf "%s0x%x", i ? "," : "", i * 0x4000000 + 0x3ffffff }')
w1=$(best_run "$B/vmm" -m 1G --walk=0x3ffff000 "$PT")
wn=$(best_run "$B/vmm" -m 1G --walk="$many" "$PT")
awk -v a="$w1" -v b="$wn" 'BEGIN { printf "--walk, 1 GiB in 4 KiB pages: the run takes %.0f ms with 1 address, %.0f ms with 16 (best of 3): %.0f us for 15 more walks\n", a / 1000, b / 1000, b - a }'

# 2. The watchpoint on the stack's page.
vmm_session "$WS" -- "$T0" continue "$T1"
none=$(elapsed 1)
vmm_session "$WS" -v -- 'watch *(long *)&watched' "$T0" continue "$T1"
one=$(elapsed 1)
grep -q 'New value = 42' "$TMP/gdb.out" || echo "bench: the watchpoint did not report New value = 42" >&2
awk -v a="$none" -v b="$one" 'BEGIN {
	printf "watch on the stack'"'"'s page, 1,000,000 calls: unwatched %.0f ms, watched %.0f ms, %.1fx; %.1f us more per call (one push each)\n",
		a, b, b / a, (b - a) * 1000 / 1e6 }'
sed -n 's/^vmm: strategy: watchpoints: /  (watchpoints here: /p' "$TMP/target.err" | sed 's/$/)/' | head -1

# 3. Boot-to-halt with 1 GiB, interleaved with the minimal program.
declare -A sum
cmds=("vmm2M:$B/vmm -l" "vmm1G:$B/vmm -l -m 1G"
      "min2M:$B/bench/minimal_kvm $B/guest/hello64.elf"
      "min1G:$B/bench/minimal_kvm -m 1024 $B/guest/hello64.elf")
for ((i = 0; i < boots; i++)); do
	for c in "${cmds[@]}"; do
		k=${c%%:*}
		t0=${EPOCHREALTIME/./}
		${c#*:} >/dev/null
		t1=${EPOCHREALTIME/./}
		sum[$k]=$(( ${sum[$k]:-0} + t1 - t0 ))
	done
done
for k in vmm2M vmm1G min2M min1G; do eval "$k=$(( sum[$k] / boots ))"; done
echo "boot-to-halt with -m 1G (mean of $boots, interleaved): vmm $vmm1G us, minimal $min1G us, ratio $(awk -v a="$vmm1G" -v b="$min1G" 'BEGIN { printf "%.2f", a / b }'); at 2 MiB: vmm $vmm2M us, minimal $min2M us"
