# tests/lldb/lib.sh - helpers for tests that drive the real LLDB against
# vmm (sourced after tests/lib.sh and tests/gdb/lib.sh, whose start_vmm,
# wait_vmm, check_eq and vmm_has they use). vmm listens on a Unix socket in
# the test's temporary directory; LLDB connects with
#   process connect unix-connect://SOCKET
# and logs every packet (log enable gdb-remote packets) to $TMP/lldb.pkt,
# so a test can say what LLDB sent as well as what it printed.
#
# LLDB is driven from its command line only: on Debian 12 its Python
# module is broken (python3-lldb-14's _lldb link points at a missing
# file), so every LLDB prints a Python traceback at start-up; lldb_filter
# drops exactly those lines.
: "${LLDB:=lldb}"
LLDB_PID=
LLDB_FD=

# On any exit: the LLDB, gdb and vmm this test started, by PID.
lldb_cleanup() {
	[ -n "${LLDB_FD:-}" ] && eval "exec $LLDB_FD>&-" 2>/dev/null
	[ -n "${LLDB_PID:-}" ] && kill -KILL "$LLDB_PID" 2>/dev/null
	gdb_cleanup
}
trap lldb_cleanup EXIT

require_lldb() {
	if ! command -v "$LLDB" >/dev/null 2>&1; then
		echo "1..0 # SKIP lldb is not installed (tools/install-deps.sh installs lldb)"
		exit 0
	fi
	if ! "$LLDB" -b -x -o version 2>/dev/null | grep -q '^lldb version'; then
		echo "1..0 # SKIP $LLDB does not run in batch mode (lldb -b -o version)"
		exit 0
	fi
}

# The start-up noise of LLDB's broken Python module, and nothing else.
lldb_filter() {
	grep -v -x -e 'Traceback (most recent call last):' \
		-e '  File "<string>", line 1, in <module>' \
		-e "ModuleNotFoundError: No module named 'lldb.embedded_interpreter'" \
		-e "NameError: name 'run_one_line' is not defined"
}

# run_lldb FILE CMDS...: lldb -b on FILE, connected to $SOCK, running each
# CMD (-o). Output in $TMP/lldb.out, packets in $TMP/lldb.pkt, status in
# $lldb_rc. In batch mode LLDB stops at the first command that fails, then
# quits -- which kills the process it is connected to (see quit.sh).
run_lldb() {
	local file=$1 c
	local argv=(-o "log enable -f $TMP/lldb.pkt gdb-remote packets"
		    -o "process connect unix-connect://$SOCK")
	shift
	for c in "$@"; do argv+=(-o "$c"); done
	rm -f "$TMP/lldb.pkt"
	timeout -k 5 "$(scaled 60)" "$LLDB" -b -x "$file" "${argv[@]}" \
		>"$TMP/lldb.raw" 2>&1 </dev/null
	lldb_rc=$?
	lldb_filter <"$TMP/lldb.raw" >"$TMP/lldb.out"
}

# The packets LLDB sent in the last run, one per line, framing removed.
lldb_sent() {
	sed -n 's/.*send packet: \$\([^#]*\)#.*/\1/p' "${1:-$TMP/lldb.pkt}"
}

# An interactive LLDB reading commands from a FIFO, for what batch mode
# cannot do: "process continue" returns at once and "process interrupt"
# stops the guest. lldb_start FILE; lldb_send CMD; lldb_expect TEXT;
# lldb_stop. Output in $TMP/lldb.live (unfiltered).
lldb_start() {
	rm -f "$TMP/lldb.in" "$TMP/lldb.live"
	mkfifo "$TMP/lldb.in"
	"$LLDB" -x "$1" <"$TMP/lldb.in" >"$TMP/lldb.live" 2>&1 &
	LLDB_PID=$!
	exec {LLDB_FD}>"$TMP/lldb.in"
}

lldb_send() {
	printf '%s\n' "$1" >&"$LLDB_FD"
}

# lldb_expect TEXT [COUNT] [SECONDS]: the live LLDB has printed TEXT
# (fixed string, a line containing it) COUNT times (default 1), within
# SECONDS (scaled, default 20). Returns 1 on time-out.
lldb_expect() {
	local i n=$(( $(scaled "${3:-20}") * 20 )) c
	for ((i = 0; i < n; i++)); do
		c=$(grep -cF -- "$1" "$TMP/lldb.live" 2>/dev/null)
		[ "${c:-0}" -ge "${2:-1}" ] && return 0
		sleep 0.05
	done
	return 1
}

# lldb_interrupt COUNT [SECONDS]: "process interrupt" until the live LLDB
# has printed its COUNT-th SIGINT stop. LLDB 14 prints "Process 1
# resuming" before its own state says running; an interrupt typed in
# between gets "Failed to halt process: Process is not running" (seen
# under load) and nothing reaches vmm. A user types it again; so do we.
lldb_interrupt() {
	local i n=$(( $(scaled "${2:-20}") * 20 )) c e e0
	e0=$(grep -cF "Process is not running" "$TMP/lldb.live" 2>/dev/null)
	lldb_send "process interrupt"
	for ((i = 0; i < n; i++)); do
		c=$(grep -cF "stop reason = signal SIGINT" "$TMP/lldb.live" 2>/dev/null)
		[ "${c:-0}" -ge "$1" ] && return 0
		e=$(grep -cF "Process is not running" "$TMP/lldb.live" 2>/dev/null)
		if [ "${e:-0}" -gt "${e0:-0}" ]; then
			e0=$e
			lldb_send "process interrupt"
		fi
		sleep 0.05
	done
	return 1
}

# End the live LLDB: close its input (it quits at end of input) and wait.
lldb_stop() {
	[ -n "${LLDB_FD:-}" ] && eval "exec $LLDB_FD>&-"
	LLDB_FD=
	local i n=$(( $(scaled 10) * 20 ))
	for ((i = 0; i < n; i++)); do
		kill -0 "$LLDB_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$LLDB_PID" 2>/dev/null
	wait "$LLDB_PID" 2>/dev/null
	LLDB_PID=
	lldb_filter <"$TMP/lldb.live" >"$TMP/lldb.out"
}

# What a failing check shows: LLDB's output, the last packets, vmm's stderr.
lldb_show() {
	sed 's/^/#   /' "${1:-$TMP/lldb.out}" | tail -60
	if [ -f "$TMP/lldb.pkt" ]; then
		echo "#   last packets LLDB sent:"
		lldb_sent | tail -8 | sed 's/^/#     /'
	fi
	echo "#   vmm stderr:"; sed 's/^/#   /' "$TMP/vmm.err" | head -20
}

# lldb_has NAME TEXT [FILE]: LLDB printed TEXT (fixed string).
lldb_has() {
	out_has lldb lldb_show "$1" "$2" "${3:-$TMP/lldb.out}"
}

# lldb_match NAME REGEX [FILE]: a line LLDB printed matches REGEX (grep -E).
lldb_match() {
	out_match lldb lldb_show "$1" "$2" "${3:-$TMP/lldb.out}"
}

# lldb_lacks NAME TEXT [FILE]
lldb_lacks() {
	out_lacks lldb lldb_show "$1" "$2" "${3:-$TMP/lldb.out}"
}

# lldb_frames FILE: the symbol of each "frame #0: ADDR MODULE`SYMBOL" line,
# in order, space separated (the place of each stop).
lldb_frames() {
	sed -n 's/^ *frame #0: 0x[0-9a-f]* [^`]*`\([^ ]*\).*/\1/p' "$1" | tr '\n' ' '
}

# lldb_reg FILE NAME: the value LLDB printed for register NAME, last one.
lldb_reg() {
	sed -n "s/^ *$2 = \\(0x[0-9a-f]*\\).*/\\1/p" "$1" | tail -1
}
