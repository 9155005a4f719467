#!/bin/bash
# bench/modes.sh - what following the guest's mode switches costs. vmm
# looks at the CPU mode (CR0.PE, EFER.LMA, CS.L/D) at every stop it
# reports to gdb, and never while the guest runs (bench/README.md says
# why). Prints, for this vmm and (with VMM_BEFORE=path/to/vmm, a build
# without mode following) for that one:
#   port 0xE9 throughput: bench/flood.elf (1 MiB, one OUT a byte) with no
#       gdb, and with gdb attached and continuing to the end, MB/s
#   stepi: `stepi N` on bench/gdb_loop.elf, steps/s
#   ioctls: the KVM ioctls of a gdb session over hello64.elf (strace),
#       and what one KVM_GET_SREGS costs (bench/sregs_cost)
#   a switch: the time of one `continue` from the boot guest's real mode
#       to its 64-bit code (two exec stops: gdb loads the ELF again each
#       time), and of one `stepi` across the far jump to 64-bit code
# Best of BENCH_ROUNDS (default 3) for each; BENCH_ROWS="flood stepi" picks
# rows (alone flood stepi switch farjmp). Asserts nothing.
#   BENCH_STEPS=N (default 2000); VMM=path: "this vmm" other than $B/vmm
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
GDB=${GDB:-gdb}
steps=${BENCH_STEPS:-2000}
. "$(dirname "$0")/lib.sh"
for f in bench/flood.elf bench/gdb_loop.elf guest/boot.elf; do
	[ -f "$B/$f" ] || { echo "bench: $B/$f is missing (make $f)" >&2; exit 1; }
done

now() { date +%s%N; }
T0='python t0 = time.perf_counter()'
T1='python print("ELAPSED %.6f" % (time.perf_counter() - t0))'

# session VMM ELF VMM-ARGS... -- CMDS...: a vmm waiting for gdb, gdb -batch
# running CMDS (bench/lib.sh); gdb's output in $TMP/gdb.out.
session() {
	local vmm=$1 elf=$2 vargs=()
	shift 2
	while [ "$1" != -- ]; do vargs+=("$1"); shift; done
	shift
	start_target "$vmm" --gdb="unix:$TMP/s" --wait-gdb "${vargs[@]}" "$elf"
	gdb_session "$elf" "$@"
}

# elapsed: the "ELAPSED s" the last session printed.
elapsed() {
	local e
	e=$(sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | tail -1)
	if [ -z "$e" ]; then
		echo "bench: gdb printed no timing:" >&2
		tail -20 "$TMP/gdb.out" | sed 's/^/  /' >&2
		exit 1
	fi
	echo "$e"
}

# flood_alone VMM: seconds of bench/flood.elf without gdb.
flood_alone() {
	local t0 t1
	t0=$(now)
	"$1" "$B/bench/flood.elf" >/dev/null
	t1=$(now)
	awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.6f", ns / 1e9 }'
}

# One measurement of one vmm: seconds.
measure() {
	case $2 in
	alone)	flood_alone "$1" ;;
	flood)	session "$1" "$B/bench/flood.elf" -- "$T0" continue "$T1" continue; elapsed ;;
	stepi)	session "$1" "$B/bench/gdb_loop.elf" -- "$T0" "stepi $steps" "$T1"; elapsed ;;
	switch)	session "$1" "$B/guest/boot.elf" -r -- 'break long_main' "$T0" continue "$T1"; elapsed ;;
	farjmp)	session "$1" "$B/guest/boot.elf" -r -- 'break prot_far' continue "$T0" stepi "$T1"; elapsed ;;
	esac
}

# The vmms to compare, and their names.
vmms=("${VMM:-$B/vmm}")
names=("this vmm (mode looked at at each stop)")
if [ -n "${VMM_BEFORE:-}" ]; then
	vmms+=("$VMM_BEFORE"); names+=("VMM_BEFORE (no mode following)")
fi
if [ -n "${VMM_PER_EXIT:-}" ]; then
	vmms+=("$VMM_PER_EXIT"); names+=("VMM_PER_EXIT (KVM_GET_SREGS at every exit)")
fi

# row WHAT: best of $rounds per vmm, the rounds interleaved (the host is
# shared: a slow moment hits every vmm alike).
rounds=${BENCH_ROUNDS:-3}
row() {
	local what=$1 r i t
	best=()
	for ((r = 0; r < rounds; r++)); do
		for i in "${!vmms[@]}"; do
			t=$(measure "${vmms[$i]}" "$what")
			best[$i]=$(awk -v a="${best[$i]:-$t}" -v t="$t" 'BEGIN { print (t < a) ? t : a }')
		done
	done
}

show() {	# show LABEL AWK-EXPR-OF-s UNIT
	local i
	for i in "${!vmms[@]}"; do
		printf '  %-44s %s\n' "${names[$i]}:" "$(awk -v s="${best[$i]}" "BEGIN { printf $2 }") $3"
	done
}

# ioctls VMM: the KVM ioctls of a whole gdb session over hello64.elf (15
# exits: 14 OUTs and the HLT), counted by strace: what each vmm does per
# exit, free of the host's load.
ioctls() {
	local st=$TMP/strace.out k
	rm -f "$TMP/s"
	strace -f -e trace=ioctl -o "$st" "$1" --gdb="unix:$TMP/s" --wait-gdb \
		"$B/guest/hello64.elf" >/dev/null 2>&1 &
	TARGET_PID=$!
	for ((k = 0; k < 200; k++)); do
		[ -S "$TMP/s" ] && break
		sleep 0.05
	done
	"$GDB" -batch -nx -q "$B/guest/hello64.elf" -ex "target remote $TMP/s" \
		-ex continue -ex continue >/dev/null 2>&1 </dev/null
	wait "$TARGET_PID"
	TARGET_PID=
	for k in KVM_RUN KVM_GET_REGS KVM_GET_SREGS KVM_GET_FPU; do
		printf '%s %s  ' "$k" "$(grep -c "$k\b" "$st")"
	done
}

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done); $("$GDB" --version | head -1); best of $rounds, interleaved"
[ -x "$B/bench/sregs_cost" ] && "$B/bench/sregs_cost"
if command -v strace >/dev/null; then
	echo "KVM ioctls of a gdb session over hello64.elf to its end (15 exits):"
	for i in "${!vmms[@]}"; do
		printf '  %-44s %s\n' "${names[$i]}:" "$(ioctls "${vmms[$i]}")"
	done
fi
rows=" ${BENCH_ROWS:-alone flood stepi switch farjmp} "
want() { [[ $rows == *" $1 "* ]]; }
if want alone; then
	row alone; echo "port 0xE9, 1 MiB, no gdb:"; show x '"%.3f", 1048576 / s / 1e6' MB/s
fi
if want flood; then
	row flood; echo "port 0xE9, 1 MiB, gdb attached, continue to the end:"; show x '"%.3f", 1048576 / s / 1e6' MB/s
fi
if want stepi; then
	row stepi; echo "stepi ($steps in one command):"; show x "\"%.0f\", $steps / s" steps/s
fi
if want switch; then
	row switch; echo "continue from the boot guest's reset vector to long_main:"; show x '"%.1f", s * 1000' ms
fi
if want farjmp; then
	row farjmp; echo "stepi across the far jump to 64-bit code:"; show x '"%.1f", s * 1000' ms
fi
