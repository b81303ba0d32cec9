#!/usr/bin/env bats
# The spawner and the REAPER (spawnd(8), "DESCRIPTION"): one child per
# connection, every child reaped: after thousands of connections, 50 at a
# time, no zombie and not one descriptor more in the parent than before.

load lib/helpers
load lib/services

setup() { svc_setup; }
teardown() { svc_teardown; }

# hammer HOST PORT TOTAL CONCURRENCY: TOTAL hello connections, at most
# CONCURRENCY at a time; each must read a whole hello line (the name
# 127.0.0.1: the configurations resolve no names) and EOF.  Prints "ok N
# bad N clients N/N seconds S" and the commonest errors; fails if any
# connection failed.  tests/lib/client-load.py is the client.
hammer() {
	timeout 120 python3 "$TESTS_LIB/client-load.py" -n "$3" -c "$4" -t 20 \
	    -N '127\.0\.0\.1' "$1" "$2"
}

fd_count() {
	# shellcheck disable=SC2012 # an fd's name is a number
	ls "/proc/$1/fd" | wc -l
}

_no_children() {
	[[ -z $(ps --ppid "$1" -o pid= 2>/dev/null) ]]
}

# wait_no_children PID: until PID has no child at all (a zombie is a
# child, so a missed reap never gets there); on timeout show them.
wait_no_children() {
	wait_until 30 _no_children "$1" && return 0
	fail "children of $1 still there after 30 s:" \
	    "$(ps --ppid "$1" -o pid=,stat=,etime=,args=)"
}

# Descriptors of PID, one "fd -> target" per line, sockets by type only.
fd_list() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		printf '%s -> %s\n' "${fd##*/}" "$(readlink "$fd" | sed 's/:\[[0-9]*\]//')"
	done | sort -n
}

@test "2000 connections, 50 at a time: no zombie, no descriptor leaked" {
	local port before after zombies
	port=$(free_port)
	write_config <<-EOF
	$(config_globals)
	resolve_names = false
	max_children = 256
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$port"}
		max_instances = 0
		log_connections = false
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	# A first connection lets lazily opened things (syslog, DNS, ...) open
	# before counting.
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	wait_no_children "$SPAWND_PID"
	before=$(fd_count "$SPAWND_PID")
	fd_list "$SPAWND_PID" >"$BATS_TEST_TMPDIR/fds.before"
	run hammer 127.0.0.1 "$port" 2000 50
	echo "# reaper: 2000 conns, 50 at a time: $output" >&3
	assert_status 0
	wait_no_children "$SPAWND_PID"
	# shellcheck disable=SC2009 # the state column is what is counted
	zombies=$(ps --ppid "$SPAWND_PID" -o stat= | grep -c '^Z' || true)
	[[ $zombies -eq 0 ]] || fail "$zombies zombie children"
	after=$(fd_count "$SPAWND_PID")
	fd_list "$SPAWND_PID" >"$BATS_TEST_TMPDIR/fds.after"
	echo "# reaper: parent fds before $before, after $after" >&3
	[[ $after -eq $before ]] ||
	    fail "parent had $before descriptors before and $after after:" \
	    "$(diff "$BATS_TEST_TMPDIR/fds.before" "$BATS_TEST_TMPDIR/fds.after")"
	kill -0 "$SPAWND_PID" || fail "spawnd died under load"
}

@test "with connection logs on: every begat has its reaped, clean exit, no zombie" {
	local port n begat reaped exit0 cpids
	port=$(free_port)
	n=500
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	run hammer 127.0.0.1 "$port" "$n" 50
	echo "# reaper (logged): $output" >&3
	assert_status 0
	wait_no_children "$SPAWND_PID"
	wait_for_log "reaped [0-9]+ \(hello\)" "$n"
	begat=$(log_count "^spawnd\[$SPAWND_PID\]: begat [0-9]+ for hello$")
	reaped=$(log_count "^spawnd\[$SPAWND_PID\]: reaped [0-9]+ \(hello\)")
	# A clean exit: "with exit 0" or the bare form (spawnd(8),
	# "LOG MESSAGES").
	exit0=$(log_count "^spawnd\[$SPAWND_PID\]: reaped [0-9]+ \(hello\)( with exit 0)?$")
	[[ $begat -eq $n && $reaped -eq $n && $exit0 -eq $n ]] ||
	    fail "$n connections: $begat begat, $reaped reaped, $exit0 with exit 0"
	[[ $(log_count "connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on hello$") -eq $n ]] ||
	    fail "expected $n 'connection from' lines"
	# The same set of PIDs was begotten and reaped.
	cpids=$(comm -3 \
	    <(sed -nE 's/.*: begat ([0-9]+) for hello$/\1/p' "$SPAWND_LOG" | sort) \
	    <(sed -nE 's/.*: reaped ([0-9]+) \(hello\).*/\1/p' "$SPAWND_LOG" | sort))
	[[ -z $cpids ]] || fail "begat and reaped PIDs differ:" "$cpids"
}

@test "clients that vanish without reading still leave no zombie" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	# Connect and reset at once (SO_LINGER 0), 200 times.
	timeout 60 python3 - "$port" <<-'PY'
	import socket, struct, sys
	port = int(sys.argv[1])
	for _ in range(200):
	    s = socket.create_connection(('127.0.0.1', port), timeout=10)
	    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
	    s.close()
	PY
	wait_no_children "$SPAWND_PID"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "started with stdin and stdout closed: a child's fds 0-2 are /dev/null and stderr, never a listener" {
	local port child
	port=$(free_port)
	cat <<-EOF | write_config
	$(svc_globals)
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$port"}
	}
	EOF
	# As a careless init script might: no stdin, no stdout.
	(exec "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF") \
	    <&- >&- 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	spawnd_wait_ready
	[[ $(readlink "/proc/$SPAWND_PID/fd/0") == /dev/null &&
	    $(readlink "/proc/$SPAWND_PID/fd/1") == /dev/null ]] ||
	    fail "the parent's fds 0 and 1:" "$(fd_list "$SPAWND_PID")"
	exec 5<>"/dev/tcp/127.0.0.1/$port"
	wait_for_log "begat [0-9]+ for command$"
	child=$(sed -nE 's/.*begat ([0-9]+) for command$/\1/p' "$SPAWND_LOG")
	[[ $(readlink "/proc/$child/fd/0") == /dev/null &&
	    $(readlink "/proc/$child/fd/1") == /dev/null &&
	    $(readlink "/proc/$child/fd/2") == "$SPAWND_LOG" ]] ||
	    fail "child $child's fds:" "$(fd_list "$child")"
	exec 5>&-
	wait_for_log "reaped $child \(command\)"
}
