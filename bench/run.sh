#!/bin/bash
# bench/run.sh - boot-to-halt time and port-0xE9 throughput of vmm beside a
# minimal KVM program (bench/minimal_kvm.c) running the same guests, in the
# same run. Prints figures; asserts nothing. Run with `make bench`.
#   BENCH_BOOTS=N   boot-to-halt runs per program (default 300)
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
boots=${BENCH_BOOTS:-300}

now() { date +%s%N; }

# boot_time CMD...: mean wall time of CMD over $boots runs, in microseconds.
boot_time() {
	local t0 t1 i
	"$@" >/dev/null || { echo "bench: $* failed" >&2; exit 1; }
	t0=$(now)
	for ((i = 0; i < boots; i++)); do "$@" >/dev/null; done
	t1=$(now)
	echo $(((t1 - t0) / boots / 1000))
}

# throughput CMD...: MB/s of a guest writing 1 MiB (best of 3).
throughput() {
	local t0 t1 best=0 i mbs
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		mbs=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", 1048576 / (ns / 1e9) / 1e6 }')
		best=$(awk -v a="$best" -v b="$mbs" 'BEGIN { print (b > a) ? b : a }')
	done
	echo "$best"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done)"
v=$(boot_time "$B/vmm" -l)
m=$(boot_time "$B/bench/minimal_kvm" "$B/guest/hello64.elf")
echo "boot-to-halt (./vmm -l, whole process, mean of $boots): vmm ${v} us, minimal ${m} us, ratio $(ratio "$v" "$m")"

for g in flood flood_rep; do
	v=$(throughput "$B/vmm" "$B/bench/$g.elf")
	m=$(throughput "$B/bench/minimal_kvm" "$B/bench/$g.elf")
	what="one OUT per byte"
	[ $g = flood_rep ] && what="rep outsb, 4 KiB a batch"
	echo "port 0xE9 throughput (1 MiB, $what): vmm $v MB/s, minimal $m MB/s, ratio $(ratio "$v" "$m")"
done
