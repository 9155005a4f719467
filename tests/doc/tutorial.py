#!/usr/bin/env python3
"""tutorial.py - run every command in doc/tutorial.md and compare.

  tutorial.py TUTORIAL            TAP: one test point per command, which
                                  passes if vmm still prints what the
                                  tutorial shows
  tutorial.py --update TUTORIAL   rewrite each command's output with what
                                  it prints now (then read the diff!)

A ```console block holds commands ("$ CMD") each followed by its output.
The commands run in order in a scratch directory that holds ./vmm and
guest/ from the build tree, stdout and stderr together. A command ending
in "&" runs in the background (its output redirected by the command
itself); if it names --gdb=unix:PATH, the next command waits for PATH.
"$ wait" waits for the background commands. What varies from run to run
is compared as a placeholder: timestamps, host-virtual addresses,
host-physical addresses and frames; the build tree's path reads as ".".
A line "..." in an output stands for any number of lines.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

VARIES = [
    (re.compile(r'\[ *[0-9]+\.[0-9] us\]'), '[T us]'),
    (re.compile(r'0x7[0-9a-f]{9,11}\b'), '0x7<HVA>'),
    (re.compile(r'HPA 0x[0-9a-f]+ \(frame 0x[0-9a-f]+'), 'HPA <HPA> (frame <PFN>'),
    (re.compile(r'pagemap 0x[0-9a-f]+'), 'pagemap <HPA>'),
    (re.compile(r'\bHPA 0x[0-9a-f]+'), 'HPA <HPA>'),
]
TIMEOUT = 60 * float(os.environ.get('VMM_TIMESCALE', '1'))


def normal(line):
    line = line.rstrip()
    for rx, sub in VARIES:
        line = rx.sub(sub, line)
    return line


def matches(want, got):
    """want may hold "..." lines: any number of lines of got."""
    if not want:
        return not got
    if want[0] == '...':
        return any(matches(want[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and normal(want[0]) == normal(got[0]) and matches(want[1:], got[1:])


def parse(lines):
    """[(line index of the command, command, [output lines])] in order."""
    cmds, inblock = [], False
    for i, line in enumerate(lines):
        if line.startswith('```'):
            inblock = line.strip() == '```console' if not inblock else False
            continue
        if not inblock:
            continue
        if line.startswith('$ '):
            cmds.append([i, line[2:], []])
        elif cmds:
            cmds[-1][2].append(line)
    return cmds


class Runner:
    def __init__(self, build):
        self.build = os.path.realpath(build)
        self.dir = tempfile.mkdtemp(prefix='vmm-tutorial.')
        os.symlink(os.path.join(build, 'vmm'), os.path.join(self.dir, 'vmm'))
        os.symlink(os.path.join(build, 'guest'), os.path.join(self.dir, 'guest'))
        self.bg = []

    def wait_bg(self):
        for p in self.bg:
            try:
                p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.bg = []

    def run(self, cmd):
        if cmd.strip() == 'wait':
            self.wait_bg()
            return []
        if cmd.rstrip().endswith('&'):
            p = subprocess.Popen(['bash', '-c', cmd.rstrip()[:-1]], cwd=self.dir,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            self.bg.append(p)
            m = re.search(r'--gdb=unix:(\S+)', cmd)
            end = time.time() + TIMEOUT
            while m and time.time() < end and p.poll() is None and \
                    not os.path.exists(os.path.join(self.dir, m.group(1))):
                time.sleep(0.05)
            return []
        try:
            r = subprocess.run(['bash', '-c', cmd], cwd=self.dir, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=TIMEOUT)
            out = r.stdout
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b'') + b'\n(timed out)'
        text = out.decode(errors='replace').replace(self.build + '/', './')
        return text.split('\n')[:-1] if text.endswith('\n') else text.split('\n')

    def close(self):
        for p in self.bg:
            p.send_signal(signal.SIGKILL)
            p.wait()
        subprocess.run(['rm', '-rf', self.dir])


def main():
    update = sys.argv[1] == '--update'
    path = sys.argv[-1]
    build = os.environ.get('VMM_BUILDDIR', os.getcwd())
    with open(path) as f:
        lines = f.read().split('\n')
    cmds = parse(lines)
    runner = Runner(build)
    failed, replace = 0, {}
    try:
        for n, (at, cmd, want) in enumerate(cmds, 1):
            got = runner.run(cmd)
            replace[at] = got
            if update:
                continue
            if matches(want, got):
                print('ok %d - doc/tutorial.md line %d: $ %s' % (n, at + 1, cmd))
                continue
            failed += 1
            print('not ok %d - doc/tutorial.md line %d: $ %s' % (n, at + 1, cmd))
            print('#   the tutorial shows:')
            print('\n'.join('#     ' + normal(l) for l in want[:40]))
            print('#   vmm prints now:')
            print('\n'.join('#     ' + normal(l) for l in got[:40]))
    finally:
        runner.close()
    if update:
        out = []
        for i, line in enumerate(lines):
            if i in replace:
                out.append(line)
                out.extend(replace[i])
                skip = len(next(c[2] for c in cmds if c[0] == i))
                replace[i] = skip
            elif any(isinstance(v, int) and k < i <= k + v for k, v in replace.items()):
                continue
            else:
                out.append(line)
        with open(path, 'w') as f:
            f.write('\n'.join(out))
        return 0
    print('1..%d' % len(cmds))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
