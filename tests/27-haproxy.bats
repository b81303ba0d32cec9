#!/usr/bin/env bats
# Behind a real load balancer (issue 14 point 3; spawnd.conf(5),
# "Behind a load balancer"): Debian's HAProxy, started by the test on
# loopback, sends spawnd the PROXY header -- send-proxy (v1),
# send-proxy-v2 with proxy-v2-options crc32c,unique-id -- and checks
# spawnd's health with the same header (v1: a header naming itself, v2:
# LOCAL).  Clients bind to 127.0.0.2 and up, HAProxy connects from
# 127.0.0.1, so the real client always differs from the proxy.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	command -v haproxy >/dev/null || skip "haproxy is not installed (./dev installs it)"
	hostile_setup
	P_HELLO=$(free_port)
	P_CAT=$(free_port)
	F_V1=$(free_port)
	F_V2=$(free_port)
	F_CAT=$(free_port)
	HAPROXY_PID=
	{
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_HELLO"
		printf '\tproxy_protocol = "any"\n\tproxy_from = {"127.0.0.1"}\n'
		printf '\tproxy_timeout = 1\n\tdeny = {"127.0.0.3"}\n}\n'
		printf 'service cat {\n\ttype = "exec"\n\texec = "/bin/cat"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_CAT"
		printf '\tproxy_protocol = "v2"\n\tproxy_from = {"127.0.0.1"}\n'
		printf '\tper_source = 1\n}\n'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	start_haproxy
}

teardown() {
	if [[ -n $HAPROXY_PID ]] && kill -0 "$HAPROXY_PID" 2>/dev/null; then
		kill -TERM "$HAPROXY_PID"
		wait_for_exit "$HAPROXY_PID" 5 || kill -KILL "$HAPROXY_PID"
	fi
	wait "$HAPROXY_PID" 2>/dev/null || true
	hostile_teardown
}

# start_haproxy: three frontends on loopback, each to one spawnd
# service, health-checked every 200 ms; wait until every server is UP.
start_haproxy() {
	HAPROXY_SOCK=$BATS_TEST_TMPDIR/haproxy.sock
	cat >"$BATS_TEST_TMPDIR/haproxy.cfg" <<-CFG
	global
	    stats socket $HAPROXY_SOCK mode 600 level admin
	defaults
	    mode tcp
	    timeout connect 2s
	    timeout client 10s
	    timeout server 10s
	    # The client's address and port in hex first: the test reads it back.
	    unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid
	frontend fe_v1
	    bind 127.0.0.1:$F_V1
	    default_backend be_v1
	backend be_v1
	    server s1 127.0.0.1:$P_HELLO send-proxy check inter 200ms
	frontend fe_v2
	    bind 127.0.0.1:$F_V2
	    default_backend be_v2
	backend be_v2
	    server s2 127.0.0.1:$P_HELLO send-proxy-v2 proxy-v2-options crc32c,unique-id check inter 200ms
	frontend fe_cat
	    bind 127.0.0.1:$F_CAT
	    default_backend be_cat
	backend be_cat
	    server s3 127.0.0.1:$P_CAT send-proxy-v2 check inter 200ms
	CFG
	haproxy -c -q -f "$BATS_TEST_TMPDIR/haproxy.cfg" ||
	    fail "haproxy rejects the test's configuration"
	haproxy -db -f "$BATS_TEST_TMPDIR/haproxy.cfg" </dev/null \
	    >"$BATS_TEST_TMPDIR/haproxy.log" 2>&1 3>&- &
	HAPROXY_PID=$!
	wait_until 10 servers_up 3 ||
	    fail "HAProxy's servers are not UP:" "$(haproxy_stat)" \
	        "$(cat "$BATS_TEST_TMPDIR/haproxy.log")"
}

# haproxy_stat: "backend server status checks-failed" of every server.
haproxy_stat() {
	echo "show stat" | timeout 2 socat - "UNIX-CONNECT:$HAPROXY_SOCK" 2>/dev/null |
	    awk -F, '$2 != "FRONTEND" && $2 != "BACKEND" && $1 !~ /^#/ && NF > 20 {
	        print $1, $2, $18, $23 }'
}

# servers_up N: N servers, every one of them UP.
servers_up() {
	local stat
	stat=$(haproxy_stat)
	[[ $(grep -c ' UP ' <<<"$stat") -eq $1 && $(wc -l <<<"$stat") -eq $1 ]]
}

# via FRONTEND SRC FILE [PIECE...]: a client bound to SRC through a frontend.
via() {
	local port=$1 src=$2 out=$3
	shift 3
	timeout "$SPAWND_CLIENT_TIMEOUT" python3 "$TESTS_LIB/proxy-client.py" \
	    --bind "$src" 127.0.0.1 "$port" "$@" >"$out"
}

@test "send-proxy (v1): the greeting and the log name the client, via HAProxy" {
	via "$F_V1" 127.0.0.2 "$BATS_TEST_TMPDIR/v1"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v1" '127\.0\.0\.2'
	wait_for_log 'connection from 127\.0\.0\.2 \[127\.0\.0\.2\] at port [0-9]+ on hello via 127\.0\.0\.1$'
}

@test "send-proxy-v2 with crc32c,unique-id: the client, its port, and HAProxy's unique id logged" {
	via "$F_V2" 127.0.0.4 "$BATS_TEST_TMPDIR/v2"
	assert_hello_bytes "$BATS_TEST_TMPDIR/v2" '127\.0\.0\.4'
	# unique-id-format starts with the client's address in hex: 7F000004.
	wait_for_log 'connection from 127\.0\.0\.4 \[127\.0\.0\.4\] at port [0-9]+ on hello via 127\.0\.0\.1 id 7F000004:[0-9A-F]{4}_7F000001:'
	local line port hexport
	line=$(grep 'connection from 127.0.0.4 ' "$SPAWND_LOG")
	port=$(sed -E 's/.* at port ([0-9]+) .*/\1/' <<<"$line")
	hexport=$(sed -E 's/.* id 7F000004:([0-9A-F]{4})_.*/\1/' <<<"$line")
	(( port == 16#$hexport )) ||
	    fail "the logged port $port is not the unique id's client port 0x$hexport"
	[[ $(log_count 'refused') -eq 0 ]] || fail "refusals in the log"
}

@test "health checks (check with send-proxy: v1 own header, v2 LOCAL) keep every server UP" {
	# At 200 ms, a few checks of each server in a second or two.
	wait_for_log 'connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on hello$' 3
	wait_for_log 'connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on hello via 127\.0\.0\.1$' 3
	wait_for_log 'connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on cat$' 3
	servers_up 3 || fail "not all UP:" "$(haproxy_stat)"
	haproxy_stat | awk '$4 != 0 { bad = 1 } END { exit bad }' ||
	    fail "failed checks:" "$(haproxy_stat)"
	[[ $(log_count 'refused') -eq 0 ]] || fail "a health check was refused"
}

@test "deny by the real address: 127.0.0.3 gets nothing through HAProxy, 127.0.0.2 is served" {
	via "$F_V2" 127.0.0.3 "$BATS_TEST_TMPDIR/denied"
	[[ ! -s $BATS_TEST_TMPDIR/denied ]] || fail "the denied client got:" "$(cat "$BATS_TEST_TMPDIR/denied")"
	wait_for_log 'refused 127\.0\.0\.3 on hello: acl$'
	via "$F_V1" 127.0.0.3 "$BATS_TEST_TMPDIR/denied1"
	[[ ! -s $BATS_TEST_TMPDIR/denied1 ]] || fail "the denied client got bytes over v1"
	wait_for_log 'refused 127\.0\.0\.3 on hello: acl$' 2
	via "$F_V2" 127.0.0.2 "$BATS_TEST_TMPDIR/ok"
	assert_hello_bytes "$BATS_TEST_TMPDIR/ok" '127\.0\.0\.2'
}

@test "per_source by the real address: one session per client, however many share HAProxy" {
	local out=$BATS_TEST_TMPDIR holder
	timeout 20 python3 "$TESTS_LIB/proxy-client.py" --bind 127.0.0.5 --hold 8 \
	    127.0.0.1 "$F_CAT" 'text:first\n' >"$out/first" 3>&- &
	holder=$!
	HOLDERS+=("$holder")
	wait_until 5 test -s "$out/first" || fail "the first session was not served"
	via "$F_CAT" 127.0.0.5 "$out/second" 'text:second\n'
	[[ ! -s $out/second ]] || fail "a second session of 127.0.0.5 got:" "$(cat "$out/second")"
	wait_for_log 'refused 127\.0\.0\.5 on cat: per_source$'
	run timeout 5 python3 "$TESTS_LIB/proxy-client.py" --bind 127.0.0.6 --hold 1 \
	    127.0.0.1 "$F_CAT" 'text:other\n'
	[[ $output == other ]] || fail "127.0.0.6 was not served: $output"
	kill "$holder" 2>/dev/null || true
}

@test "a direct client without a header is refused without a byte" {
	# From an address outside proxy_from: by the parent, at once.
	via "$P_HELLO" 127.0.0.2 "$BATS_TEST_TMPDIR/stranger"
	[[ ! -s $BATS_TEST_TMPDIR/stranger ]] || fail "a stranger got bytes"
	wait_for_log 'refused 127\.0\.0\.2 on hello: proxy \(not in proxy_from\)$'
	# From the proxy's own address but no header: proxy_timeout (1 s).
	via "$P_HELLO" 127.0.0.1 "$BATS_TEST_TMPDIR/silent"
	[[ ! -s $BATS_TEST_TMPDIR/silent ]] || fail "a header-less client got bytes"
	wait_for_log 'refused 127\.0\.0\.1 on hello: proxy \(timeout\)$'
	# And the load balancer's servers stay UP throughout.
	servers_up 3 || fail "not all UP:" "$(haproxy_stat)"
}
