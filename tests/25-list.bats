#!/usr/bin/env bats
# Seeing what is configured (issue 25; spawnd.8's -l, spawnd.conf.5's
# status and Metrics): "spawnd -t -l" lists every service, a line each;
# the status service shows each enabled service's type and addresses
# and counts reloads unambiguously; the metrics page has samples only
# for what a service can do, none for a disabled one.

load lib/helpers
load lib/services

setup() { svc_setup; }
teardown() { svc_teardown; }

# list_config: a stream and datagram echo with limits and lists, a Unix
# socket (relative, a blank in its name), a disabled service, a user
# and group override and a user alone (the global group fills in), time
# answered inline, an exec wait service.  -t binds nothing: the ports
# here are only text.
list_config() {
	svc_globals
	printf 'user = "nobody"\ngroup = "nogroup"\n'
	cat <<-'EOF'
	service both {
		type = "echo"
		listen_stream = {"127.0.0.1:7007", "[::1]:7007"}
		listen_datagram = {"127.0.0.1:7007"}
		max_instances = 9
		per_source = 2
		datagram_rate = 5
		allow = {"127.0.0.0/8", "::1"}
		deny = {"127.0.0.9"}
	}
	service cat {
		type = "catsock"
		listen_stream = {"./cat sock"}
		socket_mode = "0660"
	}
	service off {
		type = "hello"
		listen_stream = {"2399"}
		enabled = false
	}
	service as_daemon {
		type = "hello"
		listen_stream = {"127.0.0.1:2400"}
		user = "daemon"
		group = "daemon"
		log_connections = false
	}
	service as_bin {
		type = "daytime"
		listen_stream = {"127.0.0.1:2401"}
		user = "bin"
	}
	service clock {
		type = "time"
		listen_stream = {"127.0.0.1:2402"}
		listen_datagram = {"127.0.0.1:2402"}
		rate = 7
	}
	service tftp {
		type = "exec"
		listen_datagram = {"127.0.0.1:6969"}
		wait = true
		exec = "/bin/cat -u"
		max_lifetime = 600
	}
	EOF
}

# list_line NAME: the line of service NAME in $output.
list_line() {
	awk -v n="$1" '$1 == n' <<<"$output"
}

# expect_listed NAME TYPE ADDRESSES USER:GROUP [WORD...]: the line of
# NAME has exactly these fields, the words after the fourth in order.
expect_listed() {
	local line want got
	line=$(list_line "$1")
	[[ -n $line ]] || { fail "no line for $1:" "$output"; return 1; }
	want=$(printf '%s ' "$@")
	# shellcheck disable=SC2086 # split into its fields, one blank apart
	got=$(printf "%s " $line)
	[[ $got == "$want" ]] || fail "service $1:" "  want: $want" "  got:  $got"
}

@test "-t -l: after 'configuration OK', every service in order: name, type, addresses, user:group, disabled, the limits that bind it" {
	list_config | write_config
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr timeout 5 "$SPAWND" -t -l -c "$SPAWND_CONF"
	assert_status 0
	[[ ${lines[0]} == "configuration OK" ]] || fail "first line:" "$output"
	(( ${#lines[@]} == 8 )) || fail "not one line per service:" "$output"
	[[ $(awk '{ print $1 }' <<<"$output" | tail -n +2 | tr '\n' ' ') == \
	    "both cat off as_daemon as_bin clock tftp " ]] ||
	    fail "not in the configuration's order:" "$output"
	expect_listed both echo \
	    'tcp:127.0.0.1:7007,tcp:[::1]:7007,udp:127.0.0.1:7007' nobody:nogroup \
	    max_instances=9 per_source=2 datagram_rate=5 idle_timeout=300 \
	    allow=127.0.0.0/8,::1 deny=127.0.0.9
	expect_listed cat catsock "unix:$BATS_TEST_TMPDIR/cat\\x20sock" \
	    nobody:nogroup max_instances=64 idle_timeout=300 socket_mode=0660
	expect_listed off hello 'tcp:*:2399' nobody:nogroup disabled \
	    max_instances=64 idle_timeout=300
	expect_listed as_daemon hello tcp:127.0.0.1:2400 daemon:daemon \
	    max_instances=64 idle_timeout=300 log_connections=false
	# Inline: no child, so no max_instances and no idle_timeout.
	expect_listed as_bin daytime tcp:127.0.0.1:2401 bin:nogroup fork=false
	expect_listed clock time tcp:127.0.0.1:2402,udp:127.0.0.1:2402 \
	    nobody:nogroup fork=false rate=7
	# An exec program: never ended by idle_timeout, by max_lifetime.
	expect_listed tftp exec udp:127.0.0.1:6969 nobody:nogroup wait=true \
	    exec=/bin/cat max_lifetime=600
	# Aligned: the addresses start in one column, and so do the users
	# but after addresses longer than 40 bytes (which push them on).
	[[ $(tail -n +2 <<<"$output" | awk '{ print index($0, " " $3 " ") }' |
	    sort -u | wc -l) == 1 ]] || fail "the addresses are not aligned:" "$output"
	[[ $(tail -n +2 <<<"$output" |
	    awk 'length($3) <= 40 { print index($0, " " $4 " ") }' |
	    sort -u | wc -l) == 1 ]] || fail "the users are not aligned:" "$output"
	[[ $(list_line both) == *'127.0.0.1:7007  nobody:nogroup  max_instances=9 '* ]] ||
	    fail "a long field is not followed by two blanks:" "$output"
}

@test "-t -l: an exec program whose path holds a blank or a tab is one word, escaped as the addresses are" {
	local dir=$BATS_TEST_TMPDIR/my$'\t'dir
	mkdir -p "$dir"
	cp /bin/cat "$dir/my prog"
	{
		svc_globals
		printf 'service e {\n\ttype = "exec"\n\tlisten_stream = {"127.0.0.1:2345"}\n'
		printf '\tuser = "%s"\n\tgroup = "%s"\n' "$(id -un)" "$(id -gn)"
		printf '\texec = {"%s/my prog", "-u"}\n}\n' "$dir"
	} | write_config
	run --separate-stderr timeout 5 "$SPAWND" -t -l -c "$SPAWND_CONF"
	assert_status 0
	local want=${BATS_TEST_TMPDIR// /\\x20}/my\\x09dir/my\\x20prog
	expect_listed e exec tcp:127.0.0.1:2345 "$(id -un):$(id -gn)" wait=false \
	    "exec=$want" max_instances=64
}

@test "-t -l: inetd_conf's services come last, named [ADDR:]SERVICE/PROTO, with the user of the line" {
	printf '127.0.0.1:7037 dgram udp wait daemon /bin/cat cat -u\n' >"$BATS_TEST_TMPDIR/inetd.conf"
	{
		svc_globals
		printf 'inetd_conf = "%s"\n' "$BATS_TEST_TMPDIR/inetd.conf"
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:2345"}\n}\n'
	} | write_config
	run --separate-stderr timeout 5 "$SPAWND" -t -l -c "$SPAWND_CONF"
	assert_status 0
	# shellcheck disable=SC2154 # stderr: set by bats' run --separate-stderr
	(( ${#lines[@]} == 3 )) || fail "two services expected:" "$output" "$stderr"
	[[ ${lines[1]} == hello\ * ]] || fail "spawnd.conf's service first:" "$output"
	local group
	group=$(id -gn daemon)
	expect_listed 127.0.0.1:7037/udp exec udp:127.0.0.1:7037 "daemon:$group" wait=true \
	    exec=/bin/cat rate_per_minute=256
}

@test "-l alone is bad usage (64); -t -l on a bad configuration lists nothing (78)" {
	list_config | write_config
	run --separate-stderr timeout 5 "$SPAWND" -l -c "$SPAWND_CONF"
	assert_status 64
	[[ -z $output ]] || fail "wrote to stdout: $output"
	[[ $stderr == *"-t"* ]] || fail "does not say -l goes with -t: $stderr"
	run --separate-stderr timeout 5 "$SPAWND" --list -c "$SPAWND_CONF"
	assert_status 64
	echo 'bogus_option = 1' >>"$SPAWND_CONF"
	run --separate-stderr timeout 5 "$SPAWND" -t -l -c "$SPAWND_CONF"
	assert_status 78
	[[ -z $output ]] || fail "a bad configuration listed:" "$output"
}

# seen_config: hello (stream only), clock (time inline, stream and UDP,
# datagram_rate), off (echo, disabled, stream and UDP), pp (hello behind
# a PROXY load balancer), status, metrics.
seen_config() {
	svc_globals
	printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_HELLO"
	printf 'service clock {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_TIME"
	printf '\tlisten_datagram = {"127.0.0.1:%s"}\n\tdatagram_rate = 5\n}\n' "$P_TIME"
	printf 'service off {\n\ttype = "echo"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_OFF"
	printf '\tlisten_datagram = {"127.0.0.1:%s"}\n\tenabled = false\n}\n' "$P_OFF"
	printf 'service pp {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_PP"
	printf '\tproxy_protocol = "v1"\n\tproxy_from = {"127.0.0.1"}\n}\n'
	printf 'service status {\n\ttype = "status"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_STATUS"
	printf 'service metrics {\n\ttype = "metrics"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_METRICS"
}

seen_ports() {
	P_HELLO=$(free_port)
	P_TIME=$(free_port)
	P_OFF=$(free_port)
	P_PP=$(free_port)
	P_STATUS=$(free_port)
	P_METRICS=$(free_port)
}

@test "status: each enabled service with its type and addresses, no disabled one; 'reloads: N done, M refused'" {
	seen_ports
	seen_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	local st=$BATS_TEST_TMPDIR/st cr=$'\r'
	fetch_tcp 127.0.0.1 "$P_STATUS" "$st" || fail "no status"
	head -n 1 "$st" | grep -qE "^spawnd [^ ]+, up [0-9]+ s, reloads: 0 done, 0 refused$cr\$" ||
	    fail "header:" "$(cat -A "$st")"
	grep -qE "^service +type +children +connections .* addresses$cr\$" "$st" ||
	    fail "table header:" "$(cat "$st")"
	grep -qE "^hello +hello +0 +0 +0 +0 +0 +0 +0 +0 tcp:127\\.0\\.0\\.1:$P_HELLO$cr\$" "$st" ||
	    fail "hello line:" "$(cat "$st")"
	grep -qE "^clock +time +0 +0 .* tcp:127\\.0\\.0\\.1:$P_TIME,udp:127\\.0\\.0\\.1:$P_TIME$cr\$" "$st" ||
	    fail "clock line:" "$(cat "$st")"
	grep -qE "^status +status +[01] +1 .* tcp:127\\.0\\.0\\.1:$P_STATUS$cr\$" "$st" ||
	    fail "status line:" "$(cat "$st")"
	! grep -qE "^off |:$P_OFF" "$st" || fail "the disabled service is listed:" "$(cat "$st")"
	# One reload done, one refused: counted apart, never one in the other.
	kill -HUP "$SPAWND_PID"
	wait_for_log 'spawnd [^ ]+ reloaded with '
	echo 'bogus_option = 1' >>"$SPAWND_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log 'reload refused: '
	fetch_tcp 127.0.0.1 "$P_STATUS" "$st" || fail "no status after the reloads"
	head -n 1 "$st" | grep -qE "reloads: 1 done, 1 refused$cr\$" ||
	    fail "header after a reload done and one refused:" "$(head -n 1 "$st")"
}

# has SAMPLE_PREFIX: a sample line of the page starts with it.
has() { grep -qF -- "$1" "$BATS_TEST_TMPDIR/m.body"; }

# expect_samples SERVICE SAMPLE_PREFIX...: the page has each of them.
expect_samples() {
	local svc=$1 s
	shift
	for s in "$@"; do
		has "$s" || fail "no '$s' in:" "$(grep "service=\"$svc\"" "$BATS_TEST_TMPDIR/m.body")"
	done
}

# expect_no_samples SAMPLE_PREFIX...: the page has none of them.
expect_no_samples() {
	local s
	for s in "$@"; do
		! has "$s" || fail "'$s' for a service that cannot count it"
	done
}

@test "metrics: samples only for what a service can do, none for a disabled one; promtool accepts the page" {
	seen_ports
	seen_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$P_HELLO" "$BATS_TEST_TMPDIR/h" || fail "no hello"
	local m=$BATS_TEST_TMPDIR/m
	timeout 5 curl -s "http://127.0.0.1:$P_METRICS/metrics" >"$m.body" || fail "no metrics"
	! grep -q 'service="off"' "$m.body" ||
	    fail "the disabled service has samples:" "$(grep 'service="off"' "$m.body")"
	# hello: stream only, forked, no lists, no rate, no PROXY.
	expect_samples hello 'spawnd_connections_total{service="hello"} 1' \
	    'spawnd_children{service="hello"}' \
	    'spawnd_child_exits_total{service="hello",how="ok"}' \
	    'spawnd_refused_total{service="hello",reason="max_instances"} 0' \
	    'spawnd_refused_total{service="hello",reason="max_children"} 0'
	expect_no_samples 'spawnd_datagrams_total{service="hello"}' \
	    'spawnd_datagrams_dropped_total{service="hello"' \
	    'spawnd_refused_total{service="hello",reason="proxy"}' \
	    'spawnd_refused_total{service="hello",reason="acl"}' \
	    'spawnd_refused_total{service="hello",reason="rate"}' \
	    'spawnd_refused_total{service="hello",reason="per_source"}'
	# clock: time answered inline (no child), and over UDP.
	expect_samples clock 'spawnd_connections_total{service="clock"}' \
	    'spawnd_datagrams_total{service="clock"}' \
	    'spawnd_datagrams_dropped_total{service="clock",reason="source"}' \
	    'spawnd_datagrams_dropped_total{service="clock",reason="rate"}'
	expect_no_samples 'spawnd_children{service="clock"}' \
	    'spawnd_child_exits_total{service="clock"' \
	    'spawnd_refused_total{service="clock"' \
	    'spawnd_datagrams_dropped_total{service="clock",reason="acl"}'
	# pp: behind a load balancer, "proxy" refusals; no datagrams.
	expect_samples pp 'spawnd_refused_total{service="pp",reason="proxy"} 0'
	expect_no_samples 'spawnd_datagrams_total{service="pp"}'
	# Each family's HELP and TYPE once.
	[[ -z $(grep -E '^# (HELP|TYPE) ' "$m.body" | sort | uniq -d) ]] ||
	    fail "a family described twice:" "$(grep '^#' "$m.body")"
	command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
	run promtool check metrics <"$m.body"
	[[ $status -eq 0 && -z $output ]] || fail "promtool check metrics: $output"
}
