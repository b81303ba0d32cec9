#!/usr/bin/env bats
# Where the log goes, in the shapes admins run (spawnd(8),
# "LOG MESSAGES").
#
# A daemon (no -f) logging to syslog on a host that has a /dev/log:
# every service answers its client byte for byte, the log socket gets
# the log lines and never a client's bytes, before and after reloads; a
# reload's new image that cannot start says why in syslog, where its
# stderr (/dev/null) would lose it.  These need root (tests/lib/devlog.bash).
#
# In the foreground under systemd, stderr is the journal: "<N>message"
# with the sd-daemon(3) priority, no "spawnd[PID]: " of our own.  The
# real journal is tests/40-systemd.bats's; here stderr is a file whose
# device and inode $JOURNAL_STREAM names, which is all spawnd looks at.

load lib/helpers
load lib/services
load lib/devlog

GREETING='Welcome to spawnd; type help for command list.\r\n'
PROMPT='Command? '
COOKIE='The only cookie\nin this jar.'

setup() {
	svc_setup
	DEVLOG_HOLDER=
	PORTS=()
	for _ in 1 2 3 4 5; do
		PORTS+=("$(free_port)")
	done
	CATSOCK=$BATS_TEST_TMPDIR/catsock
	printf '%b\n%%\n' "$COOKIE" >"$SVC_DIR/one-cookie"
	chmod 644 "$SVC_DIR/one-cookie"
}

# The namespace outlives its holder as long as the daemon in it runs.
teardown() {
	[[ -z $DEVLOG_HOLDER ]] || devlog_teardown
	svc_teardown
}

# Every service, forked (time and daytime too: the fd clash was a child's).
daemon_services_conf() {
	cat <<-EOF
	pidfile = "$SPAWND_PIDFILE"
	resolve_names = false
	fortune_file = "$SVC_DIR/one-cookie"
	service hello { type = "hello"  listen_stream = {"127.0.0.1:${PORTS[0]}"} }
	service fortune { type = "fortune"  listen_stream = {"127.0.0.1:${PORTS[1]}"} }
	service time { type = "time"  fork = true  listen_stream = {"127.0.0.1:${PORTS[2]}"} }
	service daytime { type = "daytime"  fork = true  listen_stream = {"127.0.0.1:${PORTS[3]}"} }
	service command { type = "command"  listen_stream = {"127.0.0.1:${PORTS[4]}"} }
	service catsock { type = "catsock"  listen_stream = {"$CATSOCK"} }
	EOF
}

# launch_daemon: spawnd -c CONF inside the namespace, as an admin types
# it; returns once the launcher has exited 0 (every listener bound).
launch_daemon() {
	run timeout 20 nsenter -t "$DEVLOG_HOLDER" -m -r -w -- "$SPAWND" -c "$SPAWND_CONF" \
	    </dev/null 3>&-
	assert_status 0
	[[ -s $SPAWND_PIDFILE ]] || fail "no pidfile after a successful start"
	DAEMON_PID=$(<"$SPAWND_PIDFILE")
	track_daemon "$DAEMON_PID"
}

# The 4 bytes of RFC 868 time in FILE are within 10 s of our clock.
assert_time_bytes() {
	local size secs now
	size=$(stat -c %s "$1")
	(( size == 4 )) || fail "time: $size bytes, not 4:" "$(svc_dump "$1")"
	secs=$(od -An -tu1 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 - 2208988800 }')
	now=$(date +%s)
	(( secs - now <= 10 && now - secs <= 10 )) ||
	    fail "time: $secs is not now ($now)"
}

# Talk to every service once and check every byte.
check_every_service() {
	local out=$BATS_TEST_TMPDIR/reply date
	fetch_tcp 127.0.0.1 "${PORTS[0]}" "$out"
	assert_hello_bytes "$out" '127\.0\.0\.1'

	fetch_tcp 127.0.0.1 "${PORTS[1]}" "$out"
	head -n 1 "$out" >"$out.hello"
	tail -n +2 "$out" >"$out.cookie"
	assert_hello_bytes "$out.hello" '127\.0\.0\.1'
	assert_bytes "$out.cookie" 'The only cookie\r\nin this jar.\r\n'

	fetch_tcp 127.0.0.1 "${PORTS[2]}" "$out"
	assert_time_bytes "$out"

	fetch_tcp 127.0.0.1 "${PORTS[3]}" "$out"
	[[ $(<"$out") =~ ^($DATE_RE)$'\r'$ ]] ||
	    fail "daytime: not DATE CRLF:" "$(svc_dump "$out")"
	date=${BASH_REMATCH[1]}
	assert_bytes "$out" "$date\\r\\n"

	fetch_unix "$CATSOCK" "$out"
	[[ $(head -n 1 "$out") =~ ^Hello\ there,\ it\'s\ now\ ($DATE_RE)$ ]] ||
	    fail "catsock: no greeting:" "$(svc_dump "$out")"
	assert_bytes "$out" "Hello there, it's now ${BASH_REMATCH[1]}\\n$COOKIE\\n"

	svc_session 127.0.0.1 "${PORTS[4]}" "$out" 'date\r\nquit\r\n' >/dev/null
	[[ $(<"$out") =~ Command\?\ ($DATE_RE) ]] ||
	    fail "command: no date answered:" "$(svc_dump "$out")"
	assert_bytes "$out" "$GREETING${PROMPT}${BASH_REMATCH[1]}\\r\\n$PROMPT"
}

# Nothing a client was sent reached the log socket, and every datagram
# is a syslog(3) line of spawnd's.
assert_devlog_clean() {
	local bad
	bad=$(grep -vE '^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} spawnd\[[0-9]+\]: ' \
	    "$DEVLOG_FILE") || true
	[[ -z $bad ]] || fail "datagrams that are not spawnd's log lines:" "$bad"
	bad=$(grep -E 'Hello there|only cookie|Welcome|Command\?' "$DEVLOG_FILE") || true
	[[ -z $bad ]] || fail "client bytes on /dev/log:" "$bad"
}

@test "daemon mode with a real /dev/log: every service byte-exact, the log gets log lines only, also after two HUPs" {
	devlog_setup
	daemon_services_conf | write_config
	launch_daemon
	local svc round
	for svc in hello fortune time daytime command; do
		wait_for_devlog "spawnd\[$DAEMON_PID\]: server started on $svc 127\.0\.0\.1:"
	done
	wait_for_devlog "spawnd\[$DAEMON_PID\]: server started on catsock $(re_quote "$CATSOCK")"
	for round in 1 2 3; do
		check_every_service
		for svc in hello fortune time daytime command catsock; do
			wait_for_devlog "spawnd\[$DAEMON_PID\]: begat [0-9]+ for $svc\$" "$round"
			wait_for_devlog "spawnd\[$DAEMON_PID\]: reaped [0-9]+ \($svc\)\$" "$round"
		done
		# The children's own lines come from the children's PIDs.
		wait_for_devlog "spawnd\[[0-9]+\]: connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on hello\$" "$round"
		assert_devlog_clean
		(( round < 3 )) || break
		kill -HUP "$DAEMON_PID"
		wait_for_devlog "spawnd\[$DAEMON_PID\]: spawnd [^ ]+ reloaded with " "$round"
	done
	# Still the same daemon, with its pidfile.
	[[ $(<"$SPAWND_PIDFILE") == "$DAEMON_PID" ]] || fail "pidfile changed"
	kill -0 "$DAEMON_PID"
}

@test "daemon mode: a reload's new image that cannot start logs why to syslog and leaves no files" {
	local bin=$BATS_TEST_TMPDIR/bin real=$BATS_TEST_TMPDIR/real/spawnd
	devlog_setup
	mkdir -p "$bin" "${real%/*}"
	cp "$SPAWND" "$real"
	cp "$SPAWND" "$bin/spawnd"
	daemon_services_conf | write_config
	SPAWND=$bin/spawnd launch_daemon
	wait_for_devlog "spawnd\[$DAEMON_PID\]: server started on catsock "
	# A binary that passes the reload's check (-t) and then, as the new
	# image, finds its pidfile's directory gone: only the new image can
	# see that, and its stderr is /dev/null.
	cat >"$bin/new" <<-EOF
	#!/bin/sh
	case " \$* " in *" -t "*) exec "$real" "\$@" ;; esac
	exec "$real" "\$@" -p "$BATS_TEST_TMPDIR/missing/spawnd.pid"
	EOF
	chmod 755 "$bin/new"
	mv "$bin/new" "$bin/spawnd"
	kill -HUP "$DAEMON_PID"
	wait_for_devlog "spawnd\[$DAEMON_PID\]: pidfile $(re_quote "$BATS_TEST_TMPDIR")/missing/spawnd\.pid: No such file or directory\$"
	wait_for_exit "$DAEMON_PID" || fail "the failed image is still running"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "the pidfile was left behind"
	[[ ! -e $CATSOCK ]] || fail "the catsock socket file was left behind"
}

@test "daemon mode with a real /dev/log: inetd.conf and a drop-in changed by rename reload by themselves, said on syslog; a signature FIFO serves" {
	devlog_setup
	local inetd=$BATS_TEST_TMPDIR/inetd.conf dropin=$BATS_TEST_TMPDIR/spawnd.d
	local fifo=$SVC_DIR/signature out=$BATS_TEST_TMPDIR/reply
	mkdir "$dropin"
	{
		daemon_services_conf
		printf 'inetd_conf = "%s"\ninclude = {"%s/*.conf"}\n' "$inetd" "$dropin"
		printf 'service sig { type = "signature"  listen_fifo = "%s"  signature = "-- spawnd" }\n' "$fifo"
	} | write_config
	launch_daemon
	wait_for_devlog "spawnd\[$DAEMON_PID\]: begat [0-9]+ for sig \(the writer of $(re_quote "$fifo")\)\$"
	timeout 10 cat "$fifo" >"$out"
	assert_bytes "$out" '-- spawnd\nThe only cookie\nin this jar.\n'
	# update-inetd's way: a new file renamed over the old.
	local p
	p=$(free_port)
	printf '127.0.0.1:%s\tstream\ttcp\tnowait\tnobody\t/bin/echo\techo\tfrom-inetd\n' "$p" >"$inetd.new"
	mv "$inetd.new" "$inetd"
	wait_for_devlog "spawnd\[$DAEMON_PID\]: configuration changed \($(re_quote "$inetd")\), checking .* -t\$"
	wait_for_devlog "spawnd\[$DAEMON_PID\]: spawnd [^ ]+ reloaded with "
	wait_until 5 test "$(timeout 5 nc -N 127.0.0.1 "$p" </dev/null)" = from-inetd ||
	    fail "the inetd.conf line does not serve"
	# A package's drop-in, as dpkg installs it (a temporary name, renamed).
	p=$(free_port)
	printf 'service dropped { type = "daytime"  listen_stream = {"127.0.0.1:%s"} }\n' "$p" \
	    >"$dropin/x.conf.dpkg-new"
	mv "$dropin/x.conf.dpkg-new" "$dropin/x.conf"
	wait_for_devlog "spawnd\[$DAEMON_PID\]: configuration changed \($(re_quote "$dropin/x.conf")\), checking .* -t\$"
	wait_until 5 tcp_accepts 127.0.0.1 "$p" || fail "the drop-in does not serve"
	check_every_service
	assert_devlog_clean
	# The FIFO's writer was adopted by both reloads, and still serves.
	timeout 10 cat "$fifo" >"$out"
	assert_bytes "$out" '-- spawnd\nThe only cookie\nin this jar.\n'
	(( $(grep -c "begat [0-9]* for sig " "$DEVLOG_FILE") == 1 )) || fail "the writer was started again"
	[[ $(<"$SPAWND_PIDFILE") == "$DAEMON_PID" ]] || fail "pidfile changed"
}

# start_journaled ARG...: start_spawnd ARG... with $JOURNAL_STREAM naming
# the log file it writes its stderr to (or, with JOURNAL_OTHER=1, some
# other file: a shell started from a unit inherits the variable).
start_journaled() {
	local named=$SPAWND_LOG
	: >>"$SPAWND_LOG"
	if [[ ${JOURNAL_OTHER:-0} == 1 ]]; then
		named=$BATS_TEST_TMPDIR/other
		: >"$named"
	fi
	export JOURNAL_STREAM
	JOURNAL_STREAM=$(stat -c '%d:%i' "$named")
	start_spawnd "$@"
	unset JOURNAL_STREAM
}

@test "stderr is the journal: every line has its priority prefix and no spawnd[PID]: of its own" {
	svc_globals >"$SPAWND_CONF"
	cat >>"$SPAWND_CONF" <<-EOF
	service hello { type = "hello"  listen_stream = {"127.0.0.1:${PORTS[0]}"} }
	service time {
		type = "time"
		listen_datagram = {"127.0.0.1:${PORTS[1]}"}
		deny = {"127.0.0.0/8"}
	}
	EOF
	start_journaled -d -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "${PORTS[0]}" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	wait_for_log '^<6>reaped [0-9]+ \(hello\)$'
	assert_log '^<6>server started on hello 127\.0\.0\.1:'
	assert_log '^<6>begat [0-9]+ for hello$'
	# The child's line too: it shares the parent's stderr.
	assert_log '^<6>connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on hello$'
	# A debug line: a datagram refused by the access list.
	udp_ask 127.0.0.1 "${PORTS[1]}" "$BATS_TEST_TMPDIR/udp"
	wait_for_log '^<7>refused datagram on time: acl$'
	# A warning: a reload refused for a bad configuration.
	echo 'max_children = -1' >>"$SPAWND_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log '^<4>reload refused: the configuration has errors'
	assert_log "^<4>$(re_quote "$SPAWND_CONF"):[0-9]+: "
	run grep -vE '^<[3467]>' "$SPAWND_LOG"
	[[ -z $output ]] || fail "lines without a priority prefix:" "$output"
	run grep -F 'spawnd[' "$SPAWND_LOG"
	[[ -z $output ]] || fail "lines with a spawnd[PID] prefix:" "$output"
	# The journal stamps each line itself.
	run grep -E "$LOG_STAMP_RE" "$SPAWND_LOG"
	[[ -z $output ]] || fail "lines with a time stamp of our own:" "$output"
}

@test "stderr is the journal: a start-up that fails says why at priority 3 (error)" {
	local holder
	svc_globals >"$SPAWND_CONF"
	cat >>"$SPAWND_CONF" <<-EOF
	service hello { type = "hello"  listen_stream = {"127.0.0.1:${PORTS[0]}"} }
	EOF
	# Someone else holds the port.
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
open(sys.argv[2], "w").close(); time.sleep(30)' "${PORTS[0]}" \
	    "$BATS_TEST_TMPDIR/held" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	wait_until 10 test -e "$BATS_TEST_TMPDIR/held" || fail "no port holder"
	: >>"$SPAWND_LOG"
	# shellcheck disable=SC2094 # the log's own inode is what is announced
	env JOURNAL_STREAM="$(stat -c '%d:%i' "$SPAWND_LOG")" \
	    timeout 10 "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF" \
	    </dev/null >/dev/null 2>>"$SPAWND_LOG" 3>&- && status=0 || status=$?
	kill "$holder"
	wait "$holder" || true
	(( status == 69 || status == 71 )) || fail "exit $status, not 69 or 71"
	assert_log "^<3>.*127\.0\.0\.1:${PORTS[0]}.*Address already in use"
}

@test "JOURNAL_STREAM naming another file: plain spawnd[PID]: lines on stderr" {
	hello_config "127.0.0.1:${PORTS[0]}" >"$SPAWND_CONF"
	JOURNAL_OTHER=1 start_journaled -c "$SPAWND_CONF"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:${PORTS[0]}$"
	run grep -E '^<[0-9]>' "$SPAWND_LOG"
	[[ -z $output ]] || fail "priority prefixes outside the journal:" "$output"
}

# stamp_seconds LINE: the epoch seconds of a log line's leading UTC stamp.
stamp_seconds() {
	date -u -d "$(cut -d' ' -f1 <<<"$1" | sed 's/T/ /; s/Z$//')" +%s
}

@test "-f on a pipe: every line starts with the UTC time, RFC 3339, then spawnd[PID]:" {
	local pipe=$BATS_TEST_TMPDIR/pipe reader before after line t
	hello_config "127.0.0.1:${PORTS[0]}" >"$SPAWND_CONF"
	mkfifo "$pipe"
	cat <"$pipe" >"$BATS_TEST_TMPDIR/piped.log" 3>&- &
	reader=$!
	before=$(date -u +%s)
	SPAWND_LOG=$pipe start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "${PORTS[0]}" "$BATS_TEST_TMPDIR/reply"
	stop_spawnd
	# The reader ends when spawnd and its children have closed the pipe.
	wait_until 10 _gone "$reader" || fail "the pipe's reader is still open"
	wait "$reader" || true
	after=$(date -u +%s)
	SPAWND_LOG=$BATS_TEST_TMPDIR/piped.log
	assert_log '^spawnd\[[0-9]+\]: connection from 127\.0\.0\.1 '
	if grep -vnE "^$LOG_STAMP_RE spawnd\[[0-9]+\]: ." "$SPAWND_LOG"; then
		fail "lines without the time and spawnd[PID]: (above)"
	fi
	while IFS= read -r line; do
		t=$(stamp_seconds "$line")
		(( t >= before && t <= after )) ||
		    fail "stamp outside $before..$after (UTC): $line"
	done <"$SPAWND_LOG"
}
