# tests/gdb/lib.sh - helpers for tests that drive the real gdb against vmm
# (sourced after tests/lib.sh). vmm listens on a Unix socket in the test's
# temporary directory: no TCP port, nothing shared between tests.
: "${GDB:=gdb}"

require_gdb() {
	if ! command -v "$GDB" >/dev/null 2>&1; then
		echo "1..0 # SKIP gdb is not installed"
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
	local i
	for ((i = 0; i < 200; i++)); do
		[ -S "$SOCK" ] && return 0
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "# vmm did not create $SOCK"; sed 's/^/#   /' "$TMP/vmm.err"
	return 1
}

# stop_vmm: end the vmm this test started (by PID) and reap it; $vmm_rc.
stop_vmm() {
	[ -n "${VMM_PID:-}" ] || return 0
	local i
	for ((i = 0; i < 40; i++)); do
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill "$VMM_PID" 2>/dev/null
	wait "$VMM_PID" 2>/dev/null
	vmm_rc=$?
	VMM_PID=
}

# run_gdb FILE CMDS...: gdb -batch on FILE, connected to $SOCK, running
# each CMD (-ex); its output (stdout+stderr) in $TMP/gdb.out.
run_gdb() {
	local file=$1 args=() c
	shift
	for c in "$@"; do args+=(-ex "$c"); done
	timeout "$(scaled 60)" "$GDB" -batch -nx -q "$file" \
		-ex "target remote $SOCK" "${args[@]}" >"$TMP/gdb.out" 2>&1 </dev/null
	gdb_rc=$?
}

# gdb_has NAME TEXT: gdb printed TEXT (fixed string).
gdb_has() {
	if grep -qF -- "$2" "$TMP/gdb.out"; then ok "$1"; else
		not_ok "$1 (gdb did not print \"$2\")"
		sed 's/^/#   /' "$TMP/gdb.out" | head -60
		echo "#   vmm stderr:"; sed 's/^/#   /' "$TMP/vmm.err" | head -20
	fi
}

# gdb_lacks NAME TEXT
gdb_lacks() {
	if ! grep -qF -- "$2" "$TMP/gdb.out"; then ok "$1"; else
		not_ok "$1 (gdb printed \"$2\")"
		sed 's/^/#   /' "$TMP/gdb.out" | head -60
	fi
}
