#!/bin/sh
# gdb_fake.sh - real gdb against libgdbstub and the fake target, over a
# pipe (target remote | fake_stub): the generated target.xml must be taken
# by gdb 13, registers and flags must print, stepping must work.  TAP.
#
# Usage: gdb_fake.sh [path/to/fake_stub]   (or FAKE_STUB=...)
# Skips with a reason when gdb or the fake stub is missing.

stub=${1:-${FAKE_STUB:-${VMM_BUILDDIR:-.}/tests/unit/fake_stub}}
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gdb_fake.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

command -v gdb >/dev/null 2>&1 || skip_all "gdb is not installed"
[ -x "$stub" ] || skip_all "no fake stub at $stub (build tests/unit/fake_stub)"

# run_gdb MODE [ELF [BIN]] -- gdb args...: the session's output in $tmp/out
run_gdb() {
	mode=$1; shift
	elf=; bin=
	if [ "$1" != "--" ]; then elf=$1; bin=$2; shift 2; fi
	shift
	timeout 60 gdb -nx -batch $elf \
		-ex "target remote | $stub $mode $bin" "$@" >"$tmp/out" 2>&1
}

# check NAME EXTENDED-REGEX: does the last session's output match?
check() {
	n=$((n + 1))
	if grep -Eq -- "$2" "$tmp/out"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   no line matches: $2"
		sed 's/^/#   | /' "$tmp/out" | head -40
		failed=$((failed + 1))
	fi
}

check_not() {
	n=$((n + 1))
	if grep -Eq -- "$2" "$tmp/out"; then
		echo "not ok $n - $1"
		grep -E -- "$2" "$tmp/out" | sed 's/^/#   | /' | head -5
		failed=$((failed + 1))
	else
		echo "ok $n - $1"
	fi
}

# long mode: i386:x86-64
run_gdb 64 -- -ex 'show architecture' -ex 'info registers' \
	-ex 'p $cr0' -ex 'p $eflags' -ex 'info registers xmm0' \
	-ex 'x/4xb 0x1000' -ex 'x/i $pc' -ex 'stepi' -ex 'p/x $pc' \
	-ex 'p $fs_base' -ex 'p $mxcsr' -ex 'monitor hello' -ex 'x/s 0x2000'
check "x86-64: connected, stopped at the first instruction" '0x0+1000 in \?\? \(\)'
check_not "x86-64: gdb took target.xml without warnings" \
	'[Ww]arning: .*(description|register|tdesc)|truncat|Remote .g. packet reply is too long'
check "x86-64: architecture i386:x86-64" 'currently "i386:x86-64"'
check "x86-64: rax in info registers" '^rax +0x2a +42'
check "x86-64: cr0 in info registers, with its bits" '^cr0 +0x80000011 +\[ PE ET PG \]'
check "x86-64: efer bits" '^efer +0x500 +\[ LME LMA \]'
check "x86-64: p \$cr0 names bits" '^\$1 = \[ PE ET PG \]'
check "x86-64: p \$eflags names bits" '^\$2 = \[ PF ZF IF \]'
check "x86-64: xmm0 as vec128" 'xmm0 +\{v4_float.*uint128 = 0xf0e0d0c0b0a09080706050403020100\}'
check "x86-64: x/4xb 0x1000" '0x1000:[[:space:]]+0x48[[:space:]]+0xc7[[:space:]]+0xc0[[:space:]]+0x2a'
check "x86-64: x/i decodes 64-bit code" 'mov +\$0x2a,%rax'
check "x86-64: stepi moves the pc" '^\$3 = 0x1001'
check "x86-64: fs_base (org.gnu.gdb.i386.segments)" '^\$4 = 0'
check "x86-64: mxcsr flags" '^\$5 = \[ IM DM ZM OM UM PM \]'
check "x86-64: monitor output" '^hello, world'
check "x86-64: x/s" '0x2000:[[:space:]]+"hello"'

# protected mode: i386
run_gdb 32 -- -ex 'show architecture' -ex 'x/i $pc' -ex 'p $cr0' \
	-ex 'info registers eax ecx eip' -ex 'p sizeof($eax)'
check "i386: architecture i386" 'currently "i386"'
check "i386: x/i decodes 32-bit code" 'mov +\$0x2a,%eax'
check "i386: cr0" '^\$1 = \[ PE ET \]'
check "i386: eax" '^eax +0x2a +42'
check "i386: eax is 4 bytes" '^\$2 = 4'

# real mode: i8086, and switching while connected
run_gdb 16 -- -ex 'show architecture' -ex 'x/i $pc' \
	-ex 'set architecture i386' -ex 'x/i $pc' \
	-ex 'set architecture i8086' -ex 'x/i $pc' -ex 'p $cr0'
check "i8086: architecture i8086" 'currently "i8086"'
check "i8086: x/i decodes 16-bit code" 'mov +\$0x1234,%ax'
check "i8086: set architecture i386 decodes as 32-bit" 'mov +\$0x90901234,%eax'
check "i8086: cr0 real mode" '^\$1 = \[ ET \]'

# breakpoints, watchpoints, exit
run_gdb 64 -- -ex 'break *0x1003' -ex 'continue' -ex 'delete' \
	-ex 'watch *(char *)0x3000' -ex 'continue' -ex 'delete' \
	-ex 'hbreak *0x1020' -ex 'continue' -ex 'delete' \
	-ex 'set $pc = 0x10f0' -ex 'continue'
check "break: Z0 and a swbreak stop" 'Breakpoint 1, 0x0+1003'
check "watch: Z2 and a watch stop" 'New value = 42'
check "hbreak: Z1 and a hwbreak stop" 'Breakpoint 3, 0x0+1020'
check "exit: W reply" 'exited with code 052'

# range stepping: gdb's next over a line is one vCont;r round trip
if command -v gcc >/dev/null 2>&1 && command -v objcopy >/dev/null 2>&1; then
	cat >"$tmp/rs.c" <<'EOF'
volatile int x;
void _start(void)
{
	x = 1;
	x = 2;
	x = 3;
	for (;;)
		;
}
EOF
	if gcc -g -O0 -ffreestanding -nostdlib -static -fno-pie -no-pie \
	       -Wl,-Ttext=0x1000 -Wl,--build-id=none -o "$tmp/rs.elf" \
	       "$tmp/rs.c" 2>/dev/null &&
	   objcopy -O binary -j .text "$tmp/rs.elf" "$tmp/rs.bin"; then
		run_gdb 64 "$tmp/rs.elf" "$tmp/rs.bin" -- -ex 'break 4' \
			-ex 'continue' -ex 'next' -ex 'set debug remote 1' \
			-ex 'next' -ex 'set debug remote 0' -ex 'info line *$pc'
		check "range step: gdb sends vCont;r" 'Sending packet: \$vCont;r'
		check "range step: next lands on line 6" 'Line 6 of'
	else
		n=$((n + 1)); echo "ok $n - range step # SKIP cannot build a test ELF"
	fi
else
	n=$((n + 1)); echo "ok $n - range step # SKIP no gcc/objcopy"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
