#!/bin/bash
# Bad input gets one clear line naming the thing and why, the documented
# exit status, nothing on stdout, and no crash.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm

# bad NAME WANT_RC SUBSTRING ARGS...
bad() {
	local name=$1 want=$2 msg=$3
	shift 3
	run_vmm "$@"
	if [ "$rc" -eq "$want" ] && grep -qF -- "$msg" "$TMP/err" && [ ! -s "$TMP/out" ] &&
	   [ "$rc" -lt 128 ]; then
		ok "$name"
	else
		not_ok "$name (want exit $want and \"$msg\" on stderr, nothing on stdout)"
		show_run
	fi
}

# Usage errors: exit 2.
bad "unknown long option" 2 "unknown option '--bogus'" --bogus
bad "unknown short option" 2 "unknown option '-x'" -x
bad "option missing its argument" 2 "needs an argument" --memory
bad "--memory not a size" 2 "--memory=lots: not a size" --memory=lots
bad "--memory zero" 2 "from 1M to 1G" --memory=0
bad "--memory too big" 2 "from 1M to 1G" --memory=64G
bad "--memory not 4 KiB aligned" 2 "multiple of 4 KiB" --memory=1048577
bad "--memory overflowing" 2 "not a size" --memory=99999999999999999999G
bad "--mode unknown" 2 "--mode=turbo: unknown mode" --mode=turbo
bad "two modes at once" 2 "only one mode" -l -s
bad "--expect malformed" 2 "--expect" --expect=banana
bad "--timeout not a number" 2 "--timeout=soon" --timeout=soon
bad "--timeout negative" 2 "--timeout=-1" --timeout=-1
bad "--load-addr not an address" 2 "--load-addr=here" --load-addr=here
bad "two guest files" 2 "one guest at a time" a.elf b.elf
# --gdb addresses with a bad syntax are usage errors too (issue 13: 5).
bad "--gdb with a port that is not a number" 2 "--gdb=foo:bar: 'bar' is not a port number" --gdb=foo:bar
bad "--gdb with a port over 65535" 2 "'99999' is not a port number" --gdb=:99999
bad "--gdb=tcp: without a port" 2 "--gdb=tcp:: '' is not a port number" --gdb=tcp:
bad "--gdb=unix: without a path" 2 "--gdb=unix:: a socket path needs 1 to 107 characters" --gdb=unix:
bad "--gdb=unix: with a path too long" 2 "a socket path needs 1 to 107 characters" --gdb=unix:/$(printf 'x%.0s' {1..120})
grep -q "Try 'vmm --help'" "$TMP/err" && ok "usage errors point at --help" || not_ok "usage errors point at --help"

# Guest files: exit 5, the file named.
bad "missing guest file" 5 "$TMP/nope.elf: No such file or directory" "$TMP/nope.elf"
bad "a directory" 5 "is a directory" "$TMP"
# Not regular files: refused at once, naming what they are (issue 13).
# A FIFO nobody writes to blocked vmm in open() forever; the bound here
# only keeps a regression from hanging the suite.
mkfifo "$TMP/fifo"
timeout "$(scaled 5)" "$VMM" "$TMP/fifo" >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
if [ "$rc" -eq 5 ] && grep -qF "fifo: is a named pipe (FIFO), not a guest file" "$TMP/err"; then
	ok "a FIFO is refused at once"
else
	not_ok "a FIFO is refused at once (exit $rc; 124 means vmm blocked on it)"; show_run
fi
bad "a character device" 5 "/dev/null: is a character device, not a guest file" /dev/null
if command -v python3 >/dev/null; then
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$TMP/sock"
	bad "a socket" 5 "sock: is a socket, not a guest file" "$TMP/sock"
else
	skip "a socket" "python3 (to bind a Unix socket) is not installed"
fi
ln -s "$TMP/fifo" "$TMP/fifo-link"
bad "a symbolic link to a FIFO" 5 "fifo-link: is a named pipe (FIFO)" "$TMP/fifo-link"
: >"$TMP/empty"
bad "an empty file" 5 "empty file" "$TMP/empty"
cp "$GUESTS/hello64.elf" "$TMP/arm.elf"
printf '\xb7\x00' | dd of="$TMP/arm.elf" bs=1 seek=18 conv=notrunc status=none
bad "an AArch64 ELF file" 5 "not an x86 ELF file: machine AArch64" "$TMP/arm.elf"
head -c 100 "$GUESTS/hello64.elf" >"$TMP/trunc.elf"
bad "a truncated ELF file" 5 "truncated ELF file" "$TMP/trunc.elf"
head -c 40 "$GUESTS/hello64.elf" >"$TMP/trunc2.elf"
bad "an ELF file cut inside its header" 5 "truncated ELF file" "$TMP/trunc2.elf"
bad "a dynamically linked Linux program" 5 "not a guest" /bin/true
bad "a segment outside guest RAM" 5 "outside guest RAM" --memory=1M "$GUESTS/hello64.elf"
printf '\xf4' >"$TMP/hlt.bin"
bad "a flat binary over vmm's page tables" 5 "overlaps vmm's GDT, page tables and stack" --load-addr=0x1f8000 "$TMP/hlt.bin"
bad "a flat binary past RAM" 5 "outside guest RAM" --load-addr=0x200000 "$TMP/hlt.bin"
bad "--load-addr with an ELF file (its headers say where it goes)" 5 "--load-addr is for flat binaries" --load-addr=0x1000 "$GUESTS/hello64.elf"
bad "an entry point past RAM" 5 "entry point" --entry=0x300000 "$TMP/hlt.bin"
bad "real mode with a guest above 1 MiB" 5 "out of real mode's reach" -r "$GUESTS/hello64.elf"

# Unreadable file and no access to /dev/kvm: as an unprivileged user.
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	cp "$GUESTS/hello64.elf" "$TMP/secret.elf"
	chmod 600 "$TMP/secret.elf"
	chmod 755 "$TMP"
	timeout "$(scaled 20)" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VMM" "$TMP/secret.elf" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 5 ] && grep -qF "secret.elf: Permission denied" "$TMP/err" && ok "an unreadable guest file" || { not_ok "an unreadable guest file"; show_run; }
	if [ "$(stat -c %a /dev/kvm)" != 666 ]; then
		timeout "$(scaled 20)" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VMM" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq 5 ] && grep -qF "/dev/kvm: permission denied" "$TMP/err" && ok "no permission on /dev/kvm" || { not_ok "no permission on /dev/kvm"; show_run; }
	else
		skip "no permission on /dev/kvm" "/dev/kvm is world-writable here"
	fi
else
	skip "an unreadable guest file" "needs root and setpriv to become another user"
	skip "no permission on /dev/kvm" "needs root and setpriv to become another user"
fi
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	timeout "$(scaled 20)" unshare -m sh -c 'mount -t tmpfs none /dev && exec "$0"' "$VMM" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 5 ] && grep -qF "/dev/kvm: no such device" "$TMP/err" && ok "no /dev/kvm at all" || { not_ok "no /dev/kvm at all"; show_run; }
else
	skip "no /dev/kvm at all" "needs root and unshare to hide /dev/kvm"
fi

done_testing
