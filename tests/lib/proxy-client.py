#!/usr/bin/env python3
"""A client that speaks as a load balancer would: PROXY header first.

proxy-client.py [--bind ADDR] [--gap SECONDS] [--hold SECONDS] [--shut]
                HOST PORT PIECE...

Connects to HOST:PORT (from ADDR, when given), sends each PIECE in turn,
GAP seconds apart, then reads what the server sends until it closes (or
HOLD seconds have passed with the connection open, when HOLD is given)
and writes it to stdout.  --shut: half-close the connection once the
pieces are sent, as a client that has nothing more to say.  Exit status 0; 3 if the server reset the
connection.  A PIECE is one of
  text:STRING     the bytes of STRING, with \\r and \\n understood
  hex:HEX         raw bytes
  v2:SRC,SPORT,DST,DPORT[,crc][,badcrc][,id=UNIQUE][,cmd=N][,ver=N]
                  a v2 PROXY header for TCP over IPv4 or IPv6 (by SRC)
  v2local         a v2 LOCAL header (as HAProxy's health checks send)
Written from HAProxy's proxy-protocol.txt, section 2.2.
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time

SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def v2(spec):
    if spec == "v2local":
        return SIG + bytes([0x20, 0x00]) + struct.pack("!H", 0)
    fields = spec[3:].split(",")
    src, sport, dst, dport = fields[:4]
    opts = fields[4:]
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    fam = 0x11 if s.version == 4 else 0x21
    addrs = s.packed + d.packed + struct.pack("!HH", int(sport), int(dport))
    cmd, ver = 1, 2
    tlvs = b""
    for o in opts:
        if o.startswith("id="):
            uid = o[3:].encode()
            tlvs += bytes([0x05]) + struct.pack("!H", len(uid)) + uid
        elif o.startswith("cmd="):
            cmd = int(o[4:])
        elif o.startswith("ver="):
            ver = int(o[4:])
    want_crc = "crc" in opts or "badcrc" in opts
    if want_crc:
        tlvs += bytes([0x03]) + struct.pack("!H", 4) + b"\0\0\0\0"
    body = addrs + tlvs
    hdr = SIG + bytes([(ver << 4) | cmd, fam]) + struct.pack("!H", len(body))
    whole = hdr + body
    if want_crc:
        crc = crc32c(whole)
        if "badcrc" in opts:
            crc ^= 1
        whole = whole[:-4] + struct.pack("!I", crc)
    return whole


def piece(p):
    if p.startswith("text:"):
        return p[5:].replace("\\r", "\r").replace("\\n", "\n").encode()
    if p.startswith("hex:"):
        return bytes.fromhex(p[4:])
    if p.startswith("v2"):
        return v2(p)
    raise SystemExit("unknown piece: " + p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind")
    ap.add_argument("--gap", type=float, default=0)
    ap.add_argument("--hold", type=float)
    ap.add_argument("--shut", action="store_true")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("pieces", nargs="*")
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if a.bind:
        s.bind((a.bind, 0))
    s.connect((a.host, a.port))
    out = sys.stdout.buffer
    try:
        for i, p in enumerate(a.pieces):
            if i > 0 and a.gap:
                time.sleep(a.gap)
            s.sendall(piece(p))
        if a.shut:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:     # ENOTCONN: the server has reset it already
                return 3
        end = None if a.hold is None else time.monotonic() + a.hold
        while True:
            if end is not None:
                left = end - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
            try:
                data = s.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            out.write(data)
            out.flush()
    except (ConnectionResetError, BrokenPipeError):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
