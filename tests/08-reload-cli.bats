#!/usr/bin/env bats
# spawnd -r (issue 25, spawnd(8) OPTIONS and FILES): it checks the
# configuration as -t does, signals the spawnd that holds the pidfile and
# waits for the outcome the daemon publishes beside it (spawnd.reload):
# exit 0 "reloaded, PID N" once the new configuration is served, 1 with
# the daemon's "reload refused: ..." on stderr, 1 "reload not attempted"
# on configuration errors (nothing signalled), 69 when nothing runs.
# tests/40-systemd.bats has it as the unit's ExecReload.
# Helpers in tests/lib/reload.bash.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/reload

setup() {
	svc_setup
	OUTCOME=$BATS_TEST_TMPDIR/spawnd.reload
}

teardown() {
	[[ -z ${BLOCKER:-} ]] || { kill "$BLOCKER" 2>/dev/null; wait "$BLOCKER" 2>/dev/null; }
	svc_teardown
	local m
	for m in ${MOUNTED:-}; do umount "$m" || true; done
}

# reload_cli [ARG...]: `run` spawnd -r -c $SPAWND_CONF ARG..., bounded
# above its own 60 s wait, stdout and stderr apart.
reload_cli() {
	run --separate-stderr timeout 75 "$SPAWND" -r -c "$SPAWND_CONF" "$@"
}

# start_hello: spawnd serving hello on P1; P2 is free for a reload to add.
start_hello() {
	P1=$(free_port)
	P2=$(free_port)
	hello_config "127.0.0.1:$P1" | write_config
	start_spawnd -c "$SPAWND_CONF"
}

# block_port PORT: another program holds 127.0.0.1:PORT (for 60 s).
block_port() {
	timeout 70 python3 "$TESTS_LIB/tcp-blocker.py" "$1" \
	    "$BATS_TEST_TMPDIR/blocker.ready" 60 </dev/null >/dev/null 2>&1 3>&- &
	BLOCKER=$!
	wait_until "$SPAWND_TEST_TIMEOUT" test -e "$BATS_TEST_TMPDIR/blocker.ready" ||
	    fail "the blocker did not start"
}

@test "25: -r reloads: exit 0, 'reloaded, PID N' (the same PID), the new address answers the moment it returns; the outcome file, gone at exit" {
	local pid
	start_hello
	pid=$SPAWND_PID
	[[ $(<"$OUTCOME") == "0 started" ]] || fail "at start: $(cat "$OUTCOME")"
	hello_config "127.0.0.1:$P1" "127.0.0.1:$P2" | write_config
	reload_cli
	assert_status 0
	[[ $output == "reloaded, PID $pid" && -z $stderr ]] ||
	    fail "stdout: $output" "stderr: $stderr"
	# No wait: served when -r returned.
	hello_answers "$P2"
	hello_answers "$P1"
	[[ $(<"$OUTCOME") == "1 reloaded" ]] || fail "outcome file: $(cat "$OUTCOME")"
	kill -0 "$pid" || fail "spawnd died"
	assert_log "^spawnd\\[$pid\\]: spawnd [^ ]+ reloaded with "
	# Again, with -p naming the pidfile: each attempt has its number.
	reload_cli -p "$SPAWND_PIDFILE"
	assert_status 0
	[[ $(<"$OUTCOME") == "2 reloaded" ]] || fail "outcome file: $(cat "$OUTCOME")"
	[[ $(stat -c '%u %a' "$OUTCOME") == "$(id -u) 644" ]] ||
	    fail "owner and mode: $(stat -c '%u %a' "$OUTCOME")"
	stop_spawnd
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
	[[ ! -e $OUTCOME && ! -e $SPAWND_PIDFILE ]] || fail "left behind:" "$(ls -l "$BATS_TEST_TMPDIR")"
	[[ -z $(find "$BATS_TEST_TMPDIR" -name 'spawnd.reload.*') ]] || fail "a temporary file is left"
}

@test "25: -r refused (an address another program holds): exit 1, the daemon's reason on stderr, the old configuration still served" {
	local pid
	start_hello
	pid=$SPAWND_PID
	block_port "$P2"
	hello_config "127.0.0.1:$P1" "127.0.0.1:$P2" | write_config
	reload_cli
	assert_status 1
	[[ -z $output ]] || fail "stdout: $output"
	[[ $stderr == "reload refused: $SPAWND_CONF:"*": service \"hello\": 127.0.0.1:$P2: bind: "*"Address already in use; still running with the old configuration" ]] ||
	    fail "stderr: $stderr"
	# As the daemon logged it.
	assert_log "^spawnd\\[$pid\\]: $(re_quote "$stderr")\$"
	[[ $(<"$OUTCOME") == "1 refused $SPAWND_CONF:"*": service \"hello\": 127.0.0.1:$P2: bind: "* ]] || fail "outcome file: $(cat "$OUTCOME")"
	kill -0 "$pid" || fail "spawnd died"
	hello_answers "$P1"
	(( $(log_count 'reloaded with') == 0 )) || fail "it reloaded"
	# The address free again: the next -r goes through.
	kill "$BLOCKER"
	wait "$BLOCKER" 2>/dev/null || true
	BLOCKER=
	reload_cli
	assert_status 0
	hello_answers "$P2"
}

@test "25: -r with configuration errors: FILE:LINE, 'reload not attempted', exit 1, nothing signalled" {
	local port pid line
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	printf 'bogus_option = 1\n' >>"$SPAWND_CONF"
	line=$(wc -l <"$SPAWND_CONF")
	reload_cli
	assert_status 1
	[[ $stderr == "$SPAWND_CONF:$line: "*$'\n'"reload not attempted: the configuration has errors" ]] ||
	    fail "stderr: $stderr"
	(( $(log_count 'got SIGHUP') == 0 )) || fail "spawnd was signalled:" "$(cat "$SPAWND_LOG")"
	[[ $(<"$OUTCOME") == "0 started" ]] || fail "outcome file: $(cat "$OUTCOME")"
	hello_answers "$port"
}

@test "25: -r when nothing runs: no pidfile, a stale one, one naming a live process that is not its holder: exit 69, nobody signalled" {
	local port sleeper
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	reload_cli
	assert_status 69
	[[ $stderr == "spawnd is not running ($SPAWND_PIDFILE)" ]] || fail "stderr: $stderr"
	# A pidfile left behind that names a live process: SIGHUP would end it.
	timeout 60 sleep 50 </dev/null >/dev/null 2>&1 3>&- &
	sleeper=$!
	echo "$sleeper" >"$SPAWND_PIDFILE"
	echo "0 started" >"$OUTCOME"
	reload_cli
	assert_status 69
	[[ $stderr == "spawnd is not running ($SPAWND_PIDFILE)" ]] || fail "stderr: $stderr"
	kill -0 "$sleeper" || fail "the process the stale pidfile names was signalled"
	# Locked by a spawnd, but naming another PID (as while it starts).
	start_spawnd -c "$SPAWND_CONF"
	echo "$sleeper" >"$SPAWND_PIDFILE"
	reload_cli
	assert_status 69
	kill -0 "$sleeper" || fail "the process the pidfile names was signalled"
	(( $(log_count 'got SIGHUP') == 0 )) || fail "spawnd was signalled"
	kill "$sleeper"
	wait "$sleeper" 2>/dev/null || true
	echo "$SPAWND_PID" >"$SPAWND_PIDFILE"
}

@test "25: a second spawnd with the very same configuration (pidfile and addresses) says 'already running as PID N', exit 69" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	# The pidfile is locked before any address is bound.
	run --separate-stderr timeout 10 "$SPAWND" -f -c "$SPAWND_CONF" 3>&-
	assert_status 69
	[[ $stderr == *"already running as PID $SPAWND_PID (pidfile $SPAWND_PIDFILE)"* ]] ||
	    fail "stderr: $stderr"
	[[ $stderr != *"in use"* ]] || fail "a bind was tried: $stderr"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "the pidfile changed"
	hello_answers "$port"
}

@test "25: an outcome file another user owns is not trusted: exit 1, nothing signalled" {
	[[ $(id -u) -eq 0 ]] || skip "making a file of another user needs root"
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	chown nobody "$OUTCOME"
	reload_cli
	assert_status 1
	[[ $stderr == "$OUTCOME belongs to uid $(id -u nobody), not to spawnd's (0) nor root: not trusted" ]] ||
	    fail "stderr: $stderr"
	(( $(log_count 'got SIGHUP') == 0 )) || fail "spawnd was signalled"
}

_progress_over() {
	local n
	n=$(cut -d' ' -f1 "$1" 2>/dev/null)
	(( ${n:-0} > $2 ))
}

@test "25: -r under a client load: a good reload and a refused one, no client fails, same PID" {
	local p3 pid d=$BATS_TEST_TMPDIR load
	start_hello
	p3=$(free_port)
	pid=$SPAWND_PID
	timeout 120 python3 "$TESTS_LIB/client-load.py" -c 8 -s "$d/stop" -m 60 \
	    -t 10 -N '127\.0\.0\.1' -p "$d/progress" 127.0.0.1 "$P1" \
	    </dev/null >"$d/load.out" 2>"$d/load.err" 3>&- &
	load=$!
	wait_until 60 _progress_over "$d/progress" 8 ||
	    fail "the load never got going: $(cat "$d/load.err")"
	hello_config "127.0.0.1:$P1" "127.0.0.1:$P2" | write_config
	reload_cli
	assert_status 0
	hello_answers "$P2"
	block_port "$p3"
	hello_config "127.0.0.1:$P1" "127.0.0.1:$p3" | write_config
	reload_cli
	assert_status 1
	[[ $stderr == "reload refused: $SPAWND_CONF:"*": service \"hello\": 127.0.0.1:$p3: bind: "* ]] || fail "stderr: $stderr"
	hello_answers "$P2"
	local before
	before=$(cut -d' ' -f1 "$d/progress")
	wait_until 10 _progress_over "$d/progress" $((before + 20)) ||
	    fail "the load stalled after the refused reload"
	touch "$d/stop"
	wait "$load" || fail "the load client failed or saw errors:" \
	    "$(cat "$d/load.out" "$d/load.err")"
	echo "# 8 clients during -r: $(head -n 1 "$d/load.out")" >&3
	[[ $(head -n 1 "$d/load.out") =~ ^ok\ [0-9]+\ bad\ 0\  ]] ||
	    fail "failed clients:" "$(cat "$d/load.out")"
	kill -0 "$pid" || fail "spawnd died"
}

@test "25: -r while watch_config reloads a changed drop-in: it returns, with a reload begun after it looked, the drop-in served" {
	local p1 p2 pid dropin=$BATS_TEST_TMPDIR/spawnd.d start
	p1=$(free_port)
	p2=$(free_port)
	mkdir "$dropin"
	{
		hello_config "127.0.0.1:$p1"
		printf 'include = {"%s/*.conf"}\n' "$dropin"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	printf 'service late {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' \
	    "$p2" >"$dropin/late.conf"
	# The watch's own reload has begun: -r comes in the middle of it.
	wait_for_log 'configuration changed \('
	start=${EPOCHREALTIME/./}
	reload_cli
	assert_status 0
	[[ $output == "reloaded, PID $pid" ]] || fail "stdout: $output" "stderr: $stderr"
	echo "# -r took $(( (${EPOCHREALTIME/./} - start) / 1000 )) ms" >&3
	(( ${EPOCHREALTIME/./} - start < 15000000 )) || fail "-r took over 15 s"
	hello_answers "$p2"
	# Its own SIGHUP was seen, folded into the running check or after it.
	assert_log "got SIGHUP"
}

# hup_pending PID: PID has a SIGHUP pending (blocked, not yet taken).
hup_pending() {
	local mask
	mask=$(awk '$1 == "ShdPnd:" { print $2 }' "/proc/$1/status")
	(( (16#$mask >> 0) & 1 ))
}

@test "25: -r waiting on a daemon that does not answer: Ctrl-C (SIGINT) or SIGTERM ends it at once, no 'reloaded'" {
	local sig waiter status
	start_hello
	for sig in INT TERM; do
		kill -STOP "$SPAWND_PID"
		"$SPAWND" -r -c "$SPAWND_CONF" >"$BATS_TEST_TMPDIR/r.out" \
		    2>&1 </dev/null 3>&- &
		waiter=$!
		# Signalled: it is waiting for the outcome now.
		wait_until "$SPAWND_TEST_TIMEOUT" hup_pending "$SPAWND_PID" ||
		    fail "-r sent no SIGHUP"
		kill -"$sig" "$waiter"
		wait_for_exit "$waiter" 10 || {
			kill -CONT "$SPAWND_PID"
			wait "$waiter"
			fail "-r ignored SIG$sig, then said:" "$(cat "$BATS_TEST_TMPDIR/r.out")"
		}
		status=0
		wait "$waiter" || status=$?
		kill -CONT "$SPAWND_PID"
		(( status == 128 + $(kill -l "$sig") )) ||
		    fail "SIG$sig: exit $status:" "$(cat "$BATS_TEST_TMPDIR/r.out")"
		# The daemon takes the SIGHUP once it runs again.
		wait_for_log "$(reloaded_re)" "$([[ $sig == INT ]] && echo 1 || echo 2)"
	done
}

@test "25: -r finds its daemon when another file system's file of the same inode number is flock()ed too (anyone can make one in /dev/shm)" {
	local a=$BATS_TEST_TMPDIR/fs-a b=$BATS_TEST_TMPDIR/fs-b ino i pid
	[[ $EUID -eq 0 ]] || skip "mounting two tmpfs needs root"
	mkdir "$a" "$b"
	mount -t tmpfs spawnd-test "$a" || skip "cannot mount a tmpfs here"
	MOUNTED=$a
	mount -t tmpfs spawnd-test "$b" || skip "cannot mount a tmpfs here"
	MOUNTED+=" $b"
	SPAWND_PIDFILE=$a/spawnd.pid
	start_hello
	pid=$SPAWND_PID
	ino=$(stat -c %i "$SPAWND_PIDFILE")
	# Each tmpfs numbers its own inodes: b's count up to the pidfile's.
	for (( i = 0; i < 1000; i++ )); do
		: >"$b/f$i"
		(( $(stat -c %i "$b/f$i") >= ino )) && break
	done
	(( $(stat -c %i "$b/f$i") == ino )) || skip "no inode $ino on the second tmpfs"
	timeout 70 python3 -c 'import fcntl, sys, time
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(60)' "$b/f$i" "$BATS_TEST_TMPDIR/decoy.ready" </dev/null >/dev/null 2>&1 3>&- &
	BLOCKER=$!
	wait_until "$SPAWND_TEST_TIMEOUT" test -e "$BATS_TEST_TMPDIR/decoy.ready" ||
	    fail "the decoy lock was not taken"
	reload_cli
	assert_status 0
	[[ $output == "reloaded, PID $pid" ]] || fail "stdout: $output" "stderr: $stderr"
	kill "$BLOCKER"
	wait "$BLOCKER" 2>/dev/null || true
	BLOCKER=
	stop_spawnd
}
