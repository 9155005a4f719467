#!/bin/bash
# --trace: every KVM ioctl vmm makes, one decoded line each, checked
# against strace's own list of the same run (the order, the fds, the
# request numbers, the results) and line by line for what the course asks:
# the API version, the VM, the memory slot, the vCPU, the mmap size, the
# mode's SREGS and REGS, each OUT of "Hello, world!\n" and the final HLT.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm
require_tool python3 "the trace checker is Python"
require_tool strace "the trace is compared with strace"
CHECK="python3 $VMM_SRCDIR/tests/kvm/tracecheck.py"

# has NAME REGEX: a line of the trace matches (grep -E).
has() {
	if grep -qE -- "$2" "$TMP/trace"; then ok "$1"; else
		not_ok "$1 (no trace line matches /$2/)"; head -c 3000 "$TMP/trace" | diag
	fi
}

# traced MODE GUEST: run under strace with --trace=all into $TMP/trace.
traced() {
	# LeakSanitizer cannot run under ptrace: a sanitizer build's vmm
	# would fail at exit under strace (ASAN_OPTIONS means nothing to
	# the plain build).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	timeout "$(scaled 30)" strace -f -qq -X verbose -e trace=ioctl -o "$TMP/strace" \
		"$VMM" --trace=all,"$TMP/trace" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
}

# same_as_strace NAME: the trace's ioctls are strace's, in order.
same_as_strace() {
	$CHECK calls "$TMP/trace" | grep -v '^ENCODING' | sed 's/ probe$/ /' >"$TMP/calls"
	$CHECK strace "$TMP/strace" >"$TMP/scalls"
	if [ -s "$TMP/calls" ] && cmp -s "$TMP/calls" "$TMP/scalls"; then
		ok "$1: the trace and strace list the same $(wc -l <"$TMP/calls") ioctls (fd, request, result) in the same order"
	else
		not_ok "$1: the trace and strace agree on every ioctl"
		diff "$TMP/calls" "$TMP/scalls" | head -20 | diag
	fi
	if $CHECK calls "$TMP/trace" | grep -q '^ENCODING'; then
		not_ok "$1: each _IO/_IOR/_IOW(type, nr, size) is the request number's fields"
		$CHECK calls "$TMP/trace" | grep '^ENCODING' | head -5 | diag
	else
		ok "$1: each _IO/_IOR/_IOW(type, nr, size) is the request number's fields"
	fi
}

# in_order NAME A B C...: the first line of each request comes in this order.
in_order() {
	local name=$1 prev=0 n r
	shift
	for r in "$@"; do
		n=$(grep -nE "ioctl\([0-9]+ [^,]+, $r = " "$TMP/trace" | grep -v 'probe VM' | head -1 | cut -d: -f1)
		if [ -z "$n" ] || [ "$n" -le "$prev" ]; then
			not_ok "$name: $r comes after the one before it (line ${n:-none})"; return
		fi
		prev=$n
	done
	ok "$name: $* in that order"
}

# hello_checks NAME ENTRY: the run's guest lines for a hello guest.
hello_checks() {
	local name=$1 entry=$2 memaddr
	check_out "$name: the guest's output is unchanged" 'Hello, world!\n'
	same_as_strace "$name"
	in_order "$name" KVM_GET_API_VERSION KVM_CREATE_VM KVM_SET_USER_MEMORY_REGION \
		KVM_CREATE_VCPU KVM_GET_VCPU_MMAP_SIZE KVM_SET_SREGS KVM_SET_REGS KVM_RUN
	has "$name: KVM_GET_API_VERSION is 12" 'ioctl\([0-9]+ /dev/kvm, KVM_GET_API_VERSION = 0xae00 _IO\(0xae, 0x00\), 0\) = 12 '
	has "$name: KVM_CREATE_VM returns the VM's fd" "KVM_CREATE_VM = 0xae01 _IO\(0xae, 0x01\), 0\) = [0-9]+ \(the VM's fd\)"
	memaddr=$(sed -n 's/.*KVM_SET_USER_MEMORY_REGION \*\/, {slot=0, flags=0, guest_phys_addr=0, memory_size=2097152, userspace_addr=\(0x[0-9a-f]*\)}.*/\1/p' "$TMP/strace" | head -1)
	has "$name: the memory slot: 2 MiB at GPA 0 from the host address strace saw (${memaddr:-none})" \
		"KVM_SET_USER_MEMORY_REGION = 0x4020ae46 _IOW\(0xae, 0x46, 32\), \{slot=0, flags=0x0, guest_phys_addr=0x0, memory_size=0x200000 \(2 MiB\), userspace_addr=${memaddr:-none}\}\) = 0"
	has "$name: KVM_CREATE_VCPU 0 returns the vCPU's fd" "KVM_CREATE_VCPU = 0xae41 _IO\(0xae, 0x41\), 0\) = [0-9]+ \(the vCPU's fd\)"
	has "$name: KVM_GET_VCPU_MMAP_SIZE" "KVM_GET_VCPU_MMAP_SIZE = 0xae04 _IO\(0xae, 0x04\), 0\) = $(sed -n 's/.*KVM_GET_VCPU_MMAP_SIZE.* = \([0-9]*\)$/\1/p' "$TMP/strace" | head -1) "
	has "$name: KVM_SET_REGS starts the guest at its ELF entry $entry" "KVM_SET_REGS = 0x4090ae82 _IOW\(0xae, 0x82, 144\), \{rip=$entry, rsp=0x[0-9a-f]+, rflags=0x2, "
	if [ "$($CHECK io "$TMP/trace")" = "'Hello, world!\\n'" ]; then
		ok "$name: KVM_EXIT_IO out port 0xe9 lines carry \"Hello, world!\\n\", a byte each"
	else
		not_ok "$name: KVM_EXIT_IO lines carry \"Hello, world!\\n\" (got $($CHECK io "$TMP/trace"))"
	fi
	has "$name: KVM_EXIT_IO shows direction, size, port, count, data_offset and the byte" \
		"KVM_RUN = 0xae80 _IO\(0xae, 0x80\), 0\) = 0 -> KVM_EXIT_IO \{direction=out, size=1, port=0xe9, count=1, data_offset=0x[0-9a-f]+, data=48 'H'\}"
	if grep 'KVM_RUN' "$TMP/trace" | tail -1 | grep -q -- '-> KVM_EXIT_HLT$'; then
		ok "$name: the last KVM_RUN ends in KVM_EXIT_HLT"
	else
		not_ok "$name: the last KVM_RUN ends in KVM_EXIT_HLT"; tail -3 "$TMP/trace" | diag
	fi
	has "$name: timestamps in microseconds" '^vmm: trace \[ *[0-9]+\.[0-9] us\] '
}

entry() { readelf -h "$1" | sed -n 's/.*Entry point address: *//p'; }

# Long mode: the SREGS kvm-hello-world's setup_long_mode builds.
traced -l
check_rc "-l --trace: the guest halts as without it" 0
hello_checks "-l" "$(entry "$GUESTS/hello64.elf")"
has "-l: KVM_SET_SREGS: CR0 with PE and PG, CR3, cr4=0x20 [PAE], efer with LME LMA" \
	'KVM_SET_SREGS = 0x4138ae84 _IOW\(0xae, 0x84, 312\), \{cr0=0x80050033 \[PE MP ET NE WP AM PG\], cr3=0x1fe000, cr4=0x20 \[PAE\], efer=0x500 \[LME LMA\], '
has "-l: KVM_SET_SREGS: a 64-bit code segment (L=1) and flat data" \
	'cs=\{selector=0x8, base=0x0, limit=0xffffffff, L=1, D=0, DPL=0\}, ds=\{selector=0x10, base=0x0, limit=0xffffffff, L=0, D=1, DPL=0\}, ss=\{selector=0x10, '
has "-l: the mmap of kvm_run is shown (not an ioctl)" 'mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_SHARED, [0-9]+, 0\) = 0x[0-9a-f]+: the vCPU.s kvm_run'
has "-l: the final KVM_GET_REGS shows rax=0x2a, the 42" 'KVM_GET_REGS = 0x8090ae81 _IOR\(0xae, 0x81, 144\), \{rip=0x[0-9a-f]+, rsp=0x[0-9a-f]+, rflags=0x[0-9a-f]+, rax=0x2a\}\) = 0'

# Flat protected mode: PE only, no paging bits.
traced -s
check_rc "-s --trace" 0
hello_checks "-s" "$(entry "$GUESTS/hello32.elf")"
has "-s: KVM_SET_SREGS: cr0 PE without PG, cr4=0x0, efer=0x0, 32-bit code (D=1)" \
	'KVM_SET_SREGS = .*\{cr0=0x31 \[PE ET NE\], cr3=0x0, cr4=0x0, efer=0x0, cs=\{selector=0x18, base=0x0, limit=0xffffffff, L=0, D=1, DPL=0\}'

# Real mode: CS:IP = 0:0x7c00, SS = 0x9000.
traced -r
check_rc "-r --trace" 0
hello_checks "-r" "$(entry "$GUESTS/hello16.elf")"
has "-r: KVM_SET_SREGS: PE clear, CS 0 base 0, SS 0x9000 base 0x90000" \
	'KVM_SET_SREGS = .*\{cr0=0x60000010 \[ET NW CD\], cr3=0x0, cr4=0x0, efer=0x0, cs=\{selector=0x0, base=0x0, limit=0xffff, L=0, D=0, DPL=0\}, .*ss=\{selector=0x9000, base=0x90000, '

# The paging modes: on a host that refuses them, the probe's scratch VM
# shows why (marked); on one that runs them, the guest's own lines.
for mode in paged pae; do
	traced --mode=$mode
	same_as_strace "--mode=$mode"
	has "--mode=$mode: the host probe's scratch VM is in the trace, marked" \
		'^vmm: trace \[ *[0-9.]+ us\] probe VM: ioctl\([0-9]+ /dev/kvm, KVM_CREATE_VM = '
	cr4=0x10; bits=PSE
	[ $mode = pae ] && { cr4=0x20; bits=PAE; }
	has "--mode=$mode: the probe's KVM_SET_SREGS: paging on, cr4=$cr4 [$bits], no LME" \
		"probe VM: ioctl\([0-9]+ vCPU, KVM_SET_SREGS = .*\{cr0=0x80050033 \[PE MP ET NE WP AM PG\], cr3=0x[0-9a-f]+, cr4=$cr4 \[$bits\], efer=0x0, "
	if host_refuses_paging32; then
		has "--mode=$mode: the probe's HLT ends in KVM_EXIT_SHUTDOWN on $(host_module)" \
			'probe VM: ioctl\([0-9]+ vCPU, KVM_RUN = .* = 0 -> KVM_EXIT_SHUTDOWN$'
		check_rc "--mode=$mode: refused on $(host_module), as without --trace" 5
		skip "--mode=$mode: the guest's own run" "$(host_module) shuts the vCPU down in this paging mode (the probe above shows it)"
	else
		check_rc "--mode=$mode: the guest runs" 0
		hello_checks "--mode=$mode" "$(entry "$GUESTS/hello32.elf")"
	fi
done

# Folding: 100 identical exits are one line and a count; all shows each.
run_vmm --trace="$TMP/trace" "$TGUESTS/repeat.elf"
check_rc "repeat.elf --trace" 0
has "folded: the first 'x' exit" "data=78 'x'\}$"
has "folded: then a count of the 99 identical ones" '^vmm: trace \[ *[0-9.]+ us\] \.\.\. the same exit 99 more times$'
n=$(grep -c "data=78 'x'" "$TMP/trace")
[ "$n" -eq 1 ] && ok "folded: one line for the 100 exits" || not_ok "folded: one line for the 100 exits (saw $n)"
n=$($CHECK exits "$TMP/trace")
[ "$n" = "102 102 0" ] && ok "folded: the exits still count 102 (100 x, newline, HLT)" || not_ok "folded: the exits count 102 (got $n)"
run_vmm --trace=all,"$TMP/trace" "$TGUESTS/repeat.elf"
n=$(grep -c "data=78 'x'" "$TMP/trace")
[ "$n" -eq 100 ] && ok "--trace=all: each of the 100 exits on its own line" || not_ok "--trace=all: 100 lines (saw $n)"
grep -q 'the same exit' "$TMP/trace" && not_ok "--trace=all folds nothing" || ok "--trace=all folds nothing"

# The other exits, decoded: MMIO, SHUTDOWN.
run_vmm --trace="$TMP/trace" "$TGUESTS/mmio32.elf"
has "KVM_EXIT_MMIO: address, length, is_write, data" \
	'-> KVM_EXIT_MMIO \{phys_addr=0x10000000, len=4, is_write=1, data=2a 00 00 00\}$'
run_vmm --trace="$TMP/trace" "$TGUESTS/triple.elf"
has "KVM_EXIT_SHUTDOWN" '= 0 -> KVM_EXIT_SHUTDOWN$'
has "the crash report's KVM_GET_REGS and KVM_GET_SREGS are traced too" 'KVM_GET_SREGS = 0x8138ae83 _IOR\(0xae, 0x83, 312\), \{cr0='

# Off by default; on stderr without a file; bad specs are clear.
run_vmm -l
grep -q '^vmm: trace' "$TMP/err" && not_ok "no trace without --trace" || ok "no trace without --trace"
run_vmm --trace -l
check_err "--trace alone writes to stderr" "vmm: trace ["
check_out "--trace keeps stdout the guest's" 'Hello, world!\n'
run_vmm --trace=all, -l
check_rc "--trace=all, (no file) is a usage error" 2
check_err "--trace=all, says what to give" "--trace=all,: give all, a file name, or all,FILE"
run_vmm --trace="$TMP/no/such/dir/trace" -l
check_rc "--trace into a missing directory: vmm cannot start" 5
check_err "--trace into a missing directory names the file and why" "--trace: $TMP/no/such/dir/trace: No such file or directory"

done_testing
