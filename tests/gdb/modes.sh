#!/bin/bash
# The session in flat 32-bit protected mode (hello32.elf, -s) and in real
# mode (hello16.elf, -r), gdb started as vmm tells the student: the right
# architecture and disassembly for the mode, the mode's control
# registers, breakpoints at labels, stepi, and the run to its end.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

cat >"$TMP/next.gdb" <<'GDB'
echo ==loop\n
set $n = 0
while $n < 200 && $_any_caller_is("main", 0)
  next
  set $n = $n + 1
end
echo ==end\n
GDB

# --- protected mode -------------------------------------------------------
start_vmm --wait-gdb -s "$GUESTS/hello32.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb_hint 'show architecture' 'x/i $pc' \
	'info registers eip cr0 cr3 cr4 efer' 'echo ==main\n' 'x/10i main' \
	'echo ==run\n' 'break main' continue stepi 'x/i $pc' 'x/wx 0x400' \
	"source $TMP/next.gdb" 'x/wx 0x400' 'monitor mode' \
	continue continue
wait_vmm 10
gdb_has "protected: the architecture is i386" '(currently "i386")'
gdb_match "protected: x/i at _start: call main" '^=> 0x100000 <_start>:[[:space:]]+call +0x[0-9a-f]+ <main>$'
gdb_match "protected: cr0 0x31 [ PE ET NE ]" '^cr0 +0x31 +\[ PE ET NE \]$'
gdb_match "protected: cr3 0" '^cr3 +0x0 '
gdb_match "protected: efer 0" '^efer +0x0 +\[ \]$'
sed -n '/^==main$/,/^==run$/p' "$TMP/gdb.out" >"$TMP/main32.out"
# Bytes that decode differently in 64-bit mode: 0f b6 02 is movzbl
# (%rdx) there, c7 05 is RIP-relative.
gdb_match "protected: 32-bit decoding: movzbl (%edx),%eax" 'movzbl \(%edx\),%eax$' "$TMP/main32.out"
gdb_match "protected: 32-bit decoding: movl \$0x2a,0x400 (absolute)" 'movl +\$0x2a,0x400$' "$TMP/main32.out"
gdb_match "protected: break main stops there" '^Breakpoint 1, main \(\) at .*hello\.c:[0-9]+'
gdb_match "protected: stepi from main: main+5" '^=> 0x[0-9a-f]+ <main\+5>:'
gdb_match "protected: 0x400 is 0 in main" $'^0x400:\t0x00000000$'
sed -n '/^==loop$/,/^==end$/p' "$TMP/gdb.out" >"$TMP/loop32.out"
gdb_match "protected: next walks main (the store's line)" $'^[0-9]+\t.*RESULT_ADDR = 42' "$TMP/loop32.out"
gdb_match "protected: 0x400 is 42 after main" $'^0x400:\t0x0000002a$'
gdb_has "protected: monitor mode" "protected mode"
gdb_match "protected: the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "protected: vmm exits 0" 0
check_vmm_out "protected: Hello, world!" 'Hello, world!\n'

# --- real mode ------------------------------------------------------------
start_vmm --wait-gdb -r "$GUESTS/hello16.elf" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb_hint 'show architecture' 'x/2i $pc' 'info registers eip cs cr0' \
	'maint print xml-tdesc' \
	'echo ==run\n' 'break next_char' 'break done' continue stepi 'x/i $pc' \
	'p/x $al' 'delete 1' continue 'x/i $pc' stepi 'x/hx 0x400' \
	continue continue
wait_vmm 10
gdb_has "real: vmm's target description says i8086" '<architecture>i8086</architecture>'
# vmm's hint sets it explicitly: gdb prefers a loaded ELF's own i386.
gdb_match "real: the architecture is i8086" 'architecture is (set to|set automatically to) "i8086"|\(currently "i8086"\)'
sed -n '1,/^==run$/p' "$TMP/gdb.out" >"$TMP/start16.out"
gdb_match "real: x/2i at _start: cld" '^=> 0x7c00 <_start>:[[:space:]]+cld$' "$TMP/start16.out"
gdb_match "real: x/2i at _start: then mov \$0x...,%si (16-bit)" '^ +0x7c01 <_start\+1>:[[:space:]]+mov +\$0x[0-9a-f]+,%si$' "$TMP/start16.out"
gdb_match "real: eip 0x7c00" '^eip +0x7c00 ' "$TMP/start16.out"
gdb_match "real: cr0 without PE" '^cr0 +0x[0-9a-f]+ +\[( (MP|EM|TS|ET|NE|WP|AM|NW|CD))* \]$' "$TMP/start16.out"
gdb_match "real: break at a label (next_char)" '^Breakpoint 1, next_char \(\)'
gdb_match "real: stepi after lodsb: next_char+1, test" '^=> 0x7c05 <next_char\+1>:[[:space:]]+test +%al,%al$'
gdb_match "real: lodsb loaded 'H'" '^\$1 = 0x48$'
gdb_match "real: break done stops there" '^Breakpoint 2, done \(\)'
gdb_match "real: 0x400 holds 42 after the store" $'^0x400:\t0x002a$'
gdb_match "real: the run ends normally" '^\[Inferior 1 \(.*\) exited normally\]$'
check_vmm_rc "real: vmm exits 0" 0
check_vmm_out "real: Hello, world!" 'Hello, world!\n'

done_testing
