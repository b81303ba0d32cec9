#!/usr/bin/env bats
# Reverse DNS (spawnd.conf(5), "Global options", resolve_names; issue 5
# point 4): only in the child, bounded by dns_timeout,
# forward-confirmed, and sanitized to [A-Za-z0-9.-] before use.
#
# spawnd runs in a private mount namespace (unshare -m) in which
# /etc/resolv.conf, /etc/hosts and /etc/nsswitch.conf are ours: "hosts:
# files dns", a hosts file that knows only 127.0.0.1, and a name server
# on a loopback address of its own (hostile.py dnsd, port 53).  Clients
# connect from 127.0.0.2, which only that server can name.  The name
# server either never answers (a resolver that hangs) or answers from a
# zone the test writes.  Needs root (mount namespace, port 53).

# shellcheck disable=SC2016 # the sh -c script expands its own "$1"
# shellcheck disable=SC2034 # SPAWND_PID: read by the helpers

load lib/helpers
load lib/services
load lib/hostile

setup() {
	[[ $(id -u) == 0 ]] || skip "needs root: unshare -m and a name server on port 53"
	command -v unshare >/dev/null || skip "unshare(1) is not installed"
	unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
	hostile_setup
	PORT=$(free_port)
	DNS_DIR=$SVC_DIR/dns
	mkdir -p "$DNS_DIR"
	chmod 755 "$DNS_DIR"
}

teardown() { hostile_teardown; }

# dns_start [ZONE]: a name server on a free 127.53.X.Y:53; it answers
# from the zone file ZONE, or never without one.  Writes resolv.conf,
# hosts and nsswitch.conf for dns_spawnd.
dns_start() {
	local i addr pid
	for i in 1 2 3 4 5 6 7 8; do
		addr=127.53.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
		rm -f "$DNS_DIR/ready"
		hostile dnsd "$addr" --ready "$DNS_DIR/ready" \
		    --count "$DNS_DIR/queries" ${1:+--zone "$1"} \
		    </dev/null >"$DNS_DIR/dnsd.out" 2>&1 3>&- &
		pid=$!
		HOLDERS+=("$pid")
		wait_until 5 _dns_up "$pid" || continue
		[[ -s $DNS_DIR/ready ]] || continue
		DNS_ADDR=$addr
		break
	done
	[[ -n ${DNS_ADDR:-} ]] || fail "no name server could bind port 53:" \
	    "$(cat "$DNS_DIR/dnsd.out")"
	# Long resolver timeouts: only spawnd's dns_timeout can end a wait.
	printf 'nameserver %s\noptions timeout:30 attempts:3\n' "$DNS_ADDR" \
	    >"$DNS_DIR/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$DNS_DIR/hosts"
	printf 'passwd: files\ngroup: files\nhosts: files dns\n' \
	    >"$DNS_DIR/nsswitch.conf"
	chmod 644 "$DNS_DIR"/*
}

_dns_up() { [[ -s $DNS_DIR/ready ]] || ! kill -0 "$1" 2>/dev/null; }

# dns_spawnd [ARG...]: start_spawnd -c $SPAWND_CONF ARG... inside a mount namespace
# that sees our resolver files.  unshare and sh exec, so $! is spawnd.
dns_spawnd() {
	(
		exec unshare -m --propagation private sh -c '
		    mount --bind "$1" /etc/resolv.conf &&
		    mount --bind "$2" /etc/hosts &&
		    mount --bind "$3" /etc/nsswitch.conf || exit 71
		    shift 3
		    exec "$@"' sh \
		    "$DNS_DIR/resolv.conf" "$DNS_DIR/hosts" "$DNS_DIR/nsswitch.conf" \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF" "$@"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	spawnd_wait_ready
}

# dns_conf DNS_TIMEOUT: hello, and time answered inline, names resolved.
dns_conf() {
	config_globals
	printf 'resolve_names = true\ndns_timeout = %s\n' "$1"
	printf 'service hello {\n\ttype = "hello"\n'
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n\tidle_timeout = 30\n}\n' "$PORT"
	printf 'service time {\n\ttype = "time"\n'
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$TPORT"
}

queries() { cat "$DNS_DIR/queries" 2>/dev/null || echo 0; }
_queries_at_least() { (( $(queries) >= $1 )); }

# hello_from SRC: one hello session from SRC; the reply in
# $BATS_TEST_TMPDIR/reply, the seconds it took in SECONDS_TAKEN.
hello_from() {
	run hostile probe "127.0.0.1:$PORT" --src "$1" --wait 20 \
	    --out "$BATS_TEST_TMPDIR/reply"
	assert_status 0
	SECONDS_TAKEN=$(kv seconds "$output")
}

@test "a resolver that never answers: the hello reply comes within dns_timeout + 1 s, with the numeric address" {
	TPORT=$(free_port)
	dns_start
	dns_conf 2 | write_config
	dns_spawnd
	hello_from 127.0.0.2
	echo "# hanging resolver, dns_timeout 2: reply after ${SECONDS_TAKEN}s, $(queries) queries" >&3
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.2'
	(( $(queries) >= 1 )) || fail "the name server was never asked: the test proves nothing"
	awk -v s="$SECONDS_TAKEN" 'BEGIN { exit !(s >= 1.5 && s <= 3.0) }' ||
	    fail "reply after ${SECONDS_TAKEN}s; want dns_timeout (2 s) to 3 s"
	assert_log "connection from 127\.0\.0\.2 \[127\.0\.0\.2\] at port [0-9]+ on hello$"
}

@test "a hanging resolver stalls neither the parent nor other clients" {
	local i pids=() out
	TPORT=$(free_port)
	dns_start
	dns_conf 3 | write_config
	dns_spawnd
	# Eight clients at once: served in parallel, not one after another.
	for i in 1 2 3 4 5 6 7 8; do
		hostile probe "127.0.0.1:$PORT" --src 127.0.0.2 --wait 20 \
		    >"$BATS_TEST_TMPDIR/par.$i" 2>&1 3>&- &
		pids+=($!)
	done
	# Meanwhile the parent answers time at once.
	wait_until 2 _queries_at_least 1 || fail "no query reached the name server"
	run hostile probe "127.0.0.1:$TPORT" --wait 2
	[[ $(kv bytes "$output") == 4 ]] || fail "time not answered inline: $output"
	awk -v s="$(kv seconds "$output")" 'BEGIN { exit !(s < 0.5) }' ||
	    fail "time took $(kv seconds "$output")s while children wait on DNS"
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail "client $i failed"
		out=$(<"$BATS_TEST_TMPDIR/par.$((i + 1))")
		[[ $(kv end "$out") == eof ]] || fail "client $i: $out"
		awk -v s="$(kv seconds "$out")" 'BEGIN { exit !(s <= 4.0) }' ||
		    fail "client $i waited $(kv seconds "$out")s (dns_timeout 3)"
	done
}

@test "a name is used only when it maps back to the client (forward-confirmed)" {
	local label=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	# The longest name DNS allows: 253 characters.
	LONG_NAME=$label.$label.$label.${label:0:61}
	TPORT=$(free_port)
	printf '%s\n' \
	    'PTR 2.0.0.127.in-addr.arpa client.spawnd.test' \
	    'A client.spawnd.test 127.0.0.2' \
	    'PTR 3.0.0.127.in-addr.arpa liar.spawnd.test' \
	    'A liar.spawnd.test 10.9.9.9' \
	    'PTR 4.0.0.127.in-addr.arpa nowhere.spawnd.test' \
	    "PTR 5.0.0.127.in-addr.arpa $LONG_NAME" \
	    "A $LONG_NAME 127.0.0.5" \
	    >"$DNS_DIR/zone"
	dns_start "$DNS_DIR/zone"
	dns_conf 2 | write_config
	dns_spawnd
	hello_from 127.0.0.2
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" 'client\.spawnd\.test'
	assert_log "connection from client\.spawnd\.test \[127\.0\.0\.2\] at port"
	# The PTR names a host whose address is another one: not believed.
	hello_from 127.0.0.3
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.3'
	# The PTR names a host that does not exist.
	hello_from 127.0.0.4
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.4'
	# A confirmed name of the maximum length is used whole.
	hello_from 127.0.0.5
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" "$LONG_NAME"
	[[ $(log_count "liar|nowhere") -eq 0 ]] || fail "an unconfirmed name was logged"
}

@test "hostile PTR names (control bytes, spaces, format strings) never reach the client or the log" {
	local i name
	TPORT=$(free_port)
	# Each PTR name also has an A record pointing back, so only the
	# sanitizing stands between it and the client.  (glibc itself drops
	# PTR names with most of these bytes; "under_score" gets through it
	# and only spawnd's [A-Za-z0-9.-] check stops it.)
	: >"$DNS_DIR/zone"
	i=10
	for name in 'evil\x1b[31m.test' 'a\x0ab.test' 'bell\x07.test' \
	    'sp\x20ace.test' '%n%s%x.test' 'semi\x3b.test' 'nul\x00x.test' \
	    'high\xff\xfe.test' '-dash.test' 'under_score.test' 'slash/.test'; do
		printf 'PTR %d.0.0.127.in-addr.arpa %s\nA %s 127.0.0.%d\n' \
		    "$i" "$name" "$name" "$i" >>"$DNS_DIR/zone"
		i=$((i + 1))
	done
	dns_start "$DNS_DIR/zone"
	dns_conf 2 | write_config
	dns_spawnd -d
	for i in 10 11 12 13 14 15 16 17 18 19; do
		hello_from "127.0.0.$i"
		assert_hello_bytes "$BATS_TEST_TMPDIR/reply" "127\\.0\\.0\\.$i"
	done
	(( $(queries) >= 10 )) || fail "only $(queries) queries: names were not looked up"
	assert_log_clean
	[[ $(log_count '%n|evil|bell|semi|high|under|slash') -eq 0 ]] ||
	    fail "a hostile name reached the log"
}
