#!/bin/bash
# The differential test: each guest of tests/guests/diff_*.S runs without
# gdb, then under gdb with random breakpoints, watchpoints (every kind and
# size), steps, continues, detaches and reconnects; what it printed (its
# own checksum of its code and data last) and vmm's exit status must not
# change. Fixed seed, a few trials per guest here; bench/diff.sh runs many.
#   DIFF_SEED (default 1), DIFF_COUNT (default 4) override; DIFF_NO_PYTHON=1
#   takes the path of a host without python3.
# Where there is no python3 (the nested test images), the sessions `make
# diff-sessions` wrote beside each guest (differential.py emit:
# tests/guests/diff_*.sessions) are run by this script instead.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

seed=${DIFF_SEED:-1}
count=${DIFF_COUNT:-4}

# one_session GUEST NAME TRIAL PLANTED CMDS...: under gdb, compared with
# $TMP/want.out and $want_rc
one_session() {
	local g=$1 name=$2 trial=$3 planted=$4 args=() c got want
	shift 4
	for c in "$@"; do args+=(-ex "${c//@SOCK@/$TMP/gdb.sock}"); done
	start_vmm --timeout=60 --wait-gdb --verbose "$g" || { not_ok "$name trial $trial: vmm listens"; return; }
	timeout -k 5 "$(scaled 120)" "$GDB" -batch -nx -q "$g" -ex "target remote $SOCK" \
		"${args[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	wait_vmm 90
	got=$(cat "$TMP/vmm.out") want=$(cat "$TMP/want.out")
	# 2: planted only where watchpoints take debug registers (differential.py)
	if [ "$planted" = 2 ]; then
		planted=0
		grep -q '^vmm: strategy: watchpoints: debug registers' "$TMP/vmm.err" && planted=1
	fi
	local aside=
	if [ "$planted" = 1 ]; then	# a breakpoint with no debug register left is visible
		aside="checksum aside: more than 4 breakpoints and watchpoints in debug registers, some planted"
		got=$(sed '$d' "$TMP/vmm.out") want=$(sed '$d' "$TMP/want.out")
	fi
	if [ "$got" = "$want" ] && [ "$vmm_rc" = "$want_rc" ] &&
	   ! grep -q "guest crashed" "$TMP/vmm.err"; then
		ok "$name seed $seed trial $trial: $# gdb commands, same output${aside:+ ($aside)} and exit status $vmm_rc"
	else
		not_ok "$name seed $seed trial $trial: $# gdb commands: exit status $vmm_rc, without gdb $want_rc"
		printf '%s\n' "$@" | sed 's/^/#   -ex /'
		{ echo "under gdb:"; cat "$TMP/vmm.out"; echo "without:"; cat "$TMP/want.out"; } | diag
		gdb_show
	fi
}

# run_sessions GUEST: the trials of GUEST's .sessions file
run_sessions() {
	local g=$1 name=${1##*/} line trial=0 planted=0 w1 w3 cmds=()
	"$VMM" --timeout=60 "$g" >"$TMP/want.out" 2>/dev/null
	want_rc=$?
	while IFS= read -r line; do
		case $line in
		"trial "*) read -r w1 trial w3 planted <<<"$line"; cmds=() ;;
		end) one_session "$g" "$name" "$trial" "$planted" "${cmds[@]}" ;;
		*) cmds+=("$line") ;;
		esac
	done <"${g%.elf}.sessions"
}

if [ -z "${DIFF_NO_PYTHON:-}" ] && command -v python3 >/dev/null && command -v objdump >/dev/null; then
	for g in "$TGUESTS"/diff_*.elf; do
		python3 "$VMM_SRCDIR/tests/diff/differential.py" "$VMM" "$GDB" "$g" \
			"$seed" "$count" >"$TMP/diff.tap"
		while IFS= read -r line; do
			case $line in
			"ok "*)	    ok "${line#ok * - }" ;;
			"not ok "*) not_ok "${line#not ok * - }" ;;
			"#"*)	    echo "$line" ;;
			esac
		done <"$TMP/diff.tap"
	done
else
	for g in "$TGUESTS"/diff_*.elf; do
		if [ ! -f "${g%.elf}.sessions" ]; then
			echo "1..0 # SKIP python3 is not installed, and ${g%.elf}.sessions was not made (make diff-sessions makes it)"
			exit 0
		fi
	done
	for g in "$TGUESTS"/diff_*.elf; do
		run_sessions "$g"
	done
fi
done_testing
