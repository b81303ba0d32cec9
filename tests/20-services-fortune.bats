#!/usr/bin/env bats
# The fortune service (spawnd.conf(5), "Service types"): over TCP the
# hello line then one cookie with CRLF line ends; over UDP one cookie of
# at most 512 bytes (RFC 865).  Cookies are fortune-mod's format, drawn
# uniformly, through the strfile index when it is fresh; fortune_command
# runs a program (no shell) instead.

load lib/helpers
load lib/services

# fortune_conf [OPTION_LINE...]: one fortune service "fortune" on
# 127.0.0.1:$PORT, TCP and UDP, with extra option lines.
fortune_conf() {
	local opt
	svc_globals "${FORTUNES:-}"
	printf 'service fortune {\n\ttype = "fortune"\n'
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
	printf '\tlisten_datagram = {"127.0.0.1:%s"}\n' "$PORT"
	for opt in "$@"; do
		printf '\t%s\n' "$opt"
	done
	printf '}\n'
}

setup() {
	svc_setup
	PORT=$(free_port)
	FORTUNES=
}

teardown() { svc_teardown; }

# split_reply FILE: the hello line into FILE.hello; its length in HLEN.
split_reply() {
	head -n 1 "$1" >"$1.hello"
	HLEN=$(stat -c %s "$1.hello")
}

@test "fortune over TCP: the hello line, then one cookie of etc/fortunes with CRLF line ends" {
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	split_reply "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply.hello" '127\.0\.0\.1'
	assert_cookie "$FORTUNES_FILE" "$BATS_TEST_TMPDIR/reply" crlf "$HLEN"
	wait_for_log "begat [0-9]+ for fortune$"
}

@test "30 fetches give many different cookies (each child draws its own)" {
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i distinct
	for i in $(seq 30); do
		fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r$i"
		split_reply "$BATS_TEST_TMPDIR/r$i"
		(( i > 5 )) ||
		    assert_cookie "$FORTUNES_FILE" "$BATS_TEST_TMPDIR/r$i" crlf "$HLEN"
		tail -c +$((HLEN + 1)) "$BATS_TEST_TMPDIR/r$i" | md5sum
	done >"$BATS_TEST_TMPDIR/sums"
	distinct=$(sort -u "$BATS_TEST_TMPDIR/sums" | wc -l)
	# 48 cookies: 30 uniform draws give about 22 different ones.
	(( distinct >= 12 )) || fail "only $distinct different cookies in 30 fetches"
}

@test "etc/fortunes ships at least 40 cookies, all fit one datagram" {
	local n
	n=$(grep -c '^%$' "$TOP_SRCDIR/etc/fortunes")
	(( n >= 40 )) || fail "only $n cookies"
	run awk 'BEGIN { RS = "\n%\n" } length($0) + gsub(/\n/, "&") + 2 > 512' \
	    "$TOP_SRCDIR/etc/fortunes"
	[[ -z $output ]] || fail "cookies over 512 bytes: $output"
}

@test "fortune over UDP: one datagram, one cookie, CRLF, at most 512 bytes" {
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	(( $(stat -c %s "$BATS_TEST_TMPDIR/reply") <= 512 )) || fail "over 512 bytes"
	assert_cookie "$FORTUNES_FILE" "$BATS_TEST_TMPDIR/reply" crlf
	run_client socat -T2 - "UDP:127.0.0.1:$PORT" <<<"x"
	assert_status 0
	[[ -n $output ]] || fail "socat got nothing"
}

@test "UDP never sends a cookie over 512 bytes; TCP does" {
	FORTUNES=$SVC_DIR/fortunes
	{
		printf 'short one\n%%\nshort two\n%%\n'
		for i in $(seq 12); do
			printf 'a line of forty-odd bytes, line number %02d\n' "$i"
		done
		printf '%%\n'
	} >"$FORTUNES"
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i long=0
	run timeout 20 python3 - "$PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
seen = {}
for i in range(30):
    s.sendto(b'x', ('127.0.0.1', int(sys.argv[1])))
    d = s.recv(65536)
    seen[d] = seen.get(d, 0) + 1
print(seen)
sys.exit(set(seen) != {b'short one\r\n', b'short two\r\n'})
PY
	assert_status 0
	for i in $(seq 30); do
		fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/t"
		(( $(stat -c %s "$BATS_TEST_TMPDIR/t") > 512 )) && long=1 && break
	done
	(( long )) || fail "the long cookie never came over TCP in 30 fetches"
}

@test "datagrams are answered from memory: the file can go, UDP still answers" {
	FORTUNES=$SVC_DIR/fortunes
	printf 'only cookie\n%%\n' >"$FORTUNES"
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	rm "$FORTUNES"
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/d"
	assert_bytes "$BATS_TEST_TMPDIR/d" 'only cookie\r\n'
	# The stream child reads the file itself and says why it cannot.
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/t"
	split_reply "$BATS_TEST_TMPDIR/t"
	assert_hello_bytes "$BATS_TEST_TMPDIR/t.hello" '127\.0\.0\.1'
	wait_for_log "fortune: missing fortune file $(re_quote "$FORTUNES")"
}

@test "the strfile index is used when fresh and ignored when older than the text" {
	command -v strfile >/dev/null || skip "strfile (fortune-mod) not installed"
	FORTUNES=$SVC_DIR/fortunes
	# Index a file of one cookie, then add a second one and make the text
	# look older than the index: the index knows only the first.
	printf 'indexed\n%%\n' >"$FORTUNES"
	strfile -s "$FORTUNES" >/dev/null
	printf 'appended\n%%\n' >>"$FORTUNES"
	touch -d '-1 hour' "$FORTUNES"
	fortune_conf | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i got
	for i in $(seq 20); do
		fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/t"
		got=$(tail -n +2 "$BATS_TEST_TMPDIR/t" | tr -d '\r\n')
		[[ $got == indexed ]] || fail "fetch $i got '$got' although the index lists only 'indexed'"
	done
	# Now the text is newer: the index is stale, both cookies come.
	touch -d '+1 minute' "$FORTUNES"
	for i in $(seq 40); do
		fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/t"
		got=$(tail -n +2 "$BATS_TEST_TMPDIR/t" | tr -d '\r\n')
		[[ $got == appended ]] && return 0
	done
	fail "the stale index was still used: 'appended' never came in 40 fetches"
}

@test "fortune_command: /usr/games/fortune's output after the hello line, LF turned into CRLF" {
	[[ -x /usr/games/fortune ]] || skip "fortune-mod not installed"
	fortune_conf 'fortune_command = "/usr/games/fortune -s"' | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	split_reply "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply.hello" '127\.0\.0\.1'
	tail -c +$((HLEN + 1)) "$BATS_TEST_TMPDIR/reply" >"$BATS_TEST_TMPDIR/cookie"
	[[ -s $BATS_TEST_TMPDIR/cookie ]] || fail "no cookie after the hello line"
	python3 - "$BATS_TEST_TMPDIR/cookie" <<'PY' || fail "bad line ends:" "$(svc_dump "$BATS_TEST_TMPDIR/cookie")"
import sys
d = open(sys.argv[1], 'rb').read()
bare = d.replace(b'\r\n', b'')
sys.exit(b'\n' in bare or b'\r' in bare or not d.endswith(b'\r\n'))
PY
}

@test "fortune_command is split on spaces and run without a shell" {
	fortune_conf "fortune_command = \"/bin/echo \$HOME '*'   x;y\"" | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	split_reply "$BATS_TEST_TMPDIR/reply"
	tail -c +$((HLEN + 1)) "$BATS_TEST_TMPDIR/reply" >"$BATS_TEST_TMPDIR/cookie"
	assert_bytes "$BATS_TEST_TMPDIR/cookie" "\$HOME '*' x;y\r\n"
}

@test "configuration errors: missing fortune file, relative fortune_command, fork = false" {
	FORTUNES=$SVC_DIR/no-such-file
	fortune_conf | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "^$(re_quote "$SPAWND_CONF"):[0-9]+: .*missing fortune file $(re_quote "$FORTUNES")"

	FORTUNES=
	fortune_conf 'fortune_command = "fortune -s"' | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):[0-9]+: .*fortune_command.*absolute path"

	fortune_conf 'fork = false' | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):[0-9]+: .*fork = false"
}

@test "a fortune file the service's user cannot read is a configuration error" {
	[[ $(id -u) -eq 0 ]] || skip "needs root (children drop to another user)"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	FORTUNES=$SVC_DIR/secret
	printf 'for root only\n%%\n' >"$FORTUNES"
	chmod 600 "$FORTUNES"
	fortune_conf 'user = "nobody"' | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):[0-9]+: .*fortune file $(re_quote "$FORTUNES") is not readable by user nobody"
	chmod 644 "$FORTUNES"
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
}

@test "fortune_command runs with a minimal environment: PATH, LANG and TZ, nothing of the daemon's" {
	fortune_conf 'fortune_command = "/usr/bin/env"' | write_config
	# What a daemon started by root or by systemd carries.  NOTIFY_SOCKET
	# names nothing: spawnd's own READY=1 just fails to arrive.
	export HOME=/root SECRET_TOKEN=hunter2 JOURNAL_STREAM=1:2 LANG=C.UTF-8 \
	    TZ=UTC NOTIFY_SOCKET=$BATS_TEST_TMPDIR/none
	start_spawnd -c "$SPAWND_CONF"
	unset SECRET_TOKEN JOURNAL_STREAM NOTIFY_SOCKET
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	split_reply "$BATS_TEST_TMPDIR/reply"
	tail -c +$((HLEN + 1)) "$BATS_TEST_TMPDIR/reply" | tr -d '\r' | sort \
	    >"$BATS_TEST_TMPDIR/env"
	printf '%s\n' LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin TZ=UTC \
	    >"$BATS_TEST_TMPDIR/want"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/env" ||
	    fail "the program's environment is not the minimal one"
}
