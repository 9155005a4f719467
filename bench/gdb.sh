#!/bin/bash
# bench/gdb.sh - how fast the real gdb drives vmm's stub, beside QEMU 7.2's
# gdbstub measured on these machines. Prints figures; asserts nothing.
#   stepi:    `stepi N` on a guest loop (bench/gdb_loop.S), steps/s
#   continue: N continues, each to a breakpoint on a function the loop
#             calls, with `break` and with `hbreak`, continues/s
#   dump:     `dump binary memory` of 2 MiB, MB/s (best of 3)
# Times are taken inside gdb (Python's perf_counter around the command),
# so connecting and loading symbols are not counted.
#   BENCH_STEPS=N (default 2000), BENCH_CONTS=N (default 500)
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
GDB=${GDB:-gdb}
steps=${BENCH_STEPS:-2000}
conts=${BENCH_CONTS:-500}
ELF="$B/bench/gdb_loop.elf"
# QEMU 7.2, same machines, same gdb (the figures issue 4 quotes).
QEMU_STEPS=1538 QEMU_CONTS_HW=455 QEMU_DUMP=14.3

if [ ! -f "$ELF" ]; then
	echo "bench: $ELF is missing (make bench/gdb_loop.elf)" >&2
	exit 1
fi
command -v "$GDB" >/dev/null || { echo "bench: $GDB not found" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmm-bench.XXXXXX")
VMM_PID=
cleanup() {
	if [ -n "$VMM_PID" ]; then
		kill "$VMM_PID" 2>/dev/null
		wait "$VMM_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

# session CMDS...: a fresh vmm waiting for gdb, gdb -batch running CMDS,
# then vmm ended by its PID. gdb's output in $TMP/gdb.out.
session() {
	local args=() c i
	rm -f "$TMP/s"
	"$B/vmm" --gdb="unix:$TMP/s" --wait-gdb "$ELF" >/dev/null 2>"$TMP/vmm.err" &
	VMM_PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -S "$TMP/s" ] && break
		sleep 0.05
	done
	for c in "$@"; do args+=(-ex "$c"); done
	timeout 600 "$GDB" -batch -nx -q "$ELF" -ex "target remote $TMP/s" \
		-ex 'python import time' "${args[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	kill "$VMM_PID" 2>/dev/null
	wait "$VMM_PID" 2>/dev/null
	VMM_PID=
}

# elapsed: the seconds the "ELAPSED s" line of the last session says.
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
T0='python t0 = time.perf_counter()'
T1='python print("ELAPSED %.6f" % (time.perf_counter() - t0))'
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done); $("$GDB" --version | head -1)"

session "$T0" "stepi $steps" "$T1" 'x/i $pc'
s=$(elapsed)
v=$(rate "$steps" "$s")
echo "stepi ($steps in one command): vmm $v steps/s, QEMU 7.2 $QEMU_STEPS steps/s, ratio $(ratio "$v" "$QEMU_STEPS")"

cat >"$TMP/conts.gdb" <<GDB
set \$i = 0
while \$i < $conts
  continue
  set \$i = \$i + 1
end
GDB
for kind in break hbreak; do
	session "$kind tick" continue "$T0" "source $TMP/conts.gdb" "$T1" 'p $rcx'
	s=$(elapsed)
	hits=$(grep -c '^Breakpoint 1, tick ()' "$TMP/gdb.out")
	if [ "$hits" -ne $((conts + 1)) ]; then
		echo "bench: $kind: $hits stops at tick, expected $((conts + 1))" >&2
	fi
	v=$(rate "$conts" "$s")
	if [ $kind = hbreak ]; then
		echo "continue to a hardware breakpoint ($conts): vmm $v continues/s, QEMU 7.2 $QEMU_CONTS_HW continues/s, ratio $(ratio "$v" "$QEMU_CONTS_HW")"
	else
		echo "continue to a software breakpoint ($conts): vmm $v continues/s (QEMU 7.2, hardware: $QEMU_CONTS_HW continues/s)"
	fi
done

cmds=()
for i in 1 2 3; do
	cmds+=("$T0" "dump binary memory $TMP/mem.bin 0 0x200000" "$T1")
done
session "${cmds[@]}"
size=$(stat -c %s "$TMP/mem.bin" 2>/dev/null || echo 0)
[ "$size" -eq 2097152 ] || echo "bench: the dump is $size bytes, expected 2097152" >&2
best=$(sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | sort -g | head -1)
[ -n "$best" ] || { echo "bench: gdb printed no timing" >&2; tail -20 "$TMP/gdb.out" >&2; exit 1; }
v=$(awk -v s="$best" 'BEGIN { printf "%.1f", 2097152 / s / 1e6 }')
echo "dump binary memory (2 MiB, best of 3): vmm $v MB/s, QEMU 7.2 $QEMU_DUMP MB/s, ratio $(ratio "$v" "$QEMU_DUMP")"
