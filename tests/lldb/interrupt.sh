#!/bin/bash
# LLDB and a running guest (issue 18): process interrupt stops a spinning
# guest, twice; detach lets it run on; a second LLDB connecting stops it
# again where it got to; detach --keep-stopped leaves it paused, so a
# third LLDB finds it exactly there; process kill ends vmm. The guest
# (tests/guests/spin.S) counts in rbx forever.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

SPIN="$TGUESTS/spin.elf"
hexval() { printf '%d' "${1:-0}" 2>/dev/null || echo 0; }

start_vmm --wait-gdb "$SPIN" || { not_ok "vmm listens"; done_testing; exit; }

# An interactive LLDB: batch mode waits for a continue to stop by itself.
lldb_start "$SPIN"
lldb_send "process connect unix-connect://$SOCK"
lldb_expect "stop reason = signal SIGTRAP" || not_ok "connect (timed out)"
steps_ok=1
for i in 1 2; do
	lldb_send "process continue"
	lldb_expect "Process 1 resuming" "$i" || steps_ok=0
	lldb_interrupt "$i" || steps_ok=0
	lldb_send "register read rbx"
	lldb_expect "rbx = " "$i" || steps_ok=0
done
lldb_send "detach"
lldb_expect "Process 1 detached"
lldb_stop
cp "$TMP/lldb.out" "$TMP/live.out"
if [ "$steps_ok" = 1 ]; then ok "continue, interrupt, read rbx, twice: LLDB printed each"
else not_ok "continue, interrupt, read rbx, twice: LLDB stopped answering"; lldb_show; fi
n=$(grep -c 'stop reason = signal SIGINT' "$TMP/live.out")
check_eq "process interrupt: two stops with SIGINT" "$n" 2 "$TMP/live.out"
lldb_match "... in the spin loop" 'frame #0: 0x[0-9a-f]+ spin\.elf`spin' "$TMP/live.out"
rbx1=$(sed -n 's/^ *rbx = \(0x[0-9a-f]*\)$/\1/p' "$TMP/live.out" | sed -n 1p)
rbx2=$(sed -n 's/^ *rbx = \(0x[0-9a-f]*\)$/\1/p' "$TMP/live.out" | sed -n 2p)
# How far the guest gets between a continue and an interrupt is timing;
# that it never goes back is not. (session.sh shows a detached guest
# running to its end.)
if [ -n "$rbx1" ] && [ "$(hexval "$rbx2")" -ge "$(hexval "$rbx1")" ]; then
	ok "rbx at the second interrupt is not below the first ($rbx1, then $rbx2)"
else
	not_ok "rbx went back between the interrupts ($rbx1, then $rbx2)"; lldb_show "$TMP/live.out"
fi
lldb_has "detach: LLDB detaches" "Process 1 detached" "$TMP/live.out"
kill -0 "$VMM_PID" 2>/dev/null && ok "after detach vmm runs the guest on" || not_ok "vmm exited after detach"

# Reconnect: the guest ran on after the detach, and connecting stops it.
run_lldb "$SPIN" 'register read rbx' 'process detach --keep-stopped true'
cp "$TMP/lldb.out" "$TMP/second.out"
lldb_has "reconnect: LLDB finds the guest stopped" "Process 1 stopped" "$TMP/second.out"
rbx3=$(lldb_reg "$TMP/second.out" rbx)
if [ -n "$rbx3" ] && [ "$(hexval "$rbx3")" -ge "$(hexval "$rbx2")" ]; then
	ok "... not behind where it was detached (rbx $rbx2, now $rbx3)"
else
	not_ok "rbx ${rbx3:-(none)} at reconnect, below $rbx2"
	lldb_show "$TMP/second.out"
fi
lldb_match "... in the spin loop" 'frame #0: 0x[0-9a-f]+ spin\.elf`(spin|_start)' "$TMP/second.out"
if lldb_sent | grep -qx 'qSupportsDetachAndStayStopped:'; then
	ok "detach --keep-stopped: LLDB asks qSupportsDetachAndStayStopped"
else not_ok "LLDB did not ask qSupportsDetachAndStayStopped"; lldb_show "$TMP/second.out"; fi
if lldb_sent | grep -qx 'D1'; then ok "... and sends D1"
else not_ok "LLDB did not send D1"; lldb_show "$TMP/second.out"; fi
lldb_lacks "... which vmm accepts" "error:" "$TMP/second.out"
vmm_has "vmm says the guest stays paused" "the guest stays paused for the next one"

# A third LLDB: the guest has not moved since the keep-stopped detach.
run_lldb "$SPIN" 'register read rbx' 'process kill'
cp "$TMP/lldb.out" "$TMP/third.out"
check_eq "after detach --keep-stopped the guest stayed where it was (rbx)" \
	"$(lldb_reg "$TMP/third.out" rbx)" "$rbx3" "$TMP/third.out"
lldb_has "process kill: LLDB takes vmm's X09 as the exit" "Process 1 exited with status = 9" "$TMP/third.out"
lldb_lacks "... with no complaint about the k packet" "k packet" "$TMP/third.out"
wait_vmm 10
check_vmm_rc "process kill ends vmm (status 137)" 137
vmm_has "vmm says so" "killed by gdb"

done_testing
