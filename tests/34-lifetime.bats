#!/usr/bin/env bats
# Exec sessions that are not cut, and max_lifetime (spawnd.conf(5),
# "Service sections"; issue 25 point 2).  idle_timeout never ends an
# exec program, stream or wait (spawnd cannot see its traffic);
# max_lifetime ends a child of any type at a total age: SIGTERM, SIGKILL
# shutdown_grace later, logged as "reaped PID (SERVICE) at max_lifetime"
# and counted by the metrics.  A reload in the middle keeps a child's
# age.  idle_timeout of the other types is tests/34-idle.bats.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/hostile
load lib/reload

setup() {
	hostile_setup
	PORT=$(free_port)
}

teardown() { hostile_teardown; }

# within LOW HIGH VALUE: LOW <= VALUE <= HIGH (decimals).
within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v >= l && v <= h) }'; }

# typer PORT INTERVAL COUNT [OUT]: tests/lib/line-typer.py on 127.0.0.1.
typer() {
	timeout 60 python3 "$TESTS_LIB/line-typer.py" 127.0.0.1 "$@"
}

# exec_service NAME PORT EXEC [LINE...]: a section of type exec.
exec_service() {
	local name=$1 port=$2 cmd=$3 line
	shift 3
	printf 'service %s {\n\ttype = "exec"\n\texec = "%s"\n' "$name" "$cmd"
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$port"
	for line in "$@"; do printf '\t%s\n' "$line"; done
	printf '}\n'
}

@test "exec: a client typing a line a second for 10 s (idle_timeout = 2) gets every line back" {
	{
		svc_globals
		exec_service cat "$PORT" /bin/cat 'idle_timeout = 2'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	run typer "$PORT" 1 10
	assert_status 0
	echo "# $output" >&3
	[[ $output == "typed=10 back=10 end=done "* ]] ||
	    fail "the session was cut: $output"
	wait_for_log "reaped [0-9]+ \(cat\)$"
	[[ $(log_count "killed by signal|at max_lifetime") -eq 0 ]] ||
	    fail "the child was ended by spawnd" "$(cat "$SPAWND_LOG")"
}

@test "exec wait (datagram): idle_timeout never ends the program; max_lifetime does, and the socket is served again" {
	local quiet ended
	quiet=$(free_port)
	ended=$(free_port)
	# Answers each datagram with its pid; leaves after ARG s without one
	# (0: never).
	cat >"$SVC_DIR/udp-pid" <<-'PY'
	#!/usr/bin/python3
	import os, socket, sys
	s = socket.socket(fileno=0)
	s.settimeout(float(sys.argv[1]) or None)
	while True:
	    try:
	        data, peer = s.recvfrom(512)
	    except socket.timeout:
	        break
	    s.sendto(b'%d' % os.getpid(), peer)
	PY
	chmod 755 "$SVC_DIR/udp-pid"
	write_config <<-EOF
	$(svc_globals)
	service quiet {
		type = "exec"
		listen_datagram = {"127.0.0.1:$quiet"}
		wait = true
		exec = "$SVC_DIR/udp-pid 3"
		idle_timeout = 1
	}
	service ended {
		type = "exec"
		listen_datagram = {"127.0.0.1:$ended"}
		wait = true
		exec = "$SVC_DIR/udp-pid 0"
		idle_timeout = 1
		max_lifetime = 2
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	# Four datagrams, 0.8 s apart: 2.4 s of one child's life, idle_timeout 1.
	run timeout 30 python3 - "$quiet" "$ended" <<-'PY'
	import socket, sys, time
	def ask(port):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.settimeout(3)
	    s.sendto(b'?', ('127.0.0.1', port))
	    try:
	        return s.recv(64).decode()
	    except socket.timeout:
	        return 'none'
	quiet, ended = int(sys.argv[1]), int(sys.argv[2])
	pids = []
	for i in range(4):
	    pids.append(ask(quiet))
	    time.sleep(0.8)
	first = ask(ended)
	start = time.monotonic()
	# The same child answers until max_lifetime; then a new one.
	while time.monotonic() - start < 10:
	    now = ask(ended)
	    if now != first:
	        break
	    time.sleep(0.2)
	print('quiet=%s ended=%s,%s after=%.1f' % (','.join(pids), first, now,
	      time.monotonic() - start))
	PY
	assert_status 0
	echo "# $output" >&3
	[[ $output =~ ^quiet=([0-9]+),([0-9]+),([0-9]+),([0-9]+)\  ]] &&
	    [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[4]}" ]] ||
	    fail "idle_timeout ended the wait program (pids differ): $output"
	[[ $output =~ ended=([0-9]+),([0-9]+)\  ]] &&
	    [[ ${BASH_REMATCH[1]} != "${BASH_REMATCH[2]}" ]] ||
	    fail "the wait service was not served again after max_lifetime: $output"
	assert_log "reaped ${BASH_REMATCH[1]} \(ended\) at max_lifetime$"
	[[ $(log_count "\(quiet\) (killed by signal|at max_lifetime)|wait child .* failed") -eq 0 ]] ||
	    fail "a wait child was taken for a failure" "$(cat "$SPAWND_LOG")"
}

@test "exec: max_lifetime = 2 ends a working session at about 2 s, logged and counted; a shorter session is left alone; the parent never spins" {
	local long metrics ticks
	long=$(free_port)
	metrics=$(free_port)
	{
		svc_globals
		exec_service cat "$PORT" /bin/cat 'max_lifetime = 2'
		exec_service long "$long" /bin/cat 'max_lifetime = 30'
		printf 'service metrics {\n\ttype = "metrics"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$metrics"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	ticks=$(cpu_ticks "$SPAWND_PID")
	run typer "$PORT" 0.5 20
	assert_status 0
	echo "# $output" >&3
	[[ $output == *" end=cut "* ]] || fail "not ended: $output"
	within 1.8 6 "$(kv seconds "$output")" ||
	    fail "ended after $(kv seconds "$output") s, want about 2"
	(( $(kv back "$output") >= 3 )) || fail "lines lost before the end: $output"
	wait_for_log "reaped [0-9]+ \(cat\) at max_lifetime$"
	run typer "$long" 0.2 5
	[[ $output == "typed=5 back=5 end=done "* ]] || fail "cut: $output"
	wait_for_log "reaped [0-9]+ \(long\)$"
	# Its deadline (30 s) is still ahead: the loop sleeps until then.
	(( $(cpu_ticks "$SPAWND_PID") - ticks < 30 )) ||
	    fail "the parent used $(( $(cpu_ticks "$SPAWND_PID") - ticks )) ticks"
	timeout 5 curl -s "http://127.0.0.1:$metrics/metrics" >"$BATS_TEST_TMPDIR/m"
	grep -qx 'spawnd_child_exits_total{service="cat",how="max_lifetime"} 1' \
	    "$BATS_TEST_TMPDIR/m" && grep -qx \
	    'spawnd_child_exits_total{service="cat",how="signal"} 0' \
	    "$BATS_TEST_TMPDIR/m" && grep -qx \
	    'spawnd_child_exits_total{service="long",how="ok"} 1' \
	    "$BATS_TEST_TMPDIR/m" ||
	    fail "metrics:" "$(grep child_exits "$BATS_TEST_TMPDIR/m")"
}

@test "max_lifetime ends built-in sessions too: command and echo with a silent client, logged even without log_connections" {
	local eport took
	eport=$(free_port)
	write_config <<-EOF
	$(svc_globals)
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		idle_timeout = 30
		max_lifetime = 2
	}
	service echo {
		type = "echo"
		listen_stream = {"127.0.0.1:$eport"}
		idle_timeout = 30
		max_lifetime = 2
		log_connections = false
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	took=$(svc_session 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/cmd" '' hold)
	within 1.8 6 "$took" || fail "command ended after ${took}s, want about 2"
	grep -q 'timed out' "$BATS_TEST_TMPDIR/cmd" &&
	    fail "ended by idle_timeout, not max_lifetime"
	took=$(svc_session 127.0.0.1 "$eport" "$BATS_TEST_TMPDIR/echo" 'hi\n' hold)
	within 1.8 6 "$took" || fail "echo ended after ${took}s, want about 2"
	assert_bytes "$BATS_TEST_TMPDIR/echo" 'hi\n'
	wait_for_log "reaped [0-9]+ \(command\) at max_lifetime$"
	wait_for_log "reaped [0-9]+ \(echo\) at max_lifetime$"
}

@test "max_lifetime: a program that ignores SIGTERM gets SIGKILL shutdown_grace later" {
	printf '#!/bin/sh\ntrap "" TERM\nexec cat\n' >"$SVC_DIR/stubborn"
	chmod 755 "$SVC_DIR/stubborn"
	{
		svc_globals
		printf 'shutdown_grace = 1\n'
		exec_service stubborn "$PORT" "$SVC_DIR/stubborn" 'max_lifetime = 1'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	run typer "$PORT" 0.5 20
	echo "# $output" >&3
	[[ $output == *" end=cut "* ]] || fail "not ended: $output"
	within 1.8 6 "$(kv seconds "$output")" ||
	    fail "ended after $(kv seconds "$output") s, want about 2 (1 + grace 1)"
	wait_for_log "reaped [0-9]+ \(stubborn\) at max_lifetime$"
	assert_log "[0-9]+ \(stubborn\) still alive 1 s after its SIGTERM at max_lifetime: SIGKILL$"
}

@test "max_lifetime: a reload in the middle of a session keeps its age (and status shows it)" {
	local out=$BATS_TEST_TMPDIR/typed pid status age
	status=$(free_port)
	{
		svc_globals
		exec_service cat "$PORT" /bin/cat 'max_lifetime = 6'
		printf 'service status {\n\ttype = "status"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$status"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	typer "$PORT" 0.5 40 "$out" >"$BATS_TEST_TMPDIR/result" 3>&- &
	HOLDERS+=("$!")
	# Three seconds into the session (line 6 came back), reload.
	wait_until 10 grep -q 'line 6' "$out" || fail "no session"
	pid=$(grep -oE 'begat [0-9]+ for cat' "$SPAWND_LOG" | grep -oE '[0-9]+')
	hup 1
	fetch_tcp 127.0.0.1 "$status" "$BATS_TEST_TMPDIR/status" || fail "no status"
	age=$(tr -d '\r' <"$BATS_TEST_TMPDIR/status" | awk -v p="$pid" '$1 == p { print $NF }')
	(( age >= 3 )) || fail "the adopted child's age is '$age':" "$(cat "$BATS_TEST_TMPDIR/status")"
	wait_until 15 grep -q end= "$BATS_TEST_TMPDIR/result" ||
	    fail "the session is still open"
	echo "# $(<"$BATS_TEST_TMPDIR/result")" >&3
	[[ $(<"$BATS_TEST_TMPDIR/result") == *" end=cut "* ]] ||
	    fail "not ended: $(<"$BATS_TEST_TMPDIR/result")"
	# Kept: 6 s; counted again from the reload: 9 s or more.
	within 5.8 8.5 "$(kv seconds "$(<"$BATS_TEST_TMPDIR/result")")" ||
	    fail "ended after $(kv seconds "$(<"$BATS_TEST_TMPDIR/result")") s, want 6"
	wait_for_log "reaped $pid \(cat\) at max_lifetime$"
}

@test "max_lifetime: reloads after the SIGTERM do not put off the SIGKILL (a program that ignores SIGTERM, reloads faster than shutdown_grace)" {
	local out=$BATS_TEST_TMPDIR/typed n=0
	printf '#!/bin/sh\ntrap "" TERM\nexec cat\n' >"$SVC_DIR/stubborn"
	chmod 755 "$SVC_DIR/stubborn"
	{
		svc_globals
		printf 'shutdown_grace = 4\n'
		exec_service stubborn "$PORT" "$SVC_DIR/stubborn" 'max_lifetime = 1'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	: >"$out"
	typer "$PORT" 0.5 60 "$out" >"$BATS_TEST_TMPDIR/result" 3>&- &
	HOLDERS+=("$!")
	# Past max_lifetime: its SIGTERM is due.
	wait_until 10 grep -q 'line 4' "$out" || fail "no session"
	# Reload after reload, for 20 s at most: the SIGKILL is due 4 s
	# after the SIGTERM, whatever image keeps the deadline.
	SECONDS=0
	while ! grep -q end= "$BATS_TEST_TMPDIR/result" && (( SECONDS < 20 )); do
		hup $(( ++n ))
	done
	echo "# $n reloads; $(<"$BATS_TEST_TMPDIR/result")" >&3
	grep -q end= "$BATS_TEST_TMPDIR/result" ||
	    fail "still open after $n reloads in $SECONDS s"
	[[ $(<"$BATS_TEST_TMPDIR/result") == *" end=cut "* ]] ||
	    fail "not ended: $(<"$BATS_TEST_TMPDIR/result")"
	wait_for_log "reaped [0-9]+ \(stubborn\) at max_lifetime$"
	assert_log "[0-9]+ \(stubborn\) still alive 4 s after its SIGTERM at max_lifetime: SIGKILL$"
}

@test "max_lifetime: a program that ignores SIGTERM still gets its SIGKILL when a reload removes its service" {
	local out=$BATS_TEST_TMPDIR/typed
	printf '#!/bin/sh\ntrap "" TERM\nexec cat\n' >"$SVC_DIR/stubborn"
	chmod 755 "$SVC_DIR/stubborn"
	{
		svc_globals
		printf 'shutdown_grace = 3\n'
		exec_service stubborn "$PORT" "$SVC_DIR/stubborn" 'max_lifetime = 1'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	: >"$out"
	typer "$PORT" 0.5 200 "$out" >"$BATS_TEST_TMPDIR/result" 3>&- &
	HOLDERS+=("$!")
	# Past max_lifetime: its SIGTERM is due, then gone from the configuration.
	wait_until 10 grep -q 'line 4' "$out" || fail "no session"
	{
		svc_globals
		printf 'shutdown_grace = 3\n'
		exec_service renamed "$PORT" "$SVC_DIR/stubborn"
	} | write_config
	hup 1
	# Its SIGKILL was due 3 s after the SIGTERM; the typer would go on 100 s.
	wait_until 30 grep -q end= "$BATS_TEST_TMPDIR/result" ||
	    fail "still open 30 s after its SIGTERM" "$(tail -3 "$out")"
	echo "# $(<"$BATS_TEST_TMPDIR/result")" >&3
	[[ $(<"$BATS_TEST_TMPDIR/result") == *" end=cut "* ]] ||
	    fail "not ended: $(<"$BATS_TEST_TMPDIR/result")"
	assert_log "[0-9]+ \(-\) still alive 3 s after its SIGTERM at max_lifetime: SIGKILL$"
}

@test "spawnd -t: max_lifetime must be a number from 0 to 2592000" {
	write_config <<-EOF
	$(svc_globals)
	service cat {
		type = "exec"
		exec = "/bin/cat"
		listen_stream = {"127.0.0.1:$PORT"}
		max_lifetime = -1
	}
	EOF
	expect_error "max_lifetime = -1: must be from 0 to 2592000" \
	    "$(line_of 'max_lifetime')"
	sed -i 's/max_lifetime = -1/max_lifetime = 2592001/' "$SPAWND_CONF"
	expect_error "max_lifetime = 2592001: must be from 0 to 2592000" \
	    "$(line_of 'max_lifetime')"
	sed -i 's/max_lifetime = 2592001/max_lifetime = 2592000/' "$SPAWND_CONF"
	expect_ok
}
