# bench/lib.sh - what the gdb benchmarks share (sourced after B and GDB are
# set): a scratch directory $TMP, removed at exit with the target still
# running there, and one gdb session against a target started by the
# caller:
#   start_target CMD...   CMD in the background (stdout dropped, stderr in
#                         $TMP/target.err); it must listen on unix:$TMP/s
#   gdb_session ELF CMDS... once $TMP/s is there, gdb -batch on ELF runs
#                         each CMD (Python's time imported); its output in
#                         $TMP/gdb.out; then the target is ended by its PID
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmm-bench.XXXXXX")
TARGET_PID=
stop_target() {
	if [ -n "$TARGET_PID" ]; then
		kill "$TARGET_PID" 2>/dev/null
		wait "$TARGET_PID" 2>/dev/null
	fi
	TARGET_PID=
}
trap 'stop_target; rm -rf "$TMP"' EXIT

start_target() {
	rm -f "$TMP/s"
	"$@" >/dev/null 2>"$TMP/target.err" &
	TARGET_PID=$!
}

gdb_session() {
	local elf=$1 args=() c i
	shift
	for ((i = 0; i < 200; i++)); do
		[ -S "$TMP/s" ] && break
		sleep 0.05
	done
	for c in "$@"; do args+=(-ex "$c"); done
	timeout "${BENCH_GDB_LIMIT:-900}" "$GDB" -batch -nx -q "$elf" -ex "target remote $TMP/s" \
		-ex 'python import time' "${args[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	stop_target
}
