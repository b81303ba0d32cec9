#!/usr/bin/env python3
"""client-session.py OUT CTL SECONDS HOST PORT | OUT CTL SECONDS PATH

One long client session, driven through files so that a test can type
into it and read it while spawnd reloads underneath: over TCP to
HOST:PORT, or over the Unix stream socket PATH.  Everything received is
appended to the file OUT; each line appended to the file CTL is sent,
ended by CRLF.  When the server closes the session the file OUT.eof
appears; an error on the socket is appended to OUT as "<ERROR>".  The
client gives up after SECONDS.  Used by tests/lib/reload.bash (session_open).
"""

import socket
import sys
import threading
import time


def connect(where, limit):
    if len(where) == 1:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(limit)
        s.connect(where[0])
        return s
    return socket.create_connection((where[0], int(where[1])), timeout=limit)


def feed(s, ctl, deadline):
    """Send what is appended to ctl, whole lines only, until deadline."""
    pos = 0
    while time.monotonic() < deadline:
        try:
            with open(ctl, 'rb') as f:
                f.seek(pos)
                data = f.read()
        except FileNotFoundError:
            data = b''
        nl = data.rfind(b'\n')
        if nl >= 0:
            pos += nl + 1
            try:
                s.sendall(data[:nl + 1].replace(b'\n', b'\r\n'))
            except OSError:
                return
        time.sleep(0.02)


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.split('\n')[0])
    out, ctl, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    deadline = time.monotonic() + limit
    s = connect(sys.argv[4:], limit)
    s.settimeout(0.2)
    threading.Thread(target=feed, args=(s, ctl, deadline), daemon=True).start()
    with open(out, 'ab', buffering=0) as f:
        while time.monotonic() < deadline:
            try:
                b = s.recv(4096)
            except socket.timeout:
                continue
            except OSError as e:
                f.write(('<%s>' % e).encode())
                break
            if not b:
                open(out + '.eof', 'w').close()
                break
            f.write(b)


if __name__ == '__main__':
    main()
