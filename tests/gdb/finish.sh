#!/bin/bash
# finish, as README describes it (issue 13): out of a function main or
# _start calls it returns to the caller; out of main itself gdb refuses
# ("not meaningful in the outermost frame") until backtrace past-main is
# on, and then it returns to _start with main's value.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

SIX="$TGUESTS/gdb_six.elf"
start_vmm --wait-gdb "$SIX" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$SIX" 'break f3' continue finish 'p $pc' 'p $rbx' kill
stop_vmm
gdb_match "finish out of f3 returns to _start, after the call" '^\$1 = .* <_start\+17>$'
gdb_match "... with f1-f3 done (rbx = 1 + 2 + 3)" '^\$2 = 6$'

H="$GUESTS/hello64.elf"
start_vmm --wait-gdb "$H" || { not_ok "vmm listens"; done_testing; exit; }
run_gdb "$H" 'break main' continue 'echo ==finish\n' finish \
	'echo ==pastmain\n' 'set backtrace past-main on' finish 'p $rax' 'p $pc' kill
stop_vmm
sed -n '/^==finish$/,/^==pastmain$/p' "$TMP/gdb.out" >"$TMP/main.out"
gdb_has "finish out of main: gdb refuses, as README says" '"finish" not meaningful in the outermost frame.' "$TMP/main.out"
sed -n '/^==pastmain$/,$p' "$TMP/gdb.out" >"$TMP/past.out"
gdb_has "with backtrace past-main on, finish returns main's value" 'Value returned is $1 = 42' "$TMP/past.out"
gdb_match "... in _start" '<_start\+5>$' "$TMP/past.out"

done_testing
