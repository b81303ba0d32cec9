#!/usr/bin/env bats
# The daytime service (spawnd.conf(5), "Service types"; RFC 867):
# "DATE\r\n", 26 bytes, over TCP (inline, or from a child with fork =
# true) and the same bytes in one datagram over UDP.

load lib/helpers
load lib/services

setup() {
	svc_setup
	PORT=$(free_port)
	FPORT=$(free_port)
	{
		svc_globals
		printf 'service daytime {\n\ttype = "daytime"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$PORT"
		printf 'service forked {\n\ttype = "daytime"\n\tfork = true\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$FPORT"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
}

teardown() { svc_teardown; }

# assert_daytime FILE: exactly "DATE\r\n" (26 bytes), DATE in Perl's
# scalar localtime format and within 10 s of our clock.
assert_daytime() {
	local size body when now
	size=$(stat -c %s "$1")
	[[ $size -eq 26 ]] || fail "expected 26 bytes, got $size:" "$(svc_dump "$1")" ||
	    return 1
	[[ $(tail -c 2 "$1" | od -An -tx1 | tr -d ' \n') == 0d0a ]] ||
	    fail "does not end with CRLF:" "$(svc_dump "$1")" || return 1
	body=$(head -c 24 "$1")
	[[ $body =~ ^$DATE_RE$ ]] || fail "not Perl's localtime: '$body'" ||
	    return 1
	when=$(date -d "$body" +%s) || fail "date(1) cannot read '$body'" ||
	    return 1
	now=$(date +%s)
	(( when - now <= 10 && now - when <= 10 )) && return 0
	fail "'$body' is not our local time ($(date))"
}

@test "daytime over TCP, answered inline: exactly DATE CRLF" {
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	assert_daytime "$BATS_TEST_TMPDIR/reply"
	[[ $(log_count "begat [0-9]+ for daytime$") -eq 0 ]] ||
	    fail "daytime forked although fork is not set"
}

@test "daytime with fork = true: the same bytes, from a child" {
	fetch_tcp 127.0.0.1 "$FPORT" "$BATS_TEST_TMPDIR/reply"
	assert_daytime "$BATS_TEST_TMPDIR/reply"
	wait_for_log "begat [0-9]+ for forked$"
}

@test "daytime over UDP: one datagram holding exactly DATE CRLF" {
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	assert_daytime "$BATS_TEST_TMPDIR/reply"
}

@test "daytime through nc and socat, the clients people use" {
	run_client nc -N 127.0.0.1 "$PORT" </dev/null
	assert_status 0
	[[ $output =~ ^$DATE_RE$'\r'$ ]] || fail "nc got: $output"
	run_client socat -T2 - "UDP:127.0.0.1:$PORT" <<<"x"
	assert_status 0
	[[ $output =~ ^$DATE_RE$'\r'$ ]] || fail "socat got: $output"
}

# A port by its name in /etc/services, for the socket's protocol: tcp for
# listen_stream, udp for listen_datagram.  Port 13 needs root, and a
# network namespace of our own keeps it from any daytime of the host's.
@test "\"127.0.0.1:daytime\": port 13 by its service name, over TCP and UDP" {
	[[ $(id -u) -eq 0 ]] || skip "port 13 and a network namespace need root"
	getent services daytime/tcp >/dev/null && getent services daytime/udp >/dev/null ||
	    skip "no daytime in /etc/services (netbase)"
	local conf=$BATS_TEST_TMPDIR/named.conf log=$BATS_TEST_TMPDIR/named.log
	local out=$BATS_TEST_TMPDIR/ns.out
	{
		SPAWND_PIDFILE=$BATS_TEST_TMPDIR/named.pid svc_globals
		printf 'service daytime {\n\ttype = "daytime"\n'
		printf '\tlisten_stream = {"127.0.0.1:daytime"}\n'
		printf '\tlisten_datagram = {"127.0.0.1:daytime"}\n}\n'
	} >"$conf"
	# spawnd runs in the namespace, stopped by the script itself, by PID;
	# each step that can fail says which it was (a loaded machine is
	# given 30 s to start it).
	# shellcheck disable=SC2016 # the inner bash expands its arguments
	timeout 120 unshare --net -- bash -c "$(declare -f udp_ask)"'
		set -u
		ip link set lo up || exit 1
		"$1" -f -c "$2" 2>"$3" </dev/null 3>&- &
		pid=$!
		log=$3
		up() { [[ $(grep -c "server started on daytime 127\.0\.0\.1:13" "$log") == 2 ]]; }
		for _ in $(seq 300); do up && break; kill -0 "$pid" || break; sleep 0.1; done
		up || { echo "not started"; kill "$pid"; exit 1; }
		timeout 10 nc -N 127.0.0.1 13 </dev/null >"$4/tcp" ||
		    echo "nc: status $?"
		udp_ask 127.0.0.1 13 "$4/udp" || echo "udp_ask: status $?"
		kill "$pid"
		wait "$pid"
		echo "stopped with $?"
	' ns "$SPAWND" "$conf" "$log" "$BATS_TEST_TMPDIR" >"$out" 2>&1 ||
	    fail "in the namespace:" "$(cat "$out")" "$(cat "$log")"
	[[ $(<"$out") == "stopped with 0" ]] || fail "$(cat "$out")" "$(cat "$log")"
	grep -qE "server started on daytime 127\.0\.0\.1:13$" "$log" ||
	    fail "not logged as port 13:" "$(cat "$log")"
	grep -qE "server started on daytime 127\.0\.0\.1:13 \(datagram\)$" "$log" ||
	    fail "no datagram socket on port 13:" "$(cat "$log")"
	assert_daytime "$BATS_TEST_TMPDIR/tcp"
	assert_daytime "$BATS_TEST_TMPDIR/udp"
}
