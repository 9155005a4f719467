#!/bin/bash
# bench/gdb.sh - how fast the real gdb drives vmm's stub, each figure beside
# its ceiling: the same gdb script against bench/ceiling (libgdbstub and a
# target that costs nothing, on the same kind of socket), so "vmm X,
# ceiling Y, X/Y" says how much of what gdb 13 itself can do on this
# machine vmm delivers. Prints figures; asserts nothing.
#   stepi:    `stepi N` on a guest loop (bench/gdb_loop.S), steps/s
#   continue: N continues, each to a breakpoint on a function the loop
#             calls, with `break` and with `hbreak`, continues/s
#   dump:     `dump binary memory` of 2 MiB, MB/s
#   packets:  what gdb sends (`set debug remote 1`) per stepi, per
#             breakpoint hit and, on the hello guest, per `next` over a line
# Times are taken inside gdb (Python's perf_counter around the command),
# so connecting and loading symbols are not counted; each rate is the best
# of BENCH_TRIES sessions (default 3). QEMU 7.2's gdbstub, measured on
# these machines with the same gdb (the figures issue 4 quotes), is shown
# for reference.
#   BENCH_STEPS=N (default 2000), BENCH_CONTS=N (default 500)
set -u
B=${VMM_BUILDDIR:-$(cd "$(dirname "$0")/.." && pwd)}
GDB=${GDB:-gdb}
steps=${BENCH_STEPS:-2000}
conts=${BENCH_CONTS:-500}
tries=${BENCH_TRIES:-3}
ELF="$B/bench/gdb_loop.elf"
HELLO="$B/guest/hello64.elf"
QEMU_STEPS=1538 QEMU_CONTS_HW=455 QEMU_DUMP=14.3

for f in "$ELF" "$B/bench/ceiling"; do
	if [ ! -e "$f" ]; then
		echo "bench: $f is missing (make bench builds it)" >&2
		exit 1
	fi
done
command -v "$GDB" >/dev/null || { echo "bench: $GDB not found" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"

# session vmm|ceiling ELF CMDS...: a fresh target waiting for gdb on a Unix
# socket, gdb -batch running CMDS (bench/lib.sh); gdb's output (stdout and
# stderr) in $TMP/gdb.out.
session() {
	local kind=$1 elf=$2
	shift 2
	if [ "$kind" = vmm ]; then
		start_target "$B/vmm" --gdb="unix:$TMP/s" --wait-gdb "$elf"
	else
		start_target "$B/bench/ceiling" "unix:$TMP/s" "$elf"
	fi
	gdb_session "$elf" "$@"
}

# best_elapsed: the smallest "ELAPSED s" of the last session.
best_elapsed() {
	local e
	e=$(sed -n 's/^ELAPSED //p' "$TMP/gdb.out" | sort -g | head -1)
	if [ -z "$e" ]; then
		echo "bench: gdb printed no timing:" >&2
		tail -20 "$TMP/gdb.out" | sed 's/^/  /' >&2
		exit 1
	fi
	echo "$e"
}
T0='python t0 = time.perf_counter()'
T1='python print("ELAPSED %.6f" % (time.perf_counter() - t0))'
MARK='python gdb.write("MARK\n", gdb.STDLOG)'
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# best KIND ELF N CMDS...: N / the best of $tries sessions' ELAPSED.
best() {
	local kind=$1 elf=$2 n=$3 i s b=
	shift 3
	for ((i = 0; i < tries; i++)); do
		session "$kind" "$elf" "$@"
		s=$(best_elapsed)
		b=$(awk -v a="${b:-1e9}" -v s="$s" 'BEGIN { print (s < a) ? s : a }')
	done
	rate "$n" "$b"
}

# packets N: packets gdb sent between the two MARKs of the last session, / N.
packets() {
	awk -v n="$1" '/^MARK/ { m++; next } m == 1 && /Sending packet:/ { c++ }
		END { printf "%.1f", c / n }' "$TMP/gdb.out"
}
# packet_kinds: the packets between the MARKs, by kind, e.g. "vCont;s x1".
packet_kinds() {
	awk '/^MARK/ { m++; next } m == 1 && /Sending packet:/ {
		p = $0; sub(/.*Sending packet: \$/, "", p); sub(/#..$/, "", p)
		k = p; sub(/[,:].*/, "", k); if (k ~ /^vCont/) k = substr(p, 1, 7)
		c[k]++ } END { for (k in c) printf "%s %s x%d", sep, k, c[k]; sep = "," }' "$TMP/gdb.out"
}

echo "host: $(for m in kvm_intel kvm_amd kvm_pvm; do [ -d /sys/module/$m ] && echo $m; done); $("$GDB" --version | head -1)"

v=$(best vmm "$ELF" "$steps" "$T0" "stepi $steps" "$T1")
c=$(best ceiling "$ELF" "$steps" "$T0" "stepi $steps" "$T1")
session vmm "$ELF" 'stepi 10' 'set debug remote 1' "$MARK" 'stepi 100' "$MARK"
p=$(packets 100)
echo "stepi ($steps in one command): vmm $v steps/s, ceiling $c steps/s, $(ratio "$v" "$c"); $p packets per stepi (QEMU 7.2: $QEMU_STEPS steps/s)"

cat >"$TMP/conts.gdb" <<GDB
set \$i = 0
while \$i < $conts
  continue
  set \$i = \$i + 1
end
GDB
cat >"$TMP/conts10.gdb" <<GDB
set \$i = 0
while \$i < 10
  continue
  set \$i = \$i + 1
end
GDB
for kind in break hbreak; do
	v=$(best vmm "$ELF" "$conts" "$kind tick" continue "$T0" "source $TMP/conts.gdb" "$T1")
	hits=$(grep -c '^Breakpoint 1, tick ()' "$TMP/gdb.out")
	[ "$hits" -eq $((conts + 1)) ] || echo "bench: $kind: $hits stops at tick, expected $((conts + 1))" >&2
	c=$(best ceiling "$ELF" "$conts" "$kind tick" continue "$T0" "source $TMP/conts.gdb" "$T1")
	session vmm "$ELF" "$kind tick" continue 'set debug remote 1' "$MARK" "source $TMP/conts10.gdb" "$MARK"
	p=$(packets 10)
	what="software"
	[ $kind = hbreak ] && what="hardware"
	echo "continue to a $what breakpoint ($conts): vmm $v continues/s, ceiling $c continues/s, $(ratio "$v" "$c"); $p packets per hit:$(packet_kinds) (QEMU 7.2, hardware: $QEMU_CONTS_HW continues/s)"
done

session vmm "$HELLO" 'break main' continue 'set debug remote 1' "$MARK" next next next next next "$MARK"
p=$(packets 5)
echo "next over a line (hello.c's loop, 5 times): $p packets per next:$(packet_kinds)"

dump=()
for i in 1 2 3; do
	dump+=("$T0" "dump binary memory $TMP/mem.bin 0 0x200000" "$T1")
done
for kind in vmm ceiling; do
	session "$kind" "$ELF" "${dump[@]}"
	size=$(stat -c %s "$TMP/mem.bin" 2>/dev/null || echo 0)
	[ "$size" -eq 2097152 ] || echo "bench: the dump is $size bytes, expected 2097152" >&2
	eval "d_$kind=\$(awk -v s=\"\$(best_elapsed)\" 'BEGIN { printf \"%.1f\", 2097152 / s / 1e6 }')"
done
echo "dump binary memory (2 MiB, best of 3): vmm $d_vmm MB/s, ceiling $d_ceiling MB/s, $(ratio "$d_vmm" "$d_ceiling") (QEMU 7.2: $QEMU_DUMP MB/s)"
