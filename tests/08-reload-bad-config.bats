#!/usr/bin/env bats
# A reload that cannot be done is refused, and the old configuration
# keeps serving (issue 6; spawnd(8), "SIGNALS"): a configuration -t
# rejects, an address another program holds, a Unix path that cannot be
# bound; once repaired, the next SIGHUP takes it, opening in the old
# image what the new one adopts.  Helpers in tests/lib/reload.bash.

load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }

teardown() {
	stop_blocker
	svc_teardown
}

@test "1: SIGHUP with a bad configuration, a taken address or an unusable Unix path keeps the old configuration serving" {
	local p1 p2 p3 p4 pid ok_sock line
	p1=$(free_port)
	p2=$(free_port)
	p3=$(free_port)
	p4=$(free_port)
	ok_sock=$BATS_TEST_TMPDIR/ok.sock
	good() {
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {%s}\n}\n' "$1"
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p2"
	}
	good "\"127.0.0.1:$p1\"" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID

	# (a) Errors -t finds, a parse error and a value error after it:
	# each logged exactly as -t prints it.
	{
		good "\"127.0.0.1:$p3\""
		printf 'service daytime {\n\ttype = "daytime"\n'
		printf '\tper_sourse = 2\n'
		printf '\tuser = "spawnd-no-such-user"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p4"
	} | write_config
	line=$(grep -n spawnd-no-such-user "$SPAWND_CONF" | cut -d: -f1)
	run timeout 10 "$SPAWND" -t -c "$SPAWND_CONF" 3>&-
	assert_status 78
	[[ ${lines[0]} == "$SPAWND_CONF:$((line - 1)): "*"did you mean 'per_source'?" &&
	    ${lines[1]} == "$SPAWND_CONF:$line: "*spawnd-no-such-user* &&
	    ${#lines[@]} == 2 ]] ||
	    fail "-t does not report $SPAWND_CONF:$((line - 1)): and :$line:" "$output"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: $(re_quote "${lines[0]}")$"
	wait_for_log "^spawnd\[$pid\]: $(re_quote "${lines[1]}")$"
	wait_for_log "^spawnd\[$pid\]: reload refused: the configuration has errors; still running with the old configuration$"

	# (b) An address another program holds: -t cannot see it, the old
	# image finds out before it re-executes.
	blocker "$p3"
	good "\"127.0.0.1:$p1\", \"127.0.0.1:$p3\"" | write_config
	line=$(line_of "\"127.0.0.1:$p3\"")
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: $(re_quote "$SPAWND_CONF"):$line: service \"hello\": 127\.0\.0\.1:$p3: bind: Address already in use; still running with the old configuration$"

	# (c) A Unix path that cannot be bound, after one that could: the
	# socket already opened for the reload is closed and its file removed.
	{
		good "\"127.0.0.1:$p1\""
		printf 'service cat1 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$ok_sock"
		printf 'service cat2 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' \
		    "$BATS_TEST_TMPDIR/no/such/dir/cat.sock"
	} | write_config
	line=$(line_of "no/such/dir/cat.sock")
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: $(re_quote "$SPAWND_CONF"):$line: service \"cat2\": $(re_quote "$BATS_TEST_TMPDIR/no/such/dir/cat.sock"): bind: No such file or directory; still running with the old configuration$"
	[[ ! -e $ok_sock ]] || fail "$ok_sock was left behind by the refused reload"

	# Through all three: no re-exec, same process, pidfile, old services.
	(( $(log_count 're-executing') == 0 )) || fail "spawnd re-executed:" "$(cat "$SPAWND_LOG")"
	kill -0 "$pid" || fail "spawnd died"
	[[ $(<"$SPAWND_PIDFILE") == "$pid" ]] || fail "pidfile changed"
	hello_answers "$p1"
	session_open s1 127.0.0.1 "$p2"
	session_wait s1 'Command? '
	session_send s1 quit
	session_closed s1
	if _port_listening tcp "$p4" "$pid" || _port_listening tcp "$p3" "$pid"; then
		fail "spawnd listens on a port of a refused configuration"
	fi

	# Repaired: the next HUP takes it, with the stream, datagram and
	# Unix sockets it adds opened by the old image and adopted by the new.
	stop_blocker
	{
		good "\"127.0.0.1:$p1\", \"127.0.0.1:$p3\""
		printf 'service cat1 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$ok_sock"
		printf 'service time {\n\ttype = "time"\n\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$p4"
	} | write_config
	hup 1
	hello_answers "$p3"
	hello_answers "$p1"
	fetch_unix "$ok_sock" "$BATS_TEST_TMPDIR/cat.reply" || fail "no reply on $ok_sock"
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/cat.reply") =~ ^Hello\ there,\ it\'s\ now\ $DATE_RE$ ]] ||
	    fail "catsock reply:" "$(cat "$BATS_TEST_TMPDIR/cat.reply")"
	udp_ask 127.0.0.1 "$p4" "$BATS_TEST_TMPDIR/time.reply"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/time.reply") -eq 4 ]] || fail "no 4-byte time datagram"
	(( $(log_count 'server started on (cat1|time) ') == 2 )) || fail "new services not started"
	# And dropped again: the new image closes what it did not adopt and
	# removes the socket file.
	good "\"127.0.0.1:$p1\"" | write_config
	hup 2
	[[ ! -e $ok_sock ]] || fail "$ok_sock left after its service was removed"
	if _port_listening tcp "$p3" "$pid" || _port_listening udp "$p4" "$pid"; then
		fail "removed addresses still open"
	fi
	hello_answers "$p1"
}
