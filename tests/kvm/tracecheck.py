#!/usr/bin/env python3
"""tracecheck.py - read vmm's --trace lines and strace's, for the tests.

  tracecheck.py calls TRACE    one line per ioctl: FD REQUEST NAME RESULT
                               [probe]; an ENCODING line for any whose
                               _IO/_IOR/_IOW fields do not match its number
  tracecheck.py strace FILE    the same four fields from strace -X verbose
  tracecheck.py exits TRACE    KVM_RUN returns of the guest's own vCPU
                               (not the probe's), folded ones counted:
                               TOTAL EXITS EINTR
  tracecheck.py io TRACE       the bytes of OUTs to port 0xe9, in order,
                               folded ones repeated, as a Python string
"""
import re
import sys

LINE = re.compile(r'^vmm: trace \[\s*[0-9.]+ us\] (probe VM: )?(.*)$')
CALL = re.compile(r'^ioctl\((\d+) [^,]+, (\w+) = (0x[0-9a-f]+) (_IO|_IOR|_IOW|_IOWR)'
                  r'\((0x[0-9a-f]+), (0x[0-9a-f]+)(?:, (\d+))?\), .*?\)'
                  r'(?: \[[^]]*\])? = (-?\d+)')
FOLD = re.compile(r'^\.\.\. the same exit (\d+) more times?$')
STRACE = re.compile(r'ioctl\((\d+), (0x[0-9a-f]+) /\* (\w+) \*/, .*\) = (-?\d+)')
DIRS = {'_IO': 0, '_IOW': 1, '_IOR': 2, '_IOWR': 3}


def trace_lines(path):
    with open(path, errors='replace') as f:
        for raw in f:
            m = LINE.match(raw.rstrip('\n'))
            if m:
                yield bool(m.group(1)), m.group(2)


def encoding_ok(m):
    req = int(m.group(3), 16)
    size = int(m.group(7) or 0)
    return (req >> 30 == DIRS[m.group(4)] and (req >> 16) & 0x3fff == size and
            (req >> 8) & 0xff == int(m.group(5), 16) and req & 0xff == int(m.group(6), 16)
            and (m.group(4) == '_IO') == (m.group(7) is None))


def calls(path):
    for probe, text in trace_lines(path):
        m = CALL.match(text)
        if not m:
            continue
        print(m.group(1), m.group(3), m.group(2), m.group(8), 'probe' if probe else '')
        if not encoding_ok(m):
            print('ENCODING', text)


def strace(path):
    with open(path, errors='replace') as f:
        for raw in f:
            m = STRACE.search(raw)
            if m:
                print(m.group(1), m.group(2), m.group(3), m.group(4), '')


def each_exit(path):
    """(line, times) for every KVM_RUN of the guest's vCPU."""
    last = None
    for probe, text in trace_lines(path):
        if probe:
            continue
        f = FOLD.match(text)
        if f and last is not None:
            yield last, int(f.group(1))
            continue
        m = CALL.match(text)
        last = text if m and m.group(2) == 'KVM_RUN' else None
        if last:
            yield last, 1


def exits(path):
    total = eintr = 0
    for text, n in each_exit(path):
        total += n
        if ' = -1 ' in text:
            eintr += n
    print(total, total - eintr, eintr)


def io(path):
    out = ''
    for text, n in each_exit(path):
        m = re.search(r'KVM_EXIT_IO \{direction=out, size=1, port=0xe9, count=1, '
                      r'data_offset=0x[0-9a-f]+, data=([0-9a-f]{2})', text)
        if m:
            out += chr(int(m.group(1), 16)) * n
    print(repr(out))


if __name__ == '__main__':
    {'calls': calls, 'strace': strace, 'exits': exits, 'io': io}[sys.argv[1]](sys.argv[2])
