#!/usr/bin/env bats
# A local user against a root spawnd's Unix sockets (spawnd.conf(5),
# "Addresses" and socket_mode): the socket file is created with its
# final mode by bind() and never changed by name afterwards, so a
# symlink swapped in by a racer cannot make root chmod another file; and
# a socket directory that others can write to is refused outright.
# Needs root.

load lib/helpers
load lib/services

setup() {
	[[ $(id -u) -eq 0 ]] || skip "needs root: only a root spawnd is worth racing"
	svc_setup
	RACER=
}

teardown() {
	if [[ -n $RACER ]]; then
		: >"$BATS_TEST_TMPDIR/stop"
		wait "$RACER" 2>/dev/null || true
	fi
	svc_teardown
}

catsock_at() {
	svc_globals
	printf 'service catsock {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n\tsocket_mode = "0666"\n}\n' "$1"
}

@test "a racer swapping the fresh socket file for a symlink never gets another file's mode changed" {
	local run=$BATS_TEST_TMPDIR/run victim=$BATS_TEST_TMPDIR/victim i before
	mkdir -m 0755 "$run"
	: >"$victim"
	chmod 0600 "$victim"
	before=$(stat -c %a "$victim")
	catsock_at "$run/catsock" | write_config
	timeout 300 python3 "$TESTS_LIB/unix-racer.py" "$run" catsock \
	    "$victim" "$BATS_TEST_TMPDIR/stop" --max 240 \
	    </dev/null >"$BATS_TEST_TMPDIR/racer.out" 2>&1 3>&- &
	RACER=$!
	wait_until 10 test -e "$BATS_TEST_TMPDIR/stop.ready" || fail "racer not ready"
	for i in $(seq 1 40); do
		rm -f "$run/catsock"
		spawnd_launch -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
		wait_until 10 _ready_or_dead || fail "start $i hung"
		stop_spawnd
		[[ $(stat -c %a "$victim") == "$before" ]] ||
		    fail "start $i: the victim's mode went from $before to $(stat -c %a "$victim")"
	done
	: >"$BATS_TEST_TMPDIR/stop"
	wait "$RACER"
	RACER=
	echo "# racer: $(<"$BATS_TEST_TMPDIR/racer.out") in 40 starts" >&3
	[[ $(<"$BATS_TEST_TMPDIR/racer.out") =~ swaps=[1-9] ]] ||
	    fail "the racer never swapped a file: the test proved nothing" \
	    "$(cat "$BATS_TEST_TMPDIR/racer.out")"
	[[ $(stat -c %a "$victim") == "$before" ]]
}

@test "the socket file is born with socket_mode, under any umask" {
	local sock=$BATS_TEST_TMPDIR/catsock
	svc_globals >"$SPAWND_CONF"
	printf 'service catsock {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n\tsocket_mode = "0640"\n}\n' "$sock" >>"$SPAWND_CONF"
	(umask 0; start_spawnd -c "$SPAWND_CONF"; echo "$SPAWND_PID" >"$BATS_TEST_TMPDIR/pid")
	SPAWND_PID=$(<"$BATS_TEST_TMPDIR/pid")
	[[ $(stat -c %a "$sock") == 640 ]] || fail "mode $(stat -c %a "$sock"), not 640"
	kill -TERM "$SPAWND_PID"
	wait_for_exit "$SPAWND_PID"
	SPAWND_PID=
}

@test "a socket directory others can write to is refused, naming it, and nothing is left behind" {
	local dir mode
	for mode in 0777 0775 0757 1777; do
		dir=$BATS_TEST_TMPDIR/d$mode
		mkdir "$dir"
		chmod "$mode" "$dir"
		catsock_at "$dir/catsock" | write_config
		run timeout 10 "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
		(( status != 0 )) || fail "mode $mode: started"
		assert_output_has "directory $dir is writable by others than root"
		[[ ! -e $dir/catsock && ! -e $SPAWND_PIDFILE ]] ||
		    fail "mode $mode: left $(ls -A "$dir") / pidfile"
	done
	# A directory root does not own, however strict.
	dir=$BATS_TEST_TMPDIR/owned
	mkdir -m 0700 "$dir"
	chown nobody "$dir"
	catsock_at "$dir/catsock" | write_config
	run timeout 10 "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	(( status != 0 )) || fail "a directory of nobody's: started"
	assert_output_re "directory $(re_quote "$dir") is not root's \\(mode 0700\\)"
	# A root directory inside a sticky /tmp-like one is fine.
	dir=$BATS_TEST_TMPDIR/d1777/inner
	mkdir -m 0755 "$dir"
	catsock_at "$dir/catsock" | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_unix "$dir/catsock"
}
