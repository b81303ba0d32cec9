#!/usr/bin/env python3
"""notify-listener.py SOCKET OUT PORT: a NOTIFY_SOCKET, as systemd has.

Binds the datagram socket SOCKET and writes "listening" to OUT once it
can receive, then one line per datagram: "MONOTONIC_USEC_AT_RECEIPT
STATE" (newlines in STATE written as "|").  After a READY=1 the line
also says "connect ok" or "connect failed", for a connection made to
127.0.0.1:PORT at once: ready must mean listening.  Gives up after 300 s.
"""

import socket
import sys
import time


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
                data = s.recv(4096)
            except socket.timeout:
                continue
            now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            state = data.decode(errors='replace').replace('\n', '|')
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
