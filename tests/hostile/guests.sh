#!/bin/bash
# Hostile guests under gdb: page tables that loop or point past RAM (gdb's
# reads get errors, "monitor walk" names the reason, vmm goes on) or are
# too wide to list ("monitor mem" stops at its bound and says so); a
# triple fault and a write to unbacked memory (a stop gdb can inspect,
# then the documented status); a guest that never halts (--timeout); a
# console flood through a pipe that stalls (vmm keeps up, memory flat).
# (The same crashes without gdb: tests/kvm/crash.sh.)
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/hostile/lib.sh"
require_kvm
require_python

SOCK="$TMP/gdb.sock"

# gdb_run NAME GUEST VMM-ARGS -- GDB-COMMANDS: vmm --gdb=unix:$SOCK under
# one gdb -batch session; $TMP/NAME.gdb, $TMP/NAME.err, $vmm_rc.
gdb_run() {
	local name=$1 guest=$2 vargs=() gargs=() a seen=
	shift 2
	for a in "$@"; do
		if [ "$a" = -- ]; then seen=1; continue; fi
		if [ -n "$seen" ]; then gargs+=(-ex "$a"); else vargs+=("$a"); fi
	done
	rm -f "$SOCK"
	spawn_vmm "$name" --gdb="unix:$SOCK" "${vargs[@]}" "$guest"
	wait_sock "$SOCK" || { echo "vmm did not listen" >"$TMP/$name.gdb"; reap 1; return; }
	timeout -k 2 "$(scaled 60)" "$GDB" -batch -nx -q "$guest" -ex "target remote $SOCK" \
		"${gargs[@]}" >"$TMP/$name.gdb" 2>&1 </dev/null
	reap 10
}

if have_gdb; then
	# Page tables: see tests/guests/hostile_pt.S for the map.
	gdb_run pt "$TGUESTS/hostile_pt.elf" --wait-gdb -- continue \
		'echo ==loop\n' 'x/gx 0x8040201000' 'monitor walk 0x8040201000' \
		'echo ==table\n' 'x/gx 0x10000000000' 'monitor walk 0x10000000000' \
		'echo ==page\n' 'x/gx 0x200000' 'monitor walk 0x200000' \
		'echo ==self\n' 'x/gx 0x400400' \
		'echo ==after\n' 'x/gx 0x400' 'info registers rip' continue
	sed -n '/^==loop/,/^==table/p' "$TMP/pt.gdb" >"$TMP/loop"
	sed -n '/^==table/,/^==page/p' "$TMP/pt.gdb" >"$TMP/table"
	sed -n '/^==page/,/^==self/p' "$TMP/pt.gdb" >"$TMP/page"
	grep -Eq '^0x8040201000:[[:space:]]+0x00000000000110[02]3$' "$TMP/loop"
	check "a page-table loop: the walk is bounded (4 levels); gdb reads the PML4 itself" $? "$TMP/pt.gdb"
	has "... and monitor walk shows PML4[1] taken at every level" "$TMP/loop" "PT[1] @0x10008 = 0x10003 P RW -> 4 KiB page 0x10000"
	has "a PML4 entry pointing past RAM: x/gx gets an error" "$TMP/table" "Cannot access memory at address 0x10000000000"
	has "... and monitor walk names the reason" "$TMP/table" "table outside guest RAM at level 3 (PDPT)"
	has "a 2 MiB page past RAM: x/gx gets an error" "$TMP/page" "Cannot access memory at address 0x200000"
	has "... and monitor walk shows where it points" "$TMP/page" "2 MiB page 0x40000000; GPA 0x40000000"
	grep -Eq '^0x400400:[[:space:]]+0x' "$TMP/pt.gdb"
	check "a page directory used as its own page table still reads" $? "$TMP/pt.gdb"
	grep -Eq '^0x400:[[:space:]]+0x' "$TMP/pt.gdb" && grep -q '^rip' "$TMP/pt.gdb"
	check "after all that the session goes on (memory, registers)" $? "$TMP/pt.gdb"
	check_status "... and the guest runs to its end (exit 0)" "$vmm_rc" 0 "$TMP/pt.err"
	has "... having printed its line" "$TMP/pt.out" "cr3"

	# monitor mem on tables that would take 2^26 table reads to list
	# (tests/guests/hostile_ptwide.S): the lower half's listing stops at
	# its bound, saying where and after how many reads; the higher-half
	# kernel is listed all the same; listing on from where it stopped
	# gets further.
	gdb_run wide "$TGUESTS/hostile_ptwide.elf" --wait-gdb -- 'break tables_loaded' continue \
		'python import re; t = gdb.execute("monitor mem", to_string=True); print(t); a = re.findall(r"monitor mem (0x[0-9a-f]+) lists on", t); u = gdb.execute("monitor mem " + a[0], to_string=True) if a else ""; print("==on"); print(u); b = re.findall(r"monitor mem (0x[0-9a-f]+) lists on", u); print("==progress", "yes" if a and b and int(b[0], 16) > int(a[0], 16) else "no")' \
		'echo ==after\n' 'x/gx 0x400' continue
	grep -Eq '^\(stopped at 0x[0-9a-f]+: read [0-9]+ page-table entries, the most one listing of this range reads\)$' "$TMP/wide.gdb"
	check "tables too wide to list: monitor mem stops, with the numbers" $? "$TMP/wide.gdb"
	has "... the identity map before it is listed" "$TMP/wide.gdb" "0x0-0x1fffff -> 0x0-0x1fffff  2 MiB pages x1  R W"
	has "... and the higher-half kernel after it" "$TMP/wide.gdb" "0xffffffff80000000-0xffffffff801fffff -> 0x0-0x1fffff  2 MiB pages x1  R W"
	has "... monitor mem ADDR lists on from where it stopped" "$TMP/wide.gdb" "==progress yes"
	grep -Eq '^0x400:[[:space:]]+0x' "$TMP/wide.gdb"
	check "... and the session goes on" $? "$TMP/wide.gdb"
	check_status "... the guest runs to its end (exit 0)" "$vmm_rc" 0 "$TMP/wide.err"
	has "... having printed its line" "$TMP/wide.out" "wide"

	# A triple fault under gdb: a SIGSEGV stop with the registers of the
	# moment; continuing ends the run with status 3.
	gdb_run triple "$TGUESTS/triple.elf" --wait-gdb -- continue 'info registers rbx' continue
	has "a triple fault under gdb is a SIGSEGV stop" "$TMP/triple.gdb" "SIGSEGV"
	has "... gdb is told why" "$TMP/triple.gdb" "KVM_EXIT_SHUTDOWN"
	grep -Eq '^rbx +0x1234 ' "$TMP/triple.gdb"
	check "... gdb reads the registers at the fault" $? "$TMP/triple.gdb"
	has "... continuing ends the run" "$TMP/triple.gdb" "exited with code 03"
	check_status "... vmm exits 3" "$vmm_rc" 3 "$TMP/triple.err"

	# A write to unbacked memory under gdb (32-bit guest).
	gdb_run mmio "$TGUESTS/mmio32.elf" --wait-gdb -- continue 'info registers eip' continue
	has "a write to unbacked memory under gdb is a SIGSEGV stop" "$TMP/mmio.gdb" "SIGSEGV"
	has "... gdb is told what and where" "$TMP/mmio.gdb" "GPA 0x10000000"
	grep -q '^eip' "$TMP/mmio.gdb"
	check "... gdb reads the registers" $? "$TMP/mmio.gdb"
	check_status "... continuing ends the run: vmm exits 3" "$vmm_rc" 3 "$TMP/mmio.err"

	# A guest that never halts, running under gdb: --timeout still ends it
	# (--wait-gdb: its run time starts at the continue, however slow gdb is
	# to attach on a loaded machine).
	gdb_run timeout "$TGUESTS/hostile_spin.elf" --wait-gdb --timeout=1 -- continue
	check_status "--timeout ends a never-halting guest under gdb: exit 4" "$vmm_rc" 4 "$TMP/timeout.err"
	has "... with a clear message" "$TMP/timeout.err" "time limit: the guest ran"
	has "... and the registers" "$TMP/timeout.err" "rip 0x"
	has "... and the console flushed" "$TMP/timeout.out" "partial"
	has "... gdb sees the connection end" "$TMP/timeout.gdb" "Remote connection closed"
else
	skip "hostile guests under gdb" "gdb is not installed"
fi

# A console flood through a pipe whose reader stalls for 2 s: vmm waits
# (no unbounded buffer), then every byte arrives in order.
FLOOD="$TGUESTS/hostile_flood.elf"
python3 - "$TMP/flood.want" <<'PY'
import sys
line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"[:63] + b"\n"
open(sys.argv[1], "wb").write(line * (1 << 14))
PY
mkfifo "$TMP/pipe"
python3 -c 'import sys, time
f = open(sys.argv[1], "rb"); time.sleep(2)
open(sys.argv[2], "wb").write(f.read())' "$TMP/pipe" "$TMP/flood.got" &
reader=$!
"$VMM" "$FLOOD" >"$TMP/pipe" 2>"$TMP/flood.err" </dev/null &
VMM_PID=$!
# The baseline is taken a second in, once vmm has started (a sanitizer
# runtime alone grows RSS by megabytes at start-up) and is blocked on the
# stalled pipe with the guest mid-flood.
rss_start= rss_max=0 samples=0
while kill -0 "$VMM_PID" 2>/dev/null; do
	r=$(rss_kb "$VMM_PID")
	[ -n "$r" ] || break
	samples=$((samples + 1))
	if [ "$samples" -ge 10 ]; then
		[ -n "$rss_start" ] || rss_start=$r
		[ "$r" -gt "$rss_max" ] && rss_max=$r
	fi
	sleep 0.1
done
[ -n "$rss_start" ] || rss_start=$rss_max
reap 60
wait "$reader"
check_status "a 1 MiB console flood through a stalled pipe: exit 0" "$vmm_rc" 0 "$TMP/flood.err"
cmp -s "$TMP/flood.got" "$TMP/flood.want"
check "... every byte arrives, in order ($(wc -c <"$TMP/flood.got") bytes)" $?
[ $((rss_max - ${rss_start:-0})) -lt 512 ]
check "... and vmm's memory stays flat (VmRSS $rss_start KiB at start, at most $rss_max)" $?

done_testing
