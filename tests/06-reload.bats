#!/usr/bin/env bats
# SIGHUP (spawnd(8), "SIGNALS"): spawnd re-executes itself with its
# original argv, keeping its PID; every HUP works, a changed
# configuration takes effect, a bad one is refused and the old one keeps
# running.

load lib/helpers

# The "got SIGHUP, re-executing PATH" line: PATH is the binary's absolute
# path as started, or the same with symlinks resolved.
hup_re() {
	echo "^spawnd\[$SPAWND_PID\]: got SIGHUP, re-executing ($(re_quote "$SPAWND")|$(re_quote "$(readlink -f "$SPAWND")"))$"
}

# hup_and_wait N ERE: send SIGHUP (the Nth), wait for the Nth re-exec line
# and for the log to hold N+1 lines matching ERE (a "server started" line
# of the new image).
hup_and_wait() {
	local n=$1 started=$2 have
	have=$(log_count "$started")
	kill -HUP "$SPAWND_PID"
	wait_for_log "$(hup_re)" "$n"
	wait_for_log "$started" $((have + 1))
	kill -0 "$SPAWND_PID" || fail "spawnd died on HUP $n"
}

hello_ok() {
	fetch_tcp "$1" "$2" "$BATS_TEST_TMPDIR/reply" ||
	    fail "no hello on $1 port $2"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" "$(re_quote "$1")"
}

_refuses() { ! tcp_accepts "$1" "$2"; }

@test "three SIGHUPs in a row: each re-executes (same PID) and hello answers after each" {
	local port i exe
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	exe=$(readlink "/proc/$SPAWND_PID/exe")
	hello_ok 127.0.0.1 "$port"
	for i in 1 2 3; do
		hup_and_wait "$i" "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$port$"
		hello_ok 127.0.0.1 "$port"
		[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] ||
		    fail "pidfile holds $(<"$SPAWND_PIDFILE") after HUP $i, not $SPAWND_PID"
		[[ $(readlink "/proc/$SPAWND_PID/exe") == "$exe" ]] ||
		    fail "after HUP $i runs $(readlink "/proc/$SPAWND_PID/exe"), not $exe"
	done
	# The pidfile lock survived the three execs.
	run timeout 10 "$SPAWND" -f -c "$SPAWND_CONF" 3>&-
	[[ $status -eq 69 ]] || fail "a second instance was not refused after the HUPs: $status" "$output"
	assert_output_has "already running as PID $SPAWND_PID"
	# And the re-executed image still shuts down cleanly.
	stop_spawnd
	[[ $SPAWND_STATUS -eq 0 ]] || fail "exit status $SPAWND_STATUS after SIGTERM"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile left after SIGTERM"
}

@test "a configuration change between SIGHUPs takes effect: service added, port changed" {
	local p1 p2 p3
	p1=$(free_port)
	p2=$(free_port)
	p3=$(free_port)
	hello_config "127.0.0.1:$p1" | write_config
	start_spawnd -c "$SPAWND_CONF"
	hello_ok 127.0.0.1 "$p1"
	# Add a second hello service on a new port.
	write_config <<-EOF
	$(config_globals)
	resolve_names = false
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$p1"}
	}
	service hello2 {
		type = "hello"
		listen_stream = {"127.0.0.1:$p2"}
	}
	EOF
	hup_and_wait 1 "^spawnd\[$SPAWND_PID\]: server started on hello2 127\.0\.0\.1:$p2$"
	hello_ok 127.0.0.1 "$p2"
	hello_ok 127.0.0.1 "$p1"
	# Move the first service to another port.
	write_config <<-EOF
	$(config_globals)
	resolve_names = false
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$p3"}
	}
	service hello2 {
		type = "hello"
		listen_stream = {"127.0.0.1:$p2"}
	}
	EOF
	hup_and_wait 2 "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$p3$"
	hello_ok 127.0.0.1 "$p3"
	hello_ok 127.0.0.1 "$p2"
	wait_until "$SPAWND_TEST_TIMEOUT" _refuses 127.0.0.1 "$p1" ||
	    fail "old port $p1 still accepts after the port change"
	_port_listening tcp "$p1" "$SPAWND_PID" && fail "spawnd still listens on $p1"
	true
}

@test "a bad configuration on SIGHUP is logged as FILE:LINE and the old one keeps running" {
	local p1 p2
	p1=$(free_port)
	p2=$(free_port)
	hello_config "127.0.0.1:$p1" | write_config
	start_spawnd -c "$SPAWND_CONF"
	write_config <<-EOF
	$(config_globals)
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:99999"}
	}
	EOF
	kill -HUP "$SPAWND_PID"
	wait_for_log "$(re_quote "$SPAWND_CONF"):($(grep -n 99999 "$SPAWND_CONF" | cut -d: -f1)|$(grep -n 'service hello' "$SPAWND_CONF" | cut -d: -f1)): .*99999"
	kill -0 "$SPAWND_PID" || fail "spawnd died on a bad configuration"
	hello_ok 127.0.0.1 "$p1"
	# Fixed: the next HUP works and picks the new configuration.
	hello_config "127.0.0.1:$p2" | write_config
	hup_and_wait 1 "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$p2$"
	hello_ok 127.0.0.1 "$p2"
}

@test "a detached daemon started with a relative -c reloads on SIGHUP" {
	local p1 p2 run pid
	p1=$(free_port)
	p2=$(free_port)
	mkdir "$BATS_TEST_TMPDIR/run"
	run=$(cd "$BATS_TEST_TMPDIR/run" && pwd -P)
	hello_config "127.0.0.1:$p1" >"$run/rel.conf"
	cd "$run"
	timeout 20 "$SPAWND" -c rel.conf -p "$SPAWND_PIDFILE" </dev/null \
	    >"$BATS_TEST_TMPDIR/launch.out" 2>"$BATS_TEST_TMPDIR/launch.err" 3>&- ||
	    fail "launcher failed: $(cat "$BATS_TEST_TMPDIR/launch.err")"
	pid=$(<"$SPAWND_PIDFILE")
	track_daemon "$pid"
	hello_ok 127.0.0.1 "$p1"
	hello_config "127.0.0.1:$p2" >"$run/rel.conf"
	kill -HUP "$pid"
	wait_until "$SPAWND_TEST_TIMEOUT" tcp_accepts 127.0.0.1 "$p2" ||
	    fail "the new port $p2 never opened after SIGHUP (daemon alive: $(kill -0 "$pid" 2>&1 && echo yes))"
	hello_ok 127.0.0.1 "$p2"
	[[ $(<"$SPAWND_PIDFILE") == "$pid" ]] || fail "PID changed"
	kill -0 "$pid"
}

_done_more_than() {
	local n
	n=$(cat "$1" 2>/dev/null)
	(( ${n:-0} > $2 ))
}

# This test once failed with "ok 0 bad 0": the client loop (python3,
# started through a pyenv shim, slow to start on a loaded machine) had
# not made its first connection when the three reloads were over and the
# stop file appeared, so it stopped before it began.  So: the clients
# count their good replies in a file, and each HUP waits until they have
# made progress since the previous reload, so that every reload happens
# while they are connecting.
@test "no connection is refused while spawnd re-executes" {
	local port i done_before loop d=$BATS_TEST_TMPDIR
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	# Four clients connecting in a loop until told to stop.
	timeout 120 python3 - "$port" "$d/stop" "$d/done" \
	    >"$d/loop.out" 2>&1 3>&- <<-'PY' &
	import os, socket, sys, threading, time
	port, stop, done = int(sys.argv[1]), sys.argv[2], sys.argv[3]
	ok, errs = [0], []
	def client():
	    while not os.path.exists(stop):
	        try:
	            with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
	                data = b''
	                while True:
	                    b = s.recv(256)
	                    if not b:
	                        break
	                    data += b
	            if data.startswith(b'Hello there, '):
	                ok[0] += 1
	            else:
	                errs.append('reply %r' % data[:40])
	        except OSError as e:
	            errs.append(str(e))
	threads = [threading.Thread(target=client) for _ in range(4)]
	for t in threads:
	    t.start()
	while any(t.is_alive() for t in threads):
	    with open(done + '.tmp', 'w') as f:
	        f.write('%d\n' % ok[0])
	    os.replace(done + '.tmp', done)
	    time.sleep(0.05)
	print('ok %d bad %d %s' % (ok[0], len(errs), errs[:3]))
	PY
	loop=$!
	done_before=0
	for i in 1 2 3; do
		wait_until 30 _done_more_than "$d/done" "$done_before" ||
		    fail "the clients made no progress before HUP $i: $(cat "$d/loop.out")"
		hup_and_wait "$i" "^spawnd\[$SPAWND_PID\]: server started on hello 127\.0\.0\.1:$port$"
		done_before=$(cat "$d/done")
	done
	wait_until 30 _done_more_than "$d/done" "$done_before" ||
	    fail "the clients made no progress after the last HUP: $(cat "$d/loop.out")"
	touch "$d/stop"
	wait "$loop" || true
	echo "# during 3 reloads: $(cat "$d/loop.out")" >&3
	[[ $(<"$d/loop.out") =~ ^ok\ [1-9][0-9]*\ bad\ 0\  ]] ||
	    fail "connections failed during the reloads: $(cat "$d/loop.out")"
}
