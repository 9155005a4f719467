#!/bin/bash
# Dropped debuggers, many times over: 100 debuggers killed with SIGKILL
# (during "continue", during a stepping loop, mid-packet), then 1,000
# connect/disconnect cycles. After each kill vmm is alive, the guest is
# paused (no CPU time used) and the next gdb sees the same registers; at
# the end vmm has the same open file descriptors and no more memory.
# (Named "stress": the nested emulator tier skips it.)
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/hostile/lib.sh"
require_kvm
require_python
# A sanitizer build keeps freed memory in quarantine, which would read as
# growth here: measure vmm's own memory without it (the plain build
# ignores ASAN_OPTIONS).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
if ! have_gdb; then echo "1..0 # SKIP gdb is not installed"; exit 0; fi

SPIN="$TGUESTS/hostile_spin.elf"
SOCK="$TMP/gdb.sock"
KILLS=${STRESS_KILLS:-100}
CYCLES=${STRESS_CYCLES:-1000}
REGS="info registers rip rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15"
printf 'while 1\n  stepi\nend\n' >"$TMP/steploop.gdb"

spawn_vmm vmm --gdb="unix:$SOCK" "$SPIN"
wait_sock "$SOCK" || { not_ok "vmm listens"; diag <"$TMP/vmm.err"; done_testing; exit; }

# The first gdb parks the guest in its endless loop: the reference.
sleep 0.2
timeout -k 2 "$(scaled 30)" "$GDB" -batch -nx -q "$SPIN" -ex "target remote $SOCK" \
	-ex "$REGS" >"$TMP/ref.gdb" 2>&1 </dev/null
# gdb -batch detaches at the end, so the guest runs on: park it again.
$RSP "$SOCK" regs >/dev/null 2>&1
grep -E '^(rip|r[a-z0-9]+) ' "$TMP/ref.gdb" >"$TMP/ref.regs"
grep -q '^rip .*<forever>' "$TMP/ref.regs"
check "the reference registers: the guest is in its endless loop" $? "$TMP/ref.gdb"
fd0=$(fd_count "$VMM_PID") rss0=$(rss_kb "$VMM_PID")

# paused: vmm uses no CPU for 0.3 s (the guest would use all of it).
paused() {
	local a b
	a=$(cpu_ticks "$VMM_PID"); sleep 0.3; b=$(cpu_ticks "$VMM_PID")
	[ $((b - a)) -le 2 ]
}

bad_regs=0 dead=0 running=0 n_cont=0 n_step=0 n_mid=0
for ((i = 0; i < KILLS; i++)); do
	kind=$((i % 3))
	out="$TMP/kill.gdb"
	rm -f "$out"
	case $kind in
	0)	# killed during continue
		"$GDB" -batch -nx -q "$SPIN" -ex "target remote $SOCK" -ex "$REGS" \
			-ex 'echo ==ready\n' -ex continue >"$out" 2>&1 </dev/null &
		n_cont=$((n_cont + 1)) ;;
	1)	# killed during a stepping loop (almost surely inside a step)
		"$GDB" -batch -nx -q "$SPIN" -ex "target remote $SOCK" -ex "$REGS" \
			-ex 'echo ==ready\n' -x "$TMP/steploop.gdb" >"$out" 2>&1 </dev/null &
		n_step=$((n_step + 1)) ;;
	2)	# killed mid-packet: half a packet sent, never finished
		$RSP "$SOCK" midpacket >"$out" 2>&1 &
		n_mid=$((n_mid + 1)) ;;
	esac
	victim=$!
	if [ $kind = 2 ]; then
		wait_for "$out" "sent half a packet" 10
	else
		wait_for "$out" "==ready" 10
		sleep 0.0$((RANDOM % 10 + 5))
		# What this gdb saw at attach: what the last one left.
		grep -E '^(rip|r[a-z0-9]+) ' "$out" >"$TMP/now.regs"
		if ! cmp -s "$TMP/now.regs" "$TMP/ref.regs"; then
			bad_regs=$((bad_regs + 1))
			[ $bad_regs = 1 ] && { echo "kill $i: registers differ:"; diff "$TMP/ref.regs" "$TMP/now.regs"; } | diag
		fi
	fi
	kill -KILL "$victim"; wait "$victim" 2>/dev/null
	kill -0 "$VMM_PID" 2>/dev/null || { dead=1; break; }
	# The guest paused after a kill of each kind (checked once per kind:
	# 0.3 s each).
	if [ $i -lt 3 ]; then
		wait_for "$TMP/vmm.err" "" 1
		for ((j = 0; j < 100; j++)); do
			[ "$(grep -c 'stays paused' "$TMP/vmm.err")" -gt $i ] && break
			sleep 0.02
		done
		paused || running=$((running + 1))
	fi
done
[ $dead = 0 ]
check "vmm survives $KILLS killed clients ($n_cont during continue, $n_step while stepping, $n_mid mid-packet)" $? "$TMP/vmm.err"
check "... the guest is paused after each kind of kill ($running of 3 kept running)" "$running"
check "... and every next gdb saw the same registers ($bad_regs differed)" "$bad_regs"
$RSP "$SOCK" regs >"$TMP/regs.out" 2>&1
has "... and so does the client after the last kill" "$TMP/regs.out" "11110000000000002222000000000000"
fd1=$(fd_count "$VMM_PID") rss1=$(rss_kb "$VMM_PID")
echo "# after $KILLS kills: open fds $fd0 -> $fd1, VmRSS $rss0 -> $rss1 KiB"

$RSP "$SOCK" cycles "$CYCLES" >"$TMP/cycles.out" 2>&1
check "$CYCLES connect/disconnect cycles" $? "$TMP/cycles.out"
fd2=$(fd_count "$VMM_PID") rss2=$(rss_kb "$VMM_PID")
echo "# after $CYCLES cycles: open fds $fd1 -> $fd2, VmRSS $rss1 -> $rss2 KiB"
[ "$fd2" = "$fd0" ]
check "vmm's open file descriptors: $fd0 before, $fd2 after" $?
if ldd "$VMM" 2>/dev/null | grep -q asan; then
	# measured: +304 KiB over a run with no leak, from ASan's own
	# allocator; LeakSanitizer checks for leaks when this vmm exits
	skip "vmm's memory: VmRSS $rss0 KiB before, $rss2 KiB after" \
		"a sanitizer build's allocator grows VmRSS by itself (LeakSanitizer checks leaks there)"
else
	[ $((rss2 - rss0)) -le 256 ]
	check "vmm's memory: VmRSS $rss0 KiB before, $rss2 KiB after (at most +256 KiB)" $?
fi

kill -TERM "$VMM_PID"; reap 5
check_status "vmm exits 143 on SIGTERM afterwards" "$vmm_rc" 143 "$TMP/vmm.err"
n=$(grep -c 'gdb disconnected without detaching' "$TMP/vmm.err")
echo "# vmm reported $n dropped debuggers"

done_testing
