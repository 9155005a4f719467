# tests/hostile/lib.sh - helpers for the hostile-input tests (sourced after
# tests/lib.sh). Every vmm listens on a Unix socket in the test's temporary
# directory or on a TCP port the kernel picks (port 0): never a fixed port.
: "${GDB:=gdb}"
RSP="python3 $VMM_SRCDIR/tests/hostile/rsp.py"

require_python() {
	if ! command -v python3 >/dev/null 2>&1; then
		echo "1..0 # SKIP python3 is not installed (tools/install-deps.sh installs it)"
		exit 0
	fi
}

have_gdb() { command -v "$GDB" >/dev/null 2>&1; }

# spawn_vmm NAME ARGS...: vmm ARGS in the background, stdout and stderr in
# $TMP/NAME.out and $TMP/NAME.err; sets $VMM_PID.
spawn_vmm() {
	local name=$1
	shift
	"$VMM" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	VMM_PID=$!
}

# wait_for FILE TEXT SECONDS: until FILE contains TEXT (fixed string).
wait_for() {
	local i n=$(($(scaled "$3") * 50))
	for ((i = 0; i < n; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}

# wait_sock PATH: until PATH is a socket (vmm is listening), or vmm died.
wait_sock() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ -S "$1" ] && return 0
		kill -0 "$VMM_PID" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# reap SECONDS: wait for $VMM_PID to exit by itself, at most SECONDS (then
# SIGKILL it, and $vmm_rc is 999); sets $vmm_rc.
reap() {
	local i n=$(($(scaled "$1") * 50))
	for ((i = 0; i < n; i++)); do
		kill -0 "$VMM_PID" 2>/dev/null || break
		sleep 0.02
	done
	if kill -0 "$VMM_PID" 2>/dev/null; then
		kill -KILL "$VMM_PID" 2>/dev/null
		wait "$VMM_PID" 2>/dev/null
		vmm_rc=999
	else
		wait "$VMM_PID" 2>/dev/null
		vmm_rc=$?
	fi
	VMM_PID=
}

# The port vmm printed in "target remote HOST:PORT" on $TMP/NAME.err.
tcp_port() { sed -n "s/.*target remote [^:']*:\([0-9]*\)'.*/\1/p" "$TMP/$1.err" | head -n 1; }

# tcp_listening HEXADDR PORT: /proc/net/tcp has a listener there
# (HEXADDR as the kernel prints it: 0100007F is 127.0.0.1).
tcp_listening() {
	local hexport
	hexport=$(printf '%04X' "$2")
	awk -v a="$1:$hexport" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

# check NAME CONDITION-STATUS [DETAIL FILE]: ok if the status is 0.
check() {
	local name=$1 st=$2
	if [ "$st" -eq 0 ]; then ok "$name"; else
		not_ok "$name"
		[ -n "${3:-}" ] && [ -f "$3" ] && head -c 3000 "$3" | diag
	fi
	return 0
}

# check_status NAME GOT WANT [LOG]
check_status() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1 (exit status $2, expected $3)"
		[ -n "${4:-}" ] && [ -f "$4" ] && head -c 3000 "$4" | diag
	fi
	return 0
}

# has NAME FILE TEXT: FILE contains TEXT (fixed string).
has() {
	if grep -qF -- "$3" "$2" 2>/dev/null; then ok "$1"; else
		not_ok "$1 (no \"$3\" in ${2##*/})"
		head -c 3000 "$2" 2>/dev/null | diag
	fi
	return 0
}

# lacks NAME FILE TEXT
lacks() {
	if ! grep -qF -- "$3" "$2" 2>/dev/null; then ok "$1"; else
		not_ok "$1 (\"$3\" in ${2##*/})"
		head -c 3000 "$2" | diag
	fi
	return 0
}
