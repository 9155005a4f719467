#!/usr/bin/env python3
"""rsp.py - a raw GDB remote-protocol client that misbehaves on purpose
(tests/hostile/). It talks to vmm's stub over a Unix socket (a path) or
TCP (HOST:PORT) and prints one line per fact a test checks.

    rsp.py ADDR pieces        each packet sent one byte at a time
    rsp.py ADDR garbage       1 MiB of noise, then a 1 MiB packet, then "?"
    rsp.py ADDR noread SECS   requests 8 KiB replies, never reads, holds SECS
    rsp.py ADDR midpacket     half a "g" packet, then waits to be killed
    rsp.py ADDR hold          attaches, prints "attached", and on each line
                              of stdin sends it as a packet, prints the reply
                              (its first 64 characters, then its length
                              after run-length decoding; for c and s, the
                              console packets first, then the stop)
    rsp.py ADDR cycles N      N connect, "?", disconnect cycles
    rsp.py ADDR regs          prints the "g" reply (the registers)
    rsp.py ADDR redetach N    N times: attach, s, D and attach again at once
    rsp.py ADDR pipeline N [noack]
                              N memory reads sent in one write before any
                              reply is read; then every reply is read (and
                              acked, unless noack: QStartNoAckMode first)
                              and checked against the memory
    rsp.py ADDR flood         in ack mode: "monitor console gdb", continue,
                              then read (and ack) every console packet up
                              to the stop reply; prints how many bytes

Exit status 0 when everything it printed is as expected, 1 otherwise.
"""
import os
import socket
import sys
import time


def connect(addr, timeout=10.0):
    if ":" in addr and not addr.startswith("/"):
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host or "127.0.0.1", int(port)), timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr)
    s.settimeout(timeout)
    return s


def unrle(payload):
    """Undo the run-length encoding a stub may use ("X*n": X, then n - 29
    more copies), as gdb does."""
    out = bytearray()
    i = 0
    while i < len(payload):
        if payload[i:i + 1] == b"*" and i + 1 < len(payload) and out:
            out += out[-1:] * (payload[i + 1] - 29)
            i += 2
            continue
        out += payload[i:i + 1]
        i += 1
    return bytes(out)


def frame(payload):
    data = payload.encode() if isinstance(payload, str) else payload
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


class Conn:
    def __init__(self, addr, timeout=10.0):
        self.s = connect(addr, timeout)
        self.buf = b""
        self.ack = True		# until QStartNoAckMode

    def _more(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise EOFError("vmm closed the connection")
        self.buf += chunk

    def reply(self):
        """The next packet's payload (acks and stray bytes skipped); the
        checksum is verified and acknowledged."""
        while True:
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = self.buf[start + 1:end]
                    cs = int(self.buf[end + 1:end + 3], 16)
                    self.buf = self.buf[end + 3:]
                    if sum(payload) & 0xFF != cs:
                        raise ValueError("bad checksum in reply")
                    if self.ack:
                        self.s.sendall(b"+")
                    return unrle(payload)
            self._more()

    def send(self, payload):
        self.s.sendall(frame(payload))

    def ask(self, payload):
        self.send(payload)
        return self.reply()

    def close(self):
        self.s.close()


def say(ok, what):
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    return ok


def is_stop(r):
    return r[:1] in (b"S", b"T")


def is_console(r):
    """An "O XX..." console packet ("OK" is not one)."""
    return r[:1] == b"O" and r != b"OK"


def do_pieces(addr):
    c = Conn(addr)
    good = True
    for payload in ("qSupported:multiprocess+;swbreak+", "?", "g",
                    "m100000,10"):
        for b in frame(payload):
            c.s.sendall(bytes([b]))
            time.sleep(0.001)
        r = c.reply()
        if payload == "?":
            good &= say(is_stop(r), "'?' in 1-byte pieces: a stop reply (%r)" % r[:12])
        elif payload == "g":
            good &= say(len(r) >= 16 * 16 * 2 and all(chr(x) in "0123456789abcdefx" for x in r),
                        "'g' in 1-byte pieces: %d hex digits of registers" % len(r))
        elif payload.startswith("m"):
            good &= say(len(r) == 32, "'m' in 1-byte pieces: 16 bytes of memory")
        else:
            good &= say(b"PacketSize" in r, "qSupported in 1-byte pieces: answered")
    c.close()
    return good


def do_garbage(addr):
    c = Conn(addr, timeout=30)
    good = True
    rnd = bytearray(os.urandom(1 << 20))
    # Noise with no packet in it: no '$' (which would start a packet the
    # 1 MiB must then fill), no 0x03 (an interrupt request).
    for i, b in enumerate(rnd):
        if b in (0x24, 0x03):
            rnd[i] = 0x41
    c.s.sendall(bytes(rnd))
    r = c.ask("?")
    good &= say(is_stop(r), "after 1 MiB of noise '?' still answers (%r)" % r[:12])
    # A framed packet far larger than any buffer: refused, session kept.
    c.s.sendall(b"$" + b"A" * (1 << 20) + b"#00")
    r = c.reply()
    good &= say(r[:1] == b"E", "a 1 MiB packet gets an E reply (%r)" % r[:12])
    r = c.ask("?")
    good &= say(is_stop(r), "after a 1 MiB packet '?' still answers (%r)" % r[:12])
    r = c.ask("m100000,4")
    good &= say(len(r) == 8, "and memory reads work (%r)" % r[:12])
    c.close()
    return good


def do_noread(addr, secs):
    c = Conn(addr)
    c.ask("?")
    req = frame("m100000,1000")
    sent = 0
    c.s.setblocking(False)
    end = time.time() + secs
    # Keep asking for 8 KiB replies, never reading one, until vmm stops
    # taking requests (its replies filled both socket buffers) or drops us.
    while time.time() < end:
        try:
            c.s.send(req)
            sent += 1
        except BlockingIOError:
            time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            break
    print("sent %d requests without reading a reply" % sent, flush=True)
    c.close()
    return True


def do_midpacket(addr):
    c = Conn(addr)
    c.ask("?")
    c.s.sendall(b"$m100000,4")		# no '#xx': the packet never ends
    print("sent half a packet", flush=True)
    time.sleep(3600)
    return True


def do_hold(addr):
    c = Conn(addr, timeout=60)	# a resume may take long on a loaded host
    r = c.ask("?")
    say(is_stop(r), "attached: %r" % r[:12])
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            r = c.ask(line)
            # a resume's console output (O packets) comes before its stop
            while line[:1] in ("c", "s") and r[:1] == b"O" and r != b"OK":
                print("console %s: %s" % (line[:40], bytes.fromhex(r[1:].decode()).decode(errors="replace").rstrip()), flush=True)
                r = c.reply()
        except (EOFError, OSError, ValueError) as e:
            say(False, "%s: %s" % (line, e))
            return False
        print("reply %s: %s" % (line[:40], r[:64].decode(errors="replace")), flush=True)
        print("length %s: %d" % (line[:40], len(unrle(r))), flush=True)
    c.close()
    return True


def do_cycles(addr, n):
    for i in range(n):
        c = Conn(addr)
        r = c.ask("?")
        if not is_stop(r):
            return say(False, "cycle %d: '?' answered %r" % (i, r[:12]))
        if i % 2:
            c.ask("g")
        c.close()
    return say(True, "%d connect/disconnect cycles" % n)


def do_redetach(addr, n):
    """n times: attach, step (a recorded history begins), detach (the
    guest runs on) and attach again at once, before vmm's vCPU thread has
    woken from the detach: vmm must park it, not clear the session under
    it."""
    for i in range(n):
        c = Conn(addr)
        r = c.ask("?")
        if not is_stop(r):
            return say(False, "round %d: '?' answered %r" % (i, r[:12]))
        r = c.ask("s")
        if not is_stop(r):
            return say(False, "round %d: 's' answered %r" % (i, r[:12]))
        c.send("D")
        c.s.close()
    c = Conn(addr)
    r = c.ask("?")
    c.close()
    return say(is_stop(r), "%d detach and attach again at once: the guest stopped after each, vmm alive" % n)


def do_regs(addr):
    c = Conn(addr)
    c.ask("?")
    print(c.ask("g").decode(), flush=True)
    c.close()
    return True


def do_pipeline(addr, n, noack):
    c = Conn(addr, timeout=30)
    c.ask("?")
    if noack:
        r = c.ask("QStartNoAckMode")
        if not say(r == b"OK", "QStartNoAckMode: %r" % r[:12]):
            return False
        c.ack = False
    mem = c.ask("m100000,1000")
    reqs = [(0x100000 + 0x40 * (i % 64), i % 64) for i in range(n)]
    data = b"".join(frame("m%x,40" % a) for a, k in reqs)
    # Everything first, reading nothing: vmm must take it all even while
    # its replies wait for us.
    c.s.sendall(data)
    got = good = 0
    try:
        for a, k in reqs:
            r = c.reply()
            got += 1
            good += r == mem[128 * k:128 * (k + 1)]
    except (OSError, EOFError) as e:
        print("after %d replies: %s" % (got, e), flush=True)
    c.close()
    return say(got == n and good == n,
               "%d pipelined requests (%d bytes in one write): %d replies, "
               "%d right" % (n, len(data), got, good))


def do_flood(addr, sndbuf=0, delay_ms=0):
    c = Conn(addr, timeout=60)
    if sndbuf:
        c.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    c.ask("?")
    c.send("qRcmd," + "console gdb".encode().hex())
    while is_console(c.reply()):	# the command's own output, then OK
        pass
    c.send("c")
    packets = nbytes = 0
    while True:
        r = c.reply()
        if not is_console(r):
            break
        packets += 1
        nbytes += (len(r) - 1) // 2
        if delay_ms:
            time.sleep(delay_ms / 1000.0)	# a slow reader: vmm waits
    stopped = r[:1] in (b"T", b"S")
    c.close()
    return say(stopped, "read and acked %d console packets (%d bytes), "
               "then the stop reply %r" % (packets, nbytes, r[:12]))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    addr, cmd, rest = argv[1], argv[2], argv[3:]
    try:
        if cmd == "pieces":
            good = do_pieces(addr)
        elif cmd == "garbage":
            good = do_garbage(addr)
        elif cmd == "noread":
            good = do_noread(addr, float(rest[0]))
        elif cmd == "midpacket":
            good = do_midpacket(addr)
        elif cmd == "hold":
            good = do_hold(addr)
        elif cmd == "cycles":
            good = do_cycles(addr, int(rest[0]))
        elif cmd == "redetach":
            good = do_redetach(addr, int(rest[0]))
        elif cmd == "regs":
            good = do_regs(addr)
        elif cmd == "pipeline":
            good = do_pipeline(addr, int(rest[0]), rest[1:] == ["noack"])
        elif cmd == "flood":
            good = do_flood(addr, *[int(x) for x in rest[:2]])
        else:
            print("rsp.py: unknown command " + cmd, file=sys.stderr)
            return 2
    except (OSError, EOFError, ValueError) as e:
        print("FAIL: %s: %s" % (cmd, e), flush=True)
        return 1
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
