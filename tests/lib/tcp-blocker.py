#!/usr/bin/env python3
"""tcp-blocker.py PORT READY SECONDS: another program on 127.0.0.1:PORT.

Listens on 127.0.0.1:PORT (and never accepts), creates the file READY
once it does, and exits after SECONDS: an address spawnd cannot get.
"""

import socket
import sys
import time


def main():
    port, ready, secs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    s = socket.socket()
    s.bind(('127.0.0.1', port))
    s.listen()
    open(ready, 'w').close()
    time.sleep(secs)


if __name__ == '__main__':
    main()
