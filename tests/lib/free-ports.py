#!/usr/bin/env python3
"""free-ports.py DIR COUNT [AVOID...]: print COUNT distinct free ports.

The one port finder of the tests (helpers.bash's free_port) and of the
benchmark (bench/run.sh), so that the two agree on what they reserve.
Each port printed, on one line separated by spaces, is free for TCP and
UDP on 127.0.0.1, ::1 and the wildcard addresses (the IPv6 ones where
the machine has IPv6), is not one of the AVOID ports (the built-in
configuration's), and comes from below the kernel's ephemeral range, so
no client socket of a parallel test can take it.

Reservation: the ports handed out are written to DIR/spawnd-test-ports.UID
with the time, under an exclusive flock(2) of that file, and for ten
minutes no other caller -- a test in a parallel bats run, or a benchmark
-- gets them again.  The file is read, pruned of expired entries and
rewritten while the lock is held, so two callers never see the same
state.  Exit status 1, nothing printed, when COUNT ports cannot be found.
"""

import errno
import fcntl
import os
import random
import socket
import sys
import time

RESERVE_SECONDS = 600
TRIES = 5000


def port_range():
    try:
        with open('/proc/sys/net/ipv4/ip_local_port_range') as f:
            eph_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        eph_low = 32768
    low, high = 10000, eph_low - 1
    if high - low < 2000:           # odd ephemeral range: use the top
        low, high = 20000, 60999
    return low, high


def bindable(port):
    tries = [(socket.AF_INET, '127.0.0.1'), (socket.AF_INET, '0.0.0.0'),
             (socket.AF_INET6, '::1'), (socket.AF_INET6, '::')]
    for fam, host in tries:
        for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            try:
                s = socket.socket(fam, typ)
            except OSError:
                continue            # no IPv6 on this machine
            try:
                if fam == socket.AF_INET6 and host == '::':
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                s.bind((host, port))
            except OSError as e:
                if e.errno == errno.EADDRNOTAVAIL and fam == socket.AF_INET6:
                    continue        # no ::1
                return False
            finally:
                s.close()
    return True


def read_held(f, now):
    """The unexpired reservations in f, as {port: time}."""
    held = {}
    f.seek(0)
    for line in f:
        try:
            p, t = line.split()
            if now - float(t) < RESERVE_SECONDS:
                held[int(p)] = float(t)
        except ValueError:
            pass
    return held


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: free-ports.py DIR COUNT [AVOID_PORT...]')
    tmp, count = sys.argv[1], int(sys.argv[2])
    avoid = {int(p) for p in sys.argv[3:]}
    low, high = port_range()
    path = os.path.join(tmp, 'spawnd-test-ports.%d' % os.getuid())
    now, got = time.time(), []
    with open(path, 'a+') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        held = read_held(f, now)
        for _ in range(TRIES):
            if len(got) == count:
                break
            p = random.randint(low, high)
            if p in avoid or p in held or not bindable(p):
                continue
            held[p] = now
            got.append(p)
        if len(got) < count:
            sys.exit('free-ports.py: found %d of %d free ports' %
                     (len(got), count))
        f.seek(0)
        f.truncate()
        f.writelines('%d %.0f\n' % kv for kv in held.items())
    print(' '.join(map(str, got)))


if __name__ == '__main__':
    main()
