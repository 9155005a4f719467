#!/bin/bash
# Stopping a running guest: Ctrl-C in gdb (SIGINT to gdb, which sends
# 0x03), detaching from a spinning guest and attaching again, and a guest
# that crashes, which gdb sees as a stop it can inspect.
# tests/guests/spin.elf: "spin: inc %rbx; jmp spin" forever.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

SPIN="$TGUESTS/spin.elf"
in_loop='^=> 0x[0-9a-f]+ <spin(\+3)?>:'

# --- Ctrl-C: gdb in the background; once it has sent the continue (its
# remote debug log says so) and a moment later, SIGINT to it (by PID), as
# a terminal's ^C would: gdb then sends 0x03.
start_vmm --wait-gdb "$SPIN" || { not_ok "vmm listens"; done_testing; exit; }
gdb_bg "$TMP/int.out" "$SPIN" 'set debug remote 1' continue 'set debug remote 0' \
	'echo ==stopped\n' 'x/i $pc' 'printf "rbx=%lu\n", $rbx' stepi 'x/i $pc' detach
if wait_for "$TMP/int.out" 'Sending packet: $vCont;c' 30; then
	sleep "$(scaled 0.3)"
	kill -INT "$GDB_PID" 2>/dev/null
fi
gdb_reap 30
gdb_has "^C: gdb reports SIGINT" "Program received signal SIGINT, Interrupt." "$TMP/int.out"
sed -n '/^==stopped$/,$p' "$TMP/int.out" >"$TMP/int.after"
grep '^=>' "$TMP/int.after" >"$TMP/int.pcs"
gdb_match "^C: the pc is in the spin loop" "$in_loop" "$TMP/int.pcs"
gdb_match "^C: the guest had run (rbx > 0)" '^rbx=[1-9][0-9]*$' "$TMP/int.after"
check_eq "^C: stepi works after the interrupt (two pcs in the loop)" \
	"$(grep -cE "$in_loop" "$TMP/int.pcs")" 2 "$TMP/int.after"
gdb_has "^C: the session goes on to a detach" "detached]" "$TMP/int.after"
kill -0 "$VMM_PID" 2>/dev/null && ok "after the detach the guest runs on" || not_ok "vmm exited after the detach (status $(wait "$VMM_PID"; echo $?))"
kill_vmm

# --- A ^C right behind the continue, in the same write (a client that
# interrupts at once): the guest must still stop, with T02.
start_vmm --wait-gdb "$SPIN" || { not_ok "vmm listens"; done_testing; exit; }
cat >"$TMP/quick.py" <<PY
import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout($(scaled 2))
s.connect("$SOCK")
def pkt(b):
    return b"\$" + b + b"#" + ("%02x" % (sum(b) & 0xff)).encode()
def until(want):
    data = b""
    try:
        while want not in data:
            b = s.recv(4096)
            if not b:
                return data + b"<EOF>"
            data += b
    except socket.timeout:
        return data + b"<TIMEOUT>"
    return data
s.sendall(b"+" + pkt(b"?"))
until(b"#")
s.sendall(pkt(b"vCont;c") + b"\x03")
print("QUICK: " + until(b"T02").decode("latin1"))
PY
timeout -k 5 "$(scaled 30)" "$GDB" -batch -nx -q -ex "source $TMP/quick.py" >"$TMP/quick.out" 2>&1 </dev/null
gdb_match "a ^C in the same write as the continue stops the guest (T02)" '^QUICK: .*\$T02' "$TMP/quick.out"
kill_vmm

# --- Detach and attach again: vmm listens without waiting, so the guest
# runs; each gdb attaching stops it where it is.
start_vmm "$SPIN" || { not_ok "vmm listens"; done_testing; exit; }
attach='printf "rbx=%lu\n", $rbx'
run_gdb "$SPIN" 'x/i $pc' "$attach" 'info registers rip cs' detach
cp "$TMP/gdb.out" "$TMP/attach1.out"
# Wait until the guest has certainly run on: a moment (scaled).
sleep "$(scaled 0.5)"
run_gdb "$SPIN" 'x/i $pc' "$attach" 'info registers rip cs' detach
cp "$TMP/gdb.out" "$TMP/attach2.out"
for n in 1 2; do
	gdb_match "attach $n: the pc is in the spin loop" "$in_loop" "$TMP/attach$n.out"
	gdb_match "attach $n: rip in the loop, cs the 64-bit code segment" '^cs +0x8 ' "$TMP/attach$n.out"
	gdb_has "attach $n: detach" "detached]" "$TMP/attach$n.out"
done
r1=$(sed -n 's/^rbx=//p' "$TMP/attach1.out"); r2=$(sed -n 's/^rbx=//p' "$TMP/attach2.out")
if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ]; then
	ok "the guest ran on between the attaches (rbx $r1 -> $r2)"
else
	not_ok "the guest ran on between the attaches (rbx '$r1' -> '$r2')"
	gdb_show "$TMP/attach2.out"
fi
kill -0 "$VMM_PID" 2>/dev/null && ok "vmm still runs the guest after the second detach" || not_ok "vmm exited after a detach"
kill_vmm

# --- A crash: triple.elf prints "boom", then triple-faults on a ud2.
TRIPLE="$TGUESTS/triple.elf"
start_vmm --wait-gdb "$TRIPLE" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$TRIPLE" continue 'echo ==stopped\n' 'info registers pc' 'info registers rip rbx' \
	'x/i $pc' 'echo ==cont\n' continue
wait_vmm 10
gdb_has "crash: gdb reports a stop with SIGSEGV" "Program received signal SIGSEGV"
gdb_has "crash: vmm's message reaches gdb" "vmm: guest crashed: KVM_EXIT_SHUTDOWN"
sed -n '/^==stopped$/,/^==cont$/p' "$TMP/gdb.out" >"$TMP/crash.out"
gdb_match "crash: info registers pc works" '^pc +0x[0-9a-f]+ ' "$TMP/crash.out"
if [ "$(host_module)" = kvm_amd ]; then
	why="kvm_amd resets the vCPU on a triple fault (SVM SHUTDOWN intercept): the registers are the reset state"
	# ... in real mode, which gdb follows (doc/boot.md): pc is the
	# linear reset vector, CS.base 0xffff0000 + IP 0xfff0.
	gdb_match "crash: gdb follows the reset vCPU to real mode: pc 0xfffffff0" '^pc +0xfffffff0 ' "$TMP/crash.out"
	skip "crash: rbx holds what the guest set (0x1234)" "$why"
	skip "crash: x/i \$pc shows the faulting ud2" "$why"
else
	gdb_match "crash: info registers rip works" '^rip +0x[0-9a-f]+ ' "$TMP/crash.out"
	gdb_match "crash: rbx holds what the guest set (0x1234)" '^rbx +0x1234 ' "$TMP/crash.out"
	gdb_match "crash: x/i \$pc shows the faulting ud2" '^=> 0x[0-9a-f]+ <_start\+[0-9]+>:[[:space:]]+ud2' "$TMP/crash.out"
fi
gdb_match "crash: continuing ends the run with vmm's crash status" '^\[Inferior 1 \(.*\) exited with code 03\]$'
check_vmm_rc "crash: vmm exits 3" 3
check_vmm_out "crash: the guest's output before the crash is kept" 'boom\n'

done_testing
