# Helpers for the hostile-client tests (tests/3*-*.bats), on top of
# helpers.bash and services.bash (which each file loads first).  The
# clients themselves are tests/lib/hostile.py; these wrap it with timeouts,
# run the long-lived ones in the background and stop them at teardown.

# shellcheck disable=SC2154 # output: set by bats' run
# shellcheck disable=SC2034 # HOLD_STATE: for the test files

# hostile ARG...: tests/lib/hostile.py ARG... under a timeout.
hostile() {
	timeout 180 python3 "$TESTS_LIB/hostile.py" "$@"
}

# kv KEY TEXT: the value of KEY=VALUE in TEXT (a hostile.py result line).
kv() {
	local re="(^| )$1=([^ ]*)"
	[[ $2 =~ $re ]] || { echo "no $1= in: $2" >&2; return 1; }
	echo "${BASH_REMATCH[2]}"
}

hostile_setup() {
	svc_setup
	HOLDERS=()
	HOLD_NAMES=()
}

hostile_teardown() {
	local pid name
	for name in "${HOLD_NAMES[@]}"; do
		: >"$BATS_TEST_TMPDIR/release.$name"
	done
	# A holder is a subshell running timeout running python: signal
	# them all, not just the subshell, which would leave the rest.
	for pid in "${HOLDERS[@]}"; do
		wait_for_exit "$pid" 5 || stop_tree "$pid"
		wait "$pid" 2>/dev/null || true
	done
	svc_teardown
}

# descendants PID: PID's children, their children, and so on.
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# stop_tree PID: SIGTERM PID and everything below it.
stop_tree() {
	local pids
	mapfile -t pids < <(descendants "$1")
	kill -TERM "$1" "${pids[@]}" 2>/dev/null || true
}

# hold NAME TARGET N [OPTION...]: open N connections in the background
# (hostile.py hold) and wait until all are open; the counts
# ("served=A refused=B silent=C error=D") end up in HOLD_STATE.  They
# stay open until release NAME (or the end of the test).
hold() {
	local name=$1 target=$2 n=$3 pid
	shift 3
	rm -f "$BATS_TEST_TMPDIR/hold.$name" "$BATS_TEST_TMPDIR/release.$name"
	hostile hold "$target" "$n" --state "$BATS_TEST_TMPDIR/hold.$name" \
	    --release "$BATS_TEST_TMPDIR/release.$name" --max 120 "$@" \
	    </dev/null >"$BATS_TEST_TMPDIR/hold.$name.out" 2>&1 3>&- &
	pid=$!
	HOLDERS+=("$pid")
	HOLD_NAMES+=("$name")
	eval "HOLD_PID_$name=$pid"
	if ! wait_until 90 test -s "$BATS_TEST_TMPDIR/hold.$name"; then
		fail "holder $name did not open its $n connections:" \
		    "$(cat "$BATS_TEST_TMPDIR/hold.$name.out")"
		return 1
	fi
	HOLD_STATE=$(<"$BATS_TEST_TMPDIR/hold.$name")
}

# release NAME: close the connections of holder NAME and wait for it.
release() {
	local var=HOLD_PID_$1
	: >"$BATS_TEST_TMPDIR/release.$1"
	wait_for_exit "${!var}" 10 || fail "holder $1 did not exit"
}

# children_of PID [SERVICE_RE]: PIDs of PID's live children.
children_of() {
	ps --ppid "$1" -o pid=,stat= | awk '$2 !~ /^Z/ { print $1 }'
}

# assert_refused TARGET [SRC]: a new connection gets zero bytes and is
# closed by the server within 3 s.
assert_refused() {
	run hostile probe "$1" ${2:+--src "$2"} --wait 3
	assert_status 0
	[[ $(kv bytes "$output") == 0 && $(kv end "$output") != timeout ]] ||
	    fail "expected a refusal (no byte, closed) from $1${2:+ as $2}: $output"
}

# assert_served TARGET [SRC [SEND]]: a new connection gets bytes (SEND,
# e.g. 'quit\r\n' for the command service, ends the session at once).
assert_served() {
	run hostile probe "$1" ${2:+--src "$2"} ${3:+--send "$3"} --wait 3
	assert_status 0
	(( $(kv bytes "$output") > 0 )) ||
	    fail "expected $1 to serve${2:+ $2}: $output"
}

# assert_log_clean: the daemon log holds no raw control character but
# tab and newline, and no byte above 0x7e (C1 controls, broken UTF-8):
# log_escape() writes all of those as \xNN.
assert_log_clean() {
	local re='[\x00-\x08\x0b-\x1f\x7f-\xff]'
	LC_ALL=C grep -qaP "$re" "$SPAWND_LOG" || return 0
	fail "raw control characters in the log:" \
	    "$(LC_ALL=C grep -naP "$re" "$SPAWND_LOG" | head -n 5 | od -c | head -n 20)"
}
