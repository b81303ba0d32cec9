#!/usr/bin/env bats
# spawnd under a real systemd (spawnd(8), "SIGNALS",
# "RUNNING UNDER SYSTEMD" and "LOG MESSAGES"): Debian's
# systemd booted as PID 1 of private namespaces (tests/systemd-boot.sh),
# the generated spawnd.service with every sandboxing directive it ships,
# the tree "make install" puts on this build's prefix, and the installed
# (system) configuration: fixed ports 13, 17, 37, 2345 and 9000 on a
# loopback of the namespace's own, children as nobody.  Needs root.

load lib/helpers
load lib/services
load lib/systemd

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	DEST=$BATS_FILE_TMPDIR/dest
	export DEST
	make -C "$TOP_BUILDDIR" install DESTDIR="$DEST" \
	    >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		tail -n 30 "$BATS_FILE_TMPDIR/install.log" >&2
		return 1
	}
}

setup() {
	svc_setup
	sysd_require
	PREFIX=$(build_var prefix)
	SYSCONF=$DEST$(build_var sysconfdir | sed "s|\${prefix}|$PREFIX|")
	# The installed tree is the file's; a test that edits the
	# configuration gets it back at teardown.
	cp -p "$SYSCONF/spawnd.conf" "$BATS_TEST_TMPDIR/spawnd.conf.installed"
	if [[ -e $SYSCONF/inetd.conf ]]; then
		cp -p "$SYSCONF/inetd.conf" "$BATS_TEST_TMPDIR/inetd.conf.installed"
	fi
	sysd_boot "$DEST"
}

teardown() {
	sysd_teardown
	if [[ -f $BATS_TEST_TMPDIR/spawnd.conf.installed ]]; then
		cp -p "$BATS_TEST_TMPDIR/spawnd.conf.installed" "$SYSCONF/spawnd.conf"
	fi
	if [[ -f $BATS_TEST_TMPDIR/inetd.conf.installed ]]; then
		cp -p "$BATS_TEST_TMPDIR/inetd.conf.installed" "$SYSCONF/inetd.conf"
	elif [[ -n ${SYSCONF:-} ]]; then
		rm -f "$SYSCONF/inetd.conf"
	fi
	svc_teardown
}

# Every service of the installed configuration answers, over TCP from
# inside the namespace, and over the Unix socket.
check_installed_services() {
	local out=$BATS_TEST_TMPDIR/reply
	in_sysd timeout 5 nc -N 127.0.0.1 2345 </dev/null >"$out"
	assert_hello_bytes "$out" '[A-Za-z0-9.-]+'
	in_sysd timeout 5 nc -N 127.0.0.1 13 </dev/null >"$out"
	[[ $(<"$out") =~ ^$DATE_RE$'\r'$ ]] || fail "daytime:" "$(svc_dump "$out")"
	in_sysd timeout 5 nc -N 127.0.0.1 37 </dev/null >"$out"
	[[ $(stat -c %s "$out") -eq 4 ]] || fail "time:" "$(svc_dump "$out")"
	in_sysd timeout 5 nc -N 127.0.0.1 17 </dev/null >"$out"
	[[ $(head -n 1 "$out") == "Hello there, "* && $(wc -l <"$out") -ge 2 ]] ||
	    fail "qotd:" "$(svc_dump "$out")"
	in_sysd timeout 5 nc -N -U /run/spawnd/catsock </dev/null >"$out"
	[[ $(head -n 1 "$out") =~ ^Hello\ there,\ it\'s\ now\ $DATE_RE$ ]] ||
	    fail "catsock:" "$(svc_dump "$out")"
	printf 'date\r\nquit\r\n' | in_sysd timeout 5 nc -N 127.0.0.1 9000 >"$out"
	[[ $(<"$out") == "Welcome to spawnd; type help for command list."$'\r\n'"Command? "* ]] ||
	    fail "command:" "$(svc_dump "$out")"
}

@test "systemctl start: active (running) once READY=1, every installed service answers, the journal has priorities and one spawnd[PID]" {
	sysctl_ns start spawnd.service
	[[ $(unit_prop ActiveState)/$(unit_prop SubState) == active/running ]] ||
	    fail "after start: $(unit_prop ActiveState)/$(unit_prop SubState)" \
	    "$(sysctl_ns status spawnd.service --no-pager 2>&1)"
	# Type=notify: start returned only after READY=1, which spawnd sends
	# once every listener is bound; the pidfile names the main PID.
	local main
	main=$(unit_prop MainPID)
	[[ $(in_sysd cat /run/spawnd/spawnd.pid) == "$main" ]] ||
	    fail "pidfile: $(in_sysd cat /run/spawnd/spawnd.pid), MainPID $main"
	check_installed_services
	wait_for_journal '^reaped [0-9]+ \(catsock\)$'
	# STATUS=, as systemctl status shows it: the services just served.
	_status_text() {
		[[ $(unit_prop StatusText) =~ ^0\ children,\ [5-9]\ connections,\ 0\ refused$ ]]
	}
	wait_until 5 _status_text || fail "StatusText: '$(unit_prop StatusText)'"
	# Priorities from the <N> prefixes: info for the connection lines.
	journal -u spawnd.service -p info..info -o cat | grep -qE '^begat [0-9]+ for hello$' ||
	    fail "no 'begat' at priority info:" "$(journal -u spawnd.service -o verbose | tail -n 40)"
	run journal -u spawnd.service -o cat
	[[ $output != *"spawnd["* ]] || fail "a spawnd[PID] of our own in the journal:" "$output"
	[[ $output != *"<6>"* ]] || fail "a raw priority prefix in the journal:" "$output"
	run journal -u spawnd.service -o short
	assert_output_re "spawnd\\[$main\\]: server started on hello "
	# The sandbox applied: the seccomp filter, no new privileges, the four
	# capabilities of CapabilityBoundingSet= (kill 5, setgid 6, setuid 7,
	# net_bind_service 10) and no more.
	run nsenter -t "$SYSD_PID" -m -p -r -w -- cat "/proc/$main/status"
	assert_output_re $'Seccomp:\t2'
	assert_output_re $'NoNewPrivs:\t1'
	assert_output_re $'CapBnd:\t0+4e0\n'
	# Nor did systemd have to give up on any directive.
	run journal -o cat
	[[ $output != *"spawnd.service: Failed to"* ]] ||
	    fail "systemd could not apply part of the unit:" "$output"
}

@test "systemctl reload three times under a client loop: same MainPID, no failed client" {
	local main loop=$BATS_TEST_TMPDIR/loop round
	sysctl_ns start spawnd.service
	main=$(unit_prop MainPID)
	# One client at a time until $loop.stop appears, each reading a whole
	# hello line; "OK BAD" so far in $loop, the summary in $loop.out.
	on_sysd_net timeout 120 python3 "$TESTS_LIB/client-load.py" \
	    -s "$loop.stop" -t 5 -N '[A-Za-z0-9.-]+' -p "$loop" 127.0.0.1 2345 \
	    >"$loop.out" 2>&1 3>&- &
	local loop_pid=$!
	wait_until 10 test -s "$loop" || fail "the client loop did not start"
	for round in 1 2 3; do
		sysctl_ns reload spawnd.service
		wait_for_journal '^spawnd [^ ]+ reloaded with ' "$round"
		wait_until 10 [ "$(unit_prop ActiveState)" = active ] ||
		    fail "not active after reload $round: $(unit_prop ActiveState)"
		# Clients get through between reloads too.
		local before
		before=$(cut -d' ' -f1 "$loop")
		wait_until 10 _loop_past "$loop" $((before + 20)) ||
		    fail "the client loop stalled after reload $round: $(<"$loop")"
	done
	: >"$loop.stop"
	wait "$loop_pid" || fail "client loop failed:" "$(cat "$loop.out")"
	echo "# clients during 3 reloads: $(head -n 1 "$loop.out")" >&3
	[[ $(head -n 1 "$loop.out") =~ ^ok\ [0-9]+\ bad\ 0\  ]] ||
	    fail "failed clients:" "$(cat "$loop.out")"
	[[ $(unit_prop MainPID) == "$main" ]] ||
	    fail "MainPID changed: $main -> $(unit_prop MainPID)"
	[[ $(unit_prop NRestarts) == 0 ]] || fail "restarted: $(unit_prop NRestarts)"
}

_loop_past() {
	(( $(cut -d' ' -f1 "$1") >= $2 ))
}

@test "a bad configuration and a reload: systemctl reload fails, still active on the old one, the journal says FILE:LINE" {
	local main conf=$SYSCONF/spawnd.conf
	sysctl_ns start spawnd.service
	main=$(unit_prop MainPID)
	printf 'service broken {\n\ttype = no-such-type\n}\n' >>"$conf"
	local line
	line=$(grep -n 'no-such-type' "$conf" | cut -d: -f1)
	# ExecReload's spawnd -r finds the errors itself and signals nothing.
	run sysctl_ns reload spawnd.service
	(( status != 0 )) || fail "systemctl reload succeeded with a bad configuration"
	wait_for_journal "^$(re_quote "$PREFIX")/etc/spawnd\\.conf:$line: "
	wait_for_journal '^reload not attempted: the configuration has errors$'
	journal -u spawnd.service -p warning -o cat | grep -q "spawnd.conf:$line: " ||
	    fail "the FILE:LINE line is not at priority warning or above"
	! spawnd_journal | grep -q 'got SIGHUP' || fail "the daemon was signalled"
	[[ $(unit_prop ActiveState)/$(unit_prop SubState) == active/running ]] ||
	    fail "after a bad reload: $(unit_prop ActiveState)/$(unit_prop SubState)"
	[[ $(unit_prop MainPID) == "$main" ]] || fail "MainPID changed"
	check_installed_services
}

@test "systemctl reload is spawnd -r: it fails on a refused reload and succeeds on a good one, MainPID unchanged; a spawnd started by hand says 'already running as PID N'" {
	local main conf=$SYSCONF/spawnd.conf spawnd
	spawnd=$PREFIX/sbin/spawnd
	sysctl_ns start spawnd.service
	main=$(unit_prop MainPID)
	# -t cannot see that the directory is missing; the reload's bind does.
	printf 'service nowhere {\n\ttype = "hello"\n\tlisten_stream = {"/run/spawnd/no-such-dir/hello.sock"}\n}\n' >>"$conf"
	run sysctl_ns reload spawnd.service
	(( status != 0 )) || fail "systemctl reload succeeded on a refused reload:" "$output"
	# The daemon's line, and the same from spawnd -r (ExecReload's stderr).
	wait_for_journal '^reload refused: .*/no-such-dir/hello\.sock.*; still running with the old configuration$' 2
	[[ $(unit_prop ActiveState)/$(unit_prop SubState) == active/running ]] ||
	    fail "after a refused reload: $(unit_prop ActiveState)/$(unit_prop SubState)"
	[[ $(unit_prop MainPID) == "$main" ]] || fail "MainPID changed"
	check_installed_services
	# A good one: systemctl reload returns 0, once the new image serves.
	cp -p "$BATS_TEST_TMPDIR/spawnd.conf.installed" "$conf"
	sysctl_ns reload spawnd.service || fail "systemctl reload of a good configuration failed:" \
	    "$(spawnd_journal | tail -n 20)"
	wait_for_journal '^spawnd [^ ]+ reloaded with '
	[[ $(unit_prop MainPID) == "$main" ]] || fail "MainPID changed: $main -> $(unit_prop MainPID)"
	[[ $(unit_prop ActiveState) == active ]] || fail "not active: $(unit_prop ActiveState)"
	[[ $(in_sysd cat /run/spawnd/spawnd.reload) == "2 reloaded" ]] ||
	    fail "outcome file: $(in_sysd cat /run/spawnd/spawnd.reload)"
	# By hand, in systemd's PID namespace: the same daemon, by the same pidfile.
	run nsenter -t "$SYSD_PID" -m -n -p -r -w -- timeout 70 "$spawnd" -r
	[[ $status -eq 0 && $output == "reloaded, PID $main" ]] ||
	    fail "spawnd -r by hand: status $status:" "$output"
	# The shipped configuration names the unit's pidfile: a second spawnd
	# started by hand finds it locked before it binds anything.
	run in_sysd timeout 10 "$spawnd" -f
	[[ $status -eq 69 ]] || fail "a second spawnd: exit $status:" "$output"
	[[ $output == *"already running as PID $main (pidfile /run/spawnd/spawnd.pid)"* ]] ||
	    fail "a second spawnd said:" "$output"
	[[ $(unit_prop MainPID) == "$main" ]] || fail "MainPID changed"
	check_installed_services
}

@test "under the unit, inetd.conf edited as update-inetd does (a rename): served with no systemctl reload, same MainPID, said in the journal" {
	local conf=$SYSCONF/spawnd.conf inetd=$SYSCONF/inetd.conf
	local seen=${SYSCONF#"$DEST"}/inetd.conf main
	# The installed configuration serves the machine's inetd.conf; if a
	# build's does not, this test makes it (globals come first).
	if ! grep -q '^inetd_conf' "$conf"; then
		{ printf 'inetd_conf = "%s"\n' "$seen"; cat "$BATS_TEST_TMPDIR/spawnd.conf.installed"; } >"$conf"
	fi
	sysctl_ns start spawnd.service
	main=$(unit_prop MainPID)
	printf '# made by the test\n127.0.0.1:echo\tstream\ttcp\tnowait\tnobody\tinternal\n' >"$inetd.new"
	mv "$inetd.new" "$inetd"
	wait_for_journal "^configuration changed \\($(re_quote "$seen")\\), checking "
	wait_for_journal '^spawnd [^ ]+ reloaded with '
	_echoes() { [[ $(printf 'over the unit\n' | in_sysd timeout 5 nc -N 127.0.0.1 7) == 'over the unit' ]]; }
	wait_until 10 _echoes || fail "the inetd.conf line does not serve"
	# update-inetd --disable: the line commented out, renamed in again.
	sed 's/^127/#<off># 127/' "$inetd" >"$inetd.new"
	mv "$inetd.new" "$inetd"
	wait_for_journal '^spawnd [^ ]+ reloaded with ' 2
	_stopped() { ! in_sysd timeout 2 bash -c 'exec 5<>/dev/tcp/127.0.0.1/7' 2>/dev/null; }
	wait_until 10 _stopped || fail "the disabled line still listens"
	[[ $(unit_prop MainPID) == "$main" ]] || fail "MainPID changed: $main -> $(unit_prop MainPID)"
	[[ $(unit_prop ActiveState) == active ]] || fail "not active: $(unit_prop ActiveState)"
	check_installed_services
}

@test "systemctl stop: inactive, exit status 0, pidfile gone, runtime directory kept" {
	sysctl_ns start spawnd.service
	check_installed_services
	sysctl_ns stop spawnd.service
	[[ $(unit_prop ActiveState) == inactive ]] ||
	    fail "after stop: $(unit_prop ActiveState)"
	[[ $(unit_prop ExecMainStatus) == 0 && $(unit_prop Result) == success ]] ||
	    fail "exit $(unit_prop ExecMainStatus), result $(unit_prop Result)"
	wait_for_journal '^shutting down$'
	run in_sysd test -e /run/spawnd/spawnd.pid
	[[ $status -ne 0 ]] || fail "/run/spawnd/spawnd.pid is still there"
	# RuntimeDirectoryPreserve=yes: spawnd.socket's catsock may live there.
	in_sysd test -d /run/spawnd || fail "/run/spawnd was removed"
	# Started again, spawnd replaces the stale catsock file and serves.
	sysctl_ns start spawnd.service
	check_installed_services
}
