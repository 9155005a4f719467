#!/bin/bash
# monitor catch io 0xe9 while vmm coalesces port 0xE9 (KVM keeps the OUTs
# in its ring, no exit each): the catchpoint turns coalescing off, sees
# every byte, and coalescing comes back when it is deleted. Skipped where
# the host cannot coalesce port I/O (tests/gdb/monitor.sh covers the
# catchpoint there).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

# vmm probes for coalesced port I/O once the guest has written 1,024
# bytes: console_catch.S writes 2 KiB.
"$VMM" -v "$TGUESTS/console_catch.elf" >/dev/null 2>"$TMP/v.err" </dev/null
COALESCING=$(grep -m1 '^vmm: strategy: console: the guest wrote 1024 bytes: coalescing OUTs' "$TMP/v.err")
if [ -z "$COALESCING" ]; then
	echo "1..0 # SKIP no coalesced port I/O here: $(sed -n 's/^vmm: strategy: console: //p' "$TMP/v.err" | tail -1)"
	exit 0
fi

G="$TGUESTS/console_catch.elf"
LETTERS=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345
# The guest: 32 numbered lines (past the 1,024 bytes after which vmm
# coalesces), then at `caught` 300 letters A-Z A-Z ... and a newline.
abc300=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "%c", 65 + i % 26 }')

cat >"$TMP/catch.gdb" <<'GDB'
set $i = 0
while $i < 300
  continue
  set $i = $i + 1
end
GDB
start_vmm -v --wait-gdb "$G"
run_gdb "$G" 'break caught' continue 'monitor catch io 0xe9 out' \
	"source $TMP/catch.gdb" 'monitor catch delete 1' continue continue
wait_vmm 30
check_vmm_rc "the guest ran to its HLT under gdb" 0
vmm_has "coalescing was on when the catchpoint came" \
	"vmm: strategy: console: the guest wrote 1024 bytes: coalescing OUTs to port 0xe9 from here on"
vmm_has "catch io 0xe9 turns coalescing off, and --verbose says why" \
	"vmm: strategy: console: one exit per OUT to port 0xe9 while a catchpoint (monitor catch io) needs each OUT (KVM_UNREGISTER_COALESCED_MMIO)"
vmm_has "catch delete turns it back on" \
	"vmm: strategy: console: port 0xe9 coalesced again: nothing needs each OUT (KVM_REGISTER_COALESCED_MMIO)"
n=$(grep -c "vmm: catch 1: OUT to port 0xe9, 1 byte: " "$TMP/gdb.out")
check_eq "catch io 0xe9: a stop for each of the 300 OUTs" "$n" 300
chars=$(grep -o "vmm: catch 1: OUT to port 0xe9, 1 byte: 0x[0-9a-f]* '[A-Z]'" "$TMP/gdb.out" |
	sed "s/.*'\(.\)'/\1/" | tr -d '\n')
check_eq "catch io 0xe9: each byte, in order" "$chars" "$abc300"
{ awk -v l="$LETTERS" 'BEGIN { for (i = 0; i < 32; i++) printf "%04x %s\n", i, l }'; echo "$abc300"; } >"$TMP/want"
if cmp -s "$TMP/vmm.out" "$TMP/want"; then
	ok "stdout: every byte once, in order, before, during and after the catchpoint"
else
	not_ok "stdout: every byte once, in order, before, during and after the catchpoint"
	cmp "$TMP/vmm.out" "$TMP/want" 2>&1 | diag
fi

# stepi over OUTs KVM coalesces: one instruction a step (no I/O exit to
# complete), and the byte on stdout by the time gdb has the stop.
lines32() { awk -v l="$LETTERS" 'BEGIN { for (i = 0; i < 32; i++) printf "%04x %s\n", i, l }'; }
start_vmm -v --wait-gdb "$G"
run_gdb "$G" 'break caught' continue 'stepi 3' 'x/i $pc' "shell cp $TMP/vmm.out $TMP/at3" \
	'stepi 6' 'x/i $pc' "shell cp $TMP/vmm.out $TMP/at9"
kill_vmm
n=$(grep -c '=> 0x100052 <caught+9>:.*inc' "$TMP/gdb.out")
check_eq "stepi over a coalesced OUT stops at the next instruction, twice" "$n" 2
{ lines32; printf A; } >"$TMP/want"
cmp -s "$TMP/at3" "$TMP/want" && ok "... with the byte on stdout at the stop" ||
	{ not_ok "... with the byte on stdout at the stop"; od -c "$TMP/at3" | tail -3 | diag; }
{ lines32; printf AB; } >"$TMP/want"
cmp -s "$TMP/at9" "$TMP/want" && ok "... and the next at the next stop" ||
	{ not_ok "... and the next at the next stop"; od -c "$TMP/at9" | tail -3 | diag; }
vmm_has "coalescing was on while stepping" "coalescing OUTs to port 0xe9 from here on"

done_testing
