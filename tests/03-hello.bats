#!/usr/bin/env bats
# The hello service end to end: the built-in configuration (spawnd(8),
# "Built-in default configuration"), the exact bytes over IPv4, IPv6 and
# Unix sockets (spawnd.conf(5), "Service types"), the listen address
# syntax (spawnd.conf(5), "Addresses") and the log lines of one
# connection (spawnd(8), "LOG MESSAGES").

load lib/helpers

# Where this spawnd looks for its configuration when -c is not given.
compiled_default_config() {
	local path
	path=$(default_config_path) && { echo "$path"; return 0; }
	path=$("$SPAWND" -h 2>&1 | grep -o '/[^ )"]*spawnd\.conf' | head -n 1)
	[[ -n $path ]] && echo "$path"
}

@test "no config file: the built-in configuration serves hello on 127.0.0.1 and ::1 port 2345" {
	local default
	default=$(compiled_default_config) ||
	    skip "cannot tell the compiled-in default config path"
	[[ ! -e $default ]] ||
	    skip "$default exists on this machine, so spawnd would read it instead of the built-in configuration"
	builtin_lock
	mkdir "$BATS_TEST_TMPDIR/run"
	SPAWND_CWD=$BATS_TEST_TMPDIR/run start_spawnd
	assert_log '[Bb]uilt-?in'
	# One line on stderr before the log says so too (the build tree's
	# binary only: tests/11-start-errors.bats).
	assert_log "^spawnd: no $(re_quote "$default"): running the built-in configuration "
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:2345$"
	fetch_tcp 127.0.0.1 2345 "$BATS_TEST_TMPDIR/v4"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v4" '[A-Za-z0-9.:-]+'
	name_confirms "$HELLO_NAME" 127.0.0.1 ||
	    fail "NAME '$HELLO_NAME' is neither 127.0.0.1 nor a name for it"
	wait_for_log "connection from [A-Za-z0-9.-]+ \[127\.0\.0\.1\] at port [0-9]+ on hello$"
	wait_for_log "begat [0-9]+ for hello$"
	wait_for_log "reaped [0-9]+ \(hello\)"
	have_ipv6 || return 0
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello \[::1\]:2345$"
	fetch_tcp ::1 2345 "$BATS_TEST_TMPDIR/v6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v6" '[A-Za-z0-9.:-]+'
	name_confirms "$HELLO_NAME" ::1 ||
	    fail "NAME '$HELLO_NAME' is neither ::1 nor a name for it"
	wait_for_log "connection from [A-Za-z0-9.:-]+ \[::1\] at port [0-9]+ on hello$"
}

@test "hello over 127.0.0.1: exact bytes, NAME is the address when resolve_names = false" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "hello over ::1: exact bytes, NAME is the address when resolve_names = false" {
	require_ipv6
	local port
	port=$(free_port)
	hello_config "[::1]:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp ::1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '::1'
}

@test "resolve_names = true: NAME is a confirmed name for the address, or the address" {
	local port
	port=$(free_port)
	write_config <<-EOF
	$(config_globals)
	resolve_names = true
	dns_timeout = 2
	service hello {
		type = "hello"
		listen_stream = {"$port"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/v4"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v4" '[A-Za-z0-9.-]+'
	name_confirms "$HELLO_NAME" 127.0.0.1 ||
	    fail "NAME '$HELLO_NAME' is neither 127.0.0.1 nor a name that maps back to it"
	require_ipv6
	fetch_tcp ::1 "$port" "$BATS_TEST_TMPDIR/v6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v6" '[A-Za-z0-9.:-]+'
	name_confirms "$HELLO_NAME" ::1 ||
	    fail "NAME '$HELLO_NAME' is neither ::1 nor a name that maps back to it"
}

@test "log: server started, connection from, begat, reaped, each as TIME spawnd[PID]: message" {
	local port sport cpid
	port=$(free_port)
	sport=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$port$"
	timeout 5 nc -N -p "$sport" 127.0.0.1 "$port" </dev/null >"$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	wait_for_log "^spawnd\[[0-9]+\]: connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port $sport on hello$"
	wait_for_log "^spawnd\[$SPAWND_PID\]: begat [0-9]+ for hello$"
	cpid=$(grep -oE 'begat [0-9]+ for hello$' "$SPAWND_LOG" | head -n 1 | cut -d' ' -f2)
	# spawnd(8), "LOG MESSAGES", has "reaped PID (SERVICE) with exit N"
	# and a bare "reaped PID (SERVICE)"; a clean exit may use either.
	wait_for_log "^spawnd\[$SPAWND_PID\]: reaped $cpid \(hello\)( with exit 0)?$"
	# Every line of a foreground log is "TIME spawnd[PID]: message".
	if grep -vnE "^$LOG_STAMP_RE spawnd\[[0-9]+\]: ." "$SPAWND_LOG"; then
		fail "log lines not in the form 'TIME spawnd[PID]: message' (above)"
	fi
}

@test "log_connections = false: no 'connection from' line, hello still served" {
	local port
	port=$(free_port)
	write_config <<-EOF
	$(config_globals)
	resolve_names = false
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$port"}
		log_connections = false
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	stop_spawnd
	[[ $(log_count 'connection from') -eq 0 ]] ||
	    fail "a 'connection from' line was logged:" "$(cat "$SPAWND_LOG")"
}

@test "listen on a port alone: dual-stack, answers on 127.0.0.1 and ::1" {
	require_ipv6
	local port
	port=$(free_port)
	hello_config "$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello .*$port$"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/v4"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v4" '127\.0\.0\.1'
	fetch_tcp ::1 "$port" "$BATS_TEST_TMPDIR/v6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v6" '::1'
}

@test "listen on \"*:PORT\", as the log writes a port alone: the same as PORT" {
	local port
	port=$(free_port)
	hello_config "*:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello \*:$port$"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/v4"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v4" '127\.0\.0\.1'
	if have_ipv6; then
		fetch_tcp ::1 "$port" "$BATS_TEST_TMPDIR/v6"
		assert_hello_bytes "$BATS_TEST_TMPDIR/v6" '::1'
	fi
}

@test "listen on IPv4:port and [IPv6]:port binds exactly those addresses" {
	require_ipv6
	local p4 p6
	p4=$(free_port)
	p6=$(free_port)
	hello_config "127.0.0.1:$p4" "[::1]:$p6" | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$p4$"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello \[::1\]:$p6$"
	fetch_tcp 127.0.0.1 "$p4" "$BATS_TEST_TMPDIR/v4"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v4" '127\.0\.0\.1'
	fetch_tcp ::1 "$p6" "$BATS_TEST_TMPDIR/v6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v6" '::1'
	! tcp_accepts ::1 "$p4" || fail "[::1]:$p4 accepts, only 127.0.0.1 was configured"
	! tcp_accepts 127.0.0.1 "$p6" || fail "127.0.0.1:$p6 accepts, only ::1 was configured"
}

@test "listen on an absolute Unix path: hello arrives; the file goes at SIGTERM" {
	local sock=$BATS_TEST_TMPDIR/hello.sock
	hello_config "$sock" | write_config
	start_spawnd -c "$SPAWND_CONF"
	[[ -S $sock ]] || fail "no socket at $sock"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello $(re_quote "$sock")$"
	fetch_unix "$sock" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '[^,]*' any
	stop_spawnd
	[[ $SPAWND_STATUS -eq 0 ]] || fail "exit status $SPAWND_STATUS after SIGTERM"
	[[ ! -e $sock ]] || fail "$sock is still there after SIGTERM"
}

@test "listen on a relative Unix path: made absolute from the start directory" {
	local run abs
	mkdir "$BATS_TEST_TMPDIR/run"
	run=$(cd "$BATS_TEST_TMPDIR/run" && pwd -P)
	abs=$run/rel.sock
	hello_config "rel.sock" | write_config
	SPAWND_CWD=$run start_spawnd -c "$SPAWND_CONF"
	[[ -S $abs ]] || fail "no socket at $abs"
	assert_log "^spawnd\[$SPAWND_PID\]: server started on hello $(re_quote "$abs")$"
	fetch_unix "$abs" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '[^,]*' any
}

@test "a stale Unix socket file is replaced" {
	local sock=$BATS_TEST_TMPDIR/stale.sock
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
	[[ -S $sock ]] || fail "could not make a stale socket"
	hello_config "$sock" | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_unix "$sock" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '[^,]*' any
}

@test "a non-socket file at a Unix path is an error and is left alone" {
	local file=$BATS_TEST_TMPDIR/not-a-socket
	echo "precious" >"$file"
	hello_config "$file" | write_config
	run timeout 10 "$SPAWND" -f -c "$SPAWND_CONF" -p "$SPAWND_PIDFILE" 3>&-
	[[ $status -eq 69 || $status -eq 71 || $status -eq 78 ]] ||
	    fail "expected exit 69, 71 or 78, got $status:" "$output"
	assert_output_has "$file"
	[[ -f $file && $(<"$file") == precious ]] || fail "$file was touched"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "a pidfile was left behind"
}

@test "several services of one type, each logged under its own name; disabled ones stay closed" {
	local p1 p2 p3
	p1=$(free_port)
	p2=$(free_port)
	p3=$(free_port)
	write_config <<-EOF
	$(config_globals)
	resolve_names = false
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$p1"}
	}
	service greeter {
		type = "hello"
		listen_stream = {"127.0.0.1:$p2"}
	}
	service silent {
		type = "hello"
		enabled = false
		listen_stream = {"127.0.0.1:$p3"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	assert_log "server started on hello 127\.0\.0\.1:$p1$"
	assert_log "server started on greeter 127\.0\.0\.1:$p2$"
	fetch_tcp 127.0.0.1 "$p2" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	wait_for_log "connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on greeter$"
	wait_for_log "begat [0-9]+ for greeter$"
	wait_for_log "reaped [0-9]+ \(greeter\)"
	! tcp_accepts 127.0.0.1 "$p3" || fail "the disabled service accepts on $p3"
	[[ $(log_count "silent") -eq 0 ]] || fail "the disabled service was started"
}

@test "SIGTERM: 'shutting down', pidfile removed, exit 0" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	stop_spawnd
	[[ $SPAWND_STATUS -eq 0 ]] || fail "exit status $SPAWND_STATUS after SIGTERM"
	assert_log "^spawnd\[[0-9]+\]: shutting down$"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile still there after SIGTERM"
	! tcp_accepts 127.0.0.1 "$port" || fail "port $port still accepts"
}

@test "a host with IPv6 off: [::1] is skipped with its reason, 127.0.0.1 serves, at start and across a reload" {
	[[ $(id -u) -eq 0 ]] || skip "a network namespace needs root"
	local port=2345 ns_log=$BATS_TEST_TMPDIR/ns.out
	config_globals >"$SPAWND_CONF"
	printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s", "[::1]:%s"}\n}\n' \
	    "$port" "$port" >>"$SPAWND_CONF"
	# A network namespace of our own whose loopback has no ::1, as
	# net.ipv6.conf.lo.disable_ipv6 = 1 leaves it; spawnd runs in it and
	# is stopped by the script itself, by PID.
	# shellcheck disable=SC2016 # the inner bash expands its arguments
	timeout 60 unshare --net -- bash -c '
		set -u
		ip link set lo up
		sysctl -qw net.ipv6.conf.lo.disable_ipv6=1
		"$1" -f -p "$2" -c "$3" 2>"$4" &
		pid=$!
		up() { [[ $(timeout 2 nc -N 127.0.0.1 "$5" </dev/null 2>/dev/null) == "Hello there, "* ]]; }
		for _ in $(seq 100); do up "$@" && break; sleep 0.1; done
		up "$@" || { echo "no hello at start"; kill "$pid"; exit 1; }
		kill -HUP "$pid"
		for _ in $(seq 100); do grep -q "reloaded with" "$4" && break; sleep 0.1; done
		up "$@" || { echo "no hello after the reload"; kill "$pid"; exit 1; }
		kill -0 "$pid" || exit 1
		kill "$pid"
		wait "$pid"
		echo "stopped with $?"
	' ns "$SPAWND" "$SPAWND_PIDFILE" "$SPAWND_CONF" "$SPAWND_LOG" "$port" >"$ns_log" 2>&1 ||
	    fail "in the namespace:" "$(cat "$ns_log")" "$(cat "$SPAWND_LOG")"
	[[ $(<"$ns_log") == "stopped with 0" ]] || fail "$(cat "$ns_log")"
	(( $(log_count 'hello: \[::1\]:2345: bind: Cannot assign requested address \(IPv6 is off on this host: not served\)$') == 2 )) ||
	    fail "the skip is not said at start and reload:" "$(cat "$SPAWND_LOG")"
}
