#!/bin/bash
# Port I/O: port 0xE9 bytes reach stdout in order and nothing else does;
# string I/O; IN from 0xE9; ports with no device.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

run_vmm "$TGUESTS/strio.elf"
check_rc "rep outsb guest exits 0" 0
check_out "rep outsb: every byte, in order" 'Hello from rep outsb!\n'

run_vmm "$TGUESTS/pio.elf" --expect=0x400=0xe9 --expect=0x408=0xff
check_rc "IN from 0xE9 reads 0xE9; IN from an empty port reads all ones" 0
check_out "pio guest prints its line" 'pio\n'
check_err "a read of a port with no device is warned about" "guest read port 0x61, which has no device"
check_err "a write to a port with no device is warned about" "guest wrote to port 0x80, which has no device"
n=$(grep -c "port 0x80" "$TMP/err")
[ "$n" -eq 1 ] && ok "the warning comes once per port, not per access" || not_ok "the warning comes once per port ($n times)"

# Output without a trailing newline is flushed at halt, at a crash.
printf '\xb0\x41\xe6\xe9\xf4' >"$TMP/a.bin"
run_vmm "$TMP/a.bin"
check_out "output without a newline is flushed at halt" 'A'
printf '\xb0\x58\xe6\xe9\x0f\x0b' >"$TMP/crash.bin"	# 'X', then ud2
run_vmm "$TMP/crash.bin"
check_rc "ud2 with no IDT crashes the guest" 3
check_out "output before a crash is flushed" 'X'

# Buffered: the hello line reaches stdout in one write(2), not fourteen.
if command -v strace >/dev/null; then
	strace -f -e trace=write -o "$TMP/strace" "$VMM" >"$TMP/out" 2>"$TMP/err"
	n=$(grep -c '^[0-9]* *write(1,' "$TMP/strace")
	[ "$n" -eq 1 ] && ok "Hello, world! is written with one write(2)" || { not_ok "Hello, world! is written with one write(2) (saw $n)"; diag <"$TMP/strace"; }
else
	skip "Hello, world! is written with one write(2)" "strace is not installed"
fi

# A closed stdout costs the guest nothing: vmm warns and runs to the HLT.
"$VMM" "$TGUESTS/strio.elf" 2>"$TMP/err" | true
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && ok "a closed stdout is not fatal" || { not_ok "a closed stdout is not fatal (exit $rc)"; diag <"$TMP/err"; }

done_testing
