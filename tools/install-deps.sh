#!/bin/sh
# install-deps.sh - install what building and testing vmm needs on Debian 12
# (run as root, or with sudo available). Idempotent.
set -e
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps.sh: run as root (or install sudo)" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Build: autotools, gcc (also builds the freestanding 32-bit guests), the
# Linux KVM headers. Tests: gdb and lldb (the debuggers under test), strace,
# util-linux (setpriv, unshare). Sanitizers and fuzzers: clang and its
# runtime.
$SUDO apt-get install -y -qq --no-install-recommends \
	autoconf automake make gcc libc6-dev linux-libc-dev binutils \
	gdb lldb strace util-linux procps python3 \
	clang libclang-rt-14-dev ca-certificates >/dev/null
