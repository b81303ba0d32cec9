#!/usr/bin/env bats
# idle_timeout (spawnd.conf(5), "Service sections"; issue 5 point 5) on
# every stream service: a client that connects and sends nothing, or
# that sends but never reads (slowloris), cannot hold a child longer
# than idle_timeout (plus a second of slack).  500 idle connections
# against max_children = 64 fill the table, but once the idle ones time
# out new clients are served again, and datagram and inline answers
# never wait for any of it.  exec programs, which idle_timeout never
# ends, and max_lifetime: tests/34-lifetime.bats.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	hostile_setup
	PORT=$(free_port)
}

teardown() { hostile_teardown; }

_no_children() { [[ -z $(children_of "$SPAWND_PID") ]]; }

# seconds_between A B: B - A, both "seconds.fraction".
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
now() { printf '%s' "$EPOCHREALTIME"; }

# within LOW HIGH VALUE: LOW <= VALUE <= HIGH (decimals).
within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v >= l && v <= h) }'; }

@test "every stream service lets go of a silent client within idle_timeout" {
	local p port start took sock=$SVC_DIR/catsock
	local -a ports
	for p in 0 1 2 3 4; do
		ports[p]=$(free_port)
	done
	write_config <<-EOF
	$(svc_globals)
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:${ports[0]}"}
		idle_timeout = 2
	}
	service fortune {
		type = "fortune"
		listen_stream = {"127.0.0.1:${ports[1]}"}
		idle_timeout = 2
	}
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:${ports[2]}"}
		fork = true
		idle_timeout = 2
	}
	service daytime {
		type = "daytime"
		listen_stream = {"127.0.0.1:${ports[3]}"}
		fork = true
		idle_timeout = 2
	}
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:${ports[4]}"}
		idle_timeout = 2
	}
	service catsock {
		type = "catsock"
		listen_stream = {"$sock"}
		idle_timeout = 2
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	# Five silent clients on each: connected, never a byte sent or read.
	hold sock "$sock" 5 --no-read
	for port in "${ports[@]}"; do
		start=$(now)
		hold "s$port" "127.0.0.1:$port" 5 --no-read
	done
	wait_until 6 _no_children "$SPAWND_PID" ||
	    fail "children still alive after idle_timeout 2 s:" \
	    "$(ps --ppid "$SPAWND_PID" -o pid=,etime=,args=)"
	took=$(seconds_between "$start" "$(now)")
	echo "# 30 silent clients on 6 services: all children gone after ${took}s" >&3
	within 0 3.5 "$took" || fail "took ${took}s after the last client came"
	wait_for_log "reaped [0-9]+ \(command\)" 5
	[[ $(log_count "reaped [0-9]+ \((hello|fortune|time|daytime|catsock)\)") -eq 25 ]] ||
	    fail "expected 25 reaped children of the other services"
}

@test "command: a client that sends nothing gets 'timed out' after idle_timeout" {
	write_config <<-EOF
	$(svc_globals)
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		idle_timeout = 2
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	run hostile probe "127.0.0.1:$PORT" --wait 10 --out "$BATS_TEST_TMPDIR/reply"
	assert_status 0
	[[ $(kv end "$output") == eof ]] || fail "not closed by the server: $output"
	within 1.8 3.0 "$(kv seconds "$output")" ||
	    fail "closed after $(kv seconds "$output")s, want about 2"
	tail -c 11 "$BATS_TEST_TMPDIR/reply" | cmp -s - <(printf 'timed out\r\n') ||
	    fail "no 'timed out' line:" "$(od -c "$BATS_TEST_TMPDIR/reply")"
}

@test "command: slowloris (commands sent, replies never read) is cut off after idle_timeout" {
	write_config <<-EOF
	$(svc_globals)
	motd_file = "$SVC_DIR/motd"
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		idle_timeout = 2
	}
	EOF
	# Every "motd" asks for 64 kB: the server's buffers fill at once.
	head -c 65536 /dev/zero | tr '\0' 'm' >"$SVC_DIR/motd"
	chmod 644 "$SVC_DIR/motd"
	start_spawnd -c "$SPAWND_CONF"
	run hostile slowloris "127.0.0.1:$PORT" --send 'motd\r\n' --max 20
	assert_status 0
	echo "# slowloris on command: $output" >&3
	[[ $(kv end "$output") != timeout ]] ||
	    fail "the server kept the connection 20 s: $output"
	within 1.5 3.5 "$(kv seconds "$output")" ||
	    fail "cut off after $(kv seconds "$output")s, want idle_timeout (2 s) + slack"
	wait_until 5 _no_children "$SPAWND_PID" || fail "the child is still alive"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "fortune: a fortune_command that hangs costs idle_timeout, and no process outlives the child" {
	local prog took
	prog=$(command -v sleep)
	write_config <<-EOF
	$(svc_globals)
	service fortune {
		type = "fortune"
		listen_stream = {"127.0.0.1:$PORT"}
		fortune_command = "$prog 30"
		idle_timeout = 2
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	run hostile probe "127.0.0.1:$PORT" --wait 15 --out "$BATS_TEST_TMPDIR/reply"
	assert_status 0
	took=$(kv seconds "$output")
	[[ $(kv end "$output") != timeout ]] && within 1.5 3.5 "$took" ||
	    fail "session ended after ${took}s, want idle_timeout (2 s): $output"
	wait_for_log "reaped [0-9]+ \(fortune\) killed by signal 14$"
	# The program the child ran must not be left behind.
	wait_until 3 _no_sleeper "$prog 30" ||
	    fail "the fortune_command outlived its child:" \
	    "$(pgrep -af "^$prog 30$")"
}

_no_sleeper() {
	local pid
	for pid in $(pgrep -xf "$1"); do
		is_ours "$pid" && return 1
	done
	return 0
}

@test "500 idle clients against max_children = 64: served again after idle_timeout, datagrams and inline answers never wait" {
	local tport hport udp_pid start took
	tport=$(free_port)
	hport=$(free_port)
	write_config <<-EOF
	$(svc_globals)
	max_children = 64
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		max_instances = 0
		idle_timeout = 3
		log_connections = false
	}
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$hport"}
	}
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:$tport"}
		listen_datagram = {"127.0.0.1:$tport"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	# Datagram time all along: 80 requests, one every 50 ms.
	hostile udp "127.0.0.1:$tport" 80 --interval 0.05 --wait 1 \
	    >"$BATS_TEST_TMPDIR/udp.out" 2>&1 3>&- &
	udp_pid=$!
	HOLDERS+=("$udp_pid")
	start=$(now)
	hold idle "127.0.0.1:$PORT" 500 --wait 3
	echo "# 500 idle clients: $HOLD_STATE in $(seconds_between "$start" "$(now)")s" >&3
	[[ $HOLD_STATE == "served=64 refused=436 silent=0 error=0" ]] ||
	    fail "expected 64 served and 436 refused: $HOLD_STATE"
	# Saturated: other forking services are refused, inline time is not.
	assert_refused "127.0.0.1:$hport"
	assert_log "refused 127\.0\.0\.1 on hello: max_children$"
	run hostile probe "127.0.0.1:$tport" --wait 2
	[[ $(kv bytes "$output") == 4 ]] || fail "inline time not answered: $output"
	# The idle sessions time out; then a new client is served.
	wait_until 10 assert_served "127.0.0.1:$PORT" "" 'quit\r\n' 2>/dev/null ||
	    fail "no new client served after the idle ones timed out"
	took=$(seconds_between "$start" "$(now)")
	echo "# served again ${took}s after the flood began (idle_timeout 3)" >&3
	wait "$udp_pid" || fail "datagram client failed"
	echo "# datagram time during the flood: $(<"$BATS_TEST_TMPDIR/udp.out")" >&3
	[[ $(kv answered "$(<"$BATS_TEST_TMPDIR/udp.out")") == 80 ]] ||
	    fail "datagrams lost: $(<"$BATS_TEST_TMPDIR/udp.out")"
	within 0 0.5 "$(kv worst "$(<"$BATS_TEST_TMPDIR/udp.out")")" ||
	    fail "a datagram waited: $(<"$BATS_TEST_TMPDIR/udp.out")"
	wait_until 10 _no_children "$SPAWND_PID" || fail "children left"
}

@test "per_source keeps one idle flooder from shutting out everyone else" {
	write_config <<-EOF
	$(svc_globals)
	max_children = 64
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		max_instances = 0
		per_source = 8
		idle_timeout = 30
		log_connections = false
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	hold flood "127.0.0.1:$PORT" 300 --src 127.0.0.2
	[[ $HOLD_STATE == "served=8 refused=292 "* ]] || fail "$HOLD_STATE"
	assert_served "127.0.0.1:$PORT" 127.0.0.1 'quit\r\n'
	assert_served "127.0.0.1:$PORT" 127.0.0.3 'quit\r\n'
}
