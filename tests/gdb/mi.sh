#!/bin/bash
# The gdb/MI session an IDE runs (VS Code's C/C++ debugger, Eclipse CDT,
# Emacs gud: doc/ide.md), against vmm (issue 18). gdb -i=mi runs as a
# coprocess; each command goes out with a token and the test reads gdb's
# output up to that token's result record (^done, ^running, ^connected,
# ^error), checking its class and contents, and up to *stopped where the
# guest runs: -target-select remote, -file-exec-and-symbols,
# -break-insert, -exec-continue, -exec-next, -exec-step-instruction,
# -data-list-register-names/-values, -data-read-memory-bytes,
# -data-evaluate-expression, -exec-interrupt, -target-detach.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_gdb

MI_LOG="$TMP/mi.log"
MI_TOKEN=0

mi_start() {
	: >"$MI_LOG"
	coproc MI { exec "$GDB" -nx -q -i=mi 2>&1; }
	GDB_PID=$MI_PID
}

# mi_read REGEX: read gdb's output (logged) up to a line matching REGEX,
# which is left in $mi_line. 1 on time-out or end of output.
mi_read() {
	local t=$(scaled 30) line
	mi_line=
	while IFS= read -r -t "$t" -u "${MI[0]}" line; do
		printf '%s\n' "$line" >>"$MI_LOG"
		if [[ $line =~ $1 ]]; then
			mi_line=$line
			return 0
		fi
	done
	echo "<no line matching /$1/ within ${t}s>" >>"$MI_LOG"
	return 1
}

mi_show() {
	echo "#   gdb/MI output (last 30 lines):"; tail -30 "$MI_LOG" | cut -c1-300 | sed 's/^/#   /'
	echo "#   vmm stderr:"; sed 's/^/#   /' "$TMP/vmm.err" | head -10
}

# mi NAME CLASS COMMAND [REGEX]: send COMMAND with the next token; its
# result record must be ^CLASS and, if given, match REGEX. The record is
# left in $mi_line.
mi() {
	local name=$1 class=$2 cmd=$3 want=${4:-}
	MI_TOKEN=$((MI_TOKEN + 1))
	printf '%s%s\n' "$MI_TOKEN" "$cmd" >&"${MI[1]}"
	if ! mi_read "^$MI_TOKEN\\^"; then
		not_ok "$name: no result record for $MI_TOKEN$cmd"; mi_show; return 1
	fi
	if [[ $mi_line != "$MI_TOKEN^$class"* ]]; then
		not_ok "$name: $MI_TOKEN$cmd gave ${mi_line%%,*}, expected ^$class"; mi_show; return 1
	fi
	if [ -n "$want" ] && ! [[ $mi_line =~ $want ]]; then
		not_ok "$name: the result record does not match /$want/"; mi_show; return 1
	fi
	ok "$name"
}

# mi_stopped NAME REGEX: the next *stopped record matches REGEX.
mi_stopped() {
	if ! mi_read '^\*stopped'; then
		not_ok "$1: no *stopped record"; mi_show; return 1
	fi
	if [[ $mi_line =~ $2 ]]; then ok "$1"; else
		not_ok "$1: *stopped does not match /$2/"; mi_show; return 1
	fi
}

mi_end() {
	printf '%s\n' "-gdb-exit" >&"${MI[1]}" 2>/dev/null
	gdb_reap 10
}

# A field of an MI record: field NAME (the first NAME="...").
field() { sed -n "s/.*[{,]$1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$mi_line"; }

ELF="$GUESTS/hello64.elf"
SRC="$VMM_SRCDIR/guest/hello.c"
for_line=$(grep -nF 'for (p = ' "$SRC" | head -1 | cut -d: -f1)
out_line=$(grep -nF 'outb(DEBUG_PORT' "$SRC" | head -1 | cut -d: -f1)

start_vmm --wait-gdb "$ELF" || { not_ok "vmm listens"; done_testing; exit; }
mi_start
mi "-gdb-set mi-async on (commands while the guest runs)" done "-gdb-set mi-async on"
mi "-file-exec-and-symbols: the guest's ELF" done "-file-exec-and-symbols $ELF"
mi "-target-select remote: connected" connected "-target-select remote $SOCK"
grep -q '^\*stopped,frame={addr="0x0000000000100000",func="_start"' "$MI_LOG" &&
	ok "... stopped at _start" || { not_ok "no *stopped at _start after connecting"; mi_show; }
mi "-break-insert main: breakpoint 1 at main, line $for_line" done "-break-insert main" \
	"bkpt=\\{number=\"1\",type=\"breakpoint\".*func=\"main\".*line=\"$for_line\""
mi "-exec-continue: running" running "-exec-continue"
mi_stopped "... stops: breakpoint-hit in main" \
	"^\\*stopped,reason=\"breakpoint-hit\",disp=\"keep\",bkptno=\"1\",frame=\\{addr=\"0x[0-9a-f]+\",func=\"main\".*line=\"$for_line\""
mi "-exec-next: running" running "-exec-next"
mi_stopped "... stops: end-stepping-range at line $out_line" \
	"^\\*stopped,reason=\"end-stepping-range\",frame=\\{.*func=\"main\".*line=\"$out_line\""
pc_next=$(field addr)
mi "-exec-step-instruction: running" running "-exec-step-instruction"
mi_stopped "... stops: end-stepping-range" '^\*stopped,reason="end-stepping-range",frame=\{addr="0x[0-9a-f]+"'
pc_si=$(field addr)
if [ -n "$pc_next" ] && [ -n "$pc_si" ] && (( pc_si > pc_next && pc_si - pc_next <= 15 )); then
	ok "... one instruction further ($pc_next -> $pc_si)"
else not_ok "-exec-step-instruction went from $pc_next to $pc_si"; mi_show; fi

mi "-data-list-register-names: rip, eflags, cr0, efer among them" done "-data-list-register-names" \
	'register-names=\[.*"rip".*"eflags".*"cr0".*"efer"'
names=$(sed 's/.*register-names=\[\(.*\)\].*/\1/' <<<"$mi_line" | tr -d '"' | tr ',' '\n')
rip_n=$(grep -nx rip <<<"$names" | cut -d: -f1); rip_n=$((rip_n - 1))
cr0_n=$(grep -nx cr0 <<<"$names" | cut -d: -f1); cr0_n=$((cr0_n - 1))
mi "-data-list-register-values x rip cr0: the pc of the step, long mode's cr0" done \
	"-data-list-register-values x $rip_n $cr0_n" \
	"register-values=\\[\\{number=\"$rip_n\",value=\"$(printf '0x%x' "$pc_si")\"\\},\\{number=\"$cr0_n\",value=\"0x80050033\"\\}\\]"
mi "-data-read-memory-bytes 0x400 8: zero before the store" done "-data-read-memory-bytes 0x400 8" \
	'memory=\[\{begin="0x0*400",offset="0x0*",end="0x0*408",contents="0000000000000000"\}\]'
mi "-data-evaluate-expression *(long *)0x400: 0" done "-data-evaluate-expression *(long*)0x400" \
	'^[0-9]+\^done,value="0"$'
mi "-data-evaluate-expression \$cr0: its bits, named" done '-data-evaluate-expression $cr0' \
	'value="\[ PE MP ET NE WP AM PG \]"'
mi "-break-insert on the line after the loop" done "-break-insert hello.c:$((out_line + 1))"
mi "-exec-continue past the 14 OUTs" running "-exec-continue"
mi_stopped "... stops at line $((out_line + 1))" "reason=\"breakpoint-hit\".*line=\"$((out_line + 1))\""
mi "-exec-next over the store" running "-exec-next"
mi_stopped "... end-stepping-range" 'reason="end-stepping-range"'
mi "-data-evaluate-expression *(long *)0x400: 42 now" done "-data-evaluate-expression *(long*)0x400" \
	'^[0-9]+\^done,value="42"$'
mi "-data-read-memory-bytes 0x400 8: 2a00..." done "-data-read-memory-bytes 0x400 8" \
	'contents="2a00000000000000"'
mi "-data-read-memory-bytes of unmapped memory: an error" error "-data-read-memory-bytes 0x300000 8"
mi "-break-delete" done "-break-delete"
mi "-target-detach: done" done "-target-detach"
grep -q '^=thread-group-exited,id="i1"' "$MI_LOG" && ok "... the thread group exits" ||
	{ not_ok "no =thread-group-exited after -target-detach"; mi_show; }
mi_end
wait_vmm 10
check_vmm_rc "after -target-detach the guest runs to its HLT, vmm exits 0" 0
check_vmm_out "... printing its greeting once" 'Hello, world!\n'

# -exec-interrupt needs a guest that runs until stopped: spin counts in rbx.
SPIN="$TGUESTS/spin.elf"
start_vmm --wait-gdb "$SPIN" || { not_ok "vmm listens"; done_testing; exit; }
mi_start
MI_TOKEN=100
mi "spin: -gdb-set mi-async on" done "-gdb-set mi-async on"
mi "spin: -file-exec-and-symbols" done "-file-exec-and-symbols $SPIN"
mi "spin: -target-select remote" connected "-target-select remote $SOCK"
mi "spin: -exec-continue" running "-exec-continue"
mi "-exec-interrupt while the guest runs: done" done "-exec-interrupt"
mi_stopped "... stops: signal-received SIGINT in the spin loop" \
	'^\*stopped,reason="signal-received",signal-name="SIGINT",.*frame=\{addr="0x[0-9a-f]+",func="(spin|_start)"'
mi "-data-evaluate-expression \$rip: in spin.S's code" done '-data-evaluate-expression $rip' \
	'value="0x10000[0-9a-f] <(spin|_start)(\+[0-9]+)?>"'
mi "-exec-continue again" running "-exec-continue"
mi "-exec-interrupt again" done "-exec-interrupt"
mi_stopped "... SIGINT again" 'reason="signal-received",signal-name="SIGINT"'
mi "spin: -target-detach" done "-target-detach"
mi_end
kill -0 "$VMM_PID" 2>/dev/null && ok "after -target-detach vmm runs the spinning guest on" ||
	not_ok "vmm exited after -target-detach"
kill_vmm
check_vmm_rc "vmm ends on SIGTERM (143)" 143

done_testing
