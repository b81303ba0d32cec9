#!/usr/bin/env python3
"""line-typer.py HOST PORT INTERVAL COUNT [OUT]

A person at a terminal, as a client of an echoing program (/bin/cat
under an exec service): types COUNT lines "line N", one every INTERVAL
seconds, waiting for each to come back before the next, then closes its
side and reads to the end.  Everything received is appended to OUT as
it comes, if given, so that a test can follow the session.  Prints one
line:

    typed=N back=M end=done|cut seconds=S

back: the lines that came back whole and in order; end=cut: the server
closed the session (or reset it) before every line was typed and back;
seconds: from the connection to the server's end of it.  Used by
tests/34-lifetime.bats.
"""

import socket
import sys
import time


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.split('\n')[0])
    host, port = sys.argv[1], int(sys.argv[2])
    interval, count = float(sys.argv[3]), int(sys.argv[4])
    out = open(sys.argv[5], 'ab', buffering=0) if len(sys.argv) == 6 else None
    s = socket.create_connection((host, port), timeout=10)
    start = time.monotonic()
    got, typed, end = b'', 0, 'done'

    def receive(until):
        """One recv by until (monotonic): False once the server has
        ended the session (None: nothing came by then)."""
        nonlocal got
        s.settimeout(max(0.001, until - time.monotonic()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            return False
        if out is not None:
            out.write(b)
        got += b
        return b != b''

    for i in range(count):
        line = b'line %d\n' % i
        try:
            s.sendall(line)
        except OSError:
            end = 'cut'
            break
        typed += 1
        # Its echo, then nothing until the next line is due: an end of
        # the session is seen when it comes, not at the next line.
        due, echo_by = start + (i + 1) * interval, time.monotonic() + 10
        while not got.endswith(line) or time.monotonic() < due:
            r = receive(echo_by if not got.endswith(line) else due)
            if r is False or (r is None and not got.endswith(line)):
                end = 'cut'
                break
        if end == 'cut':
            break
    if end == 'done':
        s.shutdown(socket.SHUT_WR)
        while receive(time.monotonic() + 10):
            pass
    took = time.monotonic() - start
    lines = got.split(b'\n')[:-1]
    back = 0
    while back < len(lines) and lines[back] == b'line %d' % back:
        back += 1
    print('typed=%d back=%d end=%s seconds=%.2f' % (typed, back, end, took))


if __name__ == '__main__':
    main()
