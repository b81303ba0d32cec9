#!/usr/bin/env bats
# Connection limits (spawnd(8), "DESCRIPTION"; issue 5 point 1):
# max_children over all services, max_instances and per_source per
# service count live children; rate caps new connections per second.  A
# client over a limit is accepted and closed without a byte and logged
# "refused ADDR on SERVICE: REASON".  The counters must stay right when
# children exit in any way, SIGKILL included.
#
# Sessions are held open with the command service, whose children wait
# for input; hostile.py's holder keeps them open until released.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	hostile_setup
	PORT=$(free_port)
	CMD=127.0.0.1:$PORT
}

teardown() { hostile_teardown; }

# children_left N: our spawnd has exactly N live children (polled by
# wait_until, so counted anew each time).
children_left() {
	(( $(children_of "$SPAWND_PID" | wc -l) == $1 ))
}

# cmd_service NAME PORT [OPTION_LINE...]
cmd_service() {
	local name=$1 port=$2 opt
	shift 2
	printf 'service %s {\n\ttype = "command"\n' "$name"
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$port"
	for opt in "$@"; do
		printf '\t%s\n' "$opt"
	done
	printf '}\n'
}

# kill_children SERVICE N: SIGKILL every live child of our spawnd (there
# must be exactly N), then wait until all N are reaped as killed.
kill_children() {
	local svc=$1 n=$2 pids pid before
	mapfile -t pids < <(children_of "$SPAWND_PID")
	[[ ${#pids[@]} -eq $n ]] ||
	    fail "expected $n children, found ${#pids[@]}: ${pids[*]}"
	before=$(log_count "reaped [0-9]+ \($svc\) killed by signal 9$")
	for pid in "${pids[@]}"; do
		is_ours "$pid" || fail "child $pid is not ours"
		kill -KILL "$pid"
	done
	wait_for_log "reaped [0-9]+ \($svc\) killed by signal 9$" $((before + n))
}

@test "max_instances: the next client gets no byte and a log line; SIGKILLed children free their places" {
	local round
	{
		svc_globals
		cmd_service cmd "$PORT" "max_instances = 3"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	# Five rounds, so that a counter off by one in any round shows.
	for round in 1 2 3 4 5; do
		hold r$round "$CMD" 3
		[[ $HOLD_STATE == "served=3 refused=0 "* ]] ||
		    fail "round $round: 3 sessions expected: $HOLD_STATE"
		assert_refused "$CMD"
		wait_for_log "refused 127\.0\.0\.1 on cmd: max_instances$" "$round"
		if (( round % 2 )); then
			kill_children cmd 3
		else
			# The clients leave: the children see EOF and exit.
			release r$round
			wait_until 10 children_left 0 ||
			    fail "children left after their clients closed"
		fi
	done
	assert_served "$CMD" "" 'quit\r\n'
	[[ $(log_count "refused .* on cmd: max_instances$") -eq 5 ]] ||
	    fail "expected exactly 5 refusals"
}

@test "max_children counts the children of every service together" {
	local port2
	port2=$(free_port)
	{
		svc_globals
		printf 'max_children = 4\n'
		cmd_service one "$PORT" "max_instances = 0"
		cmd_service two "$port2" "max_instances = 0"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	hold a "$CMD" 2
	[[ $HOLD_STATE == "served=2 refused=0 "* ]] || fail "$HOLD_STATE"
	hold b "127.0.0.1:$port2" 3
	[[ $HOLD_STATE == "served=2 refused=1 "* ]] || fail "$HOLD_STATE"
	assert_refused "$CMD"
	assert_log "refused 127\.0\.0\.1 on two: max_children$"
	assert_log "refused 127\.0\.0\.1 on one: max_children$"
	# One child killed: exactly one place for either service.
	kill -KILL "$(children_of "$SPAWND_PID" | head -n 1)"
	wait_for_log "reaped [0-9]+ \((one|two)\) killed by signal 9$"
	hold c "127.0.0.1:$port2" 2
	[[ $HOLD_STATE == "served=1 refused=1 "* ]] || fail "$HOLD_STATE"
	release c
	wait_until 10 children_left 3 ||
	    fail "the released session's child did not exit"
	assert_served "$CMD" "" 'quit\r\n'
}

@test "per_source counts live children per client address, not per port" {
	{
		svc_globals
		cmd_service cmd "$PORT" "per_source = 2" "max_instances = 0"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	hold one "$CMD" 3 --src 127.0.0.1
	[[ $HOLD_STATE == "served=2 refused=1 "* ]] || fail "$HOLD_STATE"
	wait_for_log "refused 127\.0\.0\.1 on cmd: per_source$"
	# Another address is another source.
	hold two "$CMD" 3 --src 127.0.0.2
	[[ $HOLD_STATE == "served=2 refused=1 "* ]] || fail "$HOLD_STATE"
	wait_for_log "refused 127\.0\.0\.2 on cmd: per_source$"
	# Killed children give their sources their places back.
	kill_children cmd 4
	hold three "$CMD" 3 --src 127.0.0.1
	[[ $HOLD_STATE == "served=2 refused=1 "* ]] || fail "$HOLD_STATE"
	assert_served "$CMD" 127.0.0.2 'quit\r\n'
}

@test "per_source: an IPv4 client is one source on a plain and a dual-stack socket" {
	local port2
	require_ipv6
	port2=$(free_port)
	# The port-alone listener binds every address; we connect only
	# through 127.0.0.1, where it is seen as ::ffff:127.0.0.1.
	{
		svc_globals
		printf 'service cmd {\n\ttype = "command"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s", "%s"}\n' "$PORT" "$port2"
		printf '\tper_source = 2\n}\n'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	hold v4 "$CMD" 2
	[[ $HOLD_STATE == "served=2 refused=0 "* ]] || fail "$HOLD_STATE"
	assert_refused "127.0.0.1:$port2"
	assert_log "refused 127\.0\.0\.1 on cmd: per_source$"
	release v4
	wait_until 10 children_left 0
	hold mapped "127.0.0.1:$port2" 2
	[[ $HOLD_STATE == "served=2 refused=0 "* ]] || fail "$HOLD_STATE"
	assert_refused "$CMD"
	[[ $(log_count "refused 127\.0\.0\.1 on cmd: per_source$") -eq 2 ]] ||
	    fail "expected two per_source refusals"
}

# rate_check OUTPUT RATE: a burst's result is within RATE per second of
# the wall clock seconds it touched, and something was refused.
rate_check() {
	local served start end seconds
	served=$(kv served "$1")
	start=$(kv start "$1")
	end=$(kv end "$1")
	# spawnd counts seconds with time(2), the kernel's coarse clock,
	# which may still show the last second a few ms into the next one:
	# a burst that starts just after a boundary can fall in two.
	seconds=$(awk -v s="$start" -v e="$end" \
	    'BEGIN { printf "%d", int(e) - int(s - 0.02) + 1 }')
	(( served >= 1 && served <= $2 * seconds )) ||
	    fail "rate $2: $served served over $seconds second(s): $1"
	(( $(kv refused "$1") > 0 )) || fail "nothing refused: $1"
}

@test "rate caps new connections per second, forked and inline alike, and refuses without a byte" {
	local tport uport seconds
	tport=$(free_port)
	uport=$(free_port)
	write_config <<-EOF
	$(svc_globals)
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$PORT"}
		rate = 5
	}
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:$tport"}
		listen_datagram = {"127.0.0.1:$uport"}
		rate = 3
		datagram_rate = 3
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	run hostile burst "127.0.0.1:$PORT" 40
	assert_status 0
	echo "# rate 5, hello: $output" >&3
	rate_check "$output" 5
	assert_log "refused 127\.0\.0\.1 on hello: rate$"
	run hostile burst "127.0.0.1:$tport" 40
	assert_status 0
	echo "# rate 3, inline time: $output" >&3
	rate_check "$output" 3
	assert_log "refused 127\.0\.0\.1 on time: rate$"
	# Datagrams have their own datagram_rate (dropped silently).
	run hostile udpburst "127.0.0.1:$uport" 40
	assert_status 0
	echo "# datagram_rate 3, datagram time: $output" >&3
	seconds=$(( $(kv end "$output" | cut -d. -f1) - $(kv start "$output" | cut -d. -f1) + 1 ))
	(( $(kv answered "$output") <= 3 * seconds )) ||
	    fail "datagrams not limited to 3 a second: $output"
	# A new second brings new places.
	wait_until 3 assert_served "127.0.0.1:$PORT" 2>/dev/null ||
	    fail "hello still refused after the burst"
}

@test "a UDP flood at the datagram limit leaves the TCP clients of the same service served (rate and datagram_rate apart)" {
	local tport uport flood out seconds
	tport=$(free_port)
	uport=$(free_port)
	# The shipped configuration's limits for time, daytime and qotd.
	write_config <<-EOF
	$(svc_globals)
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:$tport"}
		listen_datagram = {"127.0.0.1:$uport"}
		rate = 50
		datagram_rate = 50
	}
	EOF
	start_spawnd -d -c "$SPAWND_CONF"
	# About 1,000 datagrams a second for 3 s ...
	seconds=$(date +%s)
	timeout 60 python3 "$TESTS_LIB/hostile.py" udp "127.0.0.1:$uport" 3000 \
	    --interval 0.001 --wait 0 </dev/null >"$BATS_TEST_TMPDIR/flood" 2>&1 3>&- &
	flood=$!
	HOLDERS+=("$flood")
	# Once this second's datagrams are used up (debug lines say so) ...
	wait_for_log 'refused datagram on time: rate$'
	# ... while 20 TCP clients come, well within rate = 50.
	run hostile burst "127.0.0.1:$tport" 20
	assert_status 0
	echo "# 20 TCP clients during a UDP flood: $output" >&3
	[[ $(kv served "$output") == 20 && $(kv refused "$output") == 0 ]] ||
	    fail "TCP clients refused during the flood: $output"
	wait "$flood" || true
	seconds=$(( $(date +%s) - seconds + 1 ))
	out=$(<"$BATS_TEST_TMPDIR/flood")
	echo "# the flood, over $seconds calendar seconds: $out" >&3
	# At most 50 answers in each second the flood touched.
	(( $(kv answered "$out") <= 50 * seconds )) || fail "datagrams not limited: $out"
	(( $(kv answered "$out") > 0 )) || fail "no datagram answered: $out"
}

_refusals_logged() {
	local one more
	one=$(log_count "refused 127\.0\.0\.1 on hello: acl$")
	more=$(sed -nE 's/.*refused ([0-9]+) more on hello \(.*/\1/p' "$SPAWND_LOG" |
	    awk '{ n += $1 } END { print n + 0 }')
	REFUSALS_SEEN=$((one + more))
	(( REFUSALS_SEEN == $1 ))
}

@test "refusals are logged at most 10 lines a second per service, then summed up exactly" {
	local total lines seconds single
	write_config <<-EOF
	$(svc_globals)
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$PORT"}
		deny = {"127.0.0.0/8"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	run hostile burst "127.0.0.1:$PORT" 3000
	assert_status 0
	echo "# 3000 denied connections: $output" >&3
	total=$(kv refused "$output")
	(( total + $(kv served "$output") == 3000 && total > 2900 )) ||
	    fail "expected ~3000 refusals: $output"
	# The "more" line of the last second comes once it is over.
	wait_until 5 _refusals_logged "$total" ||
	    fail "log accounts for $REFUSALS_SEEN of $total refusals:" "$(grep refused "$SPAWND_LOG" | tail -n 20)"
	lines=$(log_count 'refused ')
	echo "# log lines for them: $lines" >&3
	# At most 10 single lines in each calendar second the burst touched.
	seconds=$(( $(kv end "$output" | cut -d. -f1) - $(kv start "$output" | cut -d. -f1) + 1 ))
	single=$(log_count "refused 127\.0\.0\.1 on hello: acl$")
	(( single <= 10 * seconds )) ||
	    fail "$single single lines over $seconds second(s)"
	assert_log 'refused [0-9]+ more on hello \(over 10 lines a second, not logged one by one\)$'
}

# What issue 26 merged into net/peer.c (peer_text, peer_log_refusal) and
# board/stats.c (stats_child_peer) for a Unix client, so far untested:
# its refusal line says "local" (spawnd(8), "LOG MESSAGES"), and so does
# its row on the status page.
@test "a Unix client over a limit is refused as local; the status page names a held one local" {
	local sock=$BATS_TEST_TMPDIR/cmd.sock pstatus st=$BATS_TEST_TMPDIR/st pid
	pstatus=$(free_port)
	{
		svc_globals
		printf 'service cmd {\n\ttype = "command"\n'
		printf '\tlisten_stream = {"%s"}\n\tmax_instances = 1\n}\n' "$sock"
		printf 'service status {\n\ttype = "status"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$pstatus"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	hold u "$sock" 2
	[[ $HOLD_STATE == "served=1 refused=1 "* ]] || fail "$HOLD_STATE"
	wait_for_log "refused local on cmd: max_instances$"
	pid=$(children_of "$SPAWND_PID" | head -n 1)
	[[ -n $pid ]] || fail "no child holds the Unix session"
	fetch_tcp 127.0.0.1 "$pstatus" "$st" || fail "no status"
	grep -qE "^$pid +cmd +local +[0-9]+"$'\r''$' "$st" ||
	    fail "no row naming child $pid's client local:" "$(cat -A "$st")"
}
