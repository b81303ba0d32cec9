#!/usr/bin/env python3
"""client-load.py [OPTIONS] HOST PORT: hello clients in a loop.

The client loop of the tests that load a hello service: the reaper
(tests/05-reaper.bats), reloads under load (tests/08-reload-load.bats)
and systemctl reload under a real systemd (tests/40-systemd.bats).

CLIENTS threads each connect to HOST:PORT, read the whole reply until the
server closes, and connect again, until one of the stop conditions:
  -n TOTAL  TOTAL connections in all have been made (each exactly once);
  -s FILE   the file FILE exists;
  -m SECS   SECS seconds have passed.
A connection is good when the reply is exactly one hello line,
"Hello there, NAME, it's now DATE" and CRLF, NAME matching the -N regex
and DATE in Perl's localtime format; anything else (refused, reset,
timed out, another reply) is bad.

Options:
  -c CLIENTS   concurrent clients [1]
  -t SECS      time limit of one connection [10]
  -N REGEX     what NAME must match (Python re) [127\\.0\\.0\\.1]
  -p FILE      progress: "GOOD BAD" so far, replaced every 50 ms from the
               end of the first connection on (the file does not exist,
               or keeps what it had, until then)
  -o FILE      "START END" (CLOCK_MONOTONIC, seconds) of every good
               connection, one per line

Prints "ok GOOD bad BAD clients SERVED/CLIENTS seconds ELAPSED" (SERVED:
the clients that had at least one good connection), then one line
"KIND xCOUNT" per kind of bad connection, the ten commonest.  Exit
status 0 when no connection was bad, 1 otherwise, 2 on a usage error.
"""

import argparse
import os
import re
import socket
import sys
import threading
import time

DATE_RE = (rb'[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] '
           rb'[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}')


def parse_args():
    ap = argparse.ArgumentParser(prog='client-load.py')
    ap.add_argument('-c', dest='clients', type=int, default=1)
    ap.add_argument('-n', dest='total', type=int)
    ap.add_argument('-s', dest='stop')
    ap.add_argument('-m', dest='max_seconds', type=float)
    ap.add_argument('-t', dest='timeout', type=float, default=10)
    ap.add_argument('-N', dest='name', default=r'127\.0\.0\.1')
    ap.add_argument('-p', dest='progress')
    ap.add_argument('-o', dest='spans')
    ap.add_argument('host')
    ap.add_argument('port', type=int)
    args = ap.parse_args()
    if args.total is None and args.stop is None and args.max_seconds is None:
        ap.error('one of -n, -s or -m is needed, or it never stops')
    if args.clients < 1:
        ap.error('-c must be at least 1')
    return args


class Load:
    """The shared state of the client threads; every field under lock."""

    def __init__(self, args):
        self.args = args
        self.hello = re.compile(rb"Hello there, (?:" + args.name.encode() +
                                rb"), it's now " + DATE_RE + rb"\r\n")
        self.lock = threading.Lock()
        self.started = 0                    # connections begun (for -n)
        self.good = [0] * args.clients      # good connections per client
        self.errors = {}                    # kind of bad connection: count
        self.spans = []
        self.end = (time.monotonic() + args.max_seconds
                    if args.max_seconds is not None else None)

    def bad(self):
        return sum(self.errors.values())

    def another(self):
        """Whether a client may begin one more connection."""
        a = self.args
        if a.stop is not None and os.path.exists(a.stop):
            return False
        if self.end is not None and time.monotonic() >= self.end:
            return False
        if a.total is None:
            return True
        with self.lock:
            if self.started >= a.total:
                return False
            self.started += 1
            return True

    def one(self):
        """One connection: None if good, else what went wrong."""
        a = self.args
        try:
            with socket.create_connection((a.host, a.port),
                                          timeout=a.timeout) as s:
                data = b''
                while True:
                    b = s.recv(4096)
                    if not b:
                        break
                    data += b
        except ConnectionRefusedError:
            return 'refused'
        except ConnectionResetError:
            return 'reset'
        except socket.timeout:
            return 'timeout'
        except OSError as e:
            return 'error %s' % e
        if self.hello.fullmatch(data):
            return None
        return 'bad reply %r' % data[:80]

    def client(self, i):
        while self.another():
            t0 = time.monotonic()
            kind = self.one()
            with self.lock:
                if kind is None:
                    self.good[i] += 1
                    self.spans.append((t0, time.monotonic()))
                else:
                    self.errors[kind] = self.errors.get(kind, 0) + 1

    def write_progress(self):
        path = self.args.progress
        with self.lock:
            good, bad = sum(self.good), self.bad()
        if path is None or good + bad == 0:
            return
        with open(path + '.tmp', 'w') as f:
            f.write('%d %d\n' % (good, bad))
        os.replace(path + '.tmp', path)


def main():
    args = parse_args()
    load = Load(args)
    start = time.monotonic()
    threads = [threading.Thread(target=load.client, args=(i,))
               for i in range(args.clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        load.write_progress()
        time.sleep(0.05)
    load.write_progress()
    elapsed = time.monotonic() - start
    if args.spans is not None:
        with open(args.spans, 'w') as f:
            f.writelines('%.6f %.6f\n' % sp for sp in load.spans)
    print('ok %d bad %d clients %d/%d seconds %.2f' % (
        sum(load.good), load.bad(), sum(1 for g in load.good if g),
        args.clients, elapsed))
    kinds = sorted(load.errors.items(), key=lambda kv: -kv[1])
    for kind, n in kinds[:10]:
        print('%s x%d' % (kind, n))
    sys.exit(1 if load.bad() else 0)


if __name__ == '__main__':
    main()
