#!/usr/bin/env python3
"""differential.py - run a guest without gdb, then again under gdb with
random breakpoints, watchpoints, steps, continues, detaches and
reconnects, and check that the guest printed the same bytes and vmm
exited with the same status (tests/diff/differential.sh, bench/diff.sh).

    differential.py VMM GDB GUEST.elf SEED COUNT [VMM-ARGS...]
    differential.py emit GUEST.elf SEED COUNT     (the sessions, as text)

Each trial's commands come from random.Random(SEED * 100003 + trial), so
a failure is reproduced by its seed and trial number; the failing gdb
command list is printed. Output is TAP, one test point per trial.
The guests print a checksum of their own code and data at the end, so a
planted byte left behind or a store lost by the debugger shows in the
output too.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

SIZES = {1: "char", 2: "short", 4: "int", 8: "long"}


def image(guest):
    """Instruction addresses and the data bytes [lo, hi) of the guest."""
    dis = subprocess.run(["objdump", "-d", guest], capture_output=True,
                         text=True, check=True).stdout
    insns = [int(m.group(1), 16) for m in
             re.finditer(r"^\s+([0-9a-f]+):\t", dis, re.M)]
    syms = {}
    for line in subprocess.run(["nm", guest], capture_output=True,
                               text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = (int(parts[0], 16), parts[1])
    data = sorted(a for a, t in syms.values() if t in "dDbBrR")
    lo = min(data) if data else min(insns)
    hi = syms.get("end_of_image", (max(insns) + 16, ""))[0]
    near = syms.get("near", (None, ""))[0]
    return insns, lo, hi, near


# vmm keeps execution breakpoints in the debug registers hbreaks and DR
# watchpoints leave free, where a guest reading its own code cannot see
# them; the others are planted opcodes, which it can (doc/protocol.md,
# Z0): a session that had more than four at once is not compared on the
# checksum line. Watchpoints take debug registers only on hosts where
# they fire (vmm --verbose: "watchpoints: debug registers"), so a
# session's planted-ness is 0 (never), 1 (on every host) or
# PLANTED_IF_DR_WATCH (only there).
DR_BREAKS = 4
PLANTED_IF_DR_WATCH = 2
DR_WATCH_LINE = b"vmm: strategy: watchpoints: debug registers"


def commands(rng, insns, lo, hi, near, sock):
    """A random gdb session, as a list of -ex commands, and whether more
    than DR_BREAKS execution breakpoints were inserted at once: 0, 1 or
    PLANTED_IF_DR_WATCH (counting the watchpoints a debug register can
    take: aligned ones)."""
    cmds = []
    nbp = 0
    exec_bps = set()
    dr_watches = set()
    always = if_dr = False	# planted on every host / where watches take DRs

    def resume():
        nonlocal always, if_dr
        always |= len(exec_bps) > DR_BREAKS
        if_dr |= len(exec_bps) + len(dr_watches) > DR_BREAKS
    for _ in range(rng.randint(4, 14)):
        r = rng.random()
        if r < 0.20:
            cmds.append("break *0x%x" % rng.choice(insns))
            nbp += 1
            exec_bps.add(nbp)
        elif r < 0.27:
            cmds.append("hbreak *0x%x" % rng.choice(insns))
            nbp += 1
            exec_bps.add(nbp)
        elif r < 0.45:
            size = rng.choice(list(SIZES))
            base = near if near is not None and rng.random() < 0.3 else \
                rng.randrange(lo, hi - size)
            if rng.random() < 0.8:
                base &= ~(size - 1)
            kind = rng.choice(["watch", "rwatch", "awatch"])
            cmds.append("%s *(%s *)0x%x" % (kind, SIZES[size], base))
            nbp += 1
            if base % size == 0:
                dr_watches.add(nbp)
        elif r < 0.60:
            cmds.append("stepi %d" % rng.randint(1, 12))
            resume()
        elif r < 0.80:
            cmds.append("continue")
            resume()
        elif r < 0.85 and nbp:
            n = rng.randint(1, nbp)
            cmds.append("delete %d" % n)
            exec_bps.discard(n)
            dr_watches.discard(n)
        elif r < 0.89:
            cmds.append("detach")
            cmds.append("target remote " + sock)
        elif r < 0.93:
            cmds.append("disconnect")
            cmds.append("target remote " + sock)
        elif r < 0.96:
            cmds.append("monitor catch io 0xe9")
        else:
            cmds.append("delete")
            exec_bps.clear()
            dr_watches.clear()
    cmds += ["delete", "detach"]
    return cmds, 1 if always else PLANTED_IF_DR_WATCH if if_dr else 0


def run_plain(vmm, guest, extra):
    p = subprocess.run([vmm, "--timeout=60"] + extra + [guest],
                       capture_output=True, timeout=120)
    return p.stdout, p.returncode, p.stderr


def run_gdb(vmm, gdb, guest, extra, cmds, tmp):
    sock = os.path.join(tmp, "gdb.sock")
    with open(os.path.join(tmp, "vmm.out"), "wb") as out, \
         open(os.path.join(tmp, "vmm.err"), "wb") as err:
        v = subprocess.Popen([vmm, "--timeout=60", "--gdb=unix:" + sock,
                              "--wait-gdb", "--verbose"] + extra + [guest],
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        for _ in range(400):
            if os.path.exists(sock) or v.poll() is not None:
                break
            time.sleep(0.025)
        args = [gdb, "-batch", "-nx", "-q", guest, "-ex", "target remote " + sock]
        for c in cmds:
            args += ["-ex", c]
        try:
            g = subprocess.run(args, capture_output=True, timeout=120,
                               stdin=subprocess.DEVNULL)
            gout = g.stdout + g.stderr
        except subprocess.TimeoutExpired:
            gout = b"gdb timed out"
        try:
            rc = v.wait(timeout=90)
        except subprocess.TimeoutExpired:
            v.kill()
            rc = v.wait()
            gout += b"\n(vmm did not exit and was killed)"
    with open(os.path.join(tmp, "vmm.out"), "rb") as f:
        vout = f.read()
    with open(os.path.join(tmp, "vmm.err"), "rb") as f:
        verr = f.read()
    return vout, rc, verr, gout


def emit(guest, seed, count):
    """The sessions main() would run, for tests/diff/differential.sh to run
    where there is no python3 (the nested test images): per trial a line
    "trial N planted P", its gdb commands (the socket as @SOCK@), "end"."""
    insns, lo, hi, near = image(guest)
    for trial in range(count):
        rng = random.Random(seed * 100003 + trial)
        cmds, planted = commands(rng, insns, lo, hi, near, "@SOCK@")
        print("trial %d planted %d" % (trial, planted))
        for c in cmds:
            print(c)
        print("end")
    return 0


def main(argv):
    if argv[1:2] == ["emit"]:
        return emit(argv[2], int(argv[3]), int(argv[4]))
    vmm, gdb, guest, seed, count = argv[1], argv[2], argv[3], int(argv[4]), int(argv[5])
    extra = argv[6:]
    insns, lo, hi, near = image(guest)
    want_out, want_rc, _ = run_plain(vmm, guest, extra)
    name = os.path.basename(guest)
    print("1..%d" % count, flush=True)
    failed = 0
    for trial in range(count):
        rng = random.Random(seed * 100003 + trial)
        tmp = tempfile.mkdtemp(prefix="vmm-diff.")
        try:
            cmds, planted = commands(rng, insns, lo, hi, near, os.path.join(tmp, "gdb.sock"))
            out, rc, err, gout = run_gdb(vmm, gdb, guest, extra, cmds, tmp)
            bad = []
            if planted == PLANTED_IF_DR_WATCH:
                planted = DR_WATCH_LINE in err
            if planted and out.splitlines()[:-1] == want_out.splitlines()[:-1]:
                out = want_out		# only the checksum may differ
            if out != want_out:
                bad.append("output %r, without gdb %r" % (out[-120:], want_out[-120:]))
            if rc != want_rc:
                bad.append("exit status %d, without gdb %d" % (rc, want_rc))
            if b"guest crashed" in err:
                bad.append("vmm said the guest crashed")
            what = "%s seed %d trial %d: %d gdb commands" % (name, seed, trial, len(cmds))
            if bad:
                failed += 1
                print("not ok %d - %s: %s" % (trial + 1, what, "; ".join(bad)))
                for c in cmds:
                    print("#   -ex '%s'" % c)
                for line in err.decode(errors="replace").splitlines()[:15]:
                    print("#   vmm: " + line)
                for line in gout.decode(errors="replace").splitlines()[-25:]:
                    print("#   gdb: " + line)
            else:
                print("ok %d - %s, same output%s and exit status %d" % (trial + 1, what,
                      " (checksum aside: more than %d breakpoints, some planted)" % DR_BREAKS
                      if planted else "", rc))
            sys.stdout.flush()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
