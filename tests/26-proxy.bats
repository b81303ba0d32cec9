#!/usr/bin/env bats
# The PROXY protocol (spawnd.conf(5), "Behind a load balancer"; issue 14
# points 1 and 2) with a client that plays the load balancer
# (tests/lib/proxy-client.py): the header is read in the child before a
# byte is written, the client it names is the client for the greeting,
# allow/deny, per_source, the log line and an exec program's
# environment; anything else is closed without a byte and logged
# "refused ADDR on SERVICE: proxy (REASON)".
#
# The "load balancer" connects from 127.0.0.1; the clients it names are
# other loopback addresses, and a client bound to 127.0.0.2 plays one
# that is not in proxy_from.  tests/27-haproxy.bats does the same
# behind a real HAProxy.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	hostile_setup
	PORT=$(free_port)
}

teardown() { hostile_teardown; }

# proxy ARG...: tests/lib/proxy-client.py ARG... under a timeout.
proxy() {
	timeout "$SPAWND_CLIENT_TIMEOUT" python3 "$TESTS_LIB/proxy-client.py" "$@"
}

# proxy_refused ARG...: the same, for a connection the server closes
# unread: bytes the client sent are still queued, so the kernel answers
# the close with a reset (status 3), which is fine too.
proxy_refused() {
	local rc=0
	proxy "$@" || rc=$?
	(( rc == 0 || rc == 3 )) || fail "proxy-client.py exited $rc"
}

# proxied_config TYPE OPTION...: one service "pp" of TYPE on $PORT that
# reads any PROXY version from 127.0.0.1, with the given extra options.
proxied_config() {
	local type=$1 o
	shift
	svc_globals
	printf 'service pp {\n\ttype = "%s"\n' "$type"
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
	printf '\tproxy_protocol = "any"\n\tproxy_from = {"127.0.0.1"}\n'
	for o in "$@"; do
		printf '\t%s\n' "$o"
	done
	printf '}\n'
}

# assert_closed_silently FILE: the client got not one byte.
assert_closed_silently() {
	[[ ! -s $1 ]] || fail "expected no byte, got:" "$(od -c "$1" | head)"
}

@test "proxy_protocol, proxy_from, proxy_timeout: -t refuses each mistake at its line" {
	local bad where
	for bad in \
	    'proxy_protocol = "v3"|one of off, v1, v2, any|proxy_protocol' \
	    'proxy_protocol = "on"|one of off, v1, v2, any|proxy_protocol' \
	    'proxy_protocol = "v2"|needs proxy_from|proxy_protocol' \
	    'proxy_from = {"127.0.0.1"}|proxy_from without proxy_protocol|proxy_from' \
	    'proxy_protocol = "v1" proxy_from = {"10.0.0.0/33"}|proxy_from "10.0.0.0/33"|proxy_from' \
	    'proxy_protocol = "v1" proxy_from = {"::1"} proxy_timeout = 0|proxy_timeout|proxy_timeout' \
	    'proxy_protocol = "v1" proxy_from = {"::1"} proxy_timeout = 61|proxy_timeout|proxy_timeout'; do
		{
			svc_globals
			printf 'service x {\n\ttype = "hello"\n'
			printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
			printf '\t%s\n' "${bad%%|*}"
			printf '}\n'
		} | sed 's/ \(proxy_[a-z]* =\)/\n\t\1/g' | write_config
		where=$(line_of "${bad##*|} =")
		bad=${bad%|*}
		expect_error "${bad#*|}" "$where" || return 1
	done
	# Datagrams have no header; a wait program accepts its own clients.
	{
		svc_globals
		printf 'service t {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\tproxy_protocol = "v2"\n\tproxy_from = {"127.0.0.1"}\n}\n'
	} | write_config
	expect_error "stream services only" "$(line_of 'proxy_protocol')"
	{
		svc_globals
		printf 'service w {\n\ttype = "exec"\n\texec = "/bin/cat"\n\twait = true\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\tproxy_protocol = "v1"\n\tproxy_from = {"127.0.0.1"}\n}\n'
	} | write_config
	expect_error "not with wait = true" "$(line_of 'proxy_protocol')"
	# issue 23: any local user can connect to a Unix socket and say
	# anything; proxy_from cannot tell the load balancer from them.
	{
		svc_globals
		printf 'service u {\n\ttype = "hello"\n\tlisten_stream = {"%s/u.sock"}\n' "$BATS_TEST_TMPDIR"
		printf '\tproxy_protocol = "v1"\n\tproxy_from = {"127.0.0.1"}\n}\n'
	} | write_config
	expect_error "proxy_protocol: not on a Unix socket" "$(line_of 'proxy_protocol')"
	proxied_config hello 'proxy_timeout = 60' | write_config
	expect_ok
}

@test "v1 and v2 headers: the greeting and the log name the real client, via the proxy" {
	proxied_config hello | write_config
	start_spawnd -c "$SPAWND_CONF"
	proxy 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 5555 80\r\n' \
	    >"$BATS_TEST_TMPDIR/v1"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v1" '127\.0\.0\.5'
	wait_for_log 'connection from 127\.0\.0\.5 \[127\.0\.0\.5\] at port 5555 on pp via 127\.0\.0\.1$'
	proxy 127.0.0.1 "$PORT" "v2:127.0.0.6,6666,127.0.0.1,80" >"$BATS_TEST_TMPDIR/v2"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v2" '127\.0\.0\.6'
	wait_for_log 'connection from 127\.0\.0\.6 \[127\.0\.0\.6\] at port 6666 on pp via 127\.0\.0\.1$'
	# IPv6 clients travel in IPv4 connections too.
	proxy 127.0.0.1 "$PORT" 'text:PROXY TCP6 2001:db8::7 ::1 7777 80\r\n' \
	    >"$BATS_TEST_TMPDIR/v1-6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v1-6" '2001:db8::7'
	proxy 127.0.0.1 "$PORT" "v2:2001:db8::8,8888,::1,80,crc,id=req-42" \
	    >"$BATS_TEST_TMPDIR/v2-6"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v2-6" '2001:db8::8'
	wait_for_log 'connection from 2001:db8::8 \[2001:db8::8\] at port 8888 on pp via 127\.0\.0\.1 id req-42$'
}

@test "health checks (v1 UNKNOWN, v2 LOCAL) are served as the proxy itself" {
	proxied_config hello | write_config
	start_spawnd -c "$SPAWND_CONF"
	proxy 127.0.0.1 "$PORT" 'text:PROXY UNKNOWN\r\n' >"$BATS_TEST_TMPDIR/unknown"
	assert_hello_bytes "$BATS_TEST_TMPDIR/unknown" '127\.0\.0\.1'
	proxy 127.0.0.1 "$PORT" v2local >"$BATS_TEST_TMPDIR/local"
	assert_hello_bytes "$BATS_TEST_TMPDIR/local" '127\.0\.0\.1'
	wait_for_log 'connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on pp$' 2
	[[ $(log_count ' via ') -eq 0 ]] || fail "a health check logged as proxied"
}

@test "bad, late, missing or unaccepted headers: closed without a byte, refused as proxy (REASON)" {
	proxied_config hello 'proxy_timeout = 1' | write_config
	start_spawnd -c "$SPAWND_CONF"
	local case out=$BATS_TEST_TMPDIR/out n=0
	for case in \
	    'not a PROXY header|text:GET / HTTP/1.0\r\n\r\n' \
	    'v1: |text:PROXY TCP4 127.0.0.05 127.0.0.1 1 2\r\n' \
	    'v1: |text:PROXY TCP4 127.0.0.5 127.0.0.1 01 2\r\n' \
	    'v1: |text:PROXY TCP4 127.0.0.5 127.0.0.1 1 2\n' \
	    "v1: |text:PROXY TCP4 127.0.0.5 127.0.0.1 1 2$(printf ' %.0s' {1..80})\\r\\n" \
	    'v2: CRC32C mismatch|v2:127.0.0.7,7,127.0.0.1,80,badcrc' \
	    'v2: |v2:127.0.0.7,7,127.0.0.1,80,ver=1' \
	    'v2: |v2:127.0.0.7,7,127.0.0.1,80,cmd=2' \
	    'closed before the header|text:PROXY TCP4 127.0.0.5'; do
		proxy_refused --shut 127.0.0.1 "$PORT" "${case#*|}" >"$out"
		assert_closed_silently "$out"
		n=$((n + 1))
		wait_for_log "refused 127\\.0\\.0\\.1 on pp: proxy \\($(re_quote "${case%%|*}")" 1
		wait_for_log 'refused 127\.0\.0\.1 on pp: proxy \(' "$n"
	done
	# No header at all, and a header too slow: proxy_timeout (1 s) ends them.
	proxy --hold 4 127.0.0.1 "$PORT" >"$out"
	assert_closed_silently "$out"
	proxy_refused --gap 2 --hold 3 127.0.0.1 "$PORT" 'text:PROXY TCP4 ' \
	    'text:127.0.0.5 127.0.0.1 1 2\r\n' >"$out"
	assert_closed_silently "$out"
	wait_for_log 'refused 127\.0\.0\.1 on pp: proxy \(timeout\)$' 2
	[[ $(log_count 'connection from') -eq 0 ]] || fail "a bad header was served"
	assert_log_clean
}

@test "a header in pieces within proxy_timeout is served; the client's own bytes stay for the service" {
	proxied_config exec 'exec = "/bin/cat"' 'proxy_timeout = 3' | write_config
	start_spawnd -c "$SPAWND_CONF"
	run proxy --gap 0.3 --hold 2 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0' \
	    'text:.5 127.0.0.1 40000 80\r' 'text:\nafter the header\n'
	assert_status 0
	[[ $output == "after the header" ]] || fail "cat echoed: $output"
	# v2 with its client bytes in the very same segment.
	run proxy --hold 2 127.0.0.1 "$PORT" \
	    "hex:$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import importlib; m = importlib.import_module("proxy-client"); print((m.v2("v2:127.0.0.9,9,127.0.0.1,80,crc") + b"same segment\n").hex())' "$TESTS_LIB")"
	assert_status 0
	[[ $output == "same segment" ]] || fail "cat echoed: $output"
}

@test "exec behind a proxy: TCPREMOTEIP/PORT are the real client's, PROXYREMOTEIP the proxy's" {
	local prog=$SVC_DIR/showenv
	printf '#!/bin/sh\nenv | grep -E "^(PROTO|TCP|PROXY)" | sort\n' >"$prog"
	chmod 755 "$prog"
	proxied_config exec "exec = \"$prog\"" | write_config
	start_spawnd -c "$SPAWND_CONF"
	run proxy 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 5555 80\r\n'
	assert_status 0
	local port=$PORT
	[[ $output == "PROTO=TCP
PROXYREMOTEIP=127.0.0.1
TCPLOCALIP=127.0.0.1
TCPLOCALPORT=$port
TCPREMOTEIP=127.0.0.5
TCPREMOTEPORT=5555" ]] || fail "environment:" "$output"
}

@test "outside proxy_from: refused by the parent, no child, no byte" {
	proxied_config hello | write_config
	start_spawnd -c "$SPAWND_CONF"
	proxy_refused --bind 127.0.0.2 127.0.0.1 "$PORT" \
	    'text:PROXY TCP4 127.0.0.5 127.0.0.1 5555 80\r\n' >"$BATS_TEST_TMPDIR/out"
	assert_closed_silently "$BATS_TEST_TMPDIR/out"
	wait_for_log 'refused 127\.0\.0\.2 on pp: proxy \(not in proxy_from\)$'
	[[ $(log_count 'begat') -eq 0 ]] || fail "the parent forked for a stranger"
}

@test "allow and deny judge the real client, not the proxy" {
	proxied_config hello 'allow = {"127.0.0.0/24"}' 'deny = {"127.0.0.9"}' | write_config
	start_spawnd -c "$SPAWND_CONF"
	proxy_refused 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.9 127.0.0.1 9 80\r\n' >"$BATS_TEST_TMPDIR/denied"
	assert_closed_silently "$BATS_TEST_TMPDIR/denied"
	wait_for_log 'refused 127\.0\.0\.9 on pp: acl$'
	proxy_refused 127.0.0.1 "$PORT" 'v2:127.0.1.1,9,127.0.0.1,80' >"$BATS_TEST_TMPDIR/outside"
	assert_closed_silently "$BATS_TEST_TMPDIR/outside"
	wait_for_log 'refused 127\.0\.1\.1 on pp: acl$'
	proxy 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.8 127.0.0.1 8 80\r\n' >"$BATS_TEST_TMPDIR/ok"
	assert_hello_bytes "$BATS_TEST_TMPDIR/ok" '127\.0\.0\.8'
}

@test "per_source counts real clients: one proxy, two clients, one limit each" {
	proxied_config exec 'exec = "/bin/cat"' 'per_source = 1' | write_config
	start_spawnd -c "$SPAWND_CONF"
	local out=$BATS_TEST_TMPDIR
	# Client .5 holds its session open (cat waits for input).
	proxy --hold 6 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 5 80\r\nhold\n' \
	    >"$out/holder" 3>&- &
	local holder=$!
	HOLDERS+=("$holder")
	wait_until 5 test -s "$out/holder" || fail "the first session is not served"
	# A second session of .5 through the same proxy: per_source.
	proxy_refused --hold 2 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 6 80\r\nsecond\n' \
	    >"$out/second"
	assert_closed_silently "$out/second"
	wait_for_log 'refused 127\.0\.0\.5 on pp: per_source$'
	# Another client through the same proxy is served (the old limit
	# on the connection's address would have refused it).
	run proxy --hold 1 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.6 127.0.0.1 7 80\r\nthird\n'
	[[ $output == third ]] || fail "a different real client was not served: $output"
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	# Once .5's session is over, .5 is served again.
	wait_until 10 childless "$SPAWND_PID" || fail "children left"
	run proxy --hold 1 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 8 80\r\nagain\n'
	[[ $output == again ]] || fail ".5 not served after its session ended: $output"
}

@test "per_source service: every bad header is counted, even from children that exit before the parent reads their report" {
	proxied_config hello 'per_source = 4' 'max_instances = 0' | write_config
	start_spawnd -c "$SPAWND_CONF"
	# 200 at once, each a bad header: the children refuse and exit at
	# once, often before the parent has read their reports.
	timeout 20 python3 -c '
import socket, sys
port = int(sys.argv[1])
conns = []
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GARBAGE\r\n")
    conns.append(s)
for s in conns:
    try:
        s.recv(1)
    except OSError:
        pass
    s.close()
' "$PORT" || fail "the client burst failed"
	_refusals_all() {
		local single more
		single=$(log_count 'refused 127\.0\.0\.1 on pp: proxy \(not a PROXY header\)$')
		more=$(sed -nE 's/.*refused ([0-9]+) more on pp .*/\1/p' "$SPAWND_LOG" |
		    awk '{ n += $1 } END { print n + 0 }')
		(( single + more == 200 ))
	}
	wait_until 20 _refusals_all ||
	    fail "not 200 refusals:" "$(grep -c refused "$SPAWND_LOG")" "$(grep 'more on' "$SPAWND_LOG")"
}

@test "a proxied service serves across a reload, its limits still per real client" {
	proxied_config hello 'per_source = 2' | write_config
	start_spawnd -c "$SPAWND_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log 'server started on pp ' 2
	proxy 127.0.0.1 "$PORT" 'v2:127.0.0.5,5,127.0.0.1,80,crc' >"$BATS_TEST_TMPDIR/after"
	assert_hello_bytes "$BATS_TEST_TMPDIR/after" '127\.0\.0\.5'
	wait_for_log 'connection from 127\.0\.0\.5 \[127\.0\.0\.5\] at port 5 on pp via 127\.0\.0\.1$'
}

@test "issue 23: per_source with no fd for the report pair: refused as per_source (no report channel), counted, never served unchecked" {
	command -v prlimit >/dev/null || skip "prlimit (util-linux) is not installed"
	local pm soft limit out=$BATS_TEST_TMPDIR
	pm=$(free_port)
	{
		proxied_config hello 'per_source = 2'
		printf 'service metrics {\n\ttype = "metrics"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$pm"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	# One fd left: enough for accept(), not for a pair of sockets.
	limit=$(( $(lowest_free "$SPAWND_PID") + 1 ))
	soft=$(prlimit --pid "$SPAWND_PID" --nofile -o SOFT --noheadings)
	prlimit --pid "$SPAWND_PID" --nofile="$limit:"
	proxy_refused --hold 2 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 5 80\r\n' >"$out/refused"
	prlimit --pid "$SPAWND_PID" --nofile="${soft// /}:"
	assert_closed_silently "$out/refused"
	wait_for_log 'refused 127\.0\.0\.1 on pp: per_source \(no report channel: Too many open files\)$'
	(( $(log_count 'begat [0-9]+ for pp$') == 0 )) || fail "a child was forked without its report pair"
	timeout 5 curl -s "http://127.0.0.1:$pm/metrics" >"$out/m" || fail "no metrics"
	grep -qx 'spawnd_refused_total{service="pp",reason="per_source"} 1' "$out/m" ||
	    fail "not counted:" "$(grep refused_total "$out/m")"
	# With fds again, the same client is served.
	proxy 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 6 80\r\n' >"$out/served"
	assert_hello_bytes "$out/served" '127\.0\.0\.5'
}

@test "issue 23: connections accepted before a reload whose headers come after it are still counted by per_source" {
	proxied_config exec 'exec = "/bin/cat"' 'per_source = 2' | write_config
	start_spawnd -c "$SPAWND_CONF"
	local out=$BATS_TEST_TMPDIR holder b c served=0 f
	# Client .5's first session, held open.
	proxy --hold 8 127.0.0.1 "$PORT" 'text:PROXY TCP4 127.0.0.5 127.0.0.1 5 80\r\nA\n' \
	    >"$out/a" 3>&- &
	holder=$!
	HOLDERS+=("$holder")
	wait_until 5 test -s "$out/a" || fail "the first session is not served"
	# Two more of .5 connect now and send their headers 2 s later, after
	# the reload: the children are the old image's, the verdict the new one's.
	proxy --gap 2 --hold 3 127.0.0.1 "$PORT" 'text:' 'text:PROXY TCP4 127.0.0.5 127.0.0.1 6 80\r\nB\n' \
	    >"$out/b" 2>&1 3>&- &
	b=$!
	proxy --gap 2 --hold 3 127.0.0.1 "$PORT" 'text:' 'text:PROXY TCP4 127.0.0.5 127.0.0.1 7 80\r\nC\n' \
	    >"$out/c" 2>&1 3>&- &
	c=$!
	wait_for_log 'begat [0-9]+ for pp$' 3
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait "$b" || true
	wait "$c" || true
	for f in b c; do
		[[ $(<"$out/$f") == "${f^^}" ]] && served=$((served + 1))
	done
	(( served == 1 )) || fail "$served of the two later sessions served with per_source = 2 (want 1): b='$(<"$out/b")' c='$(<"$out/c")'" "$(cat "$SPAWND_LOG")"
	assert_log "^spawnd\\[$SPAWND_PID\\]: refused 127\\.0\\.0\\.5 on pp: per_source$"
}
