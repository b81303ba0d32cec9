#!/usr/bin/env python3
"""notify-listener.py SOCKET OUT PORT: a NOTIFY_SOCKET, as systemd has.

Binds the datagram socket SOCKET and writes "listening" to OUT once it
can receive, then one line per datagram: "MONOTONIC_USEC_AT_RECEIPT
STATE" (newlines in STATE written as "|").  After a READY=1 the line
also says "connect ok" or "connect failed", for a connection made to
127.0.0.1:PORT at once: ready must mean listening.  File descriptors
passed with a datagram (FDSTORE=1) are named at its end, " fds=" and
what each is bound to ("tcp:127.0.0.1:2345", "udp:...", "unix:PATH"),
and closed.  Gives up after 300 s.
"""

import array
import socket
import sys
import time


def describe(fd):
    s = socket.socket(fileno=fd)
    try:
        kind = {socket.SOCK_STREAM: 'tcp', socket.SOCK_DGRAM: 'udp'}.get(
            s.type, str(s.type))
        name = s.getsockname()
        if s.family == socket.AF_UNIX:
            return 'unix:%s' % name
        return '%s:%s:%d' % (kind, name[0], name[1])
    finally:
        s.close()


def receive(s):
    fds = array.array('i')
    data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(64 * fds.itemsize))
    for level, typ, cdata in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
    return data, [describe(fd) for fd in fds]


def main():
    path, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(1)
    deadline = time.monotonic() + 300
    with open(out, 'a', buffering=1) as f:
        f.write('listening\n')
        while time.monotonic() < deadline:
            try:
                data, fds = receive(s)
            except socket.timeout:
                continue
            now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            state = data.decode(errors='replace').replace('\n', '|')
            if fds:
                state += ' fds=' + ','.join(fds)
            if state == 'READY=1':
                try:
                    socket.create_connection(('127.0.0.1', port),
                                             timeout=2).close()
                    state += ' connect ok'
                except OSError:
                    state += ' connect failed'
            f.write('%d %s\n' % (now, state))


if __name__ == '__main__':
    main()
