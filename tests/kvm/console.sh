#!/bin/bash
# The port 0xE9 console keeps its promises with KVM's coalesced ring on
# (the OUTs stay in the kernel until an exit): every byte, in order with
# what vmm itself prints, at a crash, at a signal, at --timeout, and while
# the guest runs without exiting at all. Skipped where the host has no
# KVM_CAP_COALESCED_PIO (there the console takes an exit per OUT, which
# tests/kvm/pio.sh and tests/hostile/guests.sh cover).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

# vmm probes for coalesced port I/O once the guest has written 1,024
# bytes: console_catch.S writes 2 KiB.
"$VMM" -v "$TGUESTS/console_catch.elf" >/dev/null 2>"$TMP/v.err" </dev/null
COALESCING=$(grep -m1 '^vmm: strategy: console: the guest wrote 1024 bytes: coalescing OUTs' "$TMP/v.err")
if [ -z "$COALESCING" ]; then
	echo "1..0 # SKIP no coalesced port I/O here: $(sed -n 's/^vmm: strategy: console: //p' "$TMP/v.err" | tail -1)"
	exit 0
fi

LETTERS=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345
# lines N: the first N numbered lines of tests/guests/console_lines.inc.
lines() { awk -v n="$1" -v l="$LETTERS" 'BEGIN { for (i = 0; i < n; i++) printf "%04x %s\n", i, l }'; }
# pattern N: bytes 0, 1, ... 255, 0, 1 ... N of them (console_count.S);
# shell and coreutils only (the nested tier's image has no python).
pattern() {
	local n=$1 f=$TMP/pattern
	if [ ! -s "$f" ]; then
		# shellcheck disable=SC2046
		printf "$(printf '\\%03o' $(seq 0 255))" >"$f"
	fi
	while [ "$(stat -c %s "$f")" -lt "$n" ]; do
		cat "$f" "$f" >"$f.2" && mv "$f.2" "$f"
	done
	head -c "$n" "$f"
}
# first_diff A B: where two files first differ, with both sides, for diag.
first_diff() { cmp "$1" "$2" 2>&1 | head -1; cmp -l "$1" "$2" 2>/dev/null | head -3; }

# 1. A 1 MiB flood, 16 of vmm's warnings in the middle of lines, a last
# line without a newline, a triple fault: stdout and stderr into one file
# must read exactly as things happened. (The lines before the first guest
# byte are --verbose's set-up report.)
timeout "$(scaled 60)" "$VMM" -v "$TGUESTS/console_order.elf" >"$TMP/both" 2>&1 </dev/null
rc=$?
[ "$rc" -eq 3 ] && ok "flood then triple fault: exit status 3" || not_ok "flood then triple fault: exit status 3 (got $rc)"
awk -v l="$LETTERS" -v coalescing="$COALESCING" 'BEGIN {
	for (i = 0; i < 16384; i++) {
		line = sprintf("%04x %s\n", i, l)
		if (i % 1024 == 512) {
			printf "%s", substr(line, 1, 32)
			printf "vmm: warning: guest wrote to port 0x%x, which has no device: ignored\n", 128 + int(i / 1024)
			printf "%s", substr(line, 33)
		} else {
			printf "%s", line
		}
		if (i == 15)
			print coalescing
	}
	printf "the end, without a newlinevmm: guest crashed: KVM_EXIT_SHUTDOWN"
}' >"$TMP/want"
sed -n '/^0000 /,$p' "$TMP/both" | head -c "$(wc -c <"$TMP/want")" >"$TMP/got"
if cmp -s "$TMP/got" "$TMP/want"; then
	ok "1 MiB with 16 warnings inside lines and a crash: every byte, in order with vmm's lines"
else
	not_ok "1 MiB with 16 warnings inside lines and a crash: every byte, in order with vmm's lines"
	first_diff "$TMP/got" "$TMP/want" | diag
	grep -a '^vmm:' "$TMP/both" | head -30 | diag
fi
grep -q '^  rip 0x' "$TMP/both" && ok "... then the registers" || not_ok "... then the registers"

# 2. Lines written before the guest stopped exiting show while it spins
# (the drain thread), and the unfinished last line at SIGTERM.
"$VMM" "$TGUESTS/console_spin.elf" >"$TMP/spin.out" 2>"$TMP/spin.err" </dev/null &
pid=$!
seen=0
for ((i = 0; i < $(scaled 20) * 20; i++)); do
	seen=$(stat -c %s "$TMP/spin.out")
	[ "$seen" -ge 65536 ] && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$seen" -ge 65536 ] && ok "a spinning guest's lines show without an exit" ||
	not_ok "a spinning guest's lines show without an exit (only $seen of 65536 bytes before SIGTERM)"
[ "$rc" -eq 143 ] && ok "SIGTERM: exit status 143" || not_ok "SIGTERM: exit status 143 (got $rc)"
{ lines 1024; printf 'still spinning'; } >"$TMP/want"
if cmp -s "$TMP/spin.out" "$TMP/want"; then
	ok "SIGTERM: the output is complete, its unfinished last line too"
else
	not_ok "SIGTERM: the output is complete, its unfinished last line too"
	first_diff "$TMP/spin.out" "$TMP/want" | diag
fi
grep -qF "stopped by SIGTERM" "$TMP/spin.err" && ok "SIGTERM: said so" || not_ok "SIGTERM: said so"

# 3. SIGTERM in the middle of a flood: what came out before vmm's line is
# exactly the start of what the guest wrote, no byte lost or doubled.
"$VMM" "$TGUESTS/console_count.elf" >"$TMP/count" 2>&1 </dev/null &
pid=$!
for ((i = 0; i < $(scaled 20) * 20; i++)); do
	[ "$(stat -c %s "$TMP/count")" -ge 65536 ] && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] && ok "SIGTERM mid-flood: exit status 143" || not_ok "SIGTERM mid-flood: exit status 143 (got $rc)"
line="vmm: stopped by SIGTERM"
n=$(( $(stat -c %s "$TMP/count") - ${#line} - 1 ))
{ pattern "$((n > 0 ? n : 0))"; echo "$line"; } >"$TMP/want"
if [ "$n" -ge 65536 ] && cmp -s "$TMP/count" "$TMP/want"; then
	ok "SIGTERM mid-flood: $n bytes, each in its place, then vmm's line, then nothing"
else
	not_ok "SIGTERM mid-flood: $n bytes, each in its place, then vmm's line, then nothing"
	first_diff "$TMP/count" "$TMP/want" | diag
	tail -c 100 "$TMP/count" | od -c | tail -4 | diag
fi

# 4. The same flood stopped by --timeout, which prints the registers: the
# guest's own count (rbx, plus the OUT it stopped just after: rip = r15)
# is exactly what came out before vmm's report.
timeout "$(scaled 20)" "$VMM" --timeout=1 "$TGUESTS/console_count.elf" >"$TMP/count" 2>&1 </dev/null
rc=$?
[ "$rc" -eq 4 ] && ok "--timeout mid-flood: exit status 4" || not_ok "--timeout mid-flood: exit status 4 (got $rc)"
reg() { grep -a -o "  $1 0x[0-9a-f]*" "$TMP/count" | tail -1 | sed 's/.*0x//'; }
rbx=$(reg rbx) rip=$(reg rip) r15=$(reg r15)
if [ -n "$rbx" ] && [ -n "$rip" ] && [ -n "$r15" ]; then
	want=$((0x$rbx + (0x$rip == 0x$r15)))
	pattern "$want" >"$TMP/want"
	head -c "$want" "$TMP/count" >"$TMP/got"
	next=$(tail -c +"$((want + 1))" "$TMP/count" | head -c 16)
	if cmp -s "$TMP/got" "$TMP/want" && [ "$next" = "vmm: time limit:" ]; then
		ok "--timeout mid-flood: all $want bytes the guest wrote (rbx 0x$rbx, rip 0x$rip), in order, then vmm's report"
	else
		not_ok "--timeout mid-flood: the $want bytes the guest wrote (rbx 0x$rbx, rip 0x$rip, out_done 0x$r15), then vmm's report"
		first_diff "$TMP/got" "$TMP/want" | diag
		echo "after them: '$next'" | diag
	fi
else
	not_ok "--timeout mid-flood: no rbx, rip or r15 in the register dump"
	grep -a '^vmm:\|^  ' "$TMP/count" | diag
fi

# 5. The trace shows every exit: while it is on, each OUT is one (2,349
# bytes, 2,349 KVM_EXIT_IO lines for port 0xe9), and --verbose says why.
timeout "$(scaled 30)" "$VMM" -v --trace=all,"$TMP/trace" "$TGUESTS/console_catch.elf" \
	>"$TMP/out" 2>"$TMP/err" </dev/null
n=$(stat -c %s "$TMP/out")
k=$(grep -c 'KVM_EXIT_IO {direction=out, size=1, port=0xe9' "$TMP/trace")
[ "$n" -eq 2349 ] && [ "$k" -eq "$n" ] && ok "--trace: an exit line for each of the $n bytes" ||
	not_ok "--trace: an exit line for each byte ($k lines for $n bytes)"
check_err "--trace: --verbose says coalescing waits for the trace" \
	"vmm: strategy: console: one exit per OUT to port 0xe9 while the trace shows each exit"

done_testing
