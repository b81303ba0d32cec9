#!/usr/bin/env bats
# Shutdown (issue 6; spawnd(8), "SIGNALS"): SIGTERM and SIGINT, after a
# reload too, close the sessions, remove the pidfile and the Unix socket
# files, and exit 0; a child that does not end on SIGTERM is killed once
# shutdown_grace has passed.  Helpers in tests/lib/reload.bash.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

_stopped() { [[ $(ps -o stat= -p "$1") == T* ]]; }

@test "5: SIGTERM and SIGINT: open session closed, exit 0, pidfile and Unix socket removed" {
	local sig port sock
	for sig in TERM INT; do
		port=$(free_port)
		sock=$BATS_TEST_TMPDIR/cat-$sig.sock
		: >"$SPAWND_LOG"
		{
			svc_globals
			printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
			printf 'service catsock {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$sock"
		} | write_config
		start_spawnd -c "$SPAWND_CONF"
		[[ -S $sock ]] || fail "no socket file $sock"
		session_open "s$sig" 127.0.0.1 "$port"
		session_wait "s$sig" 'Command? '
		# After a reload too: the re-executed image owns the files now.
		hup 1
		local pid=$SPAWND_PID
		kill -"$sig" "$pid"
		wait_for_exit "$pid" || fail "spawnd did not exit on SIG$sig"
		SPAWND_PID=
		wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
		(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS on SIG$sig"
		session_closed "s$sig"
		[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile left after SIG$sig"
		[[ ! -e $sock ]] || fail "Unix socket file left after SIG$sig"
		assert_log "^spawnd\[$pid\]: shutting down$"
		assert_log "^spawnd\[$pid\]: reaped [0-9]+ \(command\) killed by signal 15$"
		if tcp_accepts 127.0.0.1 "$port"; then
			fail "port $port still accepts"
		fi
	done
}

@test "5: shutdown_grace: a child that does not end on SIGTERM is killed after the grace period" {
	local port child pid t0 t1
	port=$(free_port)
	{
		svc_globals
		printf 'shutdown_grace = 2\n'
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	session_open a 127.0.0.1 "$port"
	session_wait a 'Command? '
	wait_for_log "begat [0-9]+ for command$"
	child=$(grep -oE "begat [0-9]+ for command" "$SPAWND_LOG" | awk '{ print $2 }')
	# Children reset every signal, so none can ignore SIGTERM; a stopped
	# child does not act on it either (it stays pending), just like a
	# hung one.  SIGKILL ends it all the same.
	kill -STOP "$child"
	# Stopped for real before spawnd sends SIGTERM: a child not yet
	# scheduled would take the lower-numbered SIGTERM first, and die.
	wait_until "$SPAWND_TEST_TIMEOUT" _stopped "$child" ||
	    fail "child $child did not stop: $(ps -o pid,stat -p "$child")"
	pid=$SPAWND_PID
	t0=${EPOCHREALTIME/./}
	kill -TERM "$pid"
	wait_for_exit "$pid" 15 || fail "spawnd still running 15 s after SIGTERM"
	t1=${EPOCHREALTIME/./}
	SPAWND_PID=
	wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
	echo "# exit $(( (t1 - t0) / 1000 )) ms after SIGTERM with shutdown_grace = 2" >&3
	(( t1 - t0 >= 1900000 )) || fail "exited after $(( (t1 - t0) / 1000 )) ms, before the grace period"
	(( t1 - t0 < 8000000 )) || fail "exited after $(( (t1 - t0) / 1000 )) ms"
	assert_log "^spawnd\[$pid\]: killing 1 children left after 2 s$"
	assert_log "^spawnd\[$pid\]: reaped $child \(command\) killed by signal 9$"
	session_closed a
	if ps -p "$child" >/dev/null; then
		fail "child $child still exists"
	fi
	[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile left"
}
