#!/bin/bash
# Raw clients that misbehave (tests/hostile/rsp.py): packets in 1-byte
# pieces; 1 MiB of noise and a 1 MiB packet; a client that never reads its
# replies (dropped once vmm cannot send for 10 s, with the numbers, and no
# obstacle to vmm's exit); thousands of requests pipelined; a client killed
# mid-packet; a console flood into a slow reader in ack mode. vmm keeps
# serving, its memory flat, and drops only a client that stopped reading.
# (A second client while one is attached: tests/gdb/clients.sh.)
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/hostile/lib.sh"
require_kvm
require_python

SPIN="$TGUESTS/hostile_spin.elf"
SOCK="$TMP/gdb.sock"
REGS=1111000000000000	# rax in a "g" reply: the guest is where it was

spawn_vmm vmm --gdb="unix:$SOCK" "$SPIN"
wait_sock "$SOCK" || { not_ok "vmm listens"; diag <"$TMP/vmm.err"; done_testing; exit; }
$RSP "$SOCK" regs >/dev/null 2>&1	# first attach: the guest is parked
rss0=$(rss_kb "$VMM_PID")

$RSP "$SOCK" pieces >"$TMP/pieces.out" 2>&1
check "every packet sent in 1-byte pieces is answered" $? "$TMP/pieces.out"
diag <"$TMP/pieces.out"

$RSP "$SOCK" garbage >"$TMP/garbage.out" 2>&1
check "1 MiB of noise, then a 1 MiB packet: refused, the session goes on" $? "$TMP/garbage.out"
diag <"$TMP/garbage.out"
rss1=$(rss_kb "$VMM_PID")
[ $((rss1 - rss0)) -lt 1024 ]
check "vmm's memory stays flat through 2 MiB of junk (VmRSS $rss0 -> $rss1 KiB)" $?

# Never reads: vmm's replies fill the socket; after 10 s with no progress
# vmm drops the client and the next one is served.
start=$(date +%s)
$RSP "$SOCK" noread 30 >"$TMP/noread.out" 2>&1 &
reader=$!
if wait_for "$TMP/vmm.err" "gdb stopped reading replies" 25; then
	ok "a client that never reads is dropped ($(($(date +%s) - start)) s)"
else
	not_ok "a client that never reads is dropped within 25 s"
	diag <"$TMP/vmm.err"
fi
kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null
grep -Eq '^vmm: warning: gdb stopped reading replies: it took no byte in 10 s, [1-9][0-9]* of [1-9][0-9]* waiting to be sent \(it took [0-9]+ bytes since it attached; of the [1-9][0-9]* it sent, [0-9]+ wait unread\)' "$TMP/vmm.err"
check "... and told why, with the numbers" $? "$TMP/vmm.err"
$RSP "$SOCK" regs >"$TMP/regs.out" 2>&1
has "... and the next client is served, the guest where it was" "$TMP/regs.out" "$REGS"
kill -0 "$VMM_PID" 2>/dev/null
check "vmm is still running" $?

# Pipelining: every request written before any reply is read. vmm reads
# what comes in while its replies wait for room, so neither side blocks
# the other: in ack mode the client's acks are more input of that kind.
drops=$(grep -c "stopped reading" "$TMP/vmm.err")
$RSP "$SOCK" pipeline 2000 >"$TMP/pipe.out" 2>&1
check "2000 requests pipelined in ack mode: every reply, right" $? "$TMP/pipe.out"
diag <"$TMP/pipe.out"
$RSP "$SOCK" pipeline 5000 noack >"$TMP/pipe.out" 2>&1
check "5000 requests pipelined without acks: every reply, right" $? "$TMP/pipe.out"
diag <"$TMP/pipe.out"
[ "$(grep -c "stopped reading" "$TMP/vmm.err")" -eq "$drops" ]
check "... and neither was dropped for not reading" $? "$TMP/vmm.err"

# Killed mid-packet: half a "$m..." and then SIGKILL.
$RSP "$SOCK" midpacket >"$TMP/mid.out" 2>&1 &
mid=$!
wait_for "$TMP/mid.out" "sent half a packet" 10
kill -KILL "$mid"; wait "$mid" 2>/dev/null
$RSP "$SOCK" regs >"$TMP/regs.out" 2>&1
has "a client killed mid-packet: the next one is served" "$TMP/regs.out" "$REGS"
rss2=$(rss_kb "$VMM_PID")
[ $((rss2 - rss0)) -lt 1024 ]
check "vmm's memory stays flat (VmRSS $rss0 -> $rss2 KiB)" $?
kill -TERM "$VMM_PID"; reap 5
check_status "vmm still exits 143 on SIGTERM" "$vmm_rc" 143 "$TMP/vmm.err"

# A client that never reads holds vmm in a send: SIGTERM still ends vmm
# at once (not after the 10 s send timeout), with the socket file removed.
spawn_vmm vmm2 --gdb="unix:$SOCK" "$SPIN"
wait_sock "$SOCK"
$RSP "$SOCK" noread 30 >"$TMP/noread2.out" 2>&1 &
reader=$!
sleep 2
t0=$(date +%s%N)
kill -TERM "$VMM_PID"; reap 8
ms=$((($(date +%s%N) - t0) / 1000000))
check_status "SIGTERM with a client that never reads: exits 143" "$vmm_rc" 143 "$TMP/vmm2.err"
[ "$ms" -lt 2000 ]
check "... within 2 s (took $ms ms)" $?
[ ! -e "$SOCK" ]
check "... and removes the socket file" $?
kill "$reader" 2>/dev/null; wait "$reader" 2>/dev/null

# A console flood into a client in ack mode that reads every packet, a
# little slowly (1 ms each, as gdb printing them might): vmm waits for it
# to take each, and meanwhile must take its acks, or the client blocks
# writing one and both wait. Never dropped, in each of 8 runs.
FLOOD="$TGUESTS/hostile_flood64k.elf"
runs=8 dropped=0 finished=0
for ((i = 1; i <= runs; i++)); do
	rm -f "$SOCK"
	spawn_vmm flood --gdb="unix:$SOCK" --wait-gdb "$FLOOD"
	wait_sock "$SOCK"
	$RSP "$SOCK" flood 0 1 >"$TMP/flood$i.out" 2>&1 && finished=$((finished + 1))
	kill -TERM "$VMM_PID"; reap 5
	grep -q "stopped reading" "$TMP/flood.err" && dropped=$((dropped + 1))
	cat "$TMP/flood.err" >>"$TMP/floods.err"
done
[ "$dropped" -eq 0 ]
check "a console flood into a slow reader in ack mode: dropped in 0 of $runs runs (saw $dropped)" $? "$TMP/floods.err"
[ "$finished" -eq "$runs" ]
check "... each run read to the stop reply ($finished of $runs)" $? "$TMP/flood1.out"
diag <"$TMP/flood1.out"

# A detach and a new attach at once, before the vCPU thread has woken from
# the detach: it was taken for stopped, and the new session's clearing of
# the recorded history raced the vCPU starting one (SIGSEGV in 1 of 10
# runs of bench/diff.sh's seed 20261202 trial 108).
rm -f "$SOCK"
spawn_vmm redetach --gdb="unix:$SOCK" --wait-gdb "$TGUESTS/hostile_spin.elf"
wait_sock "$SOCK"
$RSP "$SOCK" redetach 200 >"$TMP/redetach.out" 2>&1
check "200 times: attach, step, detach and attach again at once: every stop answered" $? "$TMP/redetach.out"
kill -0 "$VMM_PID" 2>/dev/null
check "... vmm is alive" $? "$TMP/redetach.err"
kill -TERM "$VMM_PID"; reap 5
check_status "... and exits 143 on SIGTERM" "$vmm_rc" 143 "$TMP/redetach.err"

done_testing
