#!/bin/bash
# LLDB in the 32-bit and 16-bit modes (issue 18): the register layout
# follows the mode, qProcessInfo's triple makes LLDB decode real-mode code
# as 16-bit (i386 with LLVM's code16 environment), and memory region
# reports RAM as the linear address space when paging is off.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

# Real mode: hello16 starts with cld; mov $msg, %si (be 19 7c).
ELF="$GUESTS/hello16.elf"
start_vmm -r --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" 'target list' 'x/2i $pc' 'register read eip' \
	'memory region 0x7c00' 'memory region 0x200000' detach
wait_vmm 10
lldb_match "real mode: LLDB takes the triple i386 code16 from vmm" 'arch=i386-unknown-unknown-code16' 
lldb_match "... and decodes 16-bit code: mov \$msg, %si is movw to %si" '^ +0x7c01: be [0-9a-f]{2} 7c +movw +\$0x7c[0-9a-f]{2}, %si'
lldb_match "eip at the entry, 0x7c00" '^ +eip = 0x00007c00'
lldb_has "memory region: no paging, RAM is all there is (rwx)" "[0x0000000000000000-0x0000000000200000) rwx"
lldb_has "... and nothing above it" "[0x0000000000200000-0xffffffffffffffff) ---"
check_vmm_rc "detach: the guest runs on, vmm exits 0" 0
check_vmm_out "... printing its greeting" 'Hello, world!\n'

# Protected mode: the i386 layout.
ELF="$GUESTS/hello32.elf"
start_vmm -s --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" 'target list' 'register read eip esp cr0' 'b main' c \
	'memory region 0x400' detach
wait_vmm 10
lldb_match "protected mode: arch i386 (not code16)" 'arch=i386-[^ ,]*[^6], '
lldb_match "eip at _start, 0x100000" '^ +eip = 0x00100000'
cr0=$(lldb_reg "$TMP/lldb.out" cr0)
if [ -n "$cr0" ] && (( (cr0 & 1) && !(cr0 & 0x80000000) )); then
	ok "cr0 $cr0: protection on (PE), paging off (PG), 32 bits wide"
else not_ok "cr0 ${cr0:-(not shown)}: expected PE set, PG clear"; lldb_show; fi
lldb_match "... cr0 is 32 bits in the i386 layout" '^ +cr0 = 0x[0-9a-f]{8}$'
lldb_match "b main; c: stops in main" 'stop reason = breakpoint 1\.1$'
lldb_has "memory region 0x400: RAM, rwx" "[0x0000000000000000-0x0000000000200000) rwx"
check_vmm_rc "vmm exits 0" 0

done_testing
