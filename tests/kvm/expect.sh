#!/bin/bash
# The checks at the halt (issue 13): a guest's own .vmm.expect section and
# the user's --expect both apply, whatever the guest holds; a section vmm
# cannot read whole is an error naming it, never a silent "no checks".
# The guests are hello64.elf with its section rewritten by objcopy.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm
if ! command -v objcopy >/dev/null; then
	echo "1..0 # SKIP objcopy (binutils) is not installed"
	exit 0
fi

# with_section NAME TEXT: hello64.elf whose .vmm.expect holds TEXT.
with_section() {
	printf '%b' "$2" >"$TMP/$1.txt"
	objcopy --update-section .vmm.expect="$TMP/$1.txt" "$GUESTS/hello64.elf" "$TMP/$1.elf"
}
repeat() { local i; for ((i = 0; i < $1; i++)); do printf '%s ' "$2"; done; }

# 16 entries: the most a section may hold. They pass (the word at 0x400
# and the accumulator are 42); the user's checks must still run.
with_section full "$(repeat 8 '0x400=42 acc=42')"
run_vmm --expect=0x400=99 --expect=acc=7 "$TMP/full.elf"
check_rc "a guest with 16 checks of its own: the user's failing --expect still fails" 1
check_err "... the word at 0x400 is checked" "verdict: the 8-byte word at 0x400 holds 0x2a, expected 0x63 (99)"
check_err "... and the accumulator" "verdict: the accumulator holds 0x2a, expected 0x7 (7)"
run_vmm --verbose --expect=0x400=42 --expect=acc=42 "$TMP/full.elf"
check_rc "... and passing ones pass" 0
check_err "... all 18 counted" "18 checks passed"

# The guest's own checks still apply beside the user's.
with_section wrong '0x400=41'
run_vmm --expect=acc=42 "$TMP/wrong.elf"
check_rc "the guest's own failing check fails beside a passing --expect" 1
check_err "... naming it" "verdict: the 8-byte word at 0x400 holds 0x2a, expected 0x29 (41)"

# Sections that cannot be read: exit 5, the section named.
with_section over "$(repeat 17 'acc=42')"
run_vmm "$TMP/over.elf"
check_rc "17 checks in the section: refused" 5
check_err "... naming the section and the limit" "over.elf: its .vmm.expect section: more than 16 expectations"
with_section banana 'acc=42 banana'
run_vmm "$TMP/banana.elf"
check_rc "a malformed section: refused" 5
check_err "... naming the section and the bad word" "banana.elf: its .vmm.expect section: 'banana' is not ADDR=VALUE or acc=VALUE"
with_section long "$(repeat 30 '0x400=42')"
run_vmm "$TMP/long.elf"
check_rc "a section of 270 bytes: refused" 5
check_err "... naming its size and the limit" "its .vmm.expect section holds 270 bytes of text; vmm reads at most 255"
with_section nul 'acc=42\0000x400=41'
run_vmm "$TMP/nul.elf"
check_rc "a NUL byte inside the text (hiding a check): refused" 5
check_err "... saying so" "its .vmm.expect section is malformed: a NUL byte inside its text"
with_section asciz '0x400=42 acc=42\000'
run_vmm "$TMP/asciz.elf"
check_rc "a trailing NUL (.asciz) is fine" 0

# A section header that points past the end of the file.
cp "$GUESTS/hello64.elf" "$TMP/outside.elf"
python3 - "$TMP/outside.elf" <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b'); d = bytearray(f.read())
shoff, = struct.unpack_from('<Q', d, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
stroff, = struct.unpack_from('<Q', d, shoff + shstrndx * shentsize + 0x18)
for i in range(shnum):
    h = shoff + i * shentsize
    name, = struct.unpack_from('<I', d, h)
    if d[stroff + name:].startswith(b'.vmm.expect\0'):
        struct.pack_into('<Q', d, h + 0x18, len(d) + 4096)  # sh_offset
f.seek(0); f.write(d)
PY
run_vmm "$TMP/outside.elf"
check_rc "a .vmm.expect section outside the file: refused" 5
check_err "... saying so" "its .vmm.expect section (section"

done_testing
