# tests/gdb/lib.sh - helpers for tests that drive the real gdb against vmm
# (sourced after tests/lib.sh). vmm listens on a Unix socket in the test's
# temporary directory: no TCP port, nothing shared between tests. Every
# process a test starts is remembered by PID and ended by PID.
: "${GDB:=gdb}"
VMM_PID=
GDB_PID=

# On any exit: end the vmm and the background gdb this test started.
gdb_cleanup() {
	[ -n "${GDB_PID:-}" ] && kill -KILL "$GDB_PID" 2>/dev/null
	[ -n "${VMM_PID:-}" ] && kill -KILL "$VMM_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap gdb_cleanup EXIT

require_gdb() {
	if ! command -v "$GDB" >/dev/null 2>&1; then
		echo "1..0 # SKIP gdb is not installed"
		exit 0
	fi
	# $_any_caller_is and the raw-socket client need gdb's Python.
	if ! "$GDB" -batch -nx -q -ex 'python print("py-ok")' 2>/dev/null | grep -q py-ok; then
		echo "1..0 # SKIP $GDB was built without Python"
		exit 0
	fi
}

# start_vmm ARGS...: vmm --gdb=unix:$SOCK ARGS in the background; sets
# $VMM_PID, $SOCK; vmm's stdout/stderr in $TMP/vmm.out and $TMP/vmm.err.
start_vmm() {
	SOCK="$TMP/gdb.sock"
	rm -f "$SOCK"
	"$VMM" --gdb="unix:$SOCK" "$@" >"$TMP/vmm.out" 2>"$TMP/vmm.err" </dev/null &
	VMM_PID=$!
	local i n=$(( $(scaled 10) * 20 ))
	for ((i = 0; i < n; i++)); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# vmm did not create $SOCK"; sed 's/^/#   /' "$TMP/vmm.err"
	return 1
}

# wait_vmm [SECONDS]: wait (scaled, default 10 s) for the vmm this test
# started to exit by itself; kill it (by PID) if it does not. Sets $vmm_rc
# (its exit status, or 999 if it had to be killed).
wait_vmm() {
	[ -n "${VMM_PID:-}" ] || { vmm_rc=998; return 0; }
	local i n=$(( $(scaled "${1:-10}") * 20 )) killed=
	for ((i = 0; i < n; i++)); do
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$VMM_PID" 2>/dev/null; then
		kill -KILL "$VMM_PID" 2>/dev/null
		killed=1
	fi
	wait "$VMM_PID" 2>/dev/null
	vmm_rc=$?
	[ -n "$killed" ] && vmm_rc=999
	VMM_PID=
}

# stop_vmm: end the vmm this test started (by PID) and reap it; $vmm_rc.
# It gets a moment (scaled) to finish by itself first.
stop_vmm() {
	[ -n "${VMM_PID:-}" ] || return 0
	local i n=$(( $(scaled 2) * 20 ))
	for ((i = 0; i < n; i++)); do
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill "$VMM_PID" 2>/dev/null
	wait "$VMM_PID" 2>/dev/null
	vmm_rc=$?
	VMM_PID=
}

# kill_vmm: end a vmm that will not finish by itself (a spinning guest).
kill_vmm() {
	[ -n "${VMM_PID:-}" ] || return 0
	kill "$VMM_PID" 2>/dev/null
	wait "$VMM_PID" 2>/dev/null
	vmm_rc=$?
	VMM_PID=
}

gdb_args() {
	local c
	gdb_argv=()
	for c in "$@"; do gdb_argv+=(-ex "$c"); done
}

# run_gdb FILE CMDS...: gdb -batch on FILE, connected to $SOCK, running
# each CMD (-ex); its output (stdout+stderr) in $TMP/gdb.out.
run_gdb() {
	local file=$1
	shift
	gdb_args "$@"
	timeout -k 5 "$(scaled 60)" "$GDB" -batch -nx -q "$file" \
		-ex "target remote $SOCK" "${gdb_argv[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	gdb_rc=$?
}

# vmm_hint: the gdb command line vmm printed for the student ("waiting for
# gdb: gdb FILE -ex '...'"), as words in $hint_argv (without "gdb").
vmm_hint() {
	local line
	line=$(sed -n 's/^vmm: \(waiting\|listening\) for gdb: gdb //p' "$TMP/vmm.err" | head -1)
	hint_argv=()
	[ -n "$line" ] || return 1
	eval "hint_argv=($line)"
}

# run_gdb_hint CMDS...: gdb -batch started exactly as vmm told the student
# to start it, then CMDS; output in $TMP/gdb.out. Fails if vmm gave no hint.
run_gdb_hint() {
	if ! vmm_hint; then
		echo "# vmm printed no 'waiting for gdb: gdb ...' line" >"$TMP/gdb.out"
		gdb_rc=1
		return 1
	fi
	gdb_args "$@"
	timeout -k 5 "$(scaled 60)" "$GDB" -batch -nx -q "${hint_argv[@]}" \
		"${gdb_argv[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	gdb_rc=$?
}

# gdb_bg OUT FILE CMDS...: like run_gdb, but in the background with its
# output in OUT; sets $GDB_PID. End it with gdb_reap or kill it by PID.
gdb_bg() {
	local out=$1 file=$2
	shift 2
	gdb_args "$@"
	"$GDB" -batch -nx -q "$file" -ex "target remote $SOCK" \
		"${gdb_argv[@]}" >"$out" 2>&1 </dev/null &
	GDB_PID=$!
}

# gdb_reap [SECONDS]: wait (scaled, default 30 s) for the background gdb
# to exit, killing it (by PID) if it does not; $gdb_rc.
gdb_reap() {
	[ -n "${GDB_PID:-}" ] || return 0
	local i n=$(( $(scaled "${1:-30}") * 20 ))
	for ((i = 0; i < n; i++)); do
		kill -0 "$GDB_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$GDB_PID" 2>/dev/null
	wait "$GDB_PID" 2>/dev/null
	gdb_rc=$?
	GDB_PID=
}

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT (fixed string),
# at most SECONDS (scaled, default 20). Returns 1 on time-out.
wait_for() {
	local i n=$(( $(scaled "${3:-20}") * 20 ))
	for ((i = 0; i < n; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# What a failing check shows: gdb's output (FILE) and vmm's stderr.
gdb_show() {
	sed 's/^/#   /' "${1:-$TMP/gdb.out}" | head -80
	echo "#   vmm stderr:"; sed 's/^/#   /' "$TMP/vmm.err" | head -20
}

# gdb_has NAME TEXT [FILE]: gdb printed TEXT (fixed string).
gdb_has() {
	out_has gdb gdb_show "$1" "$2" "${3:-$TMP/gdb.out}"
}

# gdb_match NAME REGEX [FILE]: a line gdb printed matches REGEX (grep -E).
gdb_match() {
	out_match gdb gdb_show "$1" "$2" "${3:-$TMP/gdb.out}"
}

# gdb_lacks NAME TEXT [FILE]
gdb_lacks() {
	out_lacks gdb gdb_show "$1" "$2" "${3:-$TMP/gdb.out}"
}

# check_eq NAME GOT WANT [FILE]: two strings are equal; on failure both,
# then the output FILE (gdb's by default).
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"
		{ echo "got:"; printf '%s\n' "$2"; echo "expected:"; printf '%s\n' "$3"; } | diag
		gdb_show "${4:-$TMP/gdb.out}"
	fi
}

# vmm_has NAME TEXT: vmm's stderr contains TEXT.
vmm_has() {
	if grep -qF -- "$2" "$TMP/vmm.err"; then ok "$1"; else
		not_ok "$1 (vmm's stderr lacks \"$2\")"
		sed 's/^/#   /' "$TMP/vmm.err" | head -30
	fi
}

# vmm_lacks NAME TEXT: vmm's stderr does not contain TEXT.
vmm_lacks() {
	if ! grep -qF -- "$2" "$TMP/vmm.err"; then ok "$1"; else
		not_ok "$1 (vmm's stderr has \"$2\")"
		sed 's/^/#   /' "$TMP/vmm.err" | head -30
	fi
}

# check_vmm_rc NAME WANT: the last wait_vmm saw vmm exit with WANT.
check_vmm_rc() {
	if [ "$vmm_rc" -eq "$2" ]; then ok "$1"; else
		not_ok "$1 (vmm exit status $vmm_rc, expected $2; 999 means it did not exit and was killed)"
		sed 's/^/#   /' "$TMP/vmm.err" | head -30
	fi
}

# check_vmm_out NAME STRING: vmm's stdout was exactly STRING (printf %b).
check_vmm_out() {
	printf '%b' "$2" >"$TMP/want"
	if cmp -s "$TMP/vmm.out" "$TMP/want"; then ok "$1"; else
		not_ok "$1 (vmm's stdout differs)"
		{ echo "got:"; od -c "$TMP/vmm.out" | head -5; echo "expected:"; od -c "$TMP/want" | head -5; } | diag
	fi
}
