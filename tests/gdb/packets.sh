#!/bin/bash
# What a stop costs gdb in round trips (issue 18). gdb refreshes its
# thread list at every stop (update_thread_list in normal_stop): with
# qXfer:threads:read advertised that is one qXfer:threads:read, where
# qfThreadInfo + qsThreadInfo took two. This test counts the packets gdb
# sends (set debug remote 1) for a breakpoint hit, a stepi and a next,
# checks the thread list cost one of them each time, and prints the
# counts (doc/protocol.md has them before and after).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

ELF="$GUESTS/hello64.elf"
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
cmds=('break main')
for op in continue stepi next; do
	cmds+=("echo ==$op\\n" 'set debug remote 1' "$op" 'set debug remote 0')
done
run_gdb "$ELF" "${cmds[@]}" 'echo ==end\n' 'info threads' 'delete' detach
wait_vmm 10

# The packets gdb sent while OP ran, one per line.
sent() {
	sed -n "/^==$1\$/,/^==/p" "$TMP/gdb.out" |
		sed -n 's/^\[remote\] Sending packet: \$\([^#]*\)#.*/\1/p'
}
for op in continue stepi next; do
	sent "$op" >"$TMP/$op.pk"
	n=$(wc -l <"$TMP/$op.pk")
	x=$(grep -c '^qXfer:threads:read::' "$TMP/$op.pk")
	q=$(grep -cE '^q[fs]ThreadInfo$' "$TMP/$op.pk")
	diag <<<"$op: $n packets: $(tr '\n' ' ' <"$TMP/$op.pk")"
	if [ "$x" -eq 1 ] && [ "$q" -eq 0 ]; then
		ok "$op: the thread list is one qXfer:threads:read, no qfThreadInfo/qsThreadInfo"
	else
		not_ok "$op: $x qXfer:threads:read and $q qfThreadInfo/qsThreadInfo (expected 1 and 0)"
		gdb_show
	fi
done
gdb_match "the breakpoint was hit" '^Breakpoint 1, main \(\)'
# The list itself: one thread, which gdb shows as Thread 1.
gdb_match "info threads: the one thread, from the XML list" '^\* 1 +Thread 1 '
check_vmm_rc "vmm exits 0 after detach" 0

done_testing
