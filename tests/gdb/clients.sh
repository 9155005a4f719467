#!/bin/bash
# One debugger at a time: a second client gets an error reply and is
# closed while the first session goes on; a gdb that dies without
# detaching leaves the guest paused where it was, for the next gdb, with
# nothing of the dead session left behind.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

pcs() { sed -n 's/^=> 0x[0-9a-f]* <\([^>]*\)>:.*/\1/p' "$1" | tr '\n' ' '; }

# --- A second client while the first is attached, started from inside
# the first gdb's session (shell), so it surely overlaps it. Two kinds:
# a raw socket client (through gdb's Python) that prints what it reads,
# and a second gdb, which should show the student vmm's reason.
SEQ="$TGUESTS/gdb_stepseq.elf"
start_vmm --wait-gdb "$SEQ" || { not_ok "vmm listens"; done_testing; exit; }
cat >"$TMP/raw.py" <<PY
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout($(scaled 10))
s.connect("$SOCK")
data = b""
end = "<EOF>"
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
except socket.timeout:
    end = "<TIMEOUT>"
except OSError as e:
    end = "<%s>" % e
text = data.decode("latin1")
print("RAW: " + text + end)
if text.startswith("\$") and "#" in text:
    body, cs = text[1:].split("#", 1)
    ok = cs[:2] == "%02x" % (sum(body.encode("latin1")) & 0xff)
    print("CHECKSUM: " + ("ok" if ok else "bad"))
PY
cat >"$TMP/second.sh" <<SH
timeout -k 5 $(scaled 30) "$GDB" -batch -nx -q -ex "source $TMP/raw.py" >"$TMP/raw.out" 2>&1 </dev/null
timeout -k 5 $(scaled 30) "$GDB" -batch -nx -q "$SEQ" -ex "target remote $SOCK" -ex 'x/i \$pc' >"$TMP/gdb2.out" 2>&1 </dev/null
SH
run_gdb "$SEQ" stepi 'x/i $pc' "shell bash $TMP/second.sh" 'echo ==after\n' \
	stepi 'x/i $pc' stepi 'x/i $pc' continue continue
wait_vmm 10
gdb_has "a second client reads an error reply naming the reason" \
	'RAW: $E.vmm: another debugger is already attached#' "$TMP/raw.out"
gdb_has "... a well-formed packet" "CHECKSUM: ok" "$TMP/raw.out"
gdb_match "... and then the connection is closed" '<EOF>$' "$TMP/raw.out"
gdb_has "a second gdb shows the student why it was refused" \
	"another debugger is already attached" "$TMP/gdb2.out"
gdb_lacks "a second gdb gets no registers" "=> 0x" "$TMP/gdb2.out"
vmm_has "vmm says so on stderr" "refused a second debugger"
sed -n '/^==after$/,$p' "$TMP/gdb.out" >"$TMP/after.out"
check_eq "the first session goes on: stepi s1, s2" "$(pcs "$TMP/after.out")" "s1 s2 " "$TMP/after.out"
gdb_match "the first session runs to the end" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "vmm exits 0" 0
check_vmm_out "the guest's byte, once" 'S'

# --- gdb killed without detaching, with a software and a hardware
# breakpoint inserted (always-inserted keeps them in vmm while stopped).
SIX="$TGUESTS/gdb_six.elf"
start_vmm --wait-gdb "$SIX" || { not_ok "vmm listens"; done_testing; exit; }
gdb_bg "$TMP/dead.out" "$SIX" 'set breakpoint always-inserted on' \
	'break f3' 'hbreak f5' stepi 'x/i $pc' 'echo ==ready\n' \
	'python import time; time.sleep(600)'
{
	wait_for "$TMP/dead.out" "==ready" 30 && kill -KILL "$GDB_PID"
	gdb_reap 10
} 2>/dev/null	# not bash's "Killed" notice
wait_for "$TMP/vmm.err" "disconnected without detaching" 10
vmm_has "vmm notices gdb went away without detaching" "gdb disconnected without detaching"
kill -0 "$VMM_PID" 2>/dev/null && ok "vmm waits for the next gdb" || not_ok "vmm exited when gdb died"
pc1=$(pcs "$TMP/dead.out")
# The next gdb: the same pc; then the four debug registers are all its
# own, and nothing the dead gdb planted stops the guest.
cmds=('x/i $pc')
for f in f1 f2 f4 f6; do cmds+=("hbreak $f"); done
cmds+=('set debug remote 1')
for f in f1 f2 f4 f6; do cmds+=(continue 'x/i $pc'); done
cmds+=('set debug remote 0' continue continue)
run_gdb "$SIX" "${cmds[@]}"
wait_vmm 10
pc2=$(pcs "$TMP/gdb.out")
check_eq "the next gdb sees the same pc" "${pc2%% *}" "${pc1% }"
check_eq "the next gdb can use all four hardware breakpoints" "$pc2" "_start+2 f1 f2 f4 f6 "
gdb_lacks "no breakpoint of the dead session stops the guest (software)" "Packet received: T05swbreak"
gdb_lacks "no breakpoint of the dead session stops the guest (hardware)" "Cannot insert hardware breakpoint"
gdb_match "the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "vmm exits 0" 0

done_testing
