#!/bin/bash
# Where the stub listens: 127.0.0.1 unless told otherwise; 0.0.0.0 works
# with a warning; a port in use is a clear error; a Unix socket is mode
# 0600 and is removed on every way vmm can end that it can catch.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/hostile/lib.sh"
require_kvm
require_python

SPIN="$TGUESTS/hostile_spin.elf"
LO=0100007F ANY=00000000

# --- TCP -----------------------------------------------------------------
# The default (--gdb alone) is 127.0.0.1:1234, a fixed port: looked at in a
# network namespace of its own, where nothing else can hold 1234.
cat >"$TMP/netns.py" <<'PY'
import fcntl, os, socket, struct, sys
s = socket.socket()
fcntl.ioctl(s.fileno(), 0x8914, struct.pack("16sH14s", b"lo", 0x1 | 0x8, bytes(14)))  # SIOCSIFFLAGS: lo up
os.execv(sys.argv[1], sys.argv[1:])
PY
cat >"$TMP/ns.sh" <<EOF2
python3 "$TMP/netns.py" "$VMM" --gdb "$SPIN" >"$TMP/ns.out" 2>"$TMP/ns.err" &
pid=\$!
for i in \$(seq 100); do grep -q ':04D2 ' /proc/net/tcp && break; sleep 0.05; done
cat /proc/net/tcp >"$TMP/ns.tcp"
python3 "$VMM_SRCDIR/tests/hostile/rsp.py" 127.0.0.1:1234 regs >"$TMP/ns.regs" 2>&1
kill -TERM \$pid; wait \$pid
EOF2
if unshare -n true 2>/dev/null; then
	unshare -n bash "$TMP/ns.sh"
	awk '$2 == "0100007F:04D2" && $4 == "0A" { f = 1 } END { exit !f }' "$TMP/ns.tcp"
	check "--gdb alone listens on 127.0.0.1:1234" $? "$TMP/ns.tcp"
	awk '$4 == "0A" && $2 !~ /^0100007F:/ { f = 1 } END { exit f }' "$TMP/ns.tcp"
	check "... and on no other address" $? "$TMP/ns.tcp"
	has "... and says what to type in gdb" "$TMP/ns.err" "target remote :1234'"
	has "... where gdb gets registers" "$TMP/ns.regs" "1111000000000000"
else
	skip "--gdb alone listens on 127.0.0.1:1234" "no network namespace here (unshare -n) to use the fixed port 1234 safely"
fi

spawn_vmm lo --gdb=:0 "$SPIN"
wait_for "$TMP/lo.err" "target remote" 10
port=$(tcp_port lo)
tcp_listening $LO "$port"
check "--gdb=:0 listens on 127.0.0.1 (port $port)" $? "$TMP/lo.err"
tcp_listening $ANY "$port" && not_ok "... and not on 0.0.0.0" || ok "... and not on 0.0.0.0"
lacks "... with no warning" "$TMP/lo.err" "warning"
$RSP "127.0.0.1:$port" regs >"$TMP/rsp.out" 2>&1
has "... where a client gets the registers" "$TMP/rsp.out" "1111000000000000"
kill -TERM "$VMM_PID"; reap 5
tcp_listening $LO "$port" && not_ok "the port is closed at exit" || ok "the port is closed at exit"

spawn_vmm any --gdb=tcp:0.0.0.0:0 "$SPIN"
wait_for "$TMP/any.err" "target remote" 10
port=$(tcp_port any)
tcp_listening $ANY "$port"
check "--gdb=tcp:0.0.0.0:0 listens on every address (port $port)" $? "$TMP/any.err"
has "... with a warning that anyone who can reach it owns the guest" "$TMP/any.err" \
	"anyone who can reach that port can read and change the guest"
$RSP "127.0.0.1:$port" regs >"$TMP/rsp.out" 2>&1
has "... and works" "$TMP/rsp.out" "1111000000000000"
# A remote debugger must not learn vmm's host addresses (ASLR).
printf 'monitor walk 0x100000' | od -An -tx1 | tr -d ' \n' >"$TMP/hex"
echo "qRcmd,$(cat "$TMP/hex")" | $RSP "127.0.0.1:$port" hold >"$TMP/rsp.out" 2>&1
lacks "... and monitor walk shows no host address over 0.0.0.0" "$TMP/rsp.out" "HVA"
kill -TERM "$VMM_PID"; reap 5

# A port somebody holds: python listens on a port the kernel picked.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$TMP/holder.port" &
holder=$!
wait_for "$TMP/holder.port" "" 5
for i in $(seq 100); do [ -s "$TMP/holder.port" ] && break; sleep 0.05; done
port=$(cat "$TMP/holder.port")
run_vmm --gdb=":$port" "$SPIN"
check_rc "a port in use is refused (exit 5)" 5
check_err "... with a message naming it and what to do" "127.0.0.1:$port is already in use"
run_vmm --gdb="tcp:0.0.0.0:$port" "$SPIN"
check_rc "... on 0.0.0.0 too" 5
kill "$holder"; wait "$holder" 2>/dev/null

# --- Unix sockets ----------------------------------------------------------
SOCK="$TMP/gdb.sock"
(umask 000; exec "$VMM" --gdb="unix:$SOCK" "$SPIN" >"$TMP/u.out" 2>"$TMP/u.err" </dev/null) &
VMM_PID=$!
wait_sock "$SOCK"
mode=$(stat -c %a "$SOCK" 2>/dev/null)
check_status "a Unix socket is mode 0600 (even with umask 000)" "$mode" 600

# Another vmm on the same path while the first listens: refused, and the
# first one's socket stays.
run_vmm --gdb="unix:$SOCK" "$SPIN"
check_rc "a socket path another vmm listens on is refused (exit 5)" 5
check_err "... saying so" "another program is listening there"
[ -S "$SOCK" ]
check "... and the first vmm's socket file stays" $?
sleep 0.3	# (a SIGTERM during that probe's attach is lost: signals.sh)
kill -TERM "$VMM_PID"; reap 5
[ ! -e "$SOCK" ]
check "SIGTERM removes it (exit $vmm_rc)" $? "$TMP/u.err"

# Each way vmm ends: the socket file is gone afterwards.
# exit_case NAME WANT-STATUS GUEST VMM-ARGS... (with "--" then gdb commands)
exit_case() {
	local name=$1 want=$2 guest=$3 vargs=() gargs=() a seen=
	shift 3
	for a in "$@"; do
		if [ "$a" = -- ]; then seen=1; continue; fi
		if [ -n "$seen" ]; then gargs+=(-ex "$a"); else vargs+=("$a"); fi
	done
	rm -f "$SOCK"
	spawn_vmm x --gdb="unix:$SOCK" "${vargs[@]}" "$guest"
	if [ -n "$seen" ]; then
		wait_sock "$SOCK" || { not_ok "$name: vmm listens"; diag <"$TMP/x.err"; reap 1; return; }
		if ! have_gdb; then
			kill -KILL "$VMM_PID"; reap 1
			skip "$name" "gdb is not installed"
			return
		fi
		timeout -k 2 "$(scaled 60)" "$GDB" -batch -nx -q "$guest" -ex "target remote $SOCK" \
			"${gargs[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	fi
	reap 10
	if [ "$vmm_rc" = "$want" ] && [ ! -e "$SOCK" ]; then
		ok "$name: exit $want, socket file removed"
	else
		not_ok "$name: exit $vmm_rc (expected $want), socket file $([ -e "$SOCK" ] && echo left behind || echo removed)"
		cat "$TMP/x.err" "$TMP/gdb.out" 2>/dev/null | head -40 | diag
	fi
	rm -f "$TMP/gdb.out"
}
exit_case "the guest halts, nobody attached" 0 "$GUESTS/hello64.elf"
exit_case "the guest triple-faults, nobody attached" 3 "$TGUESTS/triple.elf"
exit_case "--timeout, nobody attached" 4 "$SPIN" --timeout=0.5
exit_case "the guest halts under gdb" 0 "$GUESTS/hello64.elf" --wait-gdb -- continue continue
exit_case "gdb kills the guest" 137 "$SPIN" --wait-gdb -- kill
exit_case "gdb detaches, then the guest halts" 0 "$GUESTS/hello64.elf" --wait-gdb -- detach
exit_case "the guest crashes under gdb" 3 "$TGUESTS/triple.elf" --wait-gdb -- continue continue
exit_case "--timeout under gdb" 4 "$SPIN" --timeout=1 -- continue

# Signals vmm does not ask for by name still end it; the socket must go.
for sig in HUP; do
	rm -f "$SOCK"
	spawn_vmm x --gdb="unix:$SOCK" "$SPIN"
	wait_sock "$SOCK"
	kill -s "$sig" "$VMM_PID"
	reap 5
	if [ ! -e "$SOCK" ]; then ok "SIG$sig: socket file removed (exit $vmm_rc)"; else
		not_ok "SIG$sig: socket file left behind (exit $vmm_rc; vmm has no handler for SIG$sig)"
	fi
done

# What vmm cannot catch (SIGKILL) leaves a stale file: the next vmm on the
# same path replaces it.
rm -f "$SOCK"
spawn_vmm x --gdb="unix:$SOCK" "$SPIN"
wait_sock "$SOCK"
kill -KILL "$VMM_PID"; reap 5
[ -S "$SOCK" ] && stale=yes || stale=no
spawn_vmm y --gdb="unix:$SOCK" "$SPIN"
wait_for "$TMP/y.err" "target remote" 10
$RSP "$SOCK" regs >"$TMP/rsp.out" 2>&1
has "a stale socket file (vmm was SIGKILLed: $stale) is replaced by the next vmm" "$TMP/rsp.out" "1111000000000000"
kill -TERM "$VMM_PID"; reap 5

# A path that is not a socket: refused, and left alone.
echo precious >"$TMP/file"
run_vmm --gdb="unix:$TMP/file" "$SPIN"
check_rc "a path that is not a socket is refused (exit 5)" 5
check_err "... saying so" "the path exists and is not a socket"
[ "$(cat "$TMP/file")" = precious ]
check "... and the file is untouched" $?

# A bad guest: vmm fails before it listens and leaves no socket file.
run_vmm --gdb="unix:$SOCK" "$TMP/no-such-guest"
check_rc "a missing guest file with --gdb=unix: exits 5" 5
[ ! -e "$SOCK" ]
check "... and leaves no socket file" $?

done_testing
