#!/usr/bin/env bats
# systemd's side of a reload, without systemd (issue 6; spawnd(8),
# "SIGNALS"): the readiness protocol on NOTIFY_SOCKET (READY=1,
# RELOADING=1 with MONOTONIC_USEC, STOPPING=1) and socket activation
# across reloads, with systemd-socket-activate.  tests/40-systemd.bats
# has the real systemd.  Helpers in tests/lib/reload.bash.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

@test "6: NOTIFY_SOCKET: READY=1 when listening, RELOADING=1 with MONOTONIC_USEC then READY=1 on reload, STOPPING=1" {
	local port d=$BATS_TEST_TMPDIR pid states usec at
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	notify_listen "$port"
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	# STATUS= lines (the summary for systemctl status) come and go with
	# the connections: tests/28-status-metrics.bats checks them.
	_notes() { (( $(grep '^[0-9]' "$d/notify.out" | grep -vc ' STATUS=') >= $1 )); }
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 1 || fail "no notification"
	hup 1
	hup 2
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 5 || fail "notifications: $(cat "$d/notify.out")"
	# A refused reload says nothing: nothing was reloaded.
	echo 'bogus_option = 1' >>"$SPAWND_CONF"
	kill -HUP "$pid"
	wait_for_log 'configuration has errors'
	kill -TERM "$pid"
	wait_for_exit "$pid" || fail "spawnd did not stop"
	SPAWND_PID=
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 6 || fail "no STOPPING=1: $(cat "$d/notify.out")"
	states=$(grep '^[0-9]' "$d/notify.out" | grep -v ' STATUS=' | cut -d' ' -f2- |
	    sed -E 's/MONOTONIC_USEC=[0-9]+/MONOTONIC_USEC=N/')
	echo "# notifications: $(echo "$states" | tr '\n' ';')" >&3
	[[ $states == "READY=1 connect ok
RELOADING=1|MONOTONIC_USEC=N
READY=1 connect ok
RELOADING=1|MONOTONIC_USEC=N
READY=1 connect ok
STOPPING=1" ]] || fail "unexpected notifications:" "$(cat "$d/notify.out")"
	# MONOTONIC_USEC is CLOCK_MONOTONIC when the reload began: at most
	# a few seconds before we received it.
	while read -r at usec; do
		(( at >= usec && at - usec < 5000000 )) ||
		    fail "MONOTONIC_USEC=$usec but received at $at"
	done < <(sed -nE 's/^([0-9]+) RELOADING=1\|MONOTONIC_USEC=([0-9]+)$/\1 \2/p' "$d/notify.out")
}

@test "6: socket activation: spawnd adopts the socket systemd passes, serves on it across reloads, and stops" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "systemd-socket-activate (package systemd) is not installed"
	local port ino pid i
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	(
		exec systemd-socket-activate -l "127.0.0.1:$port" \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	pid=$SPAWND_PID
	wait_for_port "$port"
	ino=$(ss -Hltne "sport = :$port" | grep -oE 'ino:[0-9]+')
	# systemd-socket-activate execs spawnd on the first connection,
	# which spawnd then serves from the queue of the passed socket.
	hello_answers "$port"
	spawnd_wait_ready
	assert_log "^spawnd\[$pid\]: spawnd [^ ]+ started with "
	# Had spawnd bound the address again it would have failed (the
	# address is taken by the passed socket) or shown a second socket.
	[[ $(ss -Hltnep "sport = :$port" | wc -l) -eq 1 ]] || fail "more than one listener"
	[[ $(ss -Hltnep "sport = :$port") == *"pid=$pid,fd=3)"*"$ino "* ]] ||
	    fail "spawnd does not listen on the passed socket (fd 3, $ino):" "$(ss -Hltnep "sport = :$port")"
	# Several connections in a row, then reloads and a stop: a passed
	# socket in blocking mode would hang spawnd in accept() with its
	# signals blocked.
	# shellcheck disable=SC2034 # i only counts
	for i in 1 2 3; do hello_answers "$port"; done
	hup 1
	hup 2
	# shellcheck disable=SC2034 # i only counts
	for i in 1 2 3; do hello_answers "$port"; done
	[[ $(ss -Hltne "sport = :$port") == *"$ino "* ]] || fail "the passed socket was replaced on reload"
	if tr '\0' '\n' <"/proc/$pid/environ" | grep -qE '^LISTEN_(PID|FDS)='; then
		fail "LISTEN_PID/LISTEN_FDS passed on to the re-executed image"
	fi
	stop_spawnd
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
}

@test "14: the fd store protocol: FDSTOREREMOVE then FDSTORE=1 with FDNAME and the service's sockets, at start and after a reload" {
	local port udp d=$BATS_TEST_TMPDIR
	port=$(free_port)
	udp=$(free_port)
	{
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
		printf 'service daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$udp"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$udp"
		printf 'service cat {\n\ttype = "catsock"\n\tlisten_stream = {"%s/cat.sock"}\n}\n' "$d"
	} | write_config
	notify_listen "$port"
	FDSTORE=16 start_spawnd -c "$SPAWND_CONF"
	_stored() { (( $(grep -c 'FDSTORE=1' "$d/notify.out") >= $1 )); }
	wait_until "$SPAWND_TEST_TIMEOUT" _stored 3 || fail "not stored:" "$(cat "$d/notify.out")"
	local states
	states=$(grep -E 'FDSTORE' "$d/notify.out" | cut -d' ' -f2-)
	[[ $states == "FDSTOREREMOVE=1|FDNAME=hello
FDSTORE=1|FDNAME=hello fds=tcp:127.0.0.1:$port
FDSTOREREMOVE=1|FDNAME=daytime
FDSTORE=1|FDNAME=daytime fds=tcp:127.0.0.1:$udp,udp:127.0.0.1:$udp
FDSTOREREMOVE=1|FDNAME=cat
FDSTORE=1|FDNAME=cat fds=unix:$d/cat.sock" ]] || fail "the store messages:" "$states"
	# Before READY=1: a restart in between finds them stored.
	[[ $(grep -nE 'FDSTORE=1|READY=1' "$d/notify.out" | tail -n 1) == *READY=1* ]] ||
	    fail "READY=1 came before the sockets were stored:" "$(cat "$d/notify.out")"
	# A reload that drops daytime: out of the store with it.
	sed -i '/^service daytime/,/^}/d' "$SPAWND_CONF"
	hup 1
	wait_until "$SPAWND_TEST_TIMEOUT" _stored 5 || fail "not stored again:" "$(cat "$d/notify.out")"
	states=$(sed -n '/RELOADING=1/,$p' "$d/notify.out" | grep FDSTORE | cut -d' ' -f2-)
	[[ $states == "FDSTOREREMOVE=1|FDNAME=daytime
FDSTOREREMOVE=1|FDNAME=hello
FDSTORE=1|FDNAME=hello fds=tcp:127.0.0.1:$port
FDSTOREREMOVE=1|FDNAME=cat
FDSTORE=1|FDNAME=cat fds=unix:$d/cat.sock" ]] || fail "after the reload:" "$states"
	# With the store, shutdown leaves the socket file for the next start.
	stop_spawnd
	[[ -S $d/cat.sock ]] || fail "the stored Unix socket's file was removed at shutdown"
}

@test "14: without FDSTORE nothing is stored, and the socket file goes at shutdown as before" {
	local port d=$BATS_TEST_TMPDIR
	port=$(free_port)
	{
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
		printf 'service cat {\n\ttype = "catsock"\n\tlisten_stream = {"%s/cat.sock"}\n}\n' "$d"
	} | write_config
	notify_listen "$port"
	start_spawnd -c "$SPAWND_CONF"
	wait_until "$SPAWND_TEST_TIMEOUT" grep -q READY=1 "$d/notify.out" || fail "no READY=1"
	stop_spawnd
	! grep -q FDSTORE "$d/notify.out" || fail "stored without FDSTORE:" "$(cat "$d/notify.out")"
	[[ ! -e $d/cat.sock ]] || fail "the socket file is left behind"
}

@test "14: LISTEN_FDNAMES: a socket goes to the service named after it, then by address; a name never moves a service" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "systemd-socket-activate (package systemd) is not installed"
	local port other pid
	port=$(free_port)
	other=$(free_port)
	# hello's address, named "hello": by its name.  second's, named
	# "stranger": by address.  A socket named "hello" at no address of
	# the configuration: left alone (it must not move hello there).
	{
		config_globals
		printf 'resolve_names = false\n'
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
		printf 'service second {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.3:%s"}\n}\n' "$port"
	} | write_config
	(
		exec systemd-socket-activate -l "127.0.0.2:$other" \
		    -l "127.0.0.3:$port" -l "127.0.0.1:$port" \
		    --fdname=hello:stranger:hello \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	pid=$SPAWND_PID
	wait_for_port "$port"
	hello_answers "$port"
	spawnd_wait_ready
	assert_log "^spawnd\\[$pid\\]: the socket \"hello\" from systemd on 127\\.0\\.0\\.2:$other is at none of the configuration's addresses; not used$"
	# fd 3 (127.0.0.2) closed; hello on fd 5 (its name), second on fd 4.
	[[ $(ss -Hltnp "sport = :$port") == *"pid=$pid,fd=4"*"pid=$pid,fd=5"* ||
	   $(ss -Hltnp "sport = :$port") == *"pid=$pid,fd=5"*"pid=$pid,fd=4"* ]] ||
	    fail "not adopted as passed:" "$(ss -Hltnp "sport = :$port")"
	fetch_tcp 127.0.0.3 "$port" "$BATS_TEST_TMPDIR/second" ||
	    fail "no hello from second"
	wait_for_log "connection from 127\\.0\\.0\\.1 .* on second$"
	hup 1
	hello_answers "$port"
	stop_spawnd
}
