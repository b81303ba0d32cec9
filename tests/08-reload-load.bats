#!/usr/bin/env bats
# No client notices a reload (issue 6; spawnd(8), "SIGNALS"): 32 clients
# connect one connection after another for 10 s while 20 SIGHUPs
# re-execute spawnd, and every connection gets a complete reply; every
# child is reaped by name by whichever image runs when it exits.
# Helpers in tests/lib/reload.bash; the clients are tests/lib/client-load.py.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

# sleep_until USEC: sleep until the wall clock (EPOCHREALTIME, in
# microseconds) reaches USEC; pacing, not waiting for something.
sleep_until() {
	local now=${EPOCHREALTIME/./} left
	left=$(( $1 - now ))
	(( left > 0 )) || return 0
	sleep "$(( left / 1000000 )).$(printf '%06d' $(( left % 1000000 )))"
}

# _progress_over FILE N: client-load.py's progress FILE counts more than
# N good connections.
_progress_over() {
	local n
	n=$(cut -d' ' -f1 "$1" 2>/dev/null)
	(( ${n:-0} > $2 ))
}

# Every "begat PID for SERVICE" has its "reaped PID (SERVICE)".
_all_reaped() {
	(( $(log_count "begat [0-9]+ for $1$") == $(log_count "reaped [0-9]+ \($1\)$") ))
}

_readies() { (( $(grep -c ' READY=1' "$1") >= $2 )); }

@test "2: 32 clients for 10 s against hello while 20 SIGHUPs re-execute spawnd: no connection refused or reset, every reply complete" {
	local port d=$BATS_TEST_TMPDIR i t0 load summary stats
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	# systemd's notifications time each re-exec: RELOADING=1 carries the
	# clock just before execve(), READY=1 comes once the new image listens.
	notify_listen "$port"
	start_spawnd -c "$SPAWND_CONF"
	wait_until "$SPAWND_TEST_TIMEOUT" _readies "$d/notify.out" 1 || fail "no READY=1"
	echo 0 >"$d/progress"
	# Each reply must be one complete hello line; the good connections'
	# times go to load.spans.
	timeout 120 python3 "$TESTS_LIB/client-load.py" -c 32 -s "$d/stop" -m 60 \
	    -t 10 -N '127\.0\.0\.1' -p "$d/progress" -o "$d/load.spans" \
	    127.0.0.1 "$port" </dev/null >"$d/load.out" 2>"$d/load.err" 3>&- &
	load=$!
	# python3 can take seconds to start on a loaded machine: the load
	# must be running before the first HUP, or the test proves nothing.
	wait_until 60 _progress_over "$d/progress" 32 ||
	    fail "the load never got going: $(cat "$d/load.err")"
	t0=${EPOCHREALTIME/./}
	for i in $(seq 1 20); do
		# Spread the 20 HUPs over the 10 s of load, each after the
		# previous reload has finished.
		sleep_until $(( t0 + i * 450000 ))
		kill -HUP "$SPAWND_PID"
		wait_until "$SPAWND_TEST_TIMEOUT" _readies "$d/notify.out" $(( i + 1 )) ||
		    fail "reload $i did not finish: $(tail -n 3 "$d/notify.out")"
	done
	sleep_until $(( t0 + 10000000 ))
	touch "$d/stop"
	wait "$load" || fail "the load client failed or saw errors:" \
	    "$(cat "$d/load.out" "$d/load.err")"
	summary=$(head -n 1 "$d/load.out")
	# Connections begun, or in flight, while no image was running the
	# loop: between execve() and the new image's READY=1.
	stats=$(python3 "$TESTS_LIB/reexec-windows.py" "$d/load.spans" "$d/notify.out")
	echo "# 32 clients, $(( (${EPOCHREALTIME/./} - t0) / 1000000 )) s, 20 HUPs: $summary" >&3
	echo "# $stats" >&3
	[[ $summary =~ ^ok\ ([0-9]+)\ bad\ 0\ clients\ 32/32\  ]] ||
	    fail "clients saw errors during the reloads: $summary"
	(( BASH_REMATCH[1] >= 320 )) || fail "too few connections to mean anything: $summary"
	[[ $stats =~ ^re-execs\ 20\  ]] || fail "not 20 re-execs: $stats" "$(cat "$d/notify.out")"
	[[ $stats =~ in\ flight\ during\ one\ ([0-9]+) ]] && (( BASH_REMATCH[1] >= 20 )) ||
	    fail "the re-execs did not overlap the load: $stats"
	(( $(log_count "got SIGHUP, re-executing") == 20 )) || fail "not 20 re-execs"
	# Every child any image forked was reaped, with its service's name,
	# by whichever image was running when it exited: none was lost in a
	# hand-over.
	wait_until "$SPAWND_TEST_TIMEOUT" _all_reaped hello ||
	    fail "begat $(log_count 'begat') children, reaped $(log_count 'reaped [0-9]+ \(hello\)$') with their name"
	(( $(log_count 'reaped [0-9]+$') == 0 )) || fail "children reaped as strangers (not handed over)"
	[[ -z $(ps -o pid= --ppid "$SPAWND_PID") ]] || fail "children left: $(ps -o pid,stat,comm --ppid "$SPAWND_PID")"
}

# _swapped N: the Nth "reloaded" line, or a refusal.
_swapped() {
	(( $(log_count "$(reloaded_re)") >= $1 )) || (( $(log_count 'reload refused') > 0 ))
}

@test "issue 23: 127.0.0.1:PORT and PORT swapped 3 rounds under 32 clients, 3 HUPs a round: none refused, the port never lost, resets counted" {
	local port d=$BATS_TEST_TMPDIR hups=0 spec load summary
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	echo 0 >"$d/progress"
	timeout 120 python3 "$TESTS_LIB/client-load.py" -c 32 -s "$d/stop" -m 90 \
	    -t 10 -N '127\.0\.0\.1' -p "$d/progress" \
	    127.0.0.1 "$port" </dev/null >"$d/load.out" 2>"$d/load.err" 3>&- &
	load=$!
	wait_until 60 _progress_over "$d/progress" 32 ||
	    fail "the load never got going: $(cat "$d/load.err")"
	for _ in 1 2 3; do
		# Wide, then narrow again, then the same once more: the
		# children of the drain hold the old socket as the new binds.
		for spec in "$port" "127.0.0.1:$port" "127.0.0.1:$port"; do
			hello_config "$spec" | write_config
			kill -HUP "$SPAWND_PID"
			hups=$((hups + 1))
			wait_until "$SPAWND_TEST_TIMEOUT" _swapped "$hups" ||
			    fail "HUP $hups ($spec) did not finish"
			(( $(log_count 'reload refused') == 0 )) ||
			    fail "HUP $hups ($spec) was refused:" "$(grep refused "$SPAWND_LOG")"
			# Clients must get through between two HUPs.
			wait_until 10 _progress_over "$d/progress" $(( $(cut -d' ' -f1 "$d/progress") + 32 )) ||
			    fail "no clients served after HUP $hups"
		done
	done
	touch "$d/stop"
	wait "$load" || true
	summary=$(head -n 1 "$d/load.out")
	echo "# $hups HUPs swapping 127.0.0.1:$port and $port: $summary $(tail -n +2 "$d/load.out" | tr '\n' ' ')" >&3
	(( $(log_count 'lost') == 0 )) || fail "a listener was lost:" "$(grep lost "$SPAWND_LOG")"
	# No client may find the port closed.  One whose handshake ends in
	# the microseconds between the old socket's last accept() and its
	# close is reset by the kernel: at most one such a swap to "PORT".
	! grep -q '^refused' "$d/load.out" ||
	    fail "clients were refused during the swaps: $(cat "$d/load.out")"
	! tail -n +2 "$d/load.out" | grep -vqE '^reset x[1-3]$' ||
	    fail "clients were cut during the swaps: $(cat "$d/load.out")"
	hello_answers "$port"
}
