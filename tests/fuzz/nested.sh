#!/bin/bash
# tests/fuzz/nested.sh - fuzz_target (random gdb packets against the real
# target: memory, registers, breakpoints and watchpoints of a real KVM VM)
# for VMM_FUZZ_SECONDS (default 30), as one TAP test. make check-nested
# runs it on the nested hosts, kvm_amd and kvm_intel, whose native paths
# (int3, debug registers, their read-only slots) the fuzz stage of .ci/run
# on the kvm_pvm host never takes. Built by make check-nested when
# configure found a clang that links -fsanitize=fuzzer (HAVE_FUZZ_CC).
set -u
build=${VMM_BUILDDIR:-.} src=${VMM_SRCDIR:-.}
fuzzer=$build/tests/fuzz/fuzz_target
secs=${VMM_FUZZ_SECONDS:-30}
if ! [ -x "$fuzzer" ]; then
	echo "1..0 # SKIP $fuzzer not built (configure found no clang that links -fsanitize=fuzzer)"
	exit 0
fi
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	echo "1..0 # SKIP no usable /dev/kvm"
	exit 0
fi
echo "1..1"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-nested.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/corpus"
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=768 -print_final_stats=1 \
	-artifact_prefix="$scratch/" \
	"$scratch/corpus" "$src/tests/fuzz/corpus/target" >"$scratch.log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch.log")
if [ "$rc" = 77 ]; then
	sed 's/^/# /' "$scratch.log" | tail -n 5
	echo "ok 1 - fuzz_target for ${secs} s # SKIP the harness cannot run here (exit 77)"
elif [ "$rc" = 0 ] && [ -n "$execs" ] && ! grep -qE 'ERROR|SUMMARY' "$scratch.log"; then
	echo "ok 1 - fuzz_target for ${secs} s: $execs executions, no findings"
else
	grep -E 'ERROR|SUMMARY|^    #[0-9]' "$scratch.log" | head -n 30 | sed 's/^/# /'
	for f in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-*; do
		[ -f "$f" ] && { echo "# ${f##*/}:"; od -An -c "$f" | head -n 20 | sed 's/^/# /'; }
	done
	echo "not ok 1 - fuzz_target for ${secs} s: exit $rc, ${execs:-no} executions"
fi
rm -f "$scratch.log"
