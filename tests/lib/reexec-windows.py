#!/usr/bin/env python3
"""reexec-windows.py SPANS NOTIFY: how connections met the re-execs.

SPANS has "START END" (CLOCK_MONOTONIC seconds) per good connection, as
client-load.py -o writes it; NOTIFY is notify-listener.py's output.  A
re-exec's window runs from RELOADING=1's MONOTONIC_USEC (taken just
before execve()) to the next READY=1's time of receipt (the new image
listens): the time no image was running the accept loop.  Prints one
line: "re-execs N (execve to READY=1: median M ms, max X ms),
connections begun during one B, in flight during one F".
"""

import re
import statistics
import sys


def main():
    with open(sys.argv[1]) as f:
        spans = [tuple(float(x) * 1e6 for x in l.split()) for l in f]
    wins, start = [], None
    with open(sys.argv[2]) as f:
        for l in f:
            m = re.match(r'(\d+) (RELOADING=1\|MONOTONIC_USEC=(\d+)|READY=1)',
                         l)
            if m and m.group(3):
                start = int(m.group(3))
            elif m and start is not None:
                wins.append((start, int(m.group(1))))
                start = None
    begun = sum(1 for a, b in spans if any(s <= a <= e for s, e in wins))
    inflight = sum(1 for a, b in spans
                   if any(a < e and b > s for s, e in wins))
    ms = sorted((e - s) / 1000 for s, e in wins)
    print('re-execs %d (execve to READY=1: median %.1f ms, max %.1f ms), '
          'connections begun during one %d, in flight during one %d'
          % (len(wins), statistics.median(ms), ms[-1], begun, inflight))


if __name__ == '__main__':
    main()
