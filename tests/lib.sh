# tests/lib.sh - TAP helpers for the shell tests (sourced, bash).
#
# Environment (set by make check; defaults let a test run by hand):
#   VMM_BUILDDIR   the build tree: ./vmm, guest/*.elf, tests/guests/*.elf
#   VMM_SRCDIR     the source tree
#   VMM_TIMESCALE  multiply every timeout by this (slow hosts, emulators)
set -u

: "${VMM_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VMM_SRCDIR:=$VMM_BUILDDIR}"
: "${VMM_TIMESCALE:=1}"
VMM="$VMM_BUILDDIR/vmm"
GUESTS="$VMM_BUILDDIR/guest"
TGUESTS="$VMM_BUILDDIR/tests/guests"

tap_n=0
tap_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmm-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok()     { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip()   { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
diag()   { sed 's/^/#   /'; }
# out_has WHO SHOW NAME TEXT FILE: FILE, a debugger's output, has TEXT (a
# fixed string); on failure SHOW FILE says what WHO printed instead.
out_has() {
	if grep -qF -- "$4" "$5"; then ok "$3"; else
		not_ok "$3 ($1 did not print \"$4\")"; "$2" "$5"
	fi
}
# out_match WHO SHOW NAME REGEX FILE: a line of FILE matches REGEX (grep -E).
out_match() {
	if grep -qE -- "$4" "$5"; then ok "$3"; else
		not_ok "$3 (no line of $1's output matches /$4/)"; "$2" "$5"
	fi
}
# out_lacks WHO SHOW NAME TEXT FILE: FILE does not have TEXT.
out_lacks() {
	if ! grep -qF -- "$4" "$5"; then ok "$3"; else
		not_ok "$3 ($1 printed \"$4\")"; "$2" "$5"
	fi
}
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# Seconds scaled by VMM_TIMESCALE, rounded up.
scaled() { awk -v s="$1" -v k="$VMM_TIMESCALE" 'BEGIN { v = s * k; printf "%d\n", (v == int(v)) ? v : int(v) + 1 }'; }

# run_vmm ARGS...: runs vmm with a time limit; sets $rc, $TMP/out, $TMP/err.
run_vmm() {
	timeout "$(scaled 20)" "$VMM" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
}

# What went wrong, for a failing check: the command's output.
show_run() {
	{ echo "exit status $rc"; echo "stdout:"; head -c 2000 "$TMP/out"; echo; echo "stderr:"; head -c 2000 "$TMP/err"; } | diag
}

# check_rc NAME WANT: the last run_vmm exited with WANT.
check_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1 (exit status $rc, expected $2)"; show_run; fi
}

# check_out NAME STRING: stdout was exactly STRING (printf %b escapes).
check_out() {
	printf '%b' "$2" >"$TMP/want"
	if cmp -s "$TMP/out" "$TMP/want"; then ok "$1"; else not_ok "$1 (stdout differs)"; show_run; fi
}

# check_err NAME SUBSTRING: stderr contains SUBSTRING (fixed string).
check_err() {
	if grep -qF -- "$2" "$TMP/err"; then ok "$1"; else not_ok "$1 (stderr lacks \"$2\")"; show_run; fi
}

# The KVM module serving /dev/kvm: what this host can do (DESIGN.md).
host_module() {
	for m in kvm_intel kvm_amd kvm_pvm; do
		[ -d "/sys/module/$m" ] && { echo "$m"; return; }
	done
	echo unknown
}

# 32-bit and PAE paging: kvm_pvm refuses them; ordinary KVM runs them.
host_refuses_paging32() { [ "$(host_module)" = kvm_pvm ]; }

# require_tool TOOL WHY: skip the whole test, saying so, without TOOL
# (the nested test image, for one, has no python3 and no strace).
require_tool() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "1..0 # SKIP $1 is not installed ($2)"
		exit 0
	fi
}

require_kvm() {
	if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ]; then
		echo "1..0 # SKIP /dev/kvm is not available"
		exit 0
	fi
}
