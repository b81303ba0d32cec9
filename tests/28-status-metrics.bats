#!/usr/bin/env bats
# Seeing what spawnd does (spawnd.conf(5), "Service types" and
# "Metrics"; issue 15): the board the parent publishes in shared memory,
# read by type = status (plain text for nc) and type = metrics
# (Prometheus text over HTTP/1.1), and the STATUS= line for systemctl
# status.  Counts are checked after a known mix of served, refused,
# killed and reloaded; the page passes promtool and is scraped by a real
# Prometheus on loopback.

load lib/helpers
load lib/services
load lib/hostile
load lib/reload

setup() {
	hostile_setup
	P_HELLO=$(free_port)
	P_CMD=$(free_port)
	P_STATUS=$(free_port)
	P_METRICS=$(free_port)
	P_TIME=$(free_port)
}

teardown() {
	if [[ -n ${PROM_PID:-} ]] && kill -0 "$PROM_PID" 2>/dev/null; then
		kill -TERM "$PROM_PID"
		wait_for_exit "$PROM_PID" 10 || kill -KILL "$PROM_PID"
		wait "$PROM_PID" 2>/dev/null || true
	fi
	hostile_teardown
}

# board_config [OPTION...]: hello (deny 127.0.0.2, rate 1000), command
# (per_source 1, max_instances 2), status, metrics (idle_timeout 2),
# time over UDP (datagram_rate 3).  OPTIONs go into every section.
board_config() {
	svc_globals
	printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_HELLO"
	printf '\tdeny = {"127.0.0.2"}\n}\n'
	printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_CMD"
	printf '\tper_source = 1\n\tmax_instances = 2\n}\n'
	printf 'service status {\n\ttype = "status"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_STATUS"
	printf 'service metrics {\n\ttype = "metrics"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_METRICS"
	printf '\tidle_timeout = 2\n}\n'
	printf 'service time {\n\ttype = "time"\n\tlisten_datagram = {"127.0.0.1:%s"}\n' "$P_TIME"
	printf '\tdatagram_rate = 3\n\tlisten_stream = {"127.0.0.1:%s"}\n\trate = 2\n}\n' "$P_TIME"
}

# scrape FILE [PATH]: the metrics page (headers and body) into FILE.
scrape() {
	timeout 5 curl -s -i "http://127.0.0.1:$P_METRICS${2:-/metrics}" >"$1"
}

# metric FILE SAMPLE: the value of one sample line ("name{labels}").
metric() {
	awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$1"
}

# expect_metric FILE SAMPLE VALUE
expect_metric() {
	local v
	v=$(metric "$1" "$2") || { fail "no sample $2 in:" "$(cat "$1")"; return 1; }
	[[ $v == "$3" ]] || fail "$2 = $v, want $3"
}

# status_text FILE: what the status service says.
status_text() {
	fetch_tcp 127.0.0.1 "$P_STATUS" "$1" || fail "no status"
}

@test "status speaks first: a line per service, a line per live child with the command session's PID" {
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$P_HELLO" "$BATS_TEST_TMPDIR/h" || fail "no hello"
	hold one "127.0.0.1:$P_CMD" 1 --src 127.0.0.1
	local pid
	wait_until 5 test -n "$(children_of "$SPAWND_PID")" || fail "no child"
	pid=$(ps --ppid "$SPAWND_PID" -o pid= | tr -d ' ' | head -n 1)
	status_text "$BATS_TEST_TMPDIR/st"
	local st=$BATS_TEST_TMPDIR/st
	head -n 1 "$st" | grep -qE '^spawnd [^ ]+, up [0-9]+ s, reloads: 0 done, 0 refused'$'\r''$' ||
	    fail "header:" "$(cat -A "$st")"
	grep -qE "^hello +hello +0 +1 +0 +0 +0 +0 +0 +0 tcp:127\\.0\\.0\\.1:$P_HELLO"$'\r''$' "$st" ||
	    fail "hello line:" "$(cat "$st")"
	grep -qE '^command +command +1 +1 ' "$st" || fail "command line:" "$(cat "$st")"
	grep -qE "^$pid +command +127\\.0\\.0\\.1:[0-9]+ +[0-9]+"$'\r''$' "$st" ||
	    fail "no child line for PID $pid:" "$(cat "$st")"
	# (Whether the status child sees its own row depends on who runs
	# first after the fork, it or the parent that writes the row: not
	# asserted.)
}

@test "counts after a known mix: served, refused (acl, per_source, max_instances, rate), killed, datagrams, a reload" {
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i m=$BATS_TEST_TMPDIR/m
	for i in 1 2 3 4 5; do
		fetch_tcp 127.0.0.1 "$P_HELLO" "$BATS_TEST_TMPDIR/h" || fail "hello $i"
	done
	assert_refused "127.0.0.1:$P_HELLO" 127.0.0.2
	assert_refused "127.0.0.1:$P_HELLO" 127.0.0.2
	# command: one session from .1, then .1 again (per_source), one
	# from .3, then .4 (max_instances = 2).
	hold a "127.0.0.1:$P_CMD" 1 --src 127.0.0.1
	assert_refused "127.0.0.1:$P_CMD" 127.0.0.1
	hold b "127.0.0.1:$P_CMD" 1 --src 127.0.0.3
	assert_refused "127.0.0.1:$P_CMD" 127.0.0.4
	# Kill one session's child: an exit by signal.
	# (Which is which is not assumed: PIDs wrap at pid_max.)
	local -a sessions
	mapfile -t sessions < <(ps --ppid "$SPAWND_PID" -o pid=,stat= | awk '$2 !~ /^Z/ { print $1 }')
	(( ${#sessions[@]} == 2 )) || fail "two command sessions expected:" "$(ps --ppid "$SPAWND_PID" -o pid=,stat=,args=)"
	local victim=${sessions[0]} survivor=${sessions[1]}
	kill -KILL "$victim"
	wait_for_log "reaped $victim \\(command\\) killed by signal 9$"
	# Datagrams: answered, then over datagram_rate in one second.
	for i in 1 2; do udp_ask 127.0.0.1 "$P_TIME" "$BATS_TEST_TMPDIR/u$i" || true; done
	scrape "$m"
	expect_metric "$m" 'spawnd_connections_total{service="hello"}' 5
	expect_metric "$m" 'spawnd_refused_total{service="hello",reason="acl"}' 2
	expect_metric "$m" 'spawnd_refused_total{service="command",reason="per_source"}' 1
	expect_metric "$m" 'spawnd_refused_total{service="command",reason="max_instances"}' 1
	expect_metric "$m" 'spawnd_connections_total{service="command"}' 2
	expect_metric "$m" 'spawnd_child_exits_total{service="command",how="signal"}' 1
	expect_metric "$m" 'spawnd_child_exits_total{service="hello",how="ok"}' 5
	expect_metric "$m" 'spawnd_children{service="command"}' 1
	expect_metric "$m" 'spawnd_datagrams_total{service="time"}' 2
	expect_metric "$m" 'spawnd_reloads_total{result="ok"}' 0
	# A reload keeps every count; a refused one is counted.
	kill -HUP "$SPAWND_PID"
	wait_for_log 'spawnd [^ ]+ reloaded with '
	echo 'bogus_option = 1' >>"$SPAWND_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log 'reload refused: '
	scrape "$m"
	expect_metric "$m" 'spawnd_connections_total{service="hello"}' 5
	expect_metric "$m" 'spawnd_refused_total{service="hello",reason="acl"}' 2
	expect_metric "$m" 'spawnd_refused_total{service="command",reason="per_source"}' 1
	expect_metric "$m" 'spawnd_child_exits_total{service="command",how="signal"}' 1
	expect_metric "$m" 'spawnd_children{service="command"}' 1
	expect_metric "$m" 'spawnd_datagrams_total{service="time"}' 2
	expect_metric "$m" 'spawnd_reloads_total{result="ok"}' 1
	expect_metric "$m" 'spawnd_reloads_total{result="refused"}' 1
	# The session that lived through the reload is still listed.
	status_text "$BATS_TEST_TMPDIR/st"
	grep -qE "^$survivor +command +127\\.0\\.0\\.[13]:" "$BATS_TEST_TMPDIR/st" ||
	    fail "the adopted session is not listed:" "$(cat "$BATS_TEST_TMPDIR/st")"
	# A rate refusal: a burst of datagrams over datagram_rate = 3.
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))
' "$P_TIME"
	# The parent may still be reading the burst when a scrape comes
	# (the metrics listener can be ready in the same turn): wait for
	# all 22 to be counted, one way or the other.
	local answered dropped
	_all_counted() {
		scrape "$m" || return 1
		answered=$(metric "$m" 'spawnd_datagrams_total{service="time"}') || return 1
		dropped=$(metric "$m" 'spawnd_datagrams_dropped_total{service="time",reason="rate"}') || return 1
		(( answered + dropped >= 22 ))
	}
	wait_until 5 _all_counted || fail "not every datagram counted:" "$(grep datagrams "$m")"
	(( dropped > 0 )) || fail "no datagram dropped for the rate:" "$(grep datagrams "$m")"
	(( answered + dropped == 22 )) || fail "answered $answered + dropped $dropped != 22"
	# And over TCP: 10 connections back to back to time (rate = 2):
	# each one either answered inline or refused for the rate.
	run hostile burst "127.0.0.1:$P_TIME" 10
	assert_status 0
	scrape "$m"
	local served refused
	served=$(metric "$m" 'spawnd_connections_total{service="time"}')
	refused=$(metric "$m" 'spawnd_refused_total{service="time",reason="rate"}')
	(( refused >= 1 && served + refused == 10 )) ||
	    fail "time over TCP: $served served + $refused refused for the rate ($output)"
	[[ $(kv served "$output") == "$served" ]] || fail "the client saw $(kv served "$output") served, the board $served"
}

@test "metrics: the Prometheus text format that promtool accepts; 404, 400, HEAD; one request per connection" {
	command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	local m=$BATS_TEST_TMPDIR/m
	scrape "$m"
	head -n 1 "$m" | grep -q '^HTTP/1.1 200 OK' || fail "status line:" "$(head -n 3 "$m")"
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$m" || fail "content type:" "$(head -n 6 "$m")"
	sed '1,/^\r$/d' "$m" >"$m.body"
	run promtool check metrics <"$m.body"
	[[ $status -eq 0 && -z $output ]] || fail "promtool check metrics: $output"
	local name
	for name in spawnd_build_info spawnd_start_time_seconds spawnd_reloads_total \
	    spawnd_connections_total spawnd_refused_total spawnd_children \
	    spawnd_child_exits_total spawnd_datagrams_total spawnd_datagrams_dropped_total; do
		grep -q "^# TYPE $name " "$m.body" || fail "no $name"
	done
	grep -qE '^spawnd_build_info\{version="[^"]+"\} 1$' "$m.body" || fail "build_info"
	run timeout 5 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_METRICS/other"
	[[ $output == 404 ]] || fail "another path: $output"
	run timeout 5 curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$P_METRICS/metrics"
	[[ $output == "200 0" ]] || fail "HEAD: $output"
	run bash -c "printf 'GARBAGE\r\n\r\n' | timeout 5 nc -N 127.0.0.1 $P_METRICS"
	[[ $output == "HTTP/1.1 400 Bad Request"* ]] || fail "garbage: $output"
	run bash -c "printf 'POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 5 nc -N 127.0.0.1 $P_METRICS"
	[[ $output == "HTTP/1.1 400 Bad Request"* ]] || fail "POST: $output"
	# Keep-alive is not offered: one answer, then the server closes.
	run bash -c "printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n' | timeout 5 nc -N 127.0.0.1 $P_METRICS | grep -c '^HTTP/1.1 '"
	[[ $output == 1 ]] || fail "answers to two pipelined requests: $output"
}

@test "hostile clients on the metrics port end only their own session: slowloris, a 10 MB request line" {
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	# A request dribbled a byte every 0.3 s: idle_timeout (2 s) ends it.
	run timeout 15 python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
t0 = time.monotonic()
try:
    for c in b"GET /metrics HTTP/1.1\r\nHost: slow\r\n" * 10:
        s.send(bytes([c]))
        time.sleep(0.3)
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                break
        except BlockingIOError:
            pass
        s.setblocking(True)
except OSError:
    pass
print("closed after %.1f s" % (time.monotonic() - t0))
' "$P_METRICS"
	[[ $output =~ ^closed\ after\ ([0-9]+)\.[0-9]\ s$ ]] || fail "slow client: $output"
	(( BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= 4 )) || fail "not ended by idle_timeout: $output"
	# 10 MB of request line: 400 after 8 KiB, the connection closed.
	run timeout 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
try:
    s.sendall(b"GET /" + b"a" * (10 << 20))
except OSError:
    pass
data = b""
s.settimeout(5)
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError:
    pass
print(data.split(b"\r\n")[0].decode())
' "$P_METRICS"
	[[ $output == "HTTP/1.1 400 Bad Request" ]] || fail "10 MB line: $output"
	scrape "$BATS_TEST_TMPDIR/m"
	expect_metric "$BATS_TEST_TMPDIR/m" 'spawnd_build_info{version="'"$("$SPAWND" -V | cut -d' ' -f2)"'"}' 1
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "proxied refusals decided by the child are counted by the parent" {
	{
		svc_globals
		printf 'service pp {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_HELLO"
		printf '\tproxy_protocol = "any"\n\tproxy_from = {"127.0.0.1"}\n\tdeny = {"127.0.0.9"}\n}\n'
		printf 'service metrics {\n\ttype = "metrics"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_METRICS"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i
	for i in 1 2 3; do
		timeout 5 python3 "$TESTS_LIB/proxy-client.py" 127.0.0.1 "$P_HELLO" 'text:GARBAGE\r\n' >/dev/null || true
	done
	for i in 1 2; do
		timeout 5 python3 "$TESTS_LIB/proxy-client.py" 127.0.0.1 "$P_HELLO" \
		    'text:PROXY TCP4 127.0.0.9 127.0.0.1 9 80\r\n' >/dev/null || true
	done
	timeout 5 python3 "$TESTS_LIB/proxy-client.py" 127.0.0.1 "$P_HELLO" \
	    'text:PROXY TCP4 127.0.0.5 127.0.0.1 9 80\r\n' >/dev/null
	_counted() {
		scrape "$BATS_TEST_TMPDIR/m" &&
		    [[ $(metric "$BATS_TEST_TMPDIR/m" 'spawnd_refused_total{service="pp",reason="proxy"}') == 3 &&
		       $(metric "$BATS_TEST_TMPDIR/m" 'spawnd_refused_total{service="pp",reason="acl"}') == 2 ]]
	}
	wait_until 5 _counted || fail "not counted:" "$(grep 'service="pp"' "$BATS_TEST_TMPDIR/m")"
	# Logged by the parent, in its own words.
	assert_log "^spawnd\\[$SPAWND_PID\\]: refused 127\\.0\\.0\\.9 on pp: acl$"
	assert_log "^spawnd\\[$SPAWND_PID\\]: refused 127\\.0\\.0\\.1 on pp: proxy \\(not a PROXY header\\)$"
}

@test "STATUS= for systemctl status: one line of children, connections and refusals, at most once a second" {
	board_config | write_config
	local d=$BATS_TEST_TMPDIR
	notify_listen "$P_HELLO"
	start_spawnd -c "$SPAWND_CONF"
	hostile burst "127.0.0.1:$P_HELLO" 200 >/dev/null
	assert_refused "127.0.0.1:$P_HELLO" 127.0.0.2
	_status_final() { grep -qE 'STATUS=0 children, 20[12] connections, 1 refused$' "$d/notify.out"; }
	wait_until 5 _status_final || fail "no final STATUS=:" "$(grep STATUS "$d/notify.out")"
	# At most one a second: never two in the same second of the clock.
	local lines
	lines=$(grep -c 'STATUS=' "$d/notify.out")
	echo "# $lines STATUS= lines" >&3
	(( lines >= 1 )) || fail "no STATUS="
	grep 'STATUS=' "$d/notify.out" | awk '{ t = $1 / 1e6; if (NR > 1 && t - prev < 0.5) bad = 1; prev = t } END { exit bad }' ||
	    fail "two STATUS= within half a second:" "$(grep STATUS "$d/notify.out")"
}

# prom_value QUERY: the value of an instant query to our Prometheus.
prom_value() {
	timeout 5 curl -s -G "http://127.0.0.1:$P_PROM/api/v1/query" \
	    --data-urlencode "query=$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)
res = r.get("data", {}).get("result", [])
print(res[0]["value"][1] if res else "")
'
}

_prom_has() { [[ $(prom_value "$1") == "$2" ]]; }

@test "a real Prometheus on loopback scrapes it: the target is up and a value reads back through its HTTP API" {
	command -v prometheus >/dev/null || skip "prometheus (Debian's package) is not installed"
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	local i d=$BATS_TEST_TMPDIR
	for i in 1 2 3 4 5 6 7; do
		fetch_tcp 127.0.0.1 "$P_HELLO" "$d/h" || fail "hello $i"
	done
	P_PROM=$(free_port)
	cat >"$d/prometheus.yml" <<-YML
	global:
	  scrape_interval: 1s
	  scrape_timeout: 1s
	scrape_configs:
	  - job_name: spawnd
	    static_configs:
	      - targets: ["127.0.0.1:$P_METRICS"]
	YML
	prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/tsdb" \
	    --web.listen-address="127.0.0.1:$P_PROM" </dev/null >"$d/prometheus.log" 2>&1 3>&- &
	PROM_PID=$!
	wait_until 60 _prom_has 'spawnd_connections_total{service="hello"}' 7 ||
	    fail "Prometheus did not read 7 back (got '$(prom_value 'spawnd_connections_total{service="hello"}')'):" \
	    "$(tail -n 20 "$d/prometheus.log")"
	_prom_has 'up{job="spawnd"}' 1 || fail "the target is not up"
	_prom_has 'spawnd_build_info' 1 || fail "no build_info"
	assert_refused "127.0.0.1:$P_HELLO" 127.0.0.2
	wait_until 30 _prom_has 'spawnd_refused_total{service="hello",reason="acl"}' 1 ||
	    fail "the refusal did not reach Prometheus"
}

@test "the board is the parent's to write: a command child has no mapping of it" {
	board_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	grep -qE ' rw-s .*(/dev/zero|SYSV|deleted)' "/proc/$SPAWND_PID/maps" ||
	    fail "no shared writable mapping in the parent:" "$(cat "/proc/$SPAWND_PID/maps")"
	hold one "127.0.0.1:$P_CMD" 1 --src 127.0.0.1
	local child
	wait_until 5 test -n "$(children_of "$SPAWND_PID")" || fail "no child"
	child=$(ps --ppid "$SPAWND_PID" -o pid= | tr -d ' ' | head -n 1)
	! grep -E ' r[w-]-s ' "/proc/$child/maps" ||
	    fail "the command child still maps the board"
}

@test "issue 23: a metrics request with a NUL or another control byte gets 400 at once, not a wait for idle_timeout" {
	board_config | sed 's/idle_timeout = 2/idle_timeout = 30/' | write_config
	start_spawnd -c "$SPAWND_CONF"
	local req
	# No blank line ever follows: only the bad byte can end these.
	for req in 'GET /metrics\0 HTTP/1.1\r\n' 'GET /met\x01rics HTTP/1.1\r\nHost: x\r\n' \
	    'GET /metrics HTTP/1.1\r\nHost: \x1b[2J\r\n' 'BREW /metrics HTTP/1.1\r\n' \
	    'GET /metrics HTTP/1.1\rX' 'GET /metrics HTTP/1.1\r\r\n\r\n' \
	    'GET /metrics HTTP/1.1\r\nX: a\rb\r\n\r\n'; do
		run timeout 10 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.settimeout(8)
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(data.split(b"\r\n")[0].decode())
' "$P_METRICS" "$req"
		[[ $status -eq 0 && $output == "HTTP/1.1 400 Bad Request" ]] ||
		    fail "request '$req': status $status, '$output'"
	done
}

@test "issue 23: the status table escapes a service name as the log does: a newline cannot split it" {
	{
		svc_globals
		printf 'service "two\\nlines" {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_HELLO"
		printf 'service status {\n\ttype = "status"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_STATUS"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	local st=$BATS_TEST_TMPDIR/st
	status_text "$st"
	grep -q '^two\\x0alines ' "$st" || fail "the name is not escaped:" "$(cat -A "$st")"
	! grep -q '^lines' "$st" || fail "the name split the table:" "$(cat -A "$st")"
}
