#!/usr/bin/env bats
# spawnd as the machine's inetd (issue 24): inetd_conf = "FILE" serves
# an inetd.conf(5) in Debian openbsd-inetd's dialect beside spawnd.conf.
# Each line is a service named SERVICE/PROTO; a line spawnd cannot serve
# is logged "FILE:LINE: reason (line skipped)" and the others serve; the
# file is re-read on a reload, edited by rename as update-inetd does.

load lib/helpers
load lib/services

setup() {
	svc_setup
	read -r P1 P2 P3 P4 < <(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 4 "${BUILTIN_TCP_PORTS[@]}")
	INETD_CONF=$BATS_TEST_TMPDIR/inetd.conf
	{
		svc_globals
		printf 'inetd_conf = "%s"\n' "$INETD_CONF"
		# Reloads here come from SIGHUP alone (tests/24-watch-config.bats
		# has the reloads a change makes by itself).
		printf 'watch_config = false\n'
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P1"
	} | write_config
}

teardown() { svc_teardown; }

# A program that says who it is: the argv[0] it was given (python's
# orig_argv: a #! script's own $0 is its path), its arguments, its user.
# Run as "/usr/bin/python3 ARGV0 $SVC_DIR/whoami.py ARGS...".
whoami_program() {
	cat >"$SVC_DIR/whoami.py" <<-'PY'
	import os, pwd, sys
	print("argv0=%s args=%s user=%s" % (sys.orig_argv[0],
	    " ".join(sys.argv[1:]), pwd.getpwuid(os.getuid()).pw_name))
	PY
	chmod 644 "$SVC_DIR/whoami.py"
	WHOAMI="/usr/bin/python3"
}

@test "an inetd.conf: internal and program lines serve as SERVICE/PROTO; bad lines are skipped with their reason, -t still says OK" {
	whoami_program
	local me
	me=$(id -un)
	cat >"$INETD_CONF" <<-EOF
	# Comments, blank lines and update-inetd's disabled lines are nothing.

	#<off># finger	stream	tcp	nowait	nobody	/usr/sbin/tcpd	/usr/sbin/in.fingerd
	127.0.0.1:
	$P2	stream	tcp	nowait	$me	internal
	$P3	stream	tcp	nowait.2	$me	$WHOAMI	who-am-i	$SVC_DIR/whoami.py	one	"two"	\${HOME}
	rstatd/1-5	dgram	rpc/udp	wait	root	/usr/sbin/rpc.rstatd	rpc.rstatd
	$P4	stream	tcp	nowait	no-such-user	/bin/cat	cat
	$P4	stream	tcp	nowait	$me	/no/such/program	x
	127.0.0.1:$P1	stream	tcp	nowait	$me	/bin/cat	cat
	EOF
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	assert_output_has "configuration OK"
	assert_output_re "$(re_quote "$INETD_CONF"):5: internal service \"$P2\": spawnd has echo, .* \\(line skipped\\)"
	assert_output_re "$(re_quote "$INETD_CONF"):7: rpc services are not served \\(line skipped\\)"
	assert_output_re "$(re_quote "$INETD_CONF"):8: unknown user \"no-such-user\" \\(line skipped\\)"
	assert_output_re "$(re_quote "$INETD_CONF"):9: .*/no/such/program.* \\(line skipped\\)"
	assert_output_re "$(re_quote "$INETD_CONF"):10: .*overlaps .* of service \"hello\" \\($(re_quote "$SPAWND_CONF"):[0-9]+\\) \\(line skipped\\)"
	# nowait.2 counts the clock's minutes: not across a minute's turn.
	local sec
	sec=$(date +%S)
	(( 10#$sec < 45 )) || sleep $(( 61 - 10#$sec ))
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "server started on $P3/tcp 127\\.0\\.0\\.1:$P3\$"
	# The program gets the line's argv[0], apart from its path, and its
	# arguments as written: no quoting, no variable expansion.
	run bash -c "timeout 5 nc 127.0.0.1 $P3 </dev/null"
	# shellcheck disable=SC2016 # ${HOME} literally: inetd.conf does not expand it
	[[ $output == 'argv0=who-am-i args=one "two" ${HOME} user='"$me" ]] || fail "program line: '$output'"
	# nowait.2: the third start within the minute is refused (rate).
	timeout 5 nc 127.0.0.1 "$P3" </dev/null >/dev/null
	run bash -c "timeout 5 nc 127.0.0.1 $P3 </dev/null"
	[[ -z $output ]] || fail "a third start within a minute: '$output'"
	wait_for_log "refused 127\\.0\\.0\\.1 on $P3/tcp: rate\$"
	# The skipped lines are said at start too.
	assert_log "$(re_quote "$INETD_CONF"):7: rpc services are not served \\(line skipped\\)"
}

@test "internal echo and chargen by name, over TCP and UDP, on the default address" {
	(( EUID == 0 )) || skip "inetd's internal services use ports 7 and 19: root"
	# (No other test binds 7 or 19; daytime's 13 is the shipped one's.)
	for p in 7 19; do
		! ss -Hlnt "sport = :$p" | grep -q . || skip "port $p is in use on this machine"
		! ss -Hlnu "sport = :$p" | grep -q . || skip "udp port $p is in use on this machine"
	done
	cat >"$INETD_CONF" <<-EOF
	127.0.0.1:
	echo	stream	tcp	nowait	root	internal
	echo	dgram	udp	wait	root	internal
	chargen	stream	tcp	nowait	root	internal
	EOF
	start_spawnd -c "$SPAWND_CONF"
	run bash -c "printf 'ping\r\n' | timeout 5 nc -N 127.0.0.1 7"
	[[ $output == "ping"$'\r' ]] || fail "echo/tcp: $(printf '%q' "$output")"
	run timeout 30 python3 "$TESTS_LIB/trivial-client.py" echo-udp 7 0,100
	assert_status 0
	run timeout 30 python3 "$TESTS_LIB/trivial-client.py" chargen-tcp 19 200
	assert_status 0
	assert_log "server started on echo/udp 127\\.0\\.0\\.1:7 \\(datagram\\)\$"
}

@test "an edit by rename (as update-inetd writes it) and a SIGHUP: the line added serves, a disabled one stops, same PID" {
	whoami_program
	local me
	me=$(id -un)
	printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\twhoami\t%s/whoami.py\n' "$P2" "$me" "$WHOAMI" "$SVC_DIR" >"$INETD_CONF"
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "server started on 127\\.0\\.0\\.1:$P2/tcp 127\\.0\\.0\\.1:$P2\$"
	# update-inetd --disable: the line commented "#<off># "; --add: appended.
	{
		printf '#<off># 127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\twhoami\t%s/whoami.py\n' "$P2" "$me" "$WHOAMI" "$SVC_DIR"
		printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\twhoami\t%s/whoami.py\tadded\n' "$P3" "$me" "$WHOAMI" "$SVC_DIR"
	} >"$INETD_CONF.new"
	mv "$INETD_CONF.new" "$INETD_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait_for_log "server started on 127\\.0\\.0\\.1:$P3/tcp 127\\.0\\.0\\.1:$P3\$"
	run bash -c "timeout 5 nc 127.0.0.1 $P3 </dev/null"
	[[ $output == "argv0=whoami args=added user=$me" ]] || fail "added line: '$output'"
	! tcp_accepts 127.0.0.1 "$P2" || fail "the disabled line still listens"
	# A line that cannot be served does not refuse the reload.
	printf 'bogus line\n' >>"$INETD_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	(( $(log_count 'reload refused') == 0 )) || fail "$(grep refused "$SPAWND_LOG")"
	assert_log "$(re_quote "$INETD_CONF"):3: 2 fields, not 6 or more \\(line skipped\\)"
	run bash -c "timeout 5 nc 127.0.0.1 $P3 </dev/null"
	[[ $output == "argv0=whoami args=added user=$me" ]] || fail "after the bad line: '$output'"
}

@test "no inetd.conf (not made yet) is no service, not an error" {
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	[[ $output == "configuration OK" ]] || fail "$output"
}

@test "review: a NUL, a busy port, one service on two addresses, nothing on yet: each only its own line's business" {
	whoami_program
	local me holder
	me=$(id -un)
	# Another program holds P4 on 127.0.0.1.
	timeout 60 python3 -c 'import socket,sys,time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(50)' "$P4" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	track_daemon "$holder"
	wait_until 10 _port_listening tcp "$P4" "" || fail "the holder did not start"
	{
		printf '#<off># %s\tstream\ttcp\tnowait\t%s\t%s\tw\t%s/whoami.py\n' "$P2" "$me" "$WHOAMI" "$SVC_DIR"
		printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\tw\t%s/whoami.py\tone\n' "$P2" "$me" "$WHOAMI" "$SVC_DIR"
		printf '127.0.0.2:%s\tstream\ttcp\tnowait\t%s\t%s\tw\t%s/whoami.py\ttwo\n' "$P2" "$me" "$WHOAMI" "$SVC_DIR"
		printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\tw\t%s/whoami.py\tbusy\n' "$P4" "$me" "$WHOAMI" "$SVC_DIR"
		printf '127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t%s\tw\t%s/whoami.py\ta\0b\n' "$P3" "$me" "$WHOAMI" "$SVC_DIR"
	} >"$INETD_CONF"
	start_spawnd -c "$SPAWND_CONF"
	assert_log "$(re_quote "$INETD_CONF"):5: a control character \\(byte 0x01\\) in the line \\(line skipped\\)"
	wait_for_log "$(re_quote "$INETD_CONF"):4: 127\\.0\\.0\\.1:$P4: bind: Address already in use \\(line skipped\\)"
	run bash -c "timeout 5 nc 127.0.0.1 $P2 </dev/null"
	[[ $output == "argv0=w args=one user=$me" ]] || fail "127.0.0.1: '$output'"
	run bash -c "timeout 5 nc 127.0.0.2 $P2 </dev/null"
	[[ $output == "argv0=w args=two user=$me" ]] || fail "127.0.0.2: '$output'"
	# A reload with the NUL line and the busy port still there works.
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	(( $(log_count 'reload refused') == 0 )) || fail "$(grep refused "$SPAWND_LOG")"
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	# Everything off (update-inetd --disable of the last line): spawnd.conf
	# without services of its own still runs, and serves nothing.
	{
		svc_globals
		printf 'inetd_conf = "%s"\nwatch_config = false\n' "$INETD_CONF"
	} | write_config
	printf '#<off># 127.0.0.1:%s\tstream\ttcp\tnowait\t%s\t/bin/cat\tcat\n' "$P2" "$me" >"$INETD_CONF"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	kill -0 "$SPAWND_PID" || fail "spawnd died with nothing to serve"
	! tcp_accepts 127.0.0.1 "$P2" || fail "a disabled line still listens"
}

@test "review: wait.N is the most children a wait service starts in a minute" {
	install -m 755 "$TESTS_LIB/udp-answer-once.py" "$SVC_DIR/udpone"
	printf '127.0.0.1:%s\tdgram\tudp\twait.1\t%s\t%s/udpone\tudpone\n' "$P2" "$(id -un)" "$SVC_DIR" >"$INETD_CONF"
	start_spawnd -c "$SPAWND_CONF"
	# The minutes are the clock's: not across a minute's turn.
	local sec
	sec=$(date +%S)
	(( 10#$sec < 45 )) || sleep $(( 61 - 10#$sec ))
	udp_ask 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/r1"
	[[ $(<"$BATS_TEST_TMPDIR/r1") == ok ]] || fail "first datagram: $(<"$BATS_TEST_TMPDIR/r1")"
	# Two more within the minute: no second child (they wait).
	udp_ask 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/r2"
	[[ ! -s $BATS_TEST_TMPDIR/r2 ]] || fail "a second child within the minute"
	(( $(log_count "begat [0-9]+ for 127\\.0\\.0\\.1:$P2/udp$") == 1 )) ||
	    fail "children: $(grep begat "$SPAWND_LOG")"
}
