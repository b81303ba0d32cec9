# A private /dev/log for the tests of a daemon that logs to syslog
# (tests/10-syslog.bats), on top of helpers.bash.
#
# The host may have no /dev/log (a build machine) or a real one whose
# log we must not fill.  So the test holds a private mount namespace
# whose /dev is a small tmpfs with the usual device nodes bound in, and
# whose /dev/log is a real datagram socket read by tests/lib/devlog-recv.py.
# spawnd runs inside it (nsenter); clients connect from outside (the
# network is shared).  Needs root.
#
#   devlog_setup      start the namespace and the receiver
#   devlog_teardown   stop both (the namespace dies with its holder)
#   in_ns CMD...      run CMD inside the namespace
#   DEVLOG_FILE       one line per datagram received, CR, LF and
#                     backslash escaped, so no datagram spans two lines

devlog_setup() {
	DEVLOG_HOLDER=
	DEVLOG_RECV=
	DEVLOG_FILE=$BATS_TEST_TMPDIR/devlog.txt
	[[ $(id -u) -eq 0 ]] || skip "a private /dev/log needs root (mount namespace)"
	{ command -v unshare && command -v nsenter; } >/dev/null ||
	    skip "unshare/nsenter (util-linux) not installed"
	local stage=$BATS_TEST_TMPDIR/devstage ready=$BATS_TEST_TMPDIR/ns.ready
	mkdir "$stage"
	# The holder sets up the namespace, then sleeps; a bound sleep, so a
	# test killed before its teardown cannot leave it for long.
	# shellcheck disable=SC2016 # the inner sh expands its arguments
	unshare --mount --propagation private -- sh -c '
		set -e
		sh "$1" "$2"
		: >"$3"
		exec sleep 600
	' devlog-ns "$TESTS_LIB/private-dev.sh" "$stage" "$ready" \
	    </dev/null >"$BATS_TEST_TMPDIR/ns.err" 2>&1 3>&- &
	DEVLOG_HOLDER=$!
	wait_until 10 test -e "$ready" ||
	    fail "the mount namespace did not come up:" "$(cat "$BATS_TEST_TMPDIR/ns.err")"
	# A simple command, not a function: $! is then timeout itself, which
	# passes the teardown's SIGTERM on to the receiver.
	nsenter -t "$DEVLOG_HOLDER" -m -r -w -- timeout 600 python3 \
	    "$TESTS_LIB/devlog-recv.py" /dev/log "$DEVLOG_FILE" \
	    </dev/null >"$BATS_TEST_TMPDIR/recv.err" 2>&1 3>&- &
	DEVLOG_RECV=$!
	wait_until 10 test -e "$DEVLOG_FILE" ||
	    fail "the /dev/log receiver did not start:" "$(cat "$BATS_TEST_TMPDIR/recv.err")"
}

devlog_teardown() {
	local pid
	for pid in $DEVLOG_RECV $DEVLOG_HOLDER; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ ${BATS_TEST_COMPLETED:-} != 1 && -s ${DEVLOG_FILE:-} ]]; then
		echo "---- /dev/log (last 60 datagrams)" >&2
		tail -n 60 "$DEVLOG_FILE" >&2
	fi
}

in_ns() {
	nsenter -t "$DEVLOG_HOLDER" -m -r -w -- "$@"
}

_devlog_at_least() {
	local n
	n=$(grep -cE -- "$1" "$DEVLOG_FILE" 2>/dev/null)
	(( ${n:-0} >= $2 ))
}

# wait_for_devlog ERE [COUNT]: until COUNT datagrams match ERE.
wait_for_devlog() {
	wait_until "$SPAWND_TEST_TIMEOUT" _devlog_at_least "$1" "${2:-1}" && return 0
	fail "timed out waiting for ${2:-1} datagram(s) /$1/ on /dev/log; got:" \
	    "$(cat "$DEVLOG_FILE")"
}
