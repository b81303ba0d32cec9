#!/usr/bin/env bats
# No leak across reloads (issue 6; spawnd(8), "SIGNALS"): after 50
# SIGHUPs the same fds and sockets (adopted, not reopened) and an open
# session still served; under valgrind no memory error in any image and
# no definite leak at exit.  Helpers in tests/lib/reload.bash.

load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

@test "7: 50 reloads: same fds, same sockets (adopted, not reopened), an open session survives them all" {
	local p1 p2 sock pid before after i
	p1=$(free_port)
	p2=$(free_port)
	sock=$BATS_TEST_TMPDIR/cat.sock
	{
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"%s}\n}\n' \
		    "$p1" "$(have_ipv6 && echo ", \"[::1]:$p1\"")"
		printf 'service time {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$p2"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$p2"
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"%s"}\n}\n' "$sock"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	session_open u "$sock"
	wait_until "$SPAWND_TEST_TIMEOUT" _count_in "$BATS_TEST_TMPDIR/u.out" 'Command? ' 1 ||
	    fail "no command session on $sock"
	before=$(fd_table "$pid")
	for i in $(seq 1 50); do
		hup "$i"
	done
	after=$(fd_table "$pid")
	echo "# fds before and after 50 reloads: $(echo "$before" | wc -l) and $(echo "$after" | wc -l)" >&3
	[[ $after == "$before" ]] || fail "fds changed over 50 reloads; before:" "$before" "after:" "$after"
	(( $(log_count 'reaped') == 0 )) || fail "the session's child was reaped"
	[[ -n $(ps -o pid= --ppid "$pid") ]] || fail "the session's child is gone"
	hello_answers "$p1"
	[[ -S $sock ]] || fail "socket file gone"
	stop_spawnd
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
	assert_log 'reaped [0-9]+ \(command\) killed by signal 15$'
	[[ ! -e $sock ]] || fail "socket file left"
}

@test "7: valgrind: no memory error in any of 6 images (5 reloads), no definite leak at exit" {
	skip_without_valgrind
	local port pid i errs
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	(
		exec valgrind --trace-children=yes --child-silent-after-fork=yes \
		    --leak-check=full --errors-for-leak-kinds=definite \
		    --error-exitcode=99 \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	pid=$SPAWND_PID
	SPAWND_TEST_TIMEOUT=60 spawnd_wait_ready
	hello_answers "$port"
	for i in 1 2 3 4 5; do
		SPAWND_TEST_TIMEOUT=60 hup "$i"
		hello_answers "$port"
	done
	kill -TERM "$pid"
	wait_for_exit "$pid" 60 || fail "spawnd under valgrind did not stop"
	SPAWND_PID=
	wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
	(( $(log_count "^==$pid== Memcheck, ") == 6 )) ||
	    fail "expected 6 images under valgrind, saw $(log_count "^==$pid== Memcheck, ")"
	errs=$(grep -E "^==$pid== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|.*definitely lost in)" "$SPAWND_LOG" || true)
	[[ -z $errs ]] || fail "valgrind found:" "$errs"
	assert_log "^==$pid== ERROR SUMMARY: 0 errors"
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS (99: valgrind errors)"
}
