# Helpers for the tests/08-reload-*.bats files (reload with zero downtime,
# issue 6; spawnd(8), "SIGNALS"), on top of helpers.bash and services.bash
# (which each file loads first).  tests/06-reload.bats has the basics
# (every HUP re-executes, a changed configuration takes effect); the
# 08-reload files do not repeat them:
#   08-reload-bad-config  what a reload refuses: a bad configuration, an
#                         address it cannot get, a Unix path it cannot bind
#   08-reload-load        no client of a loaded service notices 20 reloads
#   08-reload-children    live children cross the re-exec
#   08-reload-binary      a new binary on disk, or one that cannot run
#   08-reload-shutdown    SIGTERM and SIGINT after a reload, shutdown_grace
#   08-reload-systemd     readiness notifications and socket activation
#   08-reload-leaks       no fd or memory leak across reloads
# The clients they run are programs of their own in tests/lib.

# shellcheck disable=SC2154 # SPAWND_PID and friends: set by helpers.bash
# shellcheck disable=SC2120 # reloaded_re: the argument is optional

# ---- long client sessions (tests/lib/client-session.py)

# session_open NAME HOST PORT | session_open NAME PATH: start a session in
# the background, over TCP or to the Unix stream socket PATH; its files
# are $BATS_TEST_TMPDIR/NAME.out (what it received), NAME.ctl (lines to
# send, see session_send), NAME.out.eof (the server closed it) and
# NAME.err.
session_open() {
	local d=$BATS_TEST_TMPDIR name=$1
	shift
	: >"$d/$name.out"
	: >"$d/$name.ctl"
	timeout 120 python3 "$TESTS_LIB/client-session.py" \
	    "$d/$name.out" "$d/$name.ctl" 100 "$@" \
	    </dev/null >"$d/$name.err" 2>&1 3>&- &
}

# session_send NAME LINE: send LINE (with CRLF) in session NAME.
session_send() {
	printf '%s\n' "$2" >>"$BATS_TEST_TMPDIR/$1.ctl"
}

_count_in() { (( $(grep -o -F -- "$2" "$1" 2>/dev/null | wc -l) >= $3 )); }

# session_wait NAME TEXT [COUNT]: until NAME.out holds TEXT COUNT times.
session_wait() {
	local f=$BATS_TEST_TMPDIR/$1.out
	wait_until "$SPAWND_TEST_TIMEOUT" _count_in "$f" "$2" "${3:-1}" && return 0
	fail "session $1: no \"$2\" (x${3:-1}) after ${SPAWND_TEST_TIMEOUT}s; got:" \
	    "$(od -c "$f" | head -20)" "$(cat "$BATS_TEST_TMPDIR/$1.err")"
}

# session_closed NAME: until the server has closed session NAME.
session_closed() {
	wait_until "$SPAWND_TEST_TIMEOUT" test -e "$BATS_TEST_TMPDIR/$1.out.eof" &&
	    return 0
	fail "session $1 is still open; got:" "$(od -c "$BATS_TEST_TMPDIR/$1.out" | tail -5)"
}

# ---- systemd's readiness protocol (tests/lib/notify-listener.py)

# notify_listen PORT: a NOTIFY_SOCKET at $BATS_TEST_TMPDIR/notify.sock,
# exported for the spawnd started next; one line per notification in
# $BATS_TEST_TMPDIR/notify.out, READY=1 ones with whether 127.0.0.1:PORT
# took a connection at once.
notify_listen() {
	local d=$BATS_TEST_TMPDIR
	timeout 120 python3 "$TESTS_LIB/notify-listener.py" "$d/notify.sock" \
	    "$d/notify.out" "$1" </dev/null >"$d/notify.err" 2>&1 3>&- &
	wait_until 30 grep -q listening "$d/notify.out" ||
	    fail "notify listener did not start: $(cat "$d/notify.err")"
	export NOTIFY_SOCKET=$d/notify.sock
}

# ---- the daemon

reloaded_re() {
	echo "^spawnd\[$SPAWND_PID\]: spawnd ${1:-[^ ]+} reloaded with "
}

# hup N: send SIGHUP and wait for the Nth "reloaded" line.
hup() {
	kill -HUP "$SPAWND_PID"
	wait_for_log "$(reloaded_re)" "$1"
	kill -0 "$SPAWND_PID" || fail "spawnd died on HUP $1"
}

# hello_answers PORT: a complete hello line from 127.0.0.1:PORT.
hello_answers() {
	fetch_tcp 127.0.0.1 "$1" "$BATS_TEST_TMPDIR/hello.reply" ||
	    fail "no hello on port $1"
	assert_hello_bytes "$BATS_TEST_TMPDIR/hello.reply" '127\.0\.0\.1'
}

# The fds of PID as "NUMBER TARGET" lines, sorted.
fd_table() {
	local f
	for f in /proc/"$1"/fd/*; do
		printf '%s %s\n' "${f##*/}" "$(readlink "$f")"
	done | sort -n
}
