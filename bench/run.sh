#!/bin/bash
# bench/run.sh - boot-to-halt time and port-0xE9 throughput of vmm beside a
# minimal KVM program (bench/minimal_kvm.c) running the same guests, in the
# same run, interleaved (one of each in turn, so a busy machine slows both
# alike). Prints figures; asserts nothing. Run with `make bench`.
#   BENCH_BOOTS=N   boot-to-halt runs per program (default 300)
#   BENCH_TRIES=N   runs per throughput figure, the best kept (default 3)
#   BENCH_BASELINE=VMM  also time another vmm binary (an older build) the
#                   same way, to show a change costs nothing
# Then the cost of --trace: to /dev/null, so it is the formatting and one
# write(2) per line, not the disk. The trace needs each OUT as an exit, so
# it is compared with --no-coalesce.
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
boots=${BENCH_BOOTS:-300}
tries=${BENCH_TRIES:-3}

# usecs CMD...: wall time of one run of CMD, in microseconds (bash 5's
# EPOCHREALTIME: no fork around the measurement).
usecs() {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0))
}
mbs() { awk -v us="$1" 'BEGIN { printf "%.3f", 1048576 / us }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done)"
"$B/vmm" -v "$B/guest/hello64.elf" 2>&1 >/dev/null | grep '^vmm: strategy: console:'

v=0 m=0
for ((i = 0; i < boots; i++)); do
	v=$((v + $(usecs "$B/vmm" -l)))
	m=$((m + $(usecs "$B/bench/minimal_kvm" "$B/guest/hello64.elf")))
done
v=$((v / boots)) m=$((m / boots))
echo "boot-to-halt (./vmm -l, whole process, mean of $boots): vmm ${v} us, minimal ${m} us, ratio $(ratio "$v" "$m")"

# Four ways through the same 1 MiB: vmm as it is (coalesced where the host
# can), the minimal program coalescing from the first byte (-c: the
# ceiling for that), vmm --no-coalesce and the minimal program with an
# exit per OUT (the floor every exit-per-byte VMM shares).
for g in flood flood_rep; do
	declare -A best=()
	for ((i = 0; i < tries; i++)); do
		for k in vmm minc vmmx min; do
			case $k in
			vmm)  t=$(usecs "$B/vmm" "$B/bench/$g.elf") ;;
			minc) t=$(usecs "$B/bench/minimal_kvm" -c "$B/bench/$g.elf") ;;
			vmmx) t=$(usecs "$B/vmm" --no-coalesce "$B/bench/$g.elf") ;;
			min)  t=$(usecs "$B/bench/minimal_kvm" "$B/bench/$g.elf") ;;
			esac
			[ -z "${best[$k]:-}" ] || [ "$t" -lt "${best[$k]}" ] && best[$k]=$t
		done
	done
	what="one OUT per byte"
	[ $g = flood_rep ] && what="rep outsb, 4 KiB a batch"
	a=$(mbs "${best[vmm]}") ac=$(mbs "${best[minc]}") x=$(mbs "${best[vmmx]}") n=$(mbs "${best[min]}")
	echo "port 0xE9 (1 MiB, $what), best of $tries:"
	echo "  coalesced: vmm $a MB/s, minimal -c $ac MB/s, ratio $(ratio "$a" "$ac")"
	echo "  one exit per OUT: vmm --no-coalesce $x MB/s, minimal $n MB/s, ratio $(ratio "$x" "$n")"
	echo "  vmm as it is against the minimal one-exit-per-OUT program: $(ratio "$a" "$n")x"
	unset best
done

# best_of CMD...: the least wall time of $tries runs, in microseconds.
best_of() {
	local i t b=
	for ((i = 0; i < tries; i++)); do
		t=$(usecs "$@")
		[ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
	done
	echo "$b"
}

if [ -n "${BENCH_BASELINE:-}" ]; then
	v=0 o=0
	for ((i = 0; i < boots; i++)); do
		v=$((v + $(usecs "$B/vmm" -l)))
		o=$((o + $(usecs "$BENCH_BASELINE" -l)))
	done
	v=$((v / boots)) o=$((o / boots))
	echo "boot-to-halt, this vmm against BENCH_BASELINE: ${v} us and ${o} us, ratio $(ratio "$v" "$o")"
	v=$(mbs "$(best_of "$B/vmm" "$B/bench/flood.elf")")
	o=$(mbs "$(best_of "$BENCH_BASELINE" "$B/bench/flood.elf")")
	echo "port 0xE9 throughput, this vmm against BENCH_BASELINE: $v MB/s and $o MB/s, ratio $(ratio "$v" "$o")"
fi

v=0 t=0
for ((i = 0; i < boots; i++)); do
	v=$((v + $(usecs "$B/vmm" -l)))
	t=$((t + $(usecs "$B/vmm" --trace=/dev/null -l)))
done
v=$((v / boots)) t=$((t / boots))
echo "boot-to-halt with --trace=/dev/null: ${t} us, without ${v} us, ratio $(ratio "$t" "$v")"
v=$(mbs "$(best_of "$B/vmm" --no-coalesce "$B/bench/flood.elf")")
t=$(mbs "$(best_of "$B/vmm" --trace=/dev/null "$B/bench/flood.elf")")
a=$(mbs "$(best_of "$B/vmm" --trace=all,/dev/null "$B/bench/flood.elf")")
echo "port 0xE9 throughput with --trace=/dev/null (63 of 64 exits folded): $t MB/s; --trace=all: $a MB/s; without, one exit per OUT (--no-coalesce): $v MB/s"
