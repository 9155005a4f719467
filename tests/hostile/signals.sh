#!/bin/bash
# SIGINT and SIGTERM to vmm while gdb is attached (the guest stopped at
# gdb's prompt, or running under "continue") and while the stub listens
# with nobody attached: vmm flushes the guest's unfinished line, closes the
# socket (gdb sees the connection end), removes the Unix socket file and
# exits 128+N. (Without --gdb: tests/kvm/crash.sh.)
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/hostile/lib.sh"
require_kvm
require_python

SPIN="$TGUESTS/hostile_spin.elf"
GDB_PID=

# one_case SIG STATE: STATE is listening, stopped or running.
one_case() {
	local sig=$1 state=$2 want sock="$TMP/$1-$2.sock" name="SIG$1, $2"
	want=$((128 + $(kill -l "$sig")))
	rm -f "$sock" "$TMP/gdb.out"
	spawn_vmm vmm --gdb="unix:$sock" "$SPIN"
	if ! wait_sock "$sock"; then
		not_ok "$name: vmm listens on $sock"; cat "$TMP/vmm.err" | diag; reap 1
		return
	fi
	GDB_PID=
	case $state in
	stopped)
		timeout -k 2 "$(scaled 60)" "$GDB" -batch -nx -q "$SPIN" -ex "target remote $sock" \
			-ex 'echo ==ready\n' -ex 'python import time; time.sleep(600)' \
			>"$TMP/gdb.out" 2>&1 </dev/null &
		GDB_PID=$!
		wait_for "$TMP/gdb.out" "==ready" 20 || { not_ok "$name: gdb attaches"; diag <"$TMP/gdb.out"; }
		;;
	running)
		timeout -k 2 "$(scaled 60)" "$GDB" -batch -nx -q "$SPIN" -ex "target remote $sock" \
			-ex 'echo ==ready\n' -ex continue >"$TMP/gdb.out" 2>&1 </dev/null &
		GDB_PID=$!
		# gdb buffers "Continuing." in batch mode: give it time to send c.
		wait_for "$TMP/gdb.out" "==ready" 20 || { not_ok "$name: gdb attaches"; diag <"$TMP/gdb.out"; }
		sleep 0.3
		;;
	*)
		sleep 0.3
		;;
	esac
	kill -s "$sig" "$VMM_PID"
	reap 5
	check_status "$name: vmm exits $want" "$vmm_rc" "$want" "$TMP/vmm.err"
	has "$name: the signal is named" "$TMP/vmm.err" "stopped by SIG$sig"
	printf 'partial' >"$TMP/want"
	cmp -s "$TMP/vmm.out" "$TMP/want"
	check "$name: the guest's unfinished line is flushed" $? "$TMP/vmm.out"
	[ ! -e "$sock" ]
	check "$name: the socket file is removed" $?
	if [ "$state" = running ]; then
		# gdb learns at once that vmm is gone, and exits by itself.
		local i
		for ((i = 0; i < 250; i++)); do
			kill -0 "$GDB_PID" 2>/dev/null || break
			sleep 0.02
		done
		has "$name: gdb sees the connection closed" "$TMP/gdb.out" "Remote connection closed"
	fi
	if [ -n "$GDB_PID" ]; then
		kill "$GDB_PID" 2>/dev/null
		wait "$GDB_PID" 2>/dev/null
		GDB_PID=
	fi
}

for sig in INT TERM; do
	one_case "$sig" listening
	if have_gdb; then
		one_case "$sig" stopped
		one_case "$sig" running
	else
		skip "SIG$sig with gdb attached" "gdb is not installed"
	fi
done

# A SIGTERM that arrives while a client is attaching (vmm is kicking the
# vCPU out of KVM_RUN to park it) must not be lost: 20 tries.
lost=0
for ((i = 0; i < 20; i++)); do
	sock="$TMP/race.sock"
	spawn_vmm race --gdb="unix:$sock" "$SPIN"
	wait_sock "$sock"
	python3 -c 'import os, signal, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()
time.sleep(int(sys.argv[3]) / 4000); os.kill(int(sys.argv[2]), signal.SIGTERM)' \
		"$sock" "$VMM_PID" $((i % 5))
	reap 3
	[ "$vmm_rc" = 143 ] || lost=$((lost + 1))
done
check "SIGTERM as a client attaches: exits 143 every time ($lost of 20 lost)" "$lost"

done_testing
