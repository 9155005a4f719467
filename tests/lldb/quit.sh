#!/bin/bash
# What LLDB's quit does to the guest, and what README tells the student
# to type instead (issue 18). gdb's quit detaches (qAttached is 1), so the
# guest runs on. LLDB 14 kills: it marks a process as one to detach from
# only when it attached to it itself, not after "process connect" or
# "gdb-remote" (LLVM fixed this in pull request 166869, November 2025),
# so at quit it sends k. This test records which packet LLDB sent and
# checks vmm did what that packet asks; then that "detach" before "quit"
# leaves the guest running, as README says.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

ELF="$GUESTS/hello64.elf"

# --- quit with the guest stopped at a breakpoint in main.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" 'b main' c quit
wait_vmm 10
last=$(lldb_sent | tail -1)
diag <<<"$("$LLDB" --version 2>/dev/null | head -1): the last packet of quit was '$last'"
case "$last" in
k)
	ok "quit: LLDB sends k (it kills a process it connected to)"
	check_vmm_rc "... and vmm, killed, exits 137" 137
	vmm_has "... saying so" "killed by gdb"
	;;
D | D\;*)
	ok "quit: this LLDB detaches (D)"
	check_vmm_rc "... and the guest runs on to its HLT: vmm exits 0" 0
	;;
*)
	not_ok "quit: LLDB ended with '$last', neither k nor D"
	lldb_show
	;;
esac
if grep -q 'read packet: \$X09#' "$TMP/lldb.pkt" || [ "$last" != k ]; then
	ok "... a k gets vmm's reply X09 (LLDB waits for one)"
else
	not_ok "vmm did not answer k with X09"; lldb_show
fi

# --- what README says to type: detach, then quit.
start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$ELF" 'b main' c detach quit
wait_vmm 10
lldb_has "detach; quit: LLDB detaches first" "Process 1 detached"
if lldb_sent | grep -qx k; then not_ok "detach; quit: LLDB still sent k"; lldb_show
else ok "detach; quit: no k"; fi
check_vmm_rc "the guest runs on to its HLT, vmm exits 0" 0
check_vmm_out "... printing its greeting" 'Hello, world!\n'

done_testing
