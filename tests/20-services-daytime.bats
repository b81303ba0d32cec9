#!/usr/bin/env bats
# The daytime service (DESIGN section 6, RFC 867): "DATE\r\n", 26 bytes,
# over TCP (inline, or from a child with fork = true) and the same bytes
# in one datagram over UDP.

load helpers
load services

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
