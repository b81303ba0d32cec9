#!/usr/bin/env python3
"""patch-version.py SRC DST OLD NEW: a copy of SRC with another version.

Copies the binary SRC to DST with its version string OLD (a
NUL-terminated string in the binary, what -V prints) replaced by NEW, of
the same length: a "new release" for the reload tests, without building
one.  Fails, writing nothing, unless OLD is in SRC exactly once.
"""

import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    old, new = sys.argv[3].encode(), sys.argv[4].encode()
    if len(old) != len(new):
        sys.exit('%r and %r differ in length' % (old, new))
    with open(src, 'rb') as f:
        data = f.read()
    if data.count(b'\0' + old + b'\0') != 1:
        sys.exit('the version string %r is not in the binary exactly once'
                 % old)
    with open(dst, 'wb') as f:
        f.write(data.replace(b'\0' + old + b'\0', b'\0' + new + b'\0'))


if __name__ == '__main__':
    main()
