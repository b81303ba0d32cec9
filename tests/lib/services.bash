# Helpers for the tests/20-services-*.bats files, on top of helpers.bash
# (which each file loads first).  Byte-exact checks of what a service
# sends, and a socket client that can send, wait and time a session.

# svc_setup / svc_teardown: spawnd_setup / spawnd_teardown, plus SVC_DIR,
# a directory for the files the service children read (fortune files,
# motd).  When the tests run as root the children run as user nobody,
# who cannot enter $BATS_TEST_TMPDIR and often not the source tree
# either: so SVC_DIR is world-readable, in /tmp, and holds a copy of the
# shipped cookies as $FORTUNES_FILE.
svc_setup() {
	spawnd_setup
	SVC_DIR=$(mktemp -d /tmp/spawnd-svc.XXXXXX) || fail "mktemp -d failed"
	chmod 755 "$SVC_DIR"
	FORTUNES_FILE=$SVC_DIR/fortunes
	cp "$TOP_SRCDIR/etc/fortunes" "$FORTUNES_FILE"
	chmod 644 "$FORTUNES_FILE"
}

svc_teardown() {
	spawnd_teardown
	if [[ -n ${SVC_DIR:-} && $SVC_DIR == /tmp/spawnd-svc.* ]]; then
		rm -rf -- "$SVC_DIR"
	fi
}

# svc_globals [FORTUNE_FILE]: the global options of every services test
# config: logs on stderr, the test's pidfile, no DNS, and FORTUNE_FILE
# (default $FORTUNES_FILE) as the global fortune_file.
svc_globals() {
	config_globals
	printf 'resolve_names = false\n'
	printf 'fortune_file = "%s"\n' "${1:-$FORTUNES_FILE}"
}

# hexdump of a file, for failure messages.
svc_dump() {
	od -An -c "$1" | head -n 40
}

# assert_cookie FORTUNES FILE crlf|lf [SKIP]: FILE, from byte SKIP on
# (default 0), is exactly one cookie of the fortune file FORTUNES, every
# line ended by CRLF (crlf) or by a bare LF (lf).
assert_cookie() {
	local fortunes=$1 file=$2 eol=$3 skip=${4:-0} msg
	msg=$(python3 - "$fortunes" "$file" "$eol" "$skip" <<'PY'
import sys
fortunes, got, eol, skip = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(got, 'rb').read()[skip:]
cookies, cur = set(), []
for line in open(fortunes, 'rb').read().split(b'\n'):
    if line.rstrip(b'\r') == b'%':
        if b''.join(cur).strip():
            cookies.add(b''.join(cur))
        cur = []
    else:
        cur.append(line.rstrip(b'\r') + b'\n')
if b''.join(cur).strip():
    cookies.add(b''.join(cur))
if not data:
    sys.exit('no cookie received')
if eol == 'crlf':
    if data.replace(b'\r\n', b'') .count(b'\n') or data.replace(b'\r\n', b'').count(b'\r'):
        sys.exit('a line end is not CRLF: %r' % data)
    if not data.endswith(b'\r\n'):
        sys.exit('the cookie does not end with CRLF: %r' % data)
    text = data.replace(b'\r\n', b'\n')
else:
    if b'\r' in data:
        sys.exit('CR in an LF-only reply: %r' % data)
    if not data.endswith(b'\n'):
        sys.exit('the cookie does not end with LF: %r' % data)
    text = data
if text not in cookies:
    sys.exit('not a cookie of %s: %r' % (fortunes, data))
PY
	) && return 0
	fail "$msg"
}

# assert_bytes FILE EXPECTED: FILE holds exactly the bytes printf '%b'
# makes of EXPECTED.
assert_bytes() {
	local want=$BATS_TEST_TMPDIR/want.$$
	printf '%b' "$2" >"$want"
	cmp -s "$1" "$want" && return 0
	fail "bytes differ; got:" "$(svc_dump "$1")" "want:" "$(svc_dump "$want")"
}

# svc_session HOST PORT OUT INPUT [WAIT]: connect over TCP, send the bytes
# printf '%b' makes of INPUT, then (unless WAIT is "hold") close our
# sending side; store everything received until the server closes in
# OUT.  With WAIT "hold" the client sends nothing more and keeps its side
# open, so only the server can end the session.  Prints the seconds the
# session lasted.  Bounded by SPAWND_CLIENT_TIMEOUT + 5 seconds.
svc_session() {
	local in=$BATS_TEST_TMPDIR/in.$$
	printf '%b' "$4" >"$in"
	timeout $((SPAWND_CLIENT_TIMEOUT + 5)) python3 - "$1" "$2" "$3" "$in" \
	    "${5:-close}" "$SPAWND_CLIENT_TIMEOUT" <<'PY'
import socket, sys, time
host, port, out, inp, wait, limit = sys.argv[1:7]
s = socket.create_connection((host, int(port)), timeout=float(limit) + 3)
start = time.monotonic()
data = open(inp, 'rb').read()
if data:
    s.sendall(data)
if wait != 'hold':
    s.shutdown(socket.SHUT_WR)
got = b''
while True:
    try:
        b = s.recv(65536)
    except ConnectionResetError:
        break
    if not b:
        break
    got += b
open(out, 'wb').write(got)
print('%.2f' % (time.monotonic() - start))
PY
}

# udp_ask HOST PORT OUT [SRCPORT]: send one datagram, store the first
# datagram that comes back in OUT (empty if none within 2 s).  SRCPORT
# binds the source port (below 1024 needs root).
udp_ask() {
	timeout 5 python3 - "$1" "$2" "$3" "${4:-0}" <<'PY'
import socket, sys
host, port, out, src = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, src))
s.settimeout(2)
s.sendto(b'x\r\n', (host, port))
try:
    data = s.recv(65536)
except socket.timeout:
    data = b''
open(out, 'wb').write(data)
PY
}
