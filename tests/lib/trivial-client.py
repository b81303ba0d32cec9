#!/usr/bin/env python3
"""trivial-client.py MODE PORT [ARG]: a client of the RFC 862-864 services
on 127.0.0.1, for tests/20-services-trivial.bats.  Prints one line of
results; exit status 0 when the service behaved, 1 (with the reason on
stderr) when not.

  echo-tcp PORT BYTES       send BYTES random bytes, half-close, read
                            until the server closes: the same bytes back
  discard-tcp PORT BYTES    send BYTES, half-close: nothing back, and
                            the server closes
  chargen-tcp PORT BYTES    read BYTES: exactly RFC 864's pattern
  echo-udp PORT SIZES       one datagram of each size (comma list): the
                            same bytes back; a size above 8192 gets none
  chargen-udp PORT COUNT    COUNT datagrams: each answer 0-512 bytes long,
                            the start of the pattern; prints the lengths
  discard-udp PORT          no answer within a second, then echo-udp's
                            peer on PORT+1... is not asked: just silence
  typing PORT SECS GAP      a line every GAP s for SECS s into echo: each
                            line comes back (idle time, not total time)
"""
import os
import socket
import sys
import time


def pattern(n):
    out = bytearray()
    line = 0
    while len(out) < n:
        out += bytes(32 + (line + c) % 95 for c in range(72)) + b"\r\n"
        line += 1
    return bytes(out[:n])


def fail(why):
    sys.stderr.write(why + "\n")
    sys.exit(1)


def tcp(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return s


def read_all(s):
    data = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            return bytes(data)
        data += b


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    if mode == "echo-tcp":
        want = os.urandom(int(arg))
        s = tcp(port)
        got = bytearray()
        # Send and read in turns, so that neither side's buffers fill.
        for i in range(0, len(want), 65536):
            s.sendall(want[i:i + 65536])
            while len(got) < min(len(want), i + 65536):
                got += s.recv(65536)
        s.shutdown(socket.SHUT_WR)
        got += read_all(s)
        if bytes(got) != want:
            fail("echo-tcp: %d bytes back for %d, or different" % (len(got), len(want)))
        print("echo-tcp ok %d" % len(got))
    elif mode == "discard-tcp":
        s = tcp(port)
        s.sendall(os.urandom(int(arg)))
        s.shutdown(socket.SHUT_WR)
        got = read_all(s)
        if got:
            fail("discard-tcp: %d bytes back" % len(got))
        print("discard-tcp ok")
    elif mode == "chargen-tcp":
        n = int(arg)
        s = tcp(port)
        got = bytearray()
        while len(got) < n:
            b = s.recv(65536)
            if not b:
                fail("chargen-tcp: closed after %d bytes" % len(got))
            got += b
        s.close()
        if bytes(got[:n]) != pattern(n):
            fail("chargen-tcp: not the pattern")
        print("chargen-tcp ok %d" % n)
    elif mode == "echo-udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        for size in (int(x) for x in arg.split(",")):
            want = os.urandom(size)
            s.sendto(want, ("127.0.0.1", port))
            try:
                got = s.recv(70000)
            except socket.timeout:
                got = None
            if size > 8192:
                if got is not None:
                    fail("echo-udp: %d bytes echoed: over the limit" % size)
            elif got != want:
                fail("echo-udp: size %d: %r" % (size, None if got is None else len(got)))
        print("echo-udp ok")
    elif mode == "chargen-udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        lens = []
        for _ in range(int(arg)):
            s.sendto(b"x", ("127.0.0.1", port))
            got = s.recv(70000)
            if len(got) > 512 or got != pattern(len(got)):
                fail("chargen-udp: %d bytes, not the pattern's start" % len(got))
            lens.append(len(got))
        print("chargen-udp ok " + " ".join(map(str, lens)))
    elif mode == "discard-udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        s.sendto(b"anything", ("127.0.0.1", port))
        try:
            got = s.recv(70000)
            fail("discard-udp: %d bytes back" % len(got))
        except socket.timeout:
            pass
        print("discard-udp ok")
    elif mode == "typing":
        secs, gap = (float(x) for x in arg.split(","))
        s = tcp(port)
        end = time.monotonic() + secs
        n = 0
        while time.monotonic() < end:
            line = b"line %d\r\n" % n
            s.sendall(line)
            got = b""
            while len(got) < len(line):
                b = s.recv(4096)
                if not b:
                    fail("typing: closed after %d lines" % n)
                got += b
            if got != line:
                fail("typing: %r for %r" % (got, line))
            n += 1
            time.sleep(gap)
        print("typing ok %d" % n)
    else:
        fail("unknown mode " + mode)


main()
