#!/bin/bash
# doc/tutorial.md: every command it shows is run, and what vmm prints now
# must still be what the tutorial shows (tests/doc/tutorial.py; timestamps
# and host addresses may differ). A failure names the line of the
# tutorial to update: run tests/doc/tutorial.py --update and read the diff.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
require_kvm
for tool in gdb strace readelf objdump python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP the tutorial uses $tool, which is not installed"
		exit 0
	fi
done
if [ "$(host_module)" != kvm_pvm ]; then
	echo "1..0 # SKIP the tutorial's output is kvm_pvm's; this host is $(host_module)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the tutorial's walks show host-physical addresses, which need root"
	exit 0
fi
# The tutorial runs vmm under strace once: LeakSanitizer cannot work
# under ptrace, so a sanitizer build checks leaks in the other tests.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
VMM_BUILDDIR="$VMM_BUILDDIR" exec python3 "$VMM_SRCDIR/tests/doc/tutorial.py" "$VMM_SRCDIR/doc/tutorial.md"
