#!/usr/bin/env bats
# Daemon mode (spawnd(8), "DESCRIPTION"; daemon(7)): the launching command
# returns only once the listeners are bound, or fails naming what failed;
# the daemon is detached properly and holds a locked pidfile.
#
# A daemon logs to syslog, so nothing here reads its log.

load lib/helpers

# daemon_config PORT [EXTRA-ADDRESS...]: hello on 127.0.0.1:PORT (and the
# extra addresses), the test's pidfile, default log target (syslog).
daemon_config() {
	local port=$1 a list
	shift
	list="\"127.0.0.1:$port\""
	for a in "$@"; do
		list+=", \"$a\""
	done
	cat <<-EOF
	pidfile = "$SPAWND_PIDFILE"
	resolve_names = false
	service hello {
		type = "hello"
		listen_stream = {$list}
	}
	EOF
}

# launch [--tty] ARG...: run "spawnd ARG..." (no -f) to completion, as an
# admin would, under a 20 s timeout; with --tty on a pseudo-terminal that
# becomes its controlling tty.  Sets LAUNCH_STATUS; the launcher's output
# is in launch.out / launch.err.  The daemon named by the pidfile
# (SPAWND_PIDFILE, or -p's argument) is remembered for teardown.
launch() {
	local tty=0 cmd a pidfile=$SPAWND_PIDFILE prev=
	if [[ $1 == --tty ]]; then
		tty=1
		shift
	fi
	for a in "$@"; do
		[[ $prev == -p ]] && pidfile=$a
		prev=$a
	done
	if (( tty )); then
		printf -v cmd '%q ' "$SPAWND" "$@"
		timeout 20 script -qec "exec $cmd" /dev/null
	else
		timeout 20 "$SPAWND" "$@"
	fi </dev/null >"$BATS_TEST_TMPDIR/launch.out" \
	    2>"$BATS_TEST_TMPDIR/launch.err" 3>&- &&
	    LAUNCH_STATUS=0 || LAUNCH_STATUS=$?
	LAUNCH_ERR=$(cat "$BATS_TEST_TMPDIR/launch.err")
	if [[ -s $pidfile ]]; then
		DAEMON_PID=$(<"$pidfile")
		track_daemon "$DAEMON_PID"
	fi
}

# Field N (1-based, as in proc(5)) of /proc/PID/stat.
stat_field() {
	local rest
	local -a f
	rest=$(<"/proc/$1/stat")
	rest=${rest##*) }	# the command name may hold spaces
	read -ra f <<<"$rest"
	echo "${f[$2 - 3]}"
}

@test "the launcher exits 0 only once every listener is bound" {
	local port
	port=$(free_port)
	mkdir "$BATS_TEST_TMPDIR/run"
	daemon_config "$port" "$BATS_TEST_TMPDIR/hello.sock" | write_config
	cd "$BATS_TEST_TMPDIR/run"
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	# No waiting of any kind: the contract is that it is ready now.
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply" ||
	    fail "connecting right after the launcher returned failed"
	fetch_unix "$BATS_TEST_TMPDIR/hello.sock" "$BATS_TEST_TMPDIR/ureply" ||
	    fail "the Unix socket did not answer right after the launcher returned"
	[[ -s $SPAWND_PIDFILE ]] || fail "no pidfile when the launcher returned"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "launcher status is 0 and it prints nothing on success" {
	local port
	port=$(free_port)
	daemon_config "$port" | write_config
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	# But the warning that its log goes nowhere, on a host where
	# nothing reads /dev/log (tests/11-start-errors.bats).
	# shellcheck disable=SC2143 # not grep -q: an empty LAUNCH_ERR is one empty line
	[[ -z $(grep -v '^spawnd: warning: /dev/log: ' <<<"$LAUNCH_ERR") ]] ||
	    fail "launcher wrote to stderr:" "$LAUNCH_ERR"
	[[ -n ${DAEMON_PID:-} ]] || fail "no PID in the pidfile"
	kill -0 "$DAEMON_PID" || fail "PID $DAEMON_PID from the pidfile is not running"
	[[ $(<"/proc/$DAEMON_PID/comm") == spawnd ]] || fail "PID $DAEMON_PID is not spawnd"
}

@test "the daemon: cwd /, fds 0-2 on /dev/null, no tty, not a session or group leader, umask 022, no stray fds" {
	local port fd target pid sid pgid tty
	port=$(free_port)
	daemon_config "$port" | write_config
	# A stray descriptor the daemon must not keep, and a terminal it must
	# leave behind.
	exec {stray}>"$BATS_TEST_TMPDIR/stray-marker"
	launch --tty -c "$SPAWND_CONF"
	exec {stray}>&-
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR" \
	    "$(cat "$BATS_TEST_TMPDIR/launch.out")"
	pid=$DAEMON_PID
	kill -0 "$pid" || fail "daemon $pid not running"
	[[ $(readlink "/proc/$pid/cwd") == / ]] ||
	    fail "cwd is $(readlink "/proc/$pid/cwd"), not /"
	for fd in 0 1 2; do
		target=$(readlink "/proc/$pid/fd/$fd") || fail "fd $fd is closed"
		[[ $target == /dev/null ]] || fail "fd $fd is $target, not /dev/null"
	done
	tty=$(stat_field "$pid" 7)
	[[ $tty -eq 0 ]] || fail "controlling tty tty_nr=$tty"
	pgid=$(stat_field "$pid" 5)
	sid=$(stat_field "$pid" 6)
	[[ $pid -ne $sid ]] || fail "the daemon is a session leader (pid = sid = $pid)"
	[[ $pid -ne $pgid ]] || fail "the daemon is a process group leader (pid = pgid = $pid)"
	if grep -q '^Umask:' "/proc/$pid/status"; then
		[[ $(awk '/^Umask:/ { print $2 }' "/proc/$pid/status") == 0022 ]] ||
		    fail "umask is not 022: $(grep '^Umask:' "/proc/$pid/status")"
	fi
	for fd in /proc/"$pid"/fd/*; do
		target=$(readlink "$fd") || continue
		case $target in
		*stray-marker | *launch.out | *launch.err | /dev/pts/* | /dev/tty*)
			fail "the daemon kept fd ${fd##*/} -> $target";;
		esac
	done
}

@test "the pidfile holds the daemon's PID and is locked: a second instance refuses, exit 69" {
	local port port2 first
	port=$(free_port)
	port2=$(free_port)
	daemon_config "$port" | write_config
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	first=$DAEMON_PID
	[[ $(<"$SPAWND_PIDFILE") == "$first" ]] || fail "pidfile does not hold $first"
	# Same pidfile, another port: only the pidfile can stop it.
	daemon_config "$port2" | write_config second.conf
	launch -c "$BATS_TEST_TMPDIR/second.conf"
	[[ $LAUNCH_STATUS -eq 69 ]] ||
	    fail "second daemon: expected exit 69, got $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ $LAUNCH_ERR == *"already running as PID $first"* ]] ||
	    fail "expected 'already running as PID $first' on stderr, got:" "$LAUNCH_ERR"
	# The same in the foreground.
	run timeout 10 "$SPAWND" -f -c "$BATS_TEST_TMPDIR/second.conf" 3>&-
	[[ $status -eq 69 ]] || fail "second (-f): expected exit 69, got $status:" "$output"
	assert_output_has "already running as PID $first"
	! tcp_accepts 127.0.0.1 "$port2" || fail "a refused instance bound $port2"
	# The first one is untouched.
	[[ $(<"$SPAWND_PIDFILE") == "$first" ]] || fail "pidfile changed to $(<"$SPAWND_PIDFILE")"
	kill -0 "$first" || fail "the first daemon died"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	[[ -z $(our_spawnds "$first") ]] ||
	    fail "refused instances left processes: $(our_spawnds "$first")"
}

@test "a stale pidfile (no lock holder) does not stop a start" {
	local port
	port=$(free_port)
	daemon_config "$port" | write_config
	echo 999999 >"$SPAWND_PIDFILE"
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ $DAEMON_PID != 999999 ]] || fail "the pidfile was not rewritten"
	kill -0 "$DAEMON_PID"
}

@test "port in use: the launcher exits 69 or 71 naming the address, nothing is left running" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"		# the foreground one holds the port
	SPAWND_PIDFILE=$BATS_TEST_TMPDIR/second.pid
	daemon_config "$port" | write_config second.conf
	launch -c "$BATS_TEST_TMPDIR/second.conf"
	[[ $LAUNCH_STATUS -eq 69 || $LAUNCH_STATUS -eq 71 ]] ||
	    fail "expected exit 69 or 71, got $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ $LAUNCH_ERR == *"127.0.0.1:$port"* ]] ||
	    fail "stderr does not name 127.0.0.1:$port:" "$LAUNCH_ERR"
	[[ $LAUNCH_ERR == *"$(python3 -c 'import os, errno; print(os.strerror(errno.EADDRINUSE))')"* ]] ||
	    fail "stderr does not say why (strerror):" "$LAUNCH_ERR"
	[[ ! -e $BATS_TEST_TMPDIR/second.pid ]] || fail "the failed daemon left its pidfile"
	[[ -z $(our_spawnds "$SPAWND_PID") ]] ||
	    fail "the failed start left processes: $(our_spawnds "$SPAWND_PID")"
	# The same in the foreground.
	run timeout 10 "$SPAWND" -f -c "$BATS_TEST_TMPDIR/second.conf" 3>&-
	[[ $status -eq 69 || $status -eq 71 ]] ||
	    fail "(-f) expected exit 69 or 71, got $status:" "$output"
	assert_output_has "127.0.0.1:$port"
}

@test "a bad configuration fails the launcher with exit 78 and FILE:LINE, before detaching" {
	write_config <<-EOF
	pidfile = "$SPAWND_PIDFILE"
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:99999"}
	}
	EOF
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 78 ]] || fail "expected exit 78, got $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ $LAUNCH_ERR =~ $(re_quote "$SPAWND_CONF"):(4|2):\  ]] ||
	    fail "expected '$SPAWND_CONF:4: ...' on stderr, got:" "$LAUNCH_ERR"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "a pidfile was written"
	[[ -z $(our_spawnds) ]] || fail "processes left: $(our_spawnds)"
}

@test "a relative Unix path still works after the daemon's chdir(\"/\")" {
	local port run
	port=$(free_port)
	mkdir "$BATS_TEST_TMPDIR/run"
	run=$(cd "$BATS_TEST_TMPDIR/run" && pwd -P)
	daemon_config "$port" "rel.sock" | write_config
	cd "$run"
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ -S $run/rel.sock ]] || fail "no socket at $run/rel.sock"
	fetch_unix "$run/rel.sock" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '[^,]*' any
}

@test "relative -c and -p name files in the start directory" {
	local port run
	port=$(free_port)
	mkdir "$BATS_TEST_TMPDIR/run"
	run=$(cd "$BATS_TEST_TMPDIR/run" && pwd -P)
	daemon_config "$port" | write_config "$run/my.conf"
	cd "$run"
	launch -c my.conf -p my.pid
	# (teardown finds the daemon through our_spawnds wherever its
	# pidfile went)
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	[[ -s $run/my.pid ]] || fail "no pidfile at $run/my.pid"
	[[ $(<"$run/my.pid") == "$(our_spawnds)" ]] ||
	    fail "$run/my.pid holds $(<"$run/my.pid"), our daemon is $(our_spawnds)"
	tcp_accepts 127.0.0.1 "$port" || fail "not listening on $port"
}

@test "SIGTERM: the daemon removes its pidfile and its socket file and exits" {
	local port pid
	port=$(free_port)
	daemon_config "$port" "$BATS_TEST_TMPDIR/hello.sock" | write_config
	launch -c "$SPAWND_CONF"
	[[ $LAUNCH_STATUS -eq 0 ]] || fail "launcher exit $LAUNCH_STATUS:" "$LAUNCH_ERR"
	pid=$DAEMON_PID
	kill -TERM "$pid"
	wait_for_exit "$pid" || fail "daemon $pid still running ${SPAWND_TEST_TIMEOUT}s after SIGTERM"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile still there"
	[[ ! -e $BATS_TEST_TMPDIR/hello.sock ]] || fail "socket file still there"
	! tcp_accepts 127.0.0.1 "$port" || fail "port $port still accepts"
}
