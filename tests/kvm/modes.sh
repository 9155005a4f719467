#!/bin/bash
# The hello guest in every mode this host can run; the refused ones refuse
# with their sentence. Each prints "Hello, world!" and leaves 42 at 0x400.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

hello='Hello, world!\n'

for flag in -l -s -r --mode=long --mode=protected --mode=real; do
	run_vmm "$flag"
	check_rc "vmm $flag exits 0" 0
	check_out "vmm $flag prints Hello, world!" "$hello"
done

run_vmm
check_rc "vmm with no arguments runs the long-mode guest" 0
check_out "vmm with no arguments prints Hello, world!" "$hello"

# The guest files, with and without a mode flag.
run_vmm "$GUESTS/hello64.elf"
check_rc "a 64-bit ELF runs in long mode by default" 0
check_out "hello64.elf prints Hello, world!" "$hello"
run_vmm -v "$GUESTS/hello32.elf"
check_rc "a 32-bit ELF runs in protected mode by default" 0
check_err "... and --verbose says so" "vmm: strategy: mode: protected"
run_vmm -s "$GUESTS/hello32.elf"
check_out "vmm -s hello32.elf prints Hello, world!" "$hello"
run_vmm -r "$GUESTS/hello16.elf"
check_out "vmm -r hello16.elf prints Hello, world!" "$hello"

# The 42 check: the guest's word at 0x400 is read at the mode's width.
for m in "-r 2" "-s 4" "-l 8"; do
	set -- $m
	run_vmm "$1" --expect=0x400=43
	check_rc "vmm $1: a failed check exits 1" 1
	check_err "vmm $1: 42 was stored as a $2-byte word" "the $2-byte word at 0x400 holds 0x2a, expected 0x2b"
done
run_vmm -l --expect=acc=7
check_err "the accumulator is checked" "the accumulator holds 0x2a, expected 0x7"

# 32-bit paging and PAE paging.
for m in "-p|32-bit paging" "--mode=pae|PAE paging"; do
	flag=${m%%|*} name=${m#*|}
	run_vmm "$flag"
	if host_refuses_paging32; then
		check_rc "vmm $flag is refused on $(host_module)" 5
		check_err "vmm $flag: the refusal names $name" "cannot run $name"
		check_err "vmm $flag: the refusal says what to use instead" "use -s"
		skip "vmm $flag prints Hello, world!" "$(host_module) shuts the vCPU down under $name"
	else
		check_rc "vmm $flag exits 0" 0
		check_out "vmm $flag prints Hello, world!" "$hello"
		run_vmm -v "$flag"
		check_err "vmm -v $flag: probed and supported" "vmm: strategy: paging: "
	fi
done

# --verbose: what the host has and what vmm chose, on stderr only.
run_vmm -v -l
check_out "--verbose leaves stdout to the guest" "$hello"
check_err "--verbose names the KVM module" "host: /dev/kvm is served by $(host_module)"
check_err "--verbose prints strategy lines" "vmm: strategy: mode: long"

# More memory, and a flat binary (mov al,'A'; out 0xe9,al; mov al,10;
# out 0xe9,al; hlt) at 0 and at --load-addr.
run_vmm --memory=64M -l
check_out "--memory=64M runs the guest" "$hello"
printf '\xb0\x41\xe6\xe9\xb0\x0a\xe6\xe9\xf4' >"$TMP/flat.bin"
run_vmm "$TMP/flat.bin"
check_out "a flat binary at 0 runs in long mode" 'A\n'
run_vmm --load-addr=0x5000 "$TMP/flat.bin"
check_out "--load-addr moves a flat binary" 'A\n'
printf '\xf4\xb0\x42\xe6\xe9\xf4' >"$TMP/flat2.bin"
run_vmm --load-addr=0x5000 --entry=0x5001 -s "$TMP/flat2.bin"
check_out "--entry starts a flat binary elsewhere (protected mode)" 'B'
run_vmm -r "$TMP/flat.bin"
check_out "a flat binary in real mode" 'A\n'

# CPUID: given when the guest's code has a CPUID (or WRMSR, mov to CR)
# instruction, or with --cpuid; the hello guests boot without it.
run_vmm -v "$TGUESTS/cpuid.elf"
check_out "a guest executing CPUID gets KVM's entries" 'cpuid ok\n'
check_err "... and --verbose says why" "vmm: strategy: cpuid: what KVM supports, for the guest's CPUID"
run_vmm -v -l
check_err "the hello guest boots without CPUID" "vmm: strategy: cpuid: none"
run_vmm -v --cpuid -l
check_err "--cpuid gives it anyway" "vmm: strategy: cpuid: what KVM supports, for --cpuid"
check_out "... and the guest still runs" 'Hello, world!\n'

run_vmm --help
check_rc "--help exits 0" 0
grep -q '^Usage: vmm' "$TMP/out" && ok "--help prints usage on stdout" || not_ok "--help prints usage on stdout"
run_vmm --version
grep -q '^vmm [0-9]' "$TMP/out" && ok "--version prints the version" || not_ok "--version prints the version"

done_testing
