#!/bin/bash
# bench/watch.sh - what one write watchpoint costs: the hello guest run to
# its end under gdb with no watchpoint and with `watch *(long *)0x400`
# (page protection on kvm_pvm, a debug register elsewhere): vmm started,
# gdb attached, run to the final HLT (with the watchpoint: one stop at the
# store, Old/New value, continue). Prints figures.
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
runs=${BENCH_RUNS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }

# session GUEST GDB-CMDS...: one vmm + gdb session to the end, in ms.
session() {
	local guest=$1 t0 t1 args=() c pid
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	rm -f "$tmp/s"
	"$B/vmm" --wait-gdb --gdb="unix:$tmp/s" "$guest" >/dev/null 2>&1 &
	pid=$!
	while [ ! -S "$tmp/s" ]; do sleep 0.01; done
	t0=$(now)
	gdb -batch -nx -q "$guest" -ex "target remote $tmp/s" "${args[@]}" \
		-ex continue >/dev/null 2>&1
	wait "$pid"
	t1=$(now)
	echo $(((t1 - t0) / 1000000))
}

mean() {
	local total=0 i
	for ((i = 0; i < runs; i++)); do total=$((total + $("$@"))); done
	echo $((total / runs))
}

h="$B/guest/hello64.elf"
none=$(mean session "$h")
one=$(mean session "$h" 'watch *(long *)0x400')
echo "hello guest under gdb to the end (mean of $runs): no watchpoint ${none} ms, one write watchpoint ${one} ms"
