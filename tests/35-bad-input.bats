#!/usr/bin/env bats
# Bad input (issue 5 point 6): 10 MB of random bytes, NUL bytes, lone
# CRs, half-closed sockets, clients that vanish in the middle of a reply
# (SIGPIPE), junk datagrams.  Each may end its own session, never the
# daemon or another client's session, and the log never gets a raw
# control character.  spawnd runs with -d so that every debug line is
# checked too.

load lib/helpers
load lib/services
load lib/hostile

GREETING='Welcome to spawnd; type help for command list.\r\n'
PROMPT='Command? '

setup() {
	hostile_setup
	PORT=$(free_port)
	HPORT=$(free_port)
	FPORT=$(free_port)
	UPORT=$(free_port)
	CMD=127.0.0.1:$PORT
	head -c 65536 /dev/zero | tr '\0' 'm' >"$SVC_DIR/motd"
	chmod 644 "$SVC_DIR/motd"
	write_config <<-EOF
	$(svc_globals)
	motd_file = "$SVC_DIR/motd"
	service command {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		# Long enough for the bystander's session (opened at setup)
		# to outlive the slowest test, under ASan too.
		idle_timeout = 300
	}
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$HPORT"}
	}
	service fortune {
		type = "fortune"
		listen_stream = {"127.0.0.1:$FPORT"}
		listen_datagram = {"127.0.0.1:$FPORT"}
	}
	service time {
		type = "time"
		listen_datagram = {"127.0.0.1:$UPORT"}
	}
	EOF
	start_spawnd -d -c "$SPAWND_CONF"
	# A bystander: a session opened before each attack, checked after.
	hold bystander "$CMD" 1
	[[ $HOLD_STATE == "served=1 "* ]] || fail "bystander: $HOLD_STATE"
	BYSTANDER=$(children_of "$SPAWND_PID")
}

teardown() { hostile_teardown; }

# Polled by wait_until, so evaluated anew each time (a "$(...)" in
# wait_until's arguments would be expanded once, before the first try).
only_bystander_left() {
	[[ $(children_of "$SPAWND_PID") == "$BYSTANDER" ]]
}

# after_attack: spawnd and the bystander's child are alive, no child
# died of a signal the attack could cause, a new session works, and the
# log is clean.
after_attack() {
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	kill -0 "$BYSTANDER" || fail "the bystander's session (child $BYSTANDER) died"
	[[ $(log_count "killed by signal (6|7|8|11|13)$") -eq 0 ]] ||
	    fail "a child died of a signal:" "$(grep 'killed by signal' "$SPAWND_LOG")"
	svc_session 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/after" 'date\r\nquit\r\n' >/dev/null
	sed -E "s/$DATE_RE/DATE/" "$BATS_TEST_TMPDIR/after" >"$BATS_TEST_TMPDIR/after.n"
	assert_bytes "$BATS_TEST_TMPDIR/after.n" "$GREETING${PROMPT}DATE\r\n$PROMPT"
	assert_log_clean
}

# talk INPUT: svc_session to the command server; the reply, every DATE
# replaced by "DATE", in $BATS_TEST_TMPDIR/out.
talk() {
	svc_session 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/raw" "$1" >/dev/null ||
	    fail "session failed"
	sed -E "s/$DATE_RE/DATE/g" "$BATS_TEST_TMPDIR/raw" >"$BATS_TEST_TMPDIR/out"
}

@test "10 MB of random bytes to the command server, with and without telnet IAC" {
	run hostile garbage "$CMD" 10485760 --no-iac --seed 1
	assert_status 0
	echo "# 10 MB without IAC: $output" >&3
	[[ $(kv sent "$output") == 10485760 ]] || fail "not all sent: $output"
	[[ $(kv end "$output") == eof ]] || fail "session did not end cleanly: $output"
	(( $(kv received "$output") > 0 )) || fail "no answer at all: $output"
	# With IAC IP or a raw ^C in the noise the server may hang up early.
	run hostile garbage "$CMD" 10485760 --seed 2
	assert_status 0
	echo "# 10 MB with IAC: $output" >&3
	[[ $(kv end "$output") =~ ^(eof|reset|send-.*)$ ]] || fail "$output"
	after_attack
}

@test "10 MB of random bytes to services that never read" {
	run hostile garbage "127.0.0.1:$HPORT" 10485760 --wait 10
	echo "# 10 MB to hello: $output" >&3
	run hostile garbage "127.0.0.1:$FPORT" 10485760 --wait 10
	echo "# 10 MB to fortune: $output" >&3
	wait_until 10 only_bystander_left ||
	    fail "children left behind"
	after_attack
}

@test "NUL bytes are dropped, lone CRs end lines, a line of NULs is blank" {
	talk 'da\0te\r\n\0\0\0\0\r\n\0q\0u\0i\0t\0\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n$PROMPT$PROMPT"
	talk 'date\rdate\r\0date\r\rquit\r'
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING${PROMPT}DATE\r\n${PROMPT}DATE\r\n${PROMPT}DATE\r\n$PROMPT$PROMPT"
	after_attack
}

@test "half-closed sockets: the last line is answered, then the server closes" {
	talk 'date'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n"
	talk 'date\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n$PROMPT"
	talk ''
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT"
	after_attack
}

@test "clients that vanish mid-reply (SIGPIPE) end only their own child" {
	run hostile vanish "$CMD" 50 --send 'motd\r\nmotd\r\nmotd\r\nmotd\r\n' --read 100
	assert_status 0
	run hostile vanish "127.0.0.1:$FPORT" 50
	assert_status 0
	run hostile vanish "127.0.0.1:$HPORT" 50
	assert_status 0
	wait_until 30 only_bystander_left ||
	    fail "children left behind, or the bystander $BYSTANDER gone:" \
	    "$(children_of "$SPAWND_PID")"
	[[ $(log_count "killed by signal 13$") -eq 0 ]] ||
	    fail "a child died of SIGPIPE"
	after_attack
}

@test "junk datagrams of every size: answers go on, streams are not starved" {
	local junk_pid out
	hostile udpjunk "127.0.0.1:$UPORT" 20000 >"$BATS_TEST_TMPDIR/junk1" 2>&1 3>&- &
	junk_pid=$!
	HOLDERS+=("$junk_pid")
	hostile udpjunk "127.0.0.1:$FPORT" 5000 >"$BATS_TEST_TMPDIR/junk2" 2>&1
	# While the flood goes on, a stream client is served.
	assert_served "127.0.0.1:$HPORT"
	wait "$junk_pid" || true
	echo "# junk datagrams: $(<"$BATS_TEST_TMPDIR/junk1") + $(<"$BATS_TEST_TMPDIR/junk2")" >&3
	out=$(hostile udp "127.0.0.1:$UPORT" 5 --wait 2)
	[[ $(kv answered "$out") == 5 ]] || fail "time datagrams not answered after the flood: $out"
	out=$(hostile udp "127.0.0.1:$FPORT" 5 --wait 2)
	[[ $(kv answered "$out") == 5 ]] || fail "fortune datagrams not answered after the flood: $out"
	after_attack
}

@test "a FIFO or a device as fortune_file: spawnd -t says so at once instead of hanging" {
	local fifo=$SVC_DIR/fifo path
	mkfifo "$fifo"
	for path in "$fifo" /dev/zero; do
		write_config "$BATS_TEST_TMPDIR/bad.conf" <<-EOF
		$(svc_globals "$path")
		service fortune {
			type = "fortune"
			listen_stream = {"127.0.0.1:$FPORT"}
		}
		EOF
		# Signals are blocked during the check: only SIGKILL would end a hang.
		run timeout -s KILL 10 "$SPAWND" -t -c "$BATS_TEST_TMPDIR/bad.conf"
		assert_status 78
		assert_output_has "fortune file $path is not a regular file"
	done
	after_attack
}
