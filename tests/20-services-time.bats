#!/usr/bin/env bats
# The time service (spawnd.conf(5), "Service types"; RFC 868): 4 bytes,
# big-endian seconds since 1900-01-01 00:00 UTC modulo 2^32, over TCP
# (inline, or from a child with fork = true) and UDP; rdate(8) as the
# real client; no answer to datagrams from the sources spawnd.conf(5),
# "Datagram sources", lists.

load lib/helpers
load lib/services

setup() {
	svc_setup
	PORT=$(free_port)
	FPORT=$(free_port)
	{
		svc_globals
		printf 'service time {\n\ttype = "time"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$PORT"
		printf 'service forked {\n\ttype = "time"\n\tfork = true\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$FPORT"
		printf 'service unixtime {\n\ttype = "time"\n'
		printf '\tlisten_stream = {"%s/time.sock"}\n}\n' "$BATS_TEST_TMPDIR"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
}

teardown() { svc_teardown; }

# assert_rfc868 FILE: exactly 4 bytes whose value is now + 2208988800
# (mod 2^32) within 5 seconds.
assert_rfc868() {
	local size got want diff
	size=$(stat -c %s "$1")
	[[ $size -eq 4 ]] || fail "expected 4 bytes, got $size:" "$(svc_dump "$1")" ||
	    return 1
	got=$((16#$(od -An -tx1 "$1" | tr -d ' \n')))
	want=$(( ($(date +%s) + 2208988800) % 4294967296 ))
	diff=$(( got - want ))
	(( diff >= -5 && diff <= 5 )) && return 0
	fail "RFC 868 value $got is $diff s away from $want"
}

@test "time over TCP, answered inline: exactly 4 bytes, the RFC 868 count" {
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	assert_rfc868 "$BATS_TEST_TMPDIR/reply"
	wait_for_log "connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on time$"
	# Inline: no child was begotten for it.
	[[ $(log_count "begat [0-9]+ for time$") -eq 0 ]] ||
	    fail "time forked although fork is not set"
}

@test "time with fork = true: the same 4 bytes, from a child" {
	fetch_tcp 127.0.0.1 "$FPORT" "$BATS_TEST_TMPDIR/reply"
	assert_rfc868 "$BATS_TEST_TMPDIR/reply"
	wait_for_log "begat [0-9]+ for forked$"
	wait_for_log "reaped [0-9]+ \(forked\)"
}

@test "time on a Unix socket, answered inline: the 4 bytes, and the log names the client by uid and pid" {
	fetch_unix "$BATS_TEST_TMPDIR/time.sock" "$BATS_TEST_TMPDIR/reply"
	assert_rfc868 "$BATS_TEST_TMPDIR/reply"
	wait_for_log "connection from uid $(id -u) pid [0-9]+ on unixtime$"
	[[ $(log_count "begat [0-9]+ for unixtime$") -eq 0 ]] ||
	    fail "unixtime forked although fork is not set"
	# Before: the inline path formatted a Unix peer as an IP address.
	[[ $(log_count "connection from +\\[") -eq 0 ]] ||
	    fail "a connection line without a name:" "$(grep 'connection from' "$SPAWND_LOG")"
}

@test "time over UDP: one datagram of the 4 bytes" {
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	assert_rfc868 "$BATS_TEST_TMPDIR/reply"
}

# rdate_is_now ARG...: rdate -p ARG... succeeds and prints our time.
rdate_is_now() {
	local when now
	run_client rdate -p "$@"
	assert_status 0
	# "Fri Nov 27 09:05:03 UTC 2026", perhaps after "rdate: [host]\t"
	when=$(sed -E 's/^.*\t//' <<<"$output")
	when=$(date -d "$when" +%s) || fail "rdate $* printed no date: $output" ||
	    return 1
	now=$(date +%s)
	(( when - now <= 5 && now - when <= 5 )) && return 0
	fail "rdate -p $*: '$output' is not now ($(date))"
}

@test "rdate -p and rdate -p -u print our time, inline and forked" {
	command -v rdate >/dev/null || skip "rdate not installed"
	rdate_is_now -o "$PORT" 127.0.0.1
	rdate_is_now -u -o "$PORT" 127.0.0.1
	rdate_is_now -o "$FPORT" 127.0.0.1
}

@test "no reply to a datagram from a privileged source port; a normal one gets it" {
	[[ $(id -u) -eq 0 ]] || skip "binding a port below 1024 needs root"
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/priv" 1023 ||
	    skip "cannot send from 127.0.0.1:1023"
	[[ ! -s $BATS_TEST_TMPDIR/priv ]] ||
	    fail "answered source port 1023:" "$(svc_dump "$BATS_TEST_TMPDIR/priv")"
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/nfs" 2049 || true
	[[ ! -s $BATS_TEST_TMPDIR/nfs ]] || fail "answered source port 2049"
	udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/normal"
	assert_rfc868 "$BATS_TEST_TMPDIR/normal"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}
