# reverse_steps.py - sourced by tests/gdb/reverse.sh inside gdb: step
# forward $n times noting every register (the stub's whole g packet:
# general, segment, x87, SSE, fs/gs base, control registers, EFER) and
# vmm's hash of all guest RAM at each point, then reverse-stepi $n times
# and compare each point with the forward pass. Prints "checked N
# points, M differ" and the first differences.
import gdb

def state():
    regs = gdb.execute("maint packet g", to_string=True).split("received: ")[-1].strip()
    ram = gdb.execute("monitor record hash", to_string=True).split(" ram ")[-1].strip()
    return regs, ram

n = int(gdb.parse_and_eval("$n"))
fwd = [state()]
for i in range(n):
    gdb.execute("stepi", to_string=True)
    fwd.append(state())
moved = sum(1 for i in range(n) if fwd[i][1] != fwd[i + 1][1])
regs_moved = sum(1 for i in range(n) if fwd[i][0] != fwd[i + 1][0])
print("ram changed in %d of %d steps, registers in %d" % (moved, n, regs_moved))
bad = []
for k in range(1, n + 1):
    gdb.execute("reverse-stepi", to_string=True)
    regs, ram = state()
    want_regs, want_ram = fwd[n - k]
    if regs != want_regs or ram != want_ram:
        first = next((i for i in range(len(regs)) if regs[i:i + 1] != want_regs[i:i + 1]), -1)
        bad.append((n - k, first, ram, want_ram))
print("checked %d points, %d differ" % (n, len(bad)))
for b in bad[:5]:
    print("differs at step %d: g packet from hex digit %d; ram %s, forward %s" % b)
