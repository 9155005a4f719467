#!/bin/bash
# Monitor commands with the real gdb: catch io, catch hlt, console, walk,
# mem, mode, xp, regs, help - and a usage line for every bad argument.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

H="$GUESTS/hello64.elf"

# monitor catch io 0xe9: a stop after each of the 14 OUTs, naming the byte.
cmds=('monitor catch io 0xe9')
for i in $(seq 1 14); do cmds+=(continue 'x/i $pc-2'); done
start_vmm --wait-gdb "$H"
run_gdb "$H" "${cmds[@]}"
n=$(grep -c "vmm: catch 1: OUT to port 0xe9, 1 byte: " "$TMP/gdb.out")
[ "$n" -eq 14 ] && ok "catch io 0xe9: 14 stops for \"Hello, world!\\n\"" || { not_ok "catch io 0xe9: 14 stops (saw $n)"; diag <"$TMP/gdb.out"; }
chars=$(grep -o "vmm: catch 1: OUT to port 0xe9, 1 byte: 0x[0-9a-f]* '[^']*'" "$TMP/gdb.out" | sed "s/.*'\(.*\)'/\1/" | tr -d '\n')
[ "$chars" = 'Hello, world!\n' ] && ok "catch io: each character, in order" || { not_ok "catch io: each character, in order (got '$chars')"; }
n=$(grep -c 'out    %al,$0xe9' "$TMP/gdb.out")
[ "$n" -eq 14 ] && ok "catch io: each stop is after the OUT (pc-2 is the out)" || { not_ok "catch io: the stop is after the OUT ($n of 14)"; diag <"$TMP/gdb.out"; }
stop_vmm

# catch hlt, catch list, catch delete, direction filters.
start_vmm --wait-gdb "$H"
run_gdb "$H" 'monitor catch io 0x80-0x90 in' 'monitor catch io 0xe9 in' 'monitor catch hlt' \
	'monitor catch list' 'monitor catch delete 4294967298' 'monitor catch delete 1' \
	'monitor catch list' continue
gdb_has "catch io with a range and a direction" "catchpoint 1: port I/O from 0x80-0x90 (in)"
gdb_has "catch list shows it" "1  io 0x80-0x90 in"
gdb_has "catch hlt" "catchpoint 3: hlt"
gdb_has "catch delete" "deleted catchpoint 1"
# 2^32 + 2 is parsed wide: no such catchpoint, and catchpoint 2 stays.
gdb_has "catch delete 4294967298: no such catchpoint (not 2)" "no catchpoint 4294967298"
gdb_lacks "... catchpoint 2 is not deleted" "deleted catchpoint 2"
gdb_match "... and is still listed" '^2  io 0xe9 in'
gdb_lacks "... nor named as 2" "no catchpoint 2"
gdb_lacks "an IN catchpoint does not stop on OUT" "vmm: catch 2: OUT"
gdb_has "catch hlt stops at the HLT" "vmm: catch 3: HLT before 0x"
stop_vmm

# console gdb: the guest's output also in gdb's console.
start_vmm --wait-gdb "$H"
run_gdb "$H" 'monitor console gdb' continue 'monitor console stdout' 'monitor console'
gdb_has "console gdb: the guest's line reaches gdb" "Hello, world!"
gdb_has "console stdout switches back" "port 0xe9 output now goes to vmm's stdout only"
stop_vmm
grep -qF "Hello, world!" "$TMP/vmm.out" && ok "console gdb: stdout still has it too" || not_ok "console gdb: stdout still has it too"

# walk, mem, mode, xp, regs, help.
start_vmm --wait-gdb "$H"
run_gdb "$H" 'monitor walk 0x400' 'monitor walk 0x200000 write' 'monitor mem' 'monitor mode' \
	'monitor xp 0x100000 4' 'monitor regs' 'monitor help'
# Before the first instruction the CPU has set no Accessed/Dirty bits:
# exactly the entries vmm wrote (kvm-hello-world's 0x7 and 0x87).
gdb_has "walk: PML4" "PML4[0] @0x1fe000 = 0x1fd007 P RW US -> PDPT 0x1fd000"
gdb_has "walk: PDPT" "PDPT[0] @0x1fd000 = 0x1fc007 P RW US -> PD 0x1fc000"
gdb_has "walk: PD, the 2 MiB page, GPA 0x400" "PD[0] @0x1fc000 = 0x87 P RW US PS -> 2 MiB page 0x0; GPA 0x400"
gdb_has "walk: a local debugger is shown the host address" "; HVA 0x"
gdb_has "walk: an unmapped address says where" "not present at level 2 (PD)"
gdb_has "mem: the identity mapping of the first 2 MiB" "0x0-0x1fffff -> 0x0-0x1fffff  2 MiB pages x1  R W U"
gdb_has "mode" "long mode, 4-level paging, CPL 0"
gdb_has "xp: guest-physical bytes" "0x100000: e8"
gdb_has "regs: decoded segments" "cs   0x0008 base 0x0 limit 0xffffffff type 0xb code dpl 0 P L(64-bit)"
gdb_has "regs: GDTR" "gdtr base 0x1ff000 limit 0x1f"
gdb_has "regs: CR0 decoded" "cr0  0x80050033 [ PE MP ET NE WP AM PG ]"
gdb_has "regs: EFER decoded" "efer 0x500 [ LME LMA ]"
for c in help regs mode walk xp mem catch console; do
	grep -qE "^  $c( |$)" "$TMP/gdb.out" && ok "help lists $c" || not_ok "help lists $c"
done
stop_vmm

# monitor mem on a kernel's own tables (tests/guests/higher_half.S): after
# its CR3 switch every mapping is listed, the canonical high half too, and
# gdb reads memory through them.
HH="$TGUESTS/higher_half.elf"
start_vmm --wait-gdb "$HH"
run_gdb "$HH" 'echo ==before\n' 'monitor mem' 'break switched' continue \
	'echo ==after\n' 'monitor mem' 'echo ==from\n' 'monitor mem 0xffffffff80000000' \
	'echo ==top\n' 'monitor mem 0xffffffffffffffff' 'echo ==read\n' \
	'p/x *(long *)&marker' 'p/x *(long *)(0xffffffff80000000 + (long)&marker)' \
	'monitor walk 0xffffffff80205000' continue 'echo ==ran\n' \
	'p/x *(long *)(0xffffffff80200000 + (long)&marker - 0x100000)' \
	'p/x *(long *)&marker' 'p/x $pc' continue
section() { sed -n "/^==$1\$/,/^==/p" "$TMP/gdb.out" | grep -v '^=='; }
gdb_has "mem before the switch: vmm's tables" "long mode, 4-level paging, CR3 0x1fe000"
check_eq "mem after the CR3 switch: every mapping, the high half too" "$(section after)" \
"long mode, 4-level paging, CR3 0x20000
0x0-0x1fffff -> 0x0-0x1fffff  2 MiB pages x1  R W
0xffff800000000000-0xffff8000001fffff -> 0x0-0x1fffff  2 MiB pages x1  R W
0xffffffff80000000-0xffffffff801fffff -> 0x0-0x1fffff  2 MiB pages x1  R
0xffffffff80200000-0xffffffff80201fff -> 0x100000-0x101fff  4 KiB pages x2  R W
0xffffffff80205000-0xffffffff80205fff -> 0x1ff000-0x1fffff  4 KiB pages x1  R W U"
check_eq "mem GVA lists from GVA on" "$(section from | sed -n 2p)" \
	"0xffffffff80000000-0xffffffff801fffff -> 0x0-0x1fffff  2 MiB pages x1  R"
check_eq "mem at the last address: nothing mapped there" "$(section top | sed -n 2p)" "nothing mapped"
gdb_has "gdb reads the marker at its low address" '$1 = 0x1122334455667788'
gdb_has "... and through the kernel's high mapping" '$2 = 0x1122334455667788'
gdb_has "walk through PML4[511]" "PML4[511] @0x20ff8 = 0x23007 P RW US -> PDPT 0x23000"
gdb_has "... to the user page" "PT[5] @0x25028 = 0x1ff007 P RW US -> 4 KiB page 0x1ff000; GPA 0x1ff000"
gdb_has "the guest wrote through its high window" '$3 = 0x4b45524e454c'
gdb_has "... and the low address sees it" '$4 = 0x4b45524e454c'
gdb_match "... its code ran in the higher half" '^\$5 = 0xffffffff801000'
wait_vmm
check_vmm_rc "the higher-half guest ends: exit 0" 0
check_vmm_out "... having printed from up there" 'higher half\n'

# monitor mem in the 32-bit paged modes (vmm's own tables): 32-bit paging
# maps RAM with one 4 MiB page, PAE with 2 MiB pages.
for m in "-p|32-bit paging|0x0-0x3fffff -> 0x0-0x3fffff  4 MiB pages x1  R W U" \
	 "--mode=pae|PAE paging|0x0-0x1fffff -> 0x0-0x1fffff  2 MiB pages x1  R W U"; do
	IFS='|' read -r flag name line <<<"$m"
	if host_refuses_paging32; then
		skip "mem in $name" "this host's KVM ($(host_module)) cannot run $name"
		continue
	fi
	start_vmm --wait-gdb "$flag" "$GUESTS/hello32.elf"
	run_gdb "$GUESTS/hello32.elf" 'monitor mem' 'kill'
	check_eq "mem in $name: the identity map, all of it" \
		"$(awk -v h="^$name, CR3 0x" '$0 ~ h { on = 1; next }
			on && /^0x/ { print; next } { on = 0 }' "$TMP/gdb.out")" "$line"
	stop_vmm
done

# Every bad argument gets a usage line, never silence.
bad=('walk' 'walk nope' 'walk 0x400 sideways' 'xp' 'xp zz' 'xp 0x0 0' 'xp 0x0 99999'
     'mem extra' 'mem 1 2' 'mode extra' 'regs extra' 'catch' 'catch io' 'catch io 0x10000'
     'catch io 0x90-0x80' 'catch io 0xe9 sideways' 'catch delete' 'catch delete x'
     'catch bogus' 'console sideways' 'walk 1 2 3 4 5')
cmds=('monitor frobnicate')
for b in "${bad[@]}"; do cmds+=("echo >>> $b\n" "monitor $b"); done
start_vmm --wait-gdb "$H"
run_gdb "$H" "${cmds[@]}"
for b in "${bad[@]}"; do
	if awk -v b=">>> $b" '$0 == b { getline; exit !($0 ~ /^usage: /) } END { }' "$TMP/gdb.out"; then
		ok "monitor $b: a usage line"
	else
		not_ok "monitor $b: a usage line"
		grep -A2 -F ">>> $b" "$TMP/gdb.out" | diag
	fi
done
gdb_has "an unknown command points at help" "unknown command 'frobnicate'; try 'monitor help'"
stop_vmm

done_testing
