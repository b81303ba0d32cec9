#!/usr/bin/env bats
# systemd's sockets (spawnd(8), "Sockets from systemd"; issue 14 points
# 4 and 5), under the real systemd of tests/40-systemd.bats: the
# generated spawnd.socket hands spawnd its addresses; a socket unit with
# FileDescriptorName= names a service's socket, which spawnd adopts by
# that name, never at another address than the configuration's; and the
# fd store carries the listening sockets over "systemctl restart": five
# restarts under a client loop refuse no connection.  Needs root.

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
}

teardown() {
	sysd_teardown
	# A test that edits the installed configuration gets it back.
	if [[ -f $BATS_TEST_TMPDIR/spawnd.conf.installed ]]; then
		cp -p "$BATS_TEST_TMPDIR/spawnd.conf.installed" "$(installed_conf)"
	fi
	svc_teardown
}

installed_conf() {
	echo "$DEST$(build_var sysconfdir | sed "s|\${prefix}|$(build_var prefix)|")/spawnd.conf"
}

# hello_at HOST: a hello line from HOST:2345 inside the namespace.
hello_at() {
	in_sysd timeout 5 nc -N "$1" 2345 </dev/null >"$BATS_TEST_TMPDIR/hello" &&
	    assert_hello_bytes "$BATS_TEST_TMPDIR/hello" '[A-Za-z0-9.:-]+'
}

# holders PORT: the processes listening on TCP PORT (names, sorted).
holders() {
	in_sysd ss -Hltnp "sport = :$1" | grep -oE '\("[^"]+"' | tr -d '("' | sort -u | tr '\n' ' '
}

@test "spawnd.socket: systemd binds the shipped addresses, spawnd serves on them, across a reload and an activation" {
	sysd_boot "$DEST" "$TOP_BUILDDIR/systemd/spawnd.socket"
	sysctl_ns start spawnd.socket
	[[ $(unit_prop ActiveState spawnd.socket) == active ]] ||
	    fail "spawnd.socket: $(unit_prop ActiveState spawnd.socket)"
	sysctl_ns start spawnd.service
	hello_at 127.0.0.1
	hello_at ::1
	# The very sockets systemd made: both hold port 2345, nothing else does.
	[[ $(holders 2345) == "spawnd systemd " ]] || fail "port 2345 held by: $(holders 2345)"
	in_sysd timeout 5 nc -N -U /run/spawnd/catsock </dev/null >"$BATS_TEST_TMPDIR/cat"
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/cat") == "Hello there, it's now "* ]] ||
	    fail "catsock:" "$(svc_dump "$BATS_TEST_TMPDIR/cat")"
	sysctl_ns reload spawnd.service
	wait_for_journal '^spawnd [^ ]+ reloaded with '
	hello_at 127.0.0.1
	[[ $(holders 2345) == "spawnd systemd " ]] || fail "after reload: $(holders 2345)"
	# Stopped, the service starts again on the first connection.
	sysctl_ns stop spawnd.service
	[[ $(unit_prop ActiveState) == inactive ]] || fail "still $(unit_prop ActiveState)"
	hello_at 127.0.0.1
	[[ $(unit_prop ActiveState) == active ]] || fail "not activated: $(unit_prop ActiveState)"
	run journal -o cat
	[[ $output != *"spawnd.socket: Failed"* && $output != *"spawnd.service: Failed"* ]] ||
	    fail "systemd complained:" "$output"
}

@test "FileDescriptorName=hello: hello's socket by name; a named socket at another address is left alone, with a warning" {
	local unit=$BATS_TEST_TMPDIR/spawnd-hello.socket
	local stray=$BATS_TEST_TMPDIR/spawnd-stray.socket
	# hello's own addresses (its two loopback ones, the IPv6 one
	# IPv6-only as spawnd makes it), and one the configuration does not
	# have, all named "hello".
	printf '[Unit]\nDescription=hello for spawnd\n[Socket]\nListenStream=127.0.0.1:2345\nListenStream=[::1]:2345\nBindIPv6Only=ipv6-only\nFileDescriptorName=hello\nService=spawnd.service\n' >"$unit"
	printf '[Unit]\nDescription=a stray for spawnd\n[Socket]\nListenStream=127.0.0.2:2399\nFileDescriptorName=hello\nService=spawnd.service\n' >"$stray"
	sysd_boot "$DEST" "$unit" "$stray"
	sysctl_ns start spawnd-hello.socket spawnd-stray.socket
	sysctl_ns start spawnd.service
	wait_for_journal '^the socket "hello" from systemd on 127\.0\.0\.2:2399 is at none of the configuration.s addresses; not used$'
	hello_at 127.0.0.1
	hello_at ::1
	[[ $(holders 2345) == "spawnd systemd " ]] || fail "port 2345 held by: $(holders 2345)"
	[[ $(holders 2399) == "systemd " ]] || fail "port 2399 held by: $(holders 2399)"
	# A reload hands the socket over under its service's name.
	sysctl_ns reload spawnd.service
	wait_for_journal '^spawnd [^ ]+ reloaded with '
	hello_at 127.0.0.1
	[[ $(holders 2345) == "spawnd systemd " ]] || fail "after reload: $(holders 2345)"
}

@test "the fd store after a changed address and a restart: the new address is served, the old one leaves the store" {
	sysd_boot "$DEST"
	sysctl_ns start spawnd.service
	hello_at 127.0.0.1
	local conf
	conf=$(installed_conf)
	cp -p "$conf" "$BATS_TEST_TMPDIR/spawnd.conf.installed"
	sed -i 's|listen_stream = {"127.0.0.1:2345", "\[::1\]:2345"}|listen_stream = {"127.0.0.1:2399"}|' "$conf"
	grep -q '"127.0.0.1:2399"' "$conf" || fail "could not move hello in $conf"
	sysctl_ns restart spawnd.service
	in_sysd timeout 5 nc -N 127.0.0.1 2399 </dev/null >"$BATS_TEST_TMPDIR/moved" ||
	    fail "nothing on the new address"
	assert_hello_bytes "$BATS_TEST_TMPDIR/moved" '[A-Za-z0-9.-]+'
	[[ -z $(holders 2345) ]] || fail "the old address is still held by: $(holders 2345)"
	wait_for_journal '^the socket "hello" from systemd on 127\.0\.0\.1:2345 is at none of the configuration.s addresses; not used$'
	wait_for_journal '^the socket "hello" from systemd on \[::1\]:2345 is at none of the configuration.s addresses; not used$'
	local n
	n=$(unit_prop NFileDescriptorStore)
	(( n == 16 )) || fail "NFileDescriptorStore=$n, want 16 (hello on one address instead of two)"
}

_loop_past() {
	(( $(cut -d' ' -f1 "$1") >= $2 ))
}

@test "the fd store: five systemctl restarts under a client loop refuse no connection" {
	sysd_boot "$DEST"
	sysctl_ns start spawnd.service
	# Every listener of the shipped configuration is in the store.
	local n
	n=$(unit_prop NFileDescriptorStore)
	(( n == 17 )) || fail "NFileDescriptorStore=$n, want 17 (the 17 sockets of the shipped configuration)"
	local loop=$BATS_TEST_TMPDIR/loop round main before
	on_sysd_net timeout 180 python3 "$TESTS_LIB/client-load.py" -c 4 \
	    -s "$loop.stop" -t 10 -N '[A-Za-z0-9.-]+' -p "$loop" 127.0.0.1 2345 \
	    >"$loop.out" 2>&1 3>&- &
	local loop_pid=$!
	wait_until 10 test -s "$loop" || fail "the client loop did not start"
	for round in 1 2 3 4 5; do
		# The unit's default start limit is 5 starts in 10 s: an admin
		# restarting faster is stopped by systemd, not by spawnd.
		(( round == 1 )) || sleep 2.5
		main=$(unit_prop MainPID)
		sysctl_ns restart spawnd.service
		[[ $(unit_prop MainPID) != "$main" && $(unit_prop ActiveState) == active ]] ||
		    fail "restart $round: MainPID $(unit_prop MainPID), $(unit_prop ActiveState)"
		before=$(cut -d' ' -f1 "$loop")
		wait_until 10 _loop_past "$loop" $((before + 20)) ||
		    fail "the client loop stalled after restart $round: $(<"$loop")"
	done
	: >"$loop.stop"
	wait "$loop_pid" || fail "client loop failed:" "$(cat "$loop.out")"
	echo "# clients during 5 restarts: $(head -n 1 "$loop.out")" >&3
	[[ $(head -n 1 "$loop.out") =~ ^ok\ [0-9]+\ bad\ 0\  ]] ||
	    fail "failed clients:" "$(cat "$loop.out")"
	# The Unix socket lived through them too, and the store still holds 17.
	in_sysd timeout 5 nc -N -U /run/spawnd/catsock </dev/null >"$BATS_TEST_TMPDIR/cat"
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/cat") == "Hello there, it's now "* ]] ||
	    fail "catsock after the restarts:" "$(svc_dump "$BATS_TEST_TMPDIR/cat")"
	n=$(unit_prop NFileDescriptorStore)
	(( n == 17 )) || fail "NFileDescriptorStore=$n after the restarts"
	[[ $(unit_prop NRestarts) == 0 ]] || fail "systemd restarted it on its own"
}
