#!/usr/bin/env bats
# The catsock service (spawnd.conf(5), "Service types"): over a Unix
# stream socket, "Hello there, it's now DATE\n" then one fortune cookie
# with LF line ends, then close; nc -U shows it.  Also the life of its
# socket file: socket_mode applied, a live one never taken over, removed
# at shutdown.

load lib/helpers
load lib/services

setup() {
	svc_setup
	SOCK=$BATS_TEST_TMPDIR/catsock
}

teardown() { svc_teardown; }

# catsock_conf PATH [OPTION_LINE...]
catsock_conf() {
	local path=$1 opt
	shift
	svc_globals
	printf 'service catsock {\n\ttype = "catsock"\n'
	printf '\tlisten_stream = {"%s"}\n' "$path"
	for opt in "$@"; do
		printf '\t%s\n' "$opt"
	done
	printf '}\n'
}

@test "catsock over nc -U: the LF hello line, then one cookie with LF line ends" {
	catsock_conf "$SOCK" | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$SOCK"
	fetch_unix "$SOCK" "$BATS_TEST_TMPDIR/reply"
	head -n 1 "$BATS_TEST_TMPDIR/reply" >"$BATS_TEST_TMPDIR/hello"
	[[ $(head -c -1 "$BATS_TEST_TMPDIR/hello") =~ ^Hello\ there,\ it\'s\ now\ ($DATE_RE)$ ]] ||
	    fail "not the catsock hello line:" "$(svc_dump "$BATS_TEST_TMPDIR/hello")"
	local when now
	when=$(date -d "${BASH_REMATCH[1]}" +%s)
	now=$(date +%s)
	(( when - now <= 10 && now - when <= 10 )) || fail "DATE is not now"
	assert_cookie "$FORTUNES_FILE" "$BATS_TEST_TMPDIR/reply" lf \
	    "$(stat -c %s "$BATS_TEST_TMPDIR/hello")"
	wait_for_log "begat [0-9]+ for catsock$"
}

@test "catsock with fortune_command: the program's output, LF line ends" {
	catsock_conf "$SOCK" 'fortune_command = "/usr/bin/printf a\\r\\nb\\n"' |
	    write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$SOCK"
	fetch_unix "$SOCK" "$BATS_TEST_TMPDIR/reply"
	tail -n +2 "$BATS_TEST_TMPDIR/reply" >"$BATS_TEST_TMPDIR/cookie"
	assert_bytes "$BATS_TEST_TMPDIR/cookie" 'a\nb\n'
}

@test "socket_mode is applied to the socket file, which goes at SIGTERM" {
	catsock_conf "$SOCK" 'socket_mode = "0660"' | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$SOCK"
	[[ $(stat -c %a "$SOCK") == 660 ]] || fail "mode $(stat -c %a "$SOCK"), want 660"
	stop_spawnd
	[[ $SPAWND_STATUS -eq 0 ]] || fail "exit status $SPAWND_STATUS"
	[[ ! -e $SOCK ]] || fail "$SOCK is still there after shutdown"
}

@test "a path with a live spawnd behind it is an error, and the socket is left alone" {
	catsock_conf "$SOCK" | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$SOCK"
	local first=$SPAWND_PID inode
	inode=$(stat -c %i "$SOCK")
	# A second instance with its own pidfile and the same socket path.
	{
		svc_globals | sed "s|$(re_quote "$SPAWND_PIDFILE")|$BATS_TEST_TMPDIR/second.pid|"
		printf 'service catsock {\n\ttype = "catsock"\n'
		printf '\tlisten_stream = {"%s"}\n}\n' "$SOCK"
	} | write_config second.conf
	run timeout 10 "$SPAWND" -f -c "$BATS_TEST_TMPDIR/second.conf" 3>&-
	[[ $status -ne 0 ]] || fail "the second spawnd started"
	assert_output_has "$SOCK"
	[[ $(stat -c %i "$SOCK") == "$inode" ]] || fail "the socket file was replaced"
	fetch_unix "$SOCK" "$BATS_TEST_TMPDIR/reply"
	[[ -s $BATS_TEST_TMPDIR/reply ]] || fail "the first spawnd no longer answers"
	kill -0 "$first" || fail "the first spawnd died"
}

@test "a start that fails after the socket was made leaves no socket file and no pidfile, in the foreground and as a daemon" {
	local port holder mode
	port=$(free_port)
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2], "w").close(); time.sleep(60)' "$port" "$BATS_TEST_TMPDIR/held" \
	    </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	wait_until 10 test -e "$BATS_TEST_TMPDIR/held" || fail "no port holder"
	{
		catsock_conf "$SOCK"
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	for mode in -f daemon; do
		run timeout 10 "$SPAWND" ${mode/daemon/} -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
		[[ $status -eq 69 ]] || fail "$mode: exit $status, not 69:" "$output"
		assert_output_has "127.0.0.1:$port"
		[[ ! -e $SOCK ]] || fail "$mode: the socket file was left behind"
		[[ ! -e $SPAWND_PIDFILE ]] || fail "$mode: the pidfile was left behind"
	done
	kill "$holder"
	wait "$holder" || true
}

# big_fortunes FILE N: N cookies of about 200 bytes each.
big_fortunes() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    for i in range(int(sys.argv[2])):
        f.write('cookie %d: %s\n%s\n%%\n' % (i, 'x' * 90, 'y' * 90))
PY
}

# traced_bytes TRACE: bytes the children read (read and pread64) per the
# strace output TRACE, whose first column is the PID (the parent's lines,
# with SPAWND_PID, are left out).
traced_bytes() {
	awk -v parent="$SPAWND_PID" '$1 != parent && $2 ~ /^(read|pread64)\(/ &&
	    $NF ~ /^[0-9]+$/ { n += $NF } END { print n + 0 }' "$1"
}

@test "a cookie of a 1 MB file costs its child one pread, not a scan: the offsets found at load (and a scan once the file changed)" {
	command -v strace >/dev/null || skip "strace is not installed"
	local big=$SVC_DIR/big.fortunes trace=$BATS_TEST_TMPDIR/trace
	local size i bytes tracer
	big_fortunes "$big" 5000
	chmod 644 "$big"
	size=$(stat -c %s "$big")
	{ svc_globals "$big"; printf 'service catsock {\n\ttype = "catsock"\n'
	  printf '\tlisten_stream = {"%s"}\n}\n' "$SOCK"; } | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$SOCK"
	strace -f -qq -e trace=read,pread64 -e signal=none -o "$trace" \
	    -p "$SPAWND_PID" &
	tracer=$!
	wait_until 5 grep -q "^TracerPid:[[:space:]]*$tracer\$" \
	    "/proc/$SPAWND_PID/status" || fail "strace did not attach"
	for i in 1 2 3; do
		fetch_unix "$SOCK" "$BATS_TEST_TMPDIR/reply$i"
		assert_cookie "$big" "$BATS_TEST_TMPDIR/reply$i" lf \
		    "$(head -n 1 "$BATS_TEST_TMPDIR/reply$i" | wc -c)"
	done
	grep -q 'pread64(' "$trace" || fail "no pread64 in the children:" "$(head -n 20 "$trace")"
	bytes=$(traced_bytes "$trace")
	# Three cookies of about 200 bytes, against 3 x 2 x 1 MB for a scan.
	(( bytes < 3 * 4096 )) ||
	    fail "the children read $bytes bytes of a $size-byte file for 3 cookies"
	# Changed after the load: the offsets are not trusted, the scan reads.
	printf 'changed 1\n%%\nchanged 2\n' >>"$big"
	: >"$trace"
	fetch_unix "$SOCK" "$BATS_TEST_TMPDIR/reply4"
	assert_cookie "$big" "$BATS_TEST_TMPDIR/reply4" lf \
	    "$(head -n 1 "$BATS_TEST_TMPDIR/reply4" | wc -c)"
	bytes=$(traced_bytes "$trace")
	(( bytes >= size )) ||
	    fail "a changed file was not scanned: $bytes bytes read of $size"
	kill "$tracer"
	wait "$tracer" 2>/dev/null || true
}
