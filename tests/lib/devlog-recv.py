#!/usr/bin/env python3
"""A stand-in syslog daemon for the tests: bind PATH as an AF_UNIX
datagram socket (what syslog(3) writes to), mode 0666 so children that
dropped to nobody reach it too, and append every datagram to OUT as one
line, with backslash, CR and LF escaped.  OUT exists once PATH is bound.

usage: devlog-recv.py PATH OUT
"""
import os
import socket
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    with open(out, 'ab', buffering=0) as f:
        while True:
            data = sock.recv(65536)
            data = (data.replace(b'\\', b'\\\\').replace(b'\r', b'\\r')
                    .replace(b'\n', b'\\n'))
            f.write(data + b'\n')


if __name__ == '__main__':
    main()
