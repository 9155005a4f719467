#!/bin/bash
# LLDB's breakpoints and single steps on vmm (issue 18): software
# breakpoints on six functions hit once each, in order; hardware ones
# (breakpoint set -H) sent as Z1 and hit; step-inst visiting every
# instruction of a known sequence across an OUT, an IN and the HLT, the
# exits that make single-stepping hard on some hosts (DESIGN.md).
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
. "$VMM_SRCDIR/tests/lldb/lib.sh"
require_kvm
require_lldb

SIX="$TGUESTS/gdb_six.elf"
SEQ="$TGUESTS/gdb_stepseq.elf"
sent_has() {
	if lldb_sent | grep -qx -- "$2"; then ok "$1"; else
		not_ok "$1 (LLDB never sent $2)"; lldb_show; fi
}

# --- software breakpoints: b f1 .. b f6, then continue six times.
cmds=()
# -K false: at the symbol, not past what LLDB takes for a prologue.
for f in f1 f2 f3 f4 f5 f6; do cmds+=("breakpoint set -K false -n $f"); done
for f in f1 f2 f3 f4 f5 f6; do cmds+=(c 'register read rbx'); done
start_vmm --wait-gdb "$SIX" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$SIX" "${cmds[@]}" 'breakpoint delete -f' detach
wait_vmm 10
check_eq "six software breakpoints, each hit once, in order" \
	"$(lldb_frames "$TMP/lldb.out" | sed 's/^_start //')" "f1 f2 f3 f4 f5 f6 "
n=$(grep -c 'stop reason = breakpoint [1-6]\.1$' "$TMP/lldb.out")
check_eq "... each stop names its breakpoint" "$n" 6 "$TMP/lldb.out"
# rbx at each stop: the sum the functions before it added (0, 1, 3, 6, 10, 15).
got=$(sed -n 's/^ *rbx = 0x0*\([0-9a-f]*\)$/\1/p' "$TMP/lldb.out" | sed 's/^$/0/' | tr '\n' ' ')
check_eq "rbx at each stop: what the functions before it did" "$got" "0 1 3 6 a f " "$TMP/lldb.out"
sym() { nm "$1" | awk -v s="$2" '$3 == s { print $1 }' | sed 's/^0*//'; }
sent_has "breakpoint set is a Z0 (software breakpoint) at f3" "Z0,$(sym "$SIX" f3),1"
check_vmm_rc "detach: the guest runs to its HLT, vmm exits 0" 0

# --- hardware breakpoints: breakpoint set -H.
start_vmm --wait-gdb "$SIX" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$SIX" 'breakpoint set -H -K false -n f2' 'breakpoint set -H -K false -n f5' c c \
	'breakpoint delete -f' detach
wait_vmm 10
check_eq "two hardware breakpoints, hit in order" \
	"$(lldb_frames "$TMP/lldb.out" | sed 's/^_start //')" "f2 f5 "
sent_has "breakpoint set -H is a Z1 (hardware breakpoint) at f5" "Z1,$(sym "$SIX" f5),1"
if lldb_sent | grep -q '^Z0'; then not_ok "no Z0 for hardware breakpoints"; lldb_show
else ok "no Z0 for hardware breakpoints"; fi
check_vmm_rc "vmm exits 0" 0

# --- step-inst from the first instruction over OUT, IN and HLT.
cmds=()
for l in s0 s1 s2 s3 s4 s5 s6; do cmds+=(si); done
start_vmm --wait-gdb "$SEQ" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$SEQ" "${cmds[@]}" 'register read rax' detach
wait_vmm 10
check_eq "si visits each instruction once, in order" \
	"$(lldb_frames "$TMP/lldb.out")" "_start s0 s1 s2 s3 s4 s5 s6 "
n=$(grep -c 'stop reason = instruction step into' "$TMP/lldb.out")
check_eq "... each stop an instruction step" "$n" 7 "$TMP/lldb.out"
lldb_match "after the IN from port 0xe9, rax is 0xe9" '^ +rax = 0x00000000000000e9$'
check_vmm_out "the OUT's byte reaches stdout exactly once" 'S'

# --- step-inst off a hardware breakpoint on the OUT.
start_vmm --wait-gdb "$SEQ" || { not_ok "vmm listens"; done_testing; exit; }
run_lldb "$SEQ" 'breakpoint set -H -K false -n s1' c si si si 'breakpoint delete -f' detach
wait_vmm 10
check_eq "from a hardware breakpoint on the OUT, si goes on: s1 s2 s3 s4" \
	"$(lldb_frames "$TMP/lldb.out" | sed 's/^_start //')" "s1 s2 s3 s4 "
check_vmm_out "the OUT's byte reaches stdout exactly once" 'S'
check_vmm_rc "vmm exits 0" 0

done_testing
