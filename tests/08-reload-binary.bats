#!/usr/bin/env bats
# A new binary (issue 6; spawnd(8), "SIGNALS"): SIGHUP runs the binary
# now on disk, a new version included; one that cannot be executed (no x
# bit, not a program, gone) is refused and logged, nothing of the
# attempt stays open, and spawnd keeps serving.  Helpers in
# tests/lib/reload.bash.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

@test "4: a binary replaced on disk runs on SIGHUP; one that cannot be executed is logged and spawnd keeps serving" {
	local port bin=$BATS_TEST_TMPDIR/bin orig=$SPAWND ver newver pid before
	port=$(free_port)
	mkdir "$bin"
	cp "$SPAWND" "$bin/spawnd"
	ver=$("$SPAWND" -V | awk '{ print $2 }')
	newver=$(echo "$ver" | tr 0-9 1-90)
	python3 "$TESTS_LIB/patch-version.py" "$SPAWND" "$bin/spawnd.new" "$ver" "$newver" ||
	    skip "cannot make a binary with another version"
	chmod 755 "$bin/spawnd.new"
	[[ $("$bin/spawnd.new" -V) == "spawnd $newver" ]] || skip "patched binary does not report $newver"
	SPAWND=$bin/spawnd
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	assert_log "^spawnd\[$pid\]: spawnd $(re_quote "$ver") started with "
	# Replaced the way install(1) or a package manager does it (a copy
	# over a running binary fails with ETXTBSY).
	mv "$bin/spawnd.new" "$bin/spawnd"
	hup 1
	assert_log "$(reloaded_re "$(re_quote "$newver")")"
	[[ $(readlink "/proc/$pid/exe") == "$bin/spawnd" ]] ||
	    fail "runs $(readlink "/proc/$pid/exe"), not the new $bin/spawnd"
	hello_answers "$port"
	before=$(fd_table "$pid")

	# Not executable (root too needs one x bit), not a binary, gone.
	chmod 644 "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): Permission denied; still running with the old configuration$"
	hello_answers "$port"
	printf 'not a program\n' >"$bin/spawnd.txt"
	chmod 755 "$bin/spawnd.txt"
	mv "$bin/spawnd.txt" "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): Exec format error; still running with the old configuration$"
	hello_answers "$port"
	rm "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): No such file or directory; still running with the old configuration$"
	hello_answers "$port"
	# Nothing of the three attempts stayed open (memfd, fds).
	[[ $(fd_table "$pid") == "$before" ]] ||
	    fail "fds changed across failed re-execs:" "$before" "now:" "$(fd_table "$pid")"

	# Put back: the old version runs again, and still has the
	# listener (which the failed execs made close-on-exec again).
	cp "$orig" "$bin/spawnd"
	hup 2
	(( $(log_count "$(reloaded_re "$(re_quote "$ver")")") == 1 )) || fail "old version not back"
	hello_answers "$port"
	(( $(log_count 'server started on hello') == 3 )) || fail "expected 3 start-ups"
	[[ $(<"$SPAWND_PIDFILE") == "$pid" ]] || fail "pidfile changed"
	[[ $(ss -Hltn "sport = :$port" | wc -l) -eq 1 ]] || fail "more than one listener on $port"
}
