#!/bin/bash
# The trace and the exit counts with the real gdb: monitor trace on/off
# switch the lines, monitor exits counts what the trace shows, and
# monitor walk's host-physical address is the one /proc/PID/pagemap gives
# when this test reads it itself.
. "${VMM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$VMM_SRCDIR/tests/gdb/lib.sh"
require_kvm
require_tool python3 "the trace checker is Python"
require_gdb
CHECK="python3 $VMM_SRCDIR/tests/kvm/tracecheck.py"
H="$GUESTS/hello64.elf"

# row NAME COLUMN FILE: a row of the last monitor exits in FILE (2: since
# start, 3: since the last stop).
row() {
	grep -E "^$1 +[0-9]+ +[0-9]+$" "$3" | tail -1 | awk -v c="$2" '{ print $(NF - 3 + c) }'
}

# monitor exits against --trace=all: a breakpoint, a next, the halt.
start_vmm --wait-gdb --trace=all,"$TMP/trace" "$H"
run_gdb "$H" 'monitor trace' 'break main' continue 'monitor exits' next 'monitor exits' \
	continue 'monitor exits' continue
gdb_match "monitor trace: on, and where the lines go" "^trace on: every KVM ioctl and exit goes to $TMP/trace, each exit on its own line$"
wait_vmm
check_vmm_rc "the run ends normally" 0
read -r all exits eintr <<<"$($CHECK exits "$TMP/trace")"
check_eq "monitor exits: all exits since start = the KVM_RUN exits in the trace ($exits)" "$(row 'all exits' 2 "$TMP/gdb.out")" "$exits"
check_eq "monitor exits: EINTR since start = the trace's EINTR returns ($eintr)" "$(row 'EINTR \(kicked, no exit\)' 2 "$TMP/gdb.out")" "$eintr"
n=$(grep -v 'probe VM' "$TMP/trace" | grep -c -- '-> KVM_EXIT_IO ')
check_eq "monitor exits: KVM_EXIT_IO = the trace's KVM_EXIT_IO lines ($n)" "$(row KVM_EXIT_IO 2 "$TMP/gdb.out")" "$n"
check_eq "monitor exits: port 0xe9 out, 14 for \"Hello, world!\\n\"" "$(row '  port 0xe9 out' 2 "$TMP/gdb.out")" 14
n=$(grep -v 'probe VM' "$TMP/trace" | grep -c -- '-> KVM_EXIT_DEBUG ')
check_eq "monitor exits: KVM_EXIT_DEBUG = the trace's ($n)" "$(row KVM_EXIT_DEBUG 2 "$TMP/gdb.out")" "$n"
# Since the last stop: the final continue's exits are the difference of
# the last two since-start totals.
t1=$(grep -E '^all exits ' "$TMP/gdb.out" | sed -n 2p | awk '{ print $3 }')
t2=$(grep -E '^all exits ' "$TMP/gdb.out" | sed -n 3p | awk '{ print $3 }')
check_eq "monitor exits: since the last stop = since start minus the previous stop's" "$(row 'all exits' 3 "$TMP/gdb.out")" "$((t2 - t1))"
check_eq "monitor exits: the last continue had all 14 OUTs" "$(row '  port 0xe9 out' 3 "$TMP/gdb.out")" 14
if grep -q '^vmm: trace \[ *[0-9.]* us\] probe VM: ' "$TMP/trace"; then
	ok "the debugger's host probes are in the trace, marked"
else
	skip "the debugger's host probes are in the trace, marked" "this host needed no probe VM for the debugger"
fi
# The int3 probe: kvm_pvm fails it with an internal error; elsewhere it is
# a debug exit, #BP.
if [ "$(host_module)" = kvm_pvm ]; then
	grep -qE 'probe VM: .*KVM_RUN = .* = 0 -> KVM_EXIT_INTERNAL_ERROR \{suberror=1 KVM_INTERNAL_ERROR_EMULATION, ndata=[0-9]+\}$' "$TMP/trace" &&
		ok "KVM_EXIT_INTERNAL_ERROR with its suberror (the int3 probe on kvm_pvm)" ||
		not_ok "KVM_EXIT_INTERNAL_ERROR with its suberror (the int3 probe on kvm_pvm)"
else
	grep -qE 'probe VM: .*-> KVM_EXIT_DEBUG \{exception=3 \(#BP\), pc=0x' "$TMP/trace" &&
		ok "the int3 probe: KVM_EXIT_DEBUG, exception 3" || not_ok "the int3 probe: KVM_EXIT_DEBUG, exception 3"
fi
grep -qE 'KVM_GET_SUPPORTED_CPUID = 0xc008ae05 _IOWR\(0xae, 0x05, 8\), \{nent=256 -> [0-9]+ entries\}\) = 0$' "$TMP/trace" &&
	grep -qE 'KVM_SET_CPUID2 = 0x4008ae90 _IOW\(0xae, 0x90, 8\), \{nent=[0-9]+ entries\}\) = 0$' "$TMP/trace" &&
	ok "CPUID: the entry counts offered, returned and set" || not_ok "CPUID: the entry counts offered, returned and set"
grep -qF 'KVM_SET_GUEST_DEBUG = 0x4048ae9b _IOW(0xae, 0x9b, 72), {control=0x' "$TMP/trace" &&
	ok "KVM_SET_GUEST_DEBUG with its control bits" || not_ok "KVM_SET_GUEST_DEBUG with its control bits"

# monitor trace on/off around one stepi each: only the middle one shows.
start_vmm --wait-gdb "$H"
run_gdb "$H" 'monitor trace' stepi 'monitor trace on' stepi 'monitor trace off' stepi 'monitor exits'
stop_vmm
gdb_has "monitor trace without --trace: off" "trace off"
gdb_has "monitor trace on: to vmm's stderr" "trace on: every KVM ioctl and exit goes to vmm's stderr, identical exits in a row folded (trace all: each one)"
n=$(grep -c -- '-> KVM_EXIT_DEBUG {exception=1 (#DB), pc=0x[0-9a-f]*, dr6=0x[0-9a-f]*, dr7=0x[0-9a-f]*}$' "$TMP/vmm.err")
check_eq "only the stepi between on and off is traced: one KVM_EXIT_DEBUG with exception, pc, dr6" "$n" 1 "$TMP/vmm.err"
vmm_has "the step's KVM_SET_GUEST_DEBUG: ENABLE SINGLESTEP" "[ENABLE SINGLESTEP"
vmm_has "gdb's register reads are traced: KVM_GET_REGS" "KVM_GET_REGS = 0x8090ae81 _IOR(0xae, 0x81, 144), {rip=0x"
check_eq "monitor exits still counts the untraced steps" "$(row 'all exits' 2 "$TMP/gdb.out")" 3

# monitor walk 0x400: GVA -> GPA -> HVA -> HPA, the HPA checked against a
# reading of /proc/PID/pagemap made here (in gdb's Python, while vmm is
# parked at the halt).
start_vmm --wait-gdb "$H"
pid=$VMM_PID
run_gdb "$H" 'monitor walk 0x400' continue "python
import re, struct
o = gdb.execute('monitor walk 0x400', to_string=True)
print('VMM-SAYS', o)
hva = int(re.search(r'; HVA (0x[0-9a-f]+)', o).group(1), 16)
with open('/proc/$pid/pagemap', 'rb') as f:
    f.seek(hva // 4096 * 8)
    e = struct.unpack('<Q', f.read(8))[0]
pfn = e & ((1 << 55) - 1)
print('PAGEMAP-SAYS present=%d HPA 0x%x' % (e >> 63, pfn * 4096 + hva % 4096))
"
stop_vmm
gdb_has "walk before the first instruction: the page has no host frame yet" "-> no HPA: no host frame yet"
vmm_hpa=$(grep -o 'host: HVA 0x[0-9a-f]* -> HPA 0x[0-9a-f]*' "$TMP/gdb.out" | tail -1 | sed 's/.*HPA //')
pm_hpa=$(sed -n 's/^PAGEMAP-SAYS present=1 HPA //p' "$TMP/gdb.out")
if [ "$(id -u)" -ne 0 ]; then
	skip "monitor walk's HPA is /proc/PID/pagemap's" "not root: the kernel hides frame numbers"
elif [ -n "$vmm_hpa" ] && [ "$vmm_hpa" = "$pm_hpa" ]; then
	ok "monitor walk's HPA for GPA 0x400 ($vmm_hpa) is the one /proc/$pid/pagemap gives"
else
	not_ok "monitor walk's HPA ($vmm_hpa) is /proc/PID/pagemap's ($pm_hpa)"; gdb_show
fi

# Bad arguments get the usage line.
start_vmm --wait-gdb "$H"
run_gdb "$H" 'monitor exits bogus' 'monitor trace sideways'
stop_vmm
gdb_has "monitor exits takes no argument" "usage: exits"
gdb_has "monitor trace: usage" "usage: trace [on|all|off]"

done_testing
