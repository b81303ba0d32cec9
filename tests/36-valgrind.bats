#!/usr/bin/env bats
# The parent under valgrind (issue 5 point 7): 1,100 connections of
# every kind -- forked, answered inline, refused by the access list and
# by the rate -- and 100 datagrams, then a clean shutdown, and memcheck must
# find no error and no definite leak in the parent.  Children are
# traced too (valgrind follows fork) but silent: only the parent's
# report counts.  Skipped without valgrind or on a sanitizer build.  (Reloads under valgrind
# are in tests/08-reload-leaks.bats.)

load lib/helpers
load lib/services
load lib/hostile

setup() {
	skip_without_valgrind
	hostile_setup
}

teardown() { hostile_teardown; }

@test "valgrind: over 1000 connections, no error and no definite leak in the parent" {
	local hport tport aport cport report
	hport=$(free_port)
	tport=$(free_port)
	aport=$(free_port)
	cport=$(free_port)
	write_config <<-EOF
	$(svc_globals)
	service hello {
		type = "hello"
		listen_stream = {"127.0.0.1:$hport"}
	}
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:$tport"}
		listen_datagram = {"127.0.0.1:$tport"}
	}
	service denied {
		type = "daytime"
		listen_stream = {"127.0.0.1:$aport"}
		deny = {"127.0.0.0/8"}
	}
	service limited {
		type = "hello"
		listen_stream = {"127.0.0.1:$cport"}
		rate = 1
	}
	EOF
	# valgrind runs spawnd in its own process: the PID is spawnd's.
	# shellcheck disable=SC2097,SC2098 # the inner $SPAWND is the real one
	SPAWND=$(command -v valgrind) spawnd_launch --leak-check=full \
	    --errors-for-leak-kinds=definite --error-exitcode=99 \
	    --child-silent-after-fork=yes \
	    --log-file="$BATS_TEST_TMPDIR/valgrind.%p" \
	    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	SPAWND_TEST_TIMEOUT=60 spawnd_wait_ready
	report=$BATS_TEST_TMPDIR/valgrind.$SPAWND_PID

	# A fork under valgrind is slow: 150 forked, the rest inline or refused.
	run hostile burst "127.0.0.1:$hport" 150 --wait 30
	echo "# hello under valgrind: $output" >&3
	[[ $(kv served "$output") == 150 ]] || fail "hello: $output"
	run hostile burst "127.0.0.1:$tport" 450
	[[ $(kv served "$output") == 450 ]] || fail "inline time: $output"
	run hostile burst "127.0.0.1:$aport" 300
	[[ $(kv refused "$output") == 300 ]] || fail "acl: $output"
	# rate = 1: a fork under valgrind on a busy machine can take a third
	# of a second, and at rate = 5 a burst once never went over it.
	run hostile burst "127.0.0.1:$cport" 100
	echo "# hello with rate 1: $output" >&3
	(( $(kv refused "$output") > 0 )) || fail "rate: $output"
	run hostile udp "127.0.0.1:$tport" 100 --interval 0 --wait 2
	[[ $(kv answered "$output") == 100 ]] || fail "datagrams: $output"

	wait_until 60 childless "$SPAWND_PID" ||
	    fail "children left"
	stop_spawnd
	echo "# valgrind, parent: $(grep -E 'in use at exit|definitely lost|ERROR SUMMARY' "$report" |
	    sed 's/^==[0-9]*== *//' | tr '\n' ';')" >&3
	[[ $SPAWND_STATUS -eq 0 ]] ||
	    fail "spawnd under valgrind exited $SPAWND_STATUS (99: memcheck found errors):" \
	    "$(cat "$report")"
	grep -q "ERROR SUMMARY: 0 errors" "$report" ||
	    fail "valgrind found errors, or did not run:" "$(cat "$report")"
	! grep -qE "definitely lost: [1-9]" "$report" ||
	    fail "definite leaks:" "$(cat "$report")"
	[[ $(log_count "with exit 99$") -eq 0 ]] ||
	    fail "valgrind found errors in children:" "$(grep 'exit 99' "$SPAWND_LOG")"
}
