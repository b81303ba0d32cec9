#!/usr/bin/env bats
# Exhaustion never spins the parent nor escapes a limit (issue 23): with
# no fd left, accept() fails, and the listener rests a little longer each
# time (logged once) until fds are free again, when the waiting client is
# served.  The parent's fd limit is lowered from outside with prlimit(1),
# as an admin's LimitNOFILE or a flood of fds would.

load lib/helpers

@test "issue 23: no fd for accept(): the listener pauses (< 30 ticks, < 100 lines in 3 s), and the queued client is served once fds are free" {
	command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
	local port d=$BATS_TEST_TMPDIR limit soft t0 t1 client
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	hello_answers_here() { fetch_tcp 127.0.0.1 "$port" "$d/reply0"; }
	hello_answers_here || fail "no hello before the test"
	# The soft limit only: raising a hard one back needs CAP_SYS_RESOURCE.
	limit=$(lowest_free "$SPAWND_PID")
	soft=$(prlimit --pid "$SPAWND_PID" --nofile -o SOFT --noheadings)
	prlimit --pid "$SPAWND_PID" --nofile="$limit:"
	t0=$(cpu_ticks "$SPAWND_PID")
	# One client, queued: the parent cannot take it.
	timeout 20 python3 -c 'import socket,sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(15)
data = b""
while True:
    b = s.recv(4096)
    if not b: break
    data += b
sys.stdout.buffer.write(data)' "$port" </dev/null >"$d/reply" 2>"$d/client.err" 3>&- &
	client=$!
	wait_for_log "127\.0\.0\.1:$port: accept: Too many open files; pausing hello for [0-9]+ ms$"
	sleep 3	# what the parent does with these 3 s is what is measured
	t1=$(cpu_ticks "$SPAWND_PID")
	echo "# 3 s without an fd: $((t1 - t0)) ticks, $(log_count 'accept: ') log lines" >&3
	(( t1 - t0 < 30 )) || fail "the parent used $((t1 - t0)) ticks in 3 s: it spins"
	(( $(log_count 'accept: ') < 100 )) || fail "$(log_count 'accept: ') accept lines in 3 s"
	[[ ! -s $d/reply ]] || fail "served without an fd?"
	prlimit --pid "$SPAWND_PID" --nofile="${soft// /}:"
	wait "$client" || fail "the client failed: $(cat "$d/client.err")"
	assert_hello_bytes "$d/reply" '127\.0\.0\.1'
	assert_log "127\.0\.0\.1:$port: accepting again after [0-9]+ pauses$"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "issue 23: a SIGHUP with too few fds to spare is refused before the exec (the new image would die), and the old image serves on" {
	command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
	local port soft limit spare
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	soft=$(prlimit --pid "$SPAWND_PID" --nofile -o SOFT --noheadings)
	# 0 to spare: the check cannot start; 6: the check runs, the exec not.
	for spare in 0 6; do
		limit=$(( $(lowest_free "$SPAWND_PID") + spare ))
		prlimit --pid "$SPAWND_PID" --nofile="$limit:"
		kill -HUP "$SPAWND_PID"
		wait_for_log 'reload refused: .*Too many open files.*; still running with the old configuration$' $(( spare == 0 ? 1 : 2 ))
		prlimit --pid "$SPAWND_PID" --nofile="${soft// /}:"
		fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply" || fail "no hello after the refused reload ($spare spare)"
		assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
	done
	assert_log 'reload refused: no 8 file descriptors to spare for the new image: Too many open files'
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "issue 23: -t warns when RLIMIT_NOFILE is short of what the configuration needs; start raises the soft limit" {
	command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
	local port
	port=$(free_port)
	{
		config_globals
		printf 'max_children = 900\n'
		printf 'service pp {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$port"
		printf '\tproxy_protocol = "v1"\n\tproxy_from = {"127.0.0.1"}\n\tper_source = 2\n}\n'
	} | write_config
	# A hard limit of 512: 900 report pairs cannot fit.
	run prlimit --nofile=512:512 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	assert_output_has "warning: 1 listeners and max_children PROXY reports (per_source) need about 918 file descriptors, and RLIMIT_NOFILE allows 512"
	assert_output_has "configuration OK"
	# Soft 256 under a hard 4096: nothing to say, and the daemon raises it.
	run prlimit --nofile=256:4096 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	[[ $output != *warning* ]] || fail "warned although the hard limit suffices: $output"
	(
		exec prlimit --nofile=256:4096 "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	spawnd_wait_ready
	[[ $(prlimit --pid "$SPAWND_PID" --nofile -o SOFT --noheadings | tr -d ' ') == 918 ]] ||
	    fail "soft limit not raised: $(prlimit --pid "$SPAWND_PID" --nofile)"
}
