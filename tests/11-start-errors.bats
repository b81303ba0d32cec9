#!/usr/bin/env bats
# Start-up errors that name the fix (spawnd(8), DIAGNOSTICS): a bind
# that fails names the service and its configuration line, with the fix
# when there is one (a port below 1024 without privilege, a spawnd
# already running).

# shellcheck disable=SC2154 # status, stderr: set by bats' run

load helpers

teardown() {
	stop_blocker
	[[ -n ${LOW_DIR:-} && $LOW_DIR == /tmp/spawnd-lowport.* ]] && rm -rf -- "$LOW_DIR"
	spawnd_teardown
}

@test "an address in use at start: the service, its config line, the address and errno; exit 69, -f and daemon" {
	local p1 p2 line mode
	p1=$(free_port)
	p2=$(free_port)
	blocker "$p2"
	{
		config_globals
		printf '# the second address is taken\nservice greet {\n\ttype = "hello"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s",\n\t    "127.0.0.1:%s"}\n}\n' "$p1" "$p2"
	} | write_config
	line=$(line_of "127.0.0.1:$p2\"")
	for mode in -f daemon; do
		run --separate-stderr timeout 10 "$SPAWND" ${mode/daemon/} -c "$SPAWND_CONF" -p "$SPAWND_PIDFILE"
		[[ $status -eq 69 ]] || fail "$mode: exit $status, not 69:" "$stderr"
		[[ $stderr =~ (^|: )$(re_quote "$SPAWND_CONF"):$line:\ service\ \"greet\":\ 127\.0\.0\.1:$p2:\ bind:\ Address\ already\ in\ use$ ]] ||
		    fail "$mode: expected FILE:$line: service \"greet\": ADDRESS: bind: errno, got:" "$stderr"
		[[ ! -e $SPAWND_PIDFILE ]] || fail "$mode: the pidfile was left behind"
	done
}

@test "a port below 1024 as a user without privilege: the hint names root and CAP_NET_BIND_SERVICE, exit 71" {
	[[ $(id -u) -eq 0 ]] || skip "needs root to run spawnd as nobody"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	(( $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) > 13 )) ||
	    skip "every user may bind port 13 here (net.ipv4.ip_unprivileged_port_start)"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$SPAWND" ||
	    skip "user nobody cannot execute $SPAWND"
	# World-readable and outside $BATS_TEST_TMPDIR (mode 700 above it).
	LOW_DIR=$(mktemp -d /tmp/spawnd-lowport.XXXXXX)
	chmod 755 "$LOW_DIR"
	chown nobody "$LOW_DIR"
	printf 'log_target = "stderr"\nservice daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:13"}\n}\n' \
	    >"$LOW_DIR/low.conf"
	run --separate-stderr timeout 10 setpriv --reuid=nobody --regid="$(id -g nobody)" \
	    --clear-groups --inh-caps=-all "$SPAWND" -f -c "$LOW_DIR/low.conf" -p "$LOW_DIR/spawnd.pid"
	[[ $status -eq 71 ]] || fail "exit $status, not 71:" "$stderr"
	[[ $stderr == *"$LOW_DIR/low.conf:4: service \"daytime\": 127.0.0.1:13: bind: Permission denied (ports below $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) need root or CAP_NET_BIND_SERVICE)" ]] ||
	    fail "no hint about root or CAP_NET_BIND_SERVICE:" "$stderr"
	[[ ! -e $LOW_DIR/spawnd.pid ]] || fail "the pidfile was left behind"
}

@test "an address a running spawnd holds: 'spawnd is already running as PID N, pidfile PATH'; its own pidfile held: 'already running as PID N'" {
	local port other=$BATS_TEST_TMPDIR/other.pid first mode
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	first=$SPAWND_PID
	# Another pidfile (-p), the same address: the configuration's
	# pidfile, which the first one holds, says who has it.
	for mode in -f daemon; do
		run --separate-stderr timeout 10 "$SPAWND" ${mode/daemon/} -c "$SPAWND_CONF" -p "$other"
		[[ $status -eq 69 ]] || fail "$mode: exit $status, not 69:" "$stderr"
		[[ $stderr == *"127.0.0.1:$port: bind: Address already in use (spawnd is already running as PID $first, pidfile $SPAWND_PIDFILE)" ]] ||
		    fail "$mode: expected the running spawnd named:" "$stderr"
		[[ ! -e $other ]] || fail "$mode: $other was left behind"
	done
	# The very pidfile it would write: refused before binding, with the PID.
	run --separate-stderr timeout 10 "$SPAWND" -f -c "$SPAWND_CONF"
	[[ $status -eq 69 ]] || fail "same pidfile: exit $status, not 69:" "$stderr"
	[[ $stderr == *"already running as PID $first (pidfile $SPAWND_PIDFILE)" ]] ||
	    fail "same pidfile: expected 'already running as PID $first':" "$stderr"
	[[ $stderr != *bind* ]] || fail "it tried to bind:" "$stderr"
	# The first one saw nothing of it and still serves.
	[[ $(<"$SPAWND_PIDFILE") == "$first" ]] || fail "the pidfile changed"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "a stale pidfile (nobody holds its lock) adds no 'already running' to an address in use" {
	local port
	port=$(free_port)
	blocker "$port"
	hello_config "127.0.0.1:$port" | write_config
	echo $$ >"$SPAWND_PIDFILE"	# a live PID, but no lock
	run --separate-stderr timeout 10 "$SPAWND" -f -c "$SPAWND_CONF" -p "$BATS_TEST_TMPDIR/other.pid"
	[[ $status -eq 69 ]] || fail "exit $status, not 69:" "$stderr"
	[[ $stderr == *"127.0.0.1:$port: bind: Address already in use" ]] ||
	    fail "expected the plain error:" "$stderr"
}

@test "a reload refused for a taken address names the service and its line" {
	local p1 p2 line pid
	p1=$(free_port)
	p2=$(free_port)
	hello_config "127.0.0.1:$p1" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	blocker "$p2"
	{
		hello_config "127.0.0.1:$p1"
		printf 'service late {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p2"
	} | write_config
	line=$(line_of "127.0.0.1:$p2\"")
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: $(re_quote "$SPAWND_CONF"):$line: service \"late\": 127\.0\.0\.1:$p2: bind: Address already in use; still running with the old configuration$"
}
