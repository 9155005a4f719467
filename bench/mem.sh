#!/bin/bash
# bench/mem.sh - how long one "monitor mem" takes on tables built to cost
# a lister the most: tests/guests/hostile_ptwide.S (its whole lower half
# shares one PDPT, PD and an empty PT), and the same with gdb making the
# upper half (PML4[256..510]) as wide, so that both halves read their
# whole budget. The time is gdb's round trip for the command (python's
# clock around gdb.execute), best, median and worst of BENCH_RUNS (20).
# Run it with VMM=/path/to/other/vmm to compare another build.
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VMM=${VMM:-$B/vmm}
runs=${BENCH_RUNS:-20}
guest="$B/tests/guests/hostile_ptwide.elf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure LABEL GDB-CMD...: the figures for "monitor mem" after them.
measure() {
	local label=$1 pid args=() c
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	rm -f "$tmp/s"
	"$VMM" --wait-gdb --gdb="unix:$tmp/s" "$guest" >/dev/null 2>&1 &
	pid=$!
	while [ ! -S "$tmp/s" ]; do sleep 0.01; done
	gdb -batch -nx -q "$guest" -ex "target remote $tmp/s" \
		-ex 'break tables_loaded' -ex continue "${args[@]}" -ex "python
import time
ts = []
for i in range($runs):
    t = time.time()
    gdb.execute('monitor mem', to_string=True)
    ts.append(time.time() - t)
ts.sort()
print('$label: best %.1f ms, median %.1f ms, worst %.1f ms (%d runs)' %
      (ts[0] * 1e3, ts[len(ts) // 2] * 1e3, ts[-1] * 1e3, len(ts)))
" -ex kill 2>/dev/null | grep ' ms, '
	wait "$pid" 2>/dev/null
}

measure "monitor mem, lower half wide"
measure "monitor mem, both halves wide" \
	'python [gdb.execute("set *(long *)%d = 0x11003" % (0x10000 + 8 * i)) for i in range(256, 511)]'
