#!/usr/bin/env python3
"""patch-version.py SRC DST OLD NEW: a copy of SRC with another version.

Copies the binary SRC to DST with its version string OLD (what -V
prints: the array spawnd_version in src/base/version.c) replaced by NEW,
of the same length: a "new release" for the reload tests, without
building one.  The string is found through the symbol table (nm and
readelf), so that whatever the linker puts before it does not matter;
without symbols, only a NUL-delimited OLD found exactly once will do.
Fails, writing nothing, when OLD is not where the symbol says.
"""

import subprocess
import sys


def symbol_offset(path, name):
    """The file offset of symbol name in the ELF file path, or None."""
    try:
        syms = subprocess.run(['readelf', '-sW', path], capture_output=True,
                              text=True, check=True).stdout
        secs = subprocess.run(['readelf', '-SW', path], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    value = index = None
    for line in syms.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] == name and f[6].isdigit():
            value, index = int(f[1], 16), int(f[6])
            break
    if value is None:
        return None
    for line in secs.splitlines():
        line = line.replace('[ ', '[')
        f = line.split()
        if len(f) >= 6 and f[0] == '[%d]' % index:
            addr, off = int(f[3], 16), int(f[4], 16)
            return value - addr + off
    return None


def main():
    src, dst = sys.argv[1], sys.argv[2]
    old, new = sys.argv[3].encode(), sys.argv[4].encode()
    if len(old) != len(new):
        sys.exit('%r and %r differ in length' % (old, new))
    with open(src, 'rb') as f:
        data = bytearray(f.read())
    at = symbol_offset(src, 'spawnd_version')
    if at is not None:
        if data[at:at + len(old) + 1] != old + b'\0':
            sys.exit('spawnd_version is not %r' % old)
        data[at:at + len(old)] = new
    elif data.count(b'\0' + old + b'\0') == 1:
        data = data.replace(b'\0' + old + b'\0', b'\0' + new + b'\0')
    else:
        sys.exit('the version string %r is not in the binary exactly once'
                 % old)
    with open(dst, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
