#!/usr/bin/env python3
"""Hostile clients for spawnd's end-to-end tests (tests/3*-*.bats).

Each subcommand plays one kind of client and prints one line of
"key=value" facts for the bats test to check; none of them decides
whether spawnd passed.  Targets are "HOST:PORT", "[V6]:PORT" or an
absolute Unix socket path.  Every wait has a deadline.

  probe T [--src A] [--send B] [--wait S]
        connect, optionally send, read until the server closes:
        bytes=N end=eof|reset|timeout seconds=S
  hold T N [--src A] [--wait S] [--no-read] [--send B] [--rcvbuf N]
        [--state F] [--release F] [--max S]
        open N connections one after another; a connection that gets
        bytes within --wait is "served", one closed without a byte is
        "refused", one with neither is "silent".  Served and silent ones
        stay open until the file --release appears (or --max seconds);
        the counts go to --state as soon as all N are open.
  burst T N [--src A]
        N connections back to back, each read to the end:
        served=A refused=B start=T0 end=T1 (wall clock, as the server's
        per-second rate counts)
  garbage T BYTES [--seed N] [--no-iac]
        send BYTES random bytes while reading everything, then half
        close and read to the end: sent=N received=M end=...
        (--no-iac: no byte 255 and no raw ^C (3), so neither IAC IP nor
        an interrupt ends the session early and every byte goes
        through the line machine)
  vanish T COUNT [--send B] [--read N]
        COUNT times: connect, send, read N bytes, reset the connection
        (SO_LINGER 0) in the middle of the reply
  slowloris T [--send B] [--rcvbuf N] [--max S]
        never read; keep sending B (if given) while the server takes
        it; stop when the server ends the connection:
        sent=N end=reset|pipe|eof|timeout seconds=S (since connect)
  udp T COUNT [--interval S] [--wait S]
        COUNT requests, one every --interval; answered=A lost=B
        worst=S (slowest answer in seconds)
  udpburst T COUNT
        COUNT requests at once, then every answer until 1 s of silence:
        answered=A start=T0 end=T1 (wall clock of the sends)
  udpjunk T COUNT [--seed N]
        COUNT datagrams of random bytes and sizes (up to 65507)
  dnsd ADDR --ready F [--zone F] [--count F]
        a UDP DNS server on ADDR:53.  Without --zone it reads and drops
        every query (a resolver that hangs).  A zone file has lines
        "TYPE NAME VALUE" (PTR, A, AAAA); \\xNN in a name is that byte.
        The number of queries seen is kept in --count.
"""

import argparse
import os
import random
import select
import socket
import struct
import sys
import threading
import time


def parse_target(spec):
    """(family, address) for socket.connect."""
    if spec.startswith('/'):
        return socket.AF_UNIX, spec
    host, _, port = spec.rpartition(':')
    if host.startswith('['):
        return socket.AF_INET6, (host[1:-1], int(port))
    return socket.AF_INET, (host, int(port))


def connect(spec, src=None, timeout=10.0, rcvbuf=None):
    family, addr = parse_target(spec)
    s = socket.socket(family, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if src:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(addr)
    return s


def read_until_close(s, deadline):
    """Everything the server sends until it closes: (bytes, end)."""
    got = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(got), 'timeout'
        s.settimeout(left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            return bytes(got), 'timeout'
        except ConnectionResetError:
            return bytes(got), 'reset'
        if not b:
            return bytes(got), 'eof'
        got += b


def first_bytes(s, wait):
    """'served' if bytes come within wait, 'refused' on a close without
    a byte, 'silent' otherwise."""
    s.settimeout(wait)
    try:
        b = s.recv(4096)
    except socket.timeout:
        return 'silent'
    except ConnectionResetError:
        return 'refused'
    return 'served' if b else 'refused'


def unescape(text):
    return text.encode('latin-1').decode('unicode_escape').encode('latin-1')


def cmd_probe(a):
    start = time.monotonic()
    s = connect(a.target, a.src)
    if a.send:
        s.sendall(unescape(a.send))
    data, end = read_until_close(s, start + a.wait)
    s.close()
    if a.out:
        with open(a.out, 'wb') as f:
            f.write(data)
    print('bytes=%d end=%s seconds=%.2f' % (len(data), end,
                                             time.monotonic() - start))


def write_state(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text + '\n')
    os.rename(tmp, path)


def cmd_hold(a):
    counts = {'served': 0, 'refused': 0, 'silent': 0, 'error': 0}
    kept = []
    for _ in range(a.n):
        try:
            s = connect(a.target, a.src, rcvbuf=a.rcvbuf)
        except OSError:
            counts['error'] += 1
            continue
        if a.send:
            s.sendall(unescape(a.send))
        if a.no_read:
            kept.append(s)
            continue
        what = first_bytes(s, a.wait)
        counts[what] += 1
        if what == 'refused':
            s.close()
        else:
            kept.append(s)
    text = ' '.join('%s=%d' % kv for kv in counts.items())
    if a.state:
        write_state(a.state, text)
    print(text, flush=True)
    deadline = time.monotonic() + a.max
    while time.monotonic() < deadline:
        if a.release and os.path.exists(a.release):
            break
        time.sleep(0.05)
    for s in kept:
        s.close()


def cmd_burst(a):
    served = refused = 0
    t0 = time.time()
    for _ in range(a.n):
        s = connect(a.target, a.src)
        data, _ = read_until_close(s, time.monotonic() + a.wait)
        s.close()
        if data:
            served += 1
        else:
            refused += 1
    print('served=%d refused=%d start=%.3f end=%.3f' %
          (served, refused, t0, time.time()))


def cmd_garbage(a):
    rnd = random.Random(a.seed)
    s = connect(a.target)
    got = bytearray()
    end = ['?']

    def reader():
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                end[0] = 'reset'
                return
            except socket.timeout:
                end[0] = 'timeout'
                return
            if not b:
                end[0] = 'eof'
                return
            got.extend(b)

    s.settimeout(a.wait)
    t = threading.Thread(target=reader)
    t.start()
    sent = 0
    try:
        while sent < a.bytes:
            chunk = rnd.randbytes(min(65536, a.bytes - sent))
            if a.no_iac:
                chunk = chunk.replace(b'\xff', b'\xfe').replace(b'\x03', b'\x04')
            s.sendall(chunk)
            sent += len(chunk)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        end[0] = 'send-%s' % type(e).__name__
    t.join(a.wait + 1)
    s.close()
    print('sent=%d received=%d end=%s' % (sent, len(got), end[0]))


def cmd_vanish(a):
    for _ in range(a.count):
        s = connect(a.target)
        if a.send:
            s.sendall(unescape(a.send))
        if a.read:
            s.settimeout(5)
            want = a.read
            while want > 0:
                b = s.recv(want)
                if not b:
                    break
                want -= len(b)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack('ii', 1, 0))
        s.close()
    print('vanished=%d' % a.count)


def cmd_slowloris(a):
    start = time.monotonic()
    s = connect(a.target, rcvbuf=a.rcvbuf)
    s.setblocking(False)
    data = unescape(a.send) * 4096 if a.send else b''
    sent = 0
    end = 'timeout'
    # Never read: POLLRDHUP tells when the server has closed even while
    # its bytes wait unread in our receive buffer.
    p = select.poll()
    closed = select.POLLRDHUP | select.POLLHUP | select.POLLERR
    deadline = start + a.max
    while end == 'timeout' and time.monotonic() < deadline:
        p.register(s, closed | (select.POLLOUT if data else 0))
        for _, ev in p.poll(100):
            if ev & closed:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                end = 'reset' if err or ev & select.POLLERR else 'eof'
                break
            try:
                sent += s.send(data)
            except (BlockingIOError, InterruptedError):
                pass
            except ConnectionResetError:
                end = 'reset'
            except BrokenPipeError:
                end = 'pipe'
    print('sent=%d end=%s seconds=%.2f' % (sent, end,
                                          time.monotonic() - start))


def cmd_udp(a):
    family, addr = parse_target(a.target)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind(('::1' if family == socket.AF_INET6 else '127.0.0.1', 0))
    answered = lost = 0
    worst = 0.0
    for i in range(a.count):
        t = time.monotonic()
        s.sendto(b'x', addr)
        r, _, _ = select.select([s], [], [], a.wait)
        if r:
            s.recv(65536)
            answered += 1
            worst = max(worst, time.monotonic() - t)
        else:
            lost += 1
        if i + 1 < a.count:
            time.sleep(a.interval)
    print('answered=%d lost=%d worst=%.3f' % (answered, lost, worst))


def cmd_udpburst(a):
    family, addr = parse_target(a.target)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind(('::1' if family == socket.AF_INET6 else '127.0.0.1', 0))
    t0 = time.time()
    for _ in range(a.count):
        s.sendto(b'x', addr)
    t1 = time.time()
    answered = 0
    while select.select([s], [], [], 1.0)[0]:
        s.recv(65536)
        answered += 1
    print('answered=%d start=%.3f end=%.3f' % (answered, t0, t1))


def cmd_udpjunk(a):
    rnd = random.Random(a.seed)
    family, addr = parse_target(a.target)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sent = 0
    for _ in range(a.count):
        size = rnd.choice((0, 1, 511, 512, 513, 1500, 9000, 65507))
        try:
            s.sendto(rnd.randbytes(size), addr)
            sent += 1
        except OSError:
            time.sleep(0.01)
    print('sent=%d' % sent)


# ---- a minimal DNS server (RFC 1035): enough for glibc's resolver

DNS_TYPES = {'A': 1, 'PTR': 12, 'AAAA': 28}


def dns_name(wire, off):
    labels = []
    while True:
        n = wire[off]
        off += 1
        if n == 0:
            return b'.'.join(labels).lower(), off
        labels.append(wire[off:off + n])
        off += n


def dns_encode(name):
    out = b''
    for label in name.split(b'.'):
        if label:
            out += bytes([len(label)]) + label
    return out + b'\0'


def dns_load(path):
    zone = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            typ, name, value = line.split()
            zone[(DNS_TYPES[typ], unescape(name).lower())] = value
    return zone


def dns_rdata(qtype, value):
    if qtype == 1:
        return socket.inet_pton(socket.AF_INET, value)
    if qtype == 28:
        return socket.inet_pton(socket.AF_INET6, value)
    return dns_encode(unescape(value))


def dns_answer(query, zone):
    qid, flags = struct.unpack('!HH', query[:4])
    name, off = dns_name(query, 12)
    qtype, _ = struct.unpack('!HH', query[off:off + 4])
    question = query[12:off + 4]
    value = zone.get((qtype, name))
    rcode = 0 if value is not None or (1, name) in zone or \
        (28, name) in zone or (12, name) in zone else 3
    head = struct.pack('!HHHHHH', qid, 0x8180 | (flags & 0x0100) | rcode,
                       1, 1 if value is not None else 0, 0, 0)
    if value is None:
        return head + question
    rdata = dns_rdata(qtype, value)
    rr = struct.pack('!HHHLH', 0xc00c, qtype, 1, 0, len(rdata)) + rdata
    return head + question + rr


def cmd_dnsd(a):
    zone = dns_load(a.zone) if a.zone else None
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.addr, 53))
    write_state(a.ready, 'ready')
    seen = 0
    deadline = time.monotonic() + a.max
    while time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], 0.5)
        if not r:
            continue
        query, peer = s.recvfrom(4096)
        seen += 1
        if a.count:
            write_state(a.count, str(seen))
        if zone is not None:
            try:
                s.sendto(dns_answer(query, zone), peer)
            except (IndexError, struct.error):
                pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)

    c = sub.add_parser('probe')
    c.add_argument('target')
    c.add_argument('--src')
    c.add_argument('--send')
    c.add_argument('--out')
    c.add_argument('--wait', type=float, default=5)
    c.set_defaults(fn=cmd_probe)

    c = sub.add_parser('hold')
    c.add_argument('target')
    c.add_argument('n', type=int)
    c.add_argument('--src')
    c.add_argument('--send')
    c.add_argument('--rcvbuf', type=int)
    c.add_argument('--no-read', action='store_true')
    c.add_argument('--wait', type=float, default=5)
    c.add_argument('--state')
    c.add_argument('--release')
    c.add_argument('--max', type=float, default=60)
    c.set_defaults(fn=cmd_hold)

    c = sub.add_parser('burst')
    c.add_argument('target')
    c.add_argument('n', type=int)
    c.add_argument('--src')
    c.add_argument('--wait', type=float, default=5)
    c.set_defaults(fn=cmd_burst)

    c = sub.add_parser('garbage')
    c.add_argument('target')
    c.add_argument('bytes', type=int)
    c.add_argument('--seed', type=int, default=5)
    c.add_argument('--wait', type=float, default=30)
    c.add_argument('--no-iac', action='store_true')
    c.set_defaults(fn=cmd_garbage)

    c = sub.add_parser('vanish')
    c.add_argument('target')
    c.add_argument('count', type=int)
    c.add_argument('--send')
    c.add_argument('--read', type=int, default=0)
    c.set_defaults(fn=cmd_vanish)

    c = sub.add_parser('slowloris')
    c.add_argument('target')
    c.add_argument('--send')
    c.add_argument('--rcvbuf', type=int, default=2048)
    c.add_argument('--max', type=float, default=30)
    c.set_defaults(fn=cmd_slowloris)

    c = sub.add_parser('udp')
    c.add_argument('target')
    c.add_argument('count', type=int)
    c.add_argument('--interval', type=float, default=0.05)
    c.add_argument('--wait', type=float, default=1)
    c.set_defaults(fn=cmd_udp)

    c = sub.add_parser('udpburst')
    c.add_argument('target')
    c.add_argument('count', type=int)
    c.set_defaults(fn=cmd_udpburst)

    c = sub.add_parser('udpjunk')
    c.add_argument('target')
    c.add_argument('count', type=int)
    c.add_argument('--seed', type=int, default=5)
    c.set_defaults(fn=cmd_udpjunk)

    c = sub.add_parser('dnsd')
    c.add_argument('addr')
    c.add_argument('--ready', required=True)
    c.add_argument('--zone')
    c.add_argument('--count')
    c.add_argument('--max', type=float, default=120)
    c.set_defaults(fn=cmd_dnsd)

    a = p.parse_args()
    a.fn(a)


if __name__ == '__main__':
    main()
