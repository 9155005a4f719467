#!/bin/bash
# What vmm does with a guest file's own words (issue 13): --entry for an
# ELF guest, the mode the file declares or implies against the mode asked
# for, and a file that is not ELF at all.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

# check_err_lacks NAME TEXT: stderr does not contain TEXT.
check_err_lacks() { if grep -qF -- "$2" "$TMP/err"; then not_ok "$1 (stderr has \"$2\")"; show_run; else ok "$1"; fi; }

# --entry on an ELF guest is honoured: entry.elf's alt label is at 0x100100.
run_vmm "$TGUESTS/entry.elf"
check_out "entry.elf starts at its ELF entry point (_start)" 'start\n'
run_vmm --entry=0x100100 "$TGUESTS/entry.elf"
check_rc "--entry=0x100100 on an ELF guest runs" 0
check_out "... from there (alt)" 'alt\n'
run_vmm --entry=0x300000 "$TGUESTS/entry.elf"
check_rc "--entry outside RAM on an ELF guest: refused" 5
check_err "... naming it" "entry point (--entry) 0x300000 is outside guest RAM"

# The teaching guests declare their mode in a "vmm" ELF note.
run_vmm "$GUESTS/hello16.elf"
check_rc "hello16.elf without -r: its note says real mode, so it runs" 0
check_out "... and prints its line" 'Hello, world!\n'
run_vmm -v "$GUESTS/hello16.elf"
check_err "... --verbose says why" "vmm: strategy: mode: real: 16-bit real mode (as the guest's vmm note declares)"
run_vmm -s "$GUESTS/hello16.elf"
check_err "-s with hello16.elf: a warning naming its note" "hello16.elf declares it is written for real mode (its vmm note) but runs in protected mode"
run_vmm -l "$GUESTS/hello32.elf"
check_err "-l with hello32.elf: a warning" "hello32.elf declares it is written for protected mode (its vmm note) but runs in long mode"
run_vmm -s "$GUESTS/hello64.elf"
check_err "-s with hello64.elf: a warning" "hello64.elf declares it is written for long mode (its vmm note) but runs in protected mode"
run_vmm -p "$GUESTS/hello32.elf"
if grep -qF "declares it is written" "$TMP/err"; then
	not_ok "-p with hello32.elf (32-bit either way): no warning"; show_run
else
	ok "-p with hello32.elf (32-bit either way): no warning"
fi

# Without a note, the ELF class and the entry point speak.
if command -v objcopy >/dev/null; then
	for g in 16 32 64; do
		objcopy --remove-section=.note.vmm "$GUESTS/hello$g.elf" "$TMP/bare$g.elf"
	done
	run_vmm "$TMP/bare16.elf"
	check_err "a 16-bit guest without a note, without -r: a warning naming -r" "bare16.elf: its entry point 0x7c00 is below 64 KiB, where real-mode code starts: if it is 16-bit code, run it with -r"
	run_vmm -r "$TMP/bare16.elf"
	check_rc "... with -r it runs" 0
	check_err_lacks "... without a warning" "warning"
	run_vmm -l "$TMP/bare32.elf"
	check_err "-l with a 32-bit ELF file: a warning" "bare32.elf is a 32-bit ELF file but runs in long mode, where its code decodes as 64-bit; use -s"
	run_vmm -s "$TMP/bare64.elf"
	check_err "-s with a 64-bit ELF file: a warning" "bare64.elf is a 64-bit ELF file but runs in protected mode, where 64-bit code does not run as written; use -l"
	run_vmm -r "$TMP/bare64.elf"
	check_err "-r with a 64-bit ELF file: a warning" "bare64.elf is a 64-bit ELF file but runs in real mode"
	run_vmm "$TMP/bare32.elf"
	check_rc "a 32-bit ELF file without a note runs in protected mode" 0
	check_err_lacks "... without a warning" "warning"
	# A note naming a mode vmm does not know is ignored, with a word.
	printf '\x04\0\0\0\x06\0\0\0\x01\0\0\0vmm\0turbo\0\0\0' >"$TMP/turbo.note"
	objcopy --update-section .note.vmm="$TMP/turbo.note" "$GUESTS/hello64.elf" "$TMP/turbo.elf"
	run_vmm "$TMP/turbo.elf"
	check_rc "a note naming an unknown mode: the ELF class decides" 0
	check_err "... with a warning" "turbo.elf: its vmm note names the mode 'turbo', which vmm does not know"
else
	for n in 1 2 3 4 5 6 7 8 9 10; do skip "a guest without a note ($n)" "objcopy (binutils) is not installed"; done
fi

# Not an ELF file: said, always; a text file is called one.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$TMP/passwd"
run_vmm "$TMP/passwd"
check_err "a text file: not an ELF file, loaded flat, and it reads as text" "passwd: not an ELF file: loading it as a flat binary at 0x0 (it reads as text, not x86 code)"
printf '\xb0\x41\xe6\xe9\xb0\x0a\xe6\xe9\xf4' >"$TMP/flat.bin"
run_vmm --load-addr=0x5000 "$TMP/flat.bin"
check_rc "a flat binary still runs" 0
check_err "... with a line saying how it is loaded" "flat.bin: not an ELF file: loading it as a flat binary at 0x5000"
check_err_lacks "... and no word of text" "reads as text"

done_testing
