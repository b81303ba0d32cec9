#!/usr/bin/env bats
# spawnd as an inetd (spawnd.conf(5), "Service types", exec) with real
# programs and their real clients, from Debian's packages, on loopback:
# git daemon --inetd and git clone; in.tftpd (tftpd-hpa) as a datagram
# wait service and tftp (tftp-hpa); rsync --daemon in inetd mode and an
# rsync:// listing; and wait = true on a stream socket, across a reload.

load lib/helpers
load lib/services

setup() {
	svc_setup
	PORT=$(free_port)
}

teardown() { svc_teardown; }

need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null || skip "$p is not installed"
	done
}

# one_service NAME LINES...: a config with one exec service NAME.
one_service() {
	local name=$1 line
	shift
	{
		svc_globals
		printf 'service %s {\n\ttype = "exec"\n' "$name"
		for line in "$@"; do printf '\t%s\n' "$line"; done
		printf '}\n'
	} | write_config
}

@test "git daemon --inetd: git clone git://127.0.0.1:PORT/repo gets the very commit" {
	need git
	local src=$SVC_DIR/git/repo.git work=$BATS_TEST_TMPDIR/work head
	git init -q "$work"
	printf 'served by spawnd\n' >"$work/README"
	git -C "$work" add README
	git -C "$work" -c user.name=t -c user.email=t@localhost commit -qm one
	git clone -q --bare "$work" "$src"
	chmod -R a+rX "$SVC_DIR/git"
	head=$(git -C "$work" rev-parse HEAD)
	# The repository is not the service user's: safe.directory says so.
	one_service git "exec = \"$(command -v git) -c safe.directory=* daemon --inetd --export-all --base-path=$SVC_DIR/git\"" \
	    "listen_stream = {\"127.0.0.1:$PORT\"}"
	start_spawnd -c "$SPAWND_CONF"
	HOME=$BATS_TEST_TMPDIR timeout 60 git clone -q "git://127.0.0.1:$PORT/repo.git" \
	    "$BATS_TEST_TMPDIR/clone" || fail "git clone failed" "$(cat "$SPAWND_LOG")"
	[[ $(git -C "$BATS_TEST_TMPDIR/clone" rev-parse HEAD) == "$head" ]] ||
	    fail "the clone's HEAD is not $head"
	assert_bytes "$BATS_TEST_TMPDIR/clone/README" 'served by spawnd\n'
	wait_for_log "connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port [0-9]+ on git$"
	wait_for_log "reaped [0-9]+ \(git\)$"
}

@test "in.tftpd as a datagram wait service: tftp gets a file byte-exact, twice, and again across a reload" {
	need in.tftpd tftp
	(( EUID == 0 )) || skip "in.tftpd -s chroots: needs root"
	mkdir -p "$SVC_DIR/tftp"
	head -c 300000 /dev/urandom >"$SVC_DIR/tftp/blob"
	chmod -R a+rX "$SVC_DIR/tftp"
	# As in inetd.conf: root starts it, it chroots and becomes nobody.
	# -t 2: it waits 2 s for more requests, then exits; we watch again.
	one_service tftp 'user = "root"' 'group = "root"' 'wait = true' \
	    "exec = \"$(command -v in.tftpd) -s -t 2 $SVC_DIR/tftp\"" \
	    "listen_datagram = {\"127.0.0.1:$PORT\"}"
	start_spawnd -c "$SPAWND_CONF"
	local i
	for i in 1 2; do
		rm -f "$BATS_TEST_TMPDIR/got"
		(cd "$BATS_TEST_TMPDIR" && timeout 30 tftp -m binary 127.0.0.1 "$PORT" \
		    -c get blob got) || fail "tftp get $i failed" "$(cat "$SPAWND_LOG")"
		cmp "$SVC_DIR/tftp/blob" "$BATS_TEST_TMPDIR/got" ||
		    fail "get $i: the file differs"
	done
	kill -HUP "$SPAWND_PID"
	wait_for_log "spawnd .* reloaded with "
	rm -f "$BATS_TEST_TMPDIR/got"
	(cd "$BATS_TEST_TMPDIR" && timeout 30 tftp -m binary 127.0.0.1 "$PORT" \
	    -c get blob got) || fail "tftp get after the reload failed" "$(cat "$SPAWND_LOG")"
	cmp "$SVC_DIR/tftp/blob" "$BATS_TEST_TMPDIR/got" ||
	    fail "after the reload: the file differs"
	wait_for_log "reaped [0-9]+ \(tftp\)$"
}

@test "rsync --daemon in inetd mode: rsync:// lists the module and copies a file byte-exact" {
	need rsync
	mkdir -p "$SVC_DIR/share"
	head -c 100000 /dev/urandom >"$SVC_DIR/share/data"
	chmod -R a+rX "$SVC_DIR/share"
	printf 'use chroot = no\nlog file = /dev/null\n[share]\n\tpath = %s\n\tcomment = spawnd test\n\tread only = yes\n' \
	    "$SVC_DIR/share" >"$SVC_DIR/rsyncd.conf"
	chmod 644 "$SVC_DIR/rsyncd.conf"
	one_service rsync "exec = \"$(command -v rsync) --daemon --config=$SVC_DIR/rsyncd.conf\"" \
	    "listen_stream = {\"127.0.0.1:$PORT\"}"
	start_spawnd -c "$SPAWND_CONF"
	run timeout 30 rsync "rsync://127.0.0.1:$PORT/"
	assert_status 0
	[[ $output =~ ^share[[:space:]]+spawnd\ test$ ]] || fail "listing:" "$output"
	timeout 30 rsync "rsync://127.0.0.1:$PORT/share/data" "$BATS_TEST_TMPDIR/data" ||
	    fail "rsync copy failed" "$(cat "$SPAWND_LOG")"
	cmp "$SVC_DIR/share/data" "$BATS_TEST_TMPDIR/data" || fail "the copy differs"
}

@test "wait = true on a stream socket: one child accepts clients itself; a reload adopts it and does not watch its socket" {
	# Accepts three clients on fd 0, tells each its PID, then exits.
	cat >"$SVC_DIR/acceptor" <<-'PY'
	#!/usr/bin/python3
	import os, socket
	s = socket.socket(fileno=0)
	for _ in range(3):
	    c, _ = s.accept()
	    c.sendall(b'pid %d\n' % os.getpid())
	    c.close()
	PY
	chmod 755 "$SVC_DIR/acceptor"
	one_service acceptor 'wait = true' "exec = \"$SVC_DIR/acceptor\"" \
	    "listen_stream = {\"127.0.0.1:$PORT\"}"
	start_spawnd -c "$SPAWND_CONF"
	local first second third fourth
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/1"
	first=$(<"$BATS_TEST_TMPDIR/1")
	[[ $first =~ ^pid\ [0-9]+$ ]] || fail "first reply: $first"
	wait_for_log "begat ${first#pid } for acceptor$"
	kill -HUP "$SPAWND_PID"
	wait_for_log "spawnd .* reloaded with "
	# The new image leaves the socket to the child it adopted.
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/2"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/3"
	second=$(<"$BATS_TEST_TMPDIR/2") third=$(<"$BATS_TEST_TMPDIR/3")
	[[ $second == "$first" && $third == "$first" ]] ||
	    fail "the adopted child did not serve: $first / $second / $third" "$(cat "$SPAWND_LOG")"
	wait_for_log "reaped ${first#pid } \(acceptor\)$"
	# Gone: the new image watches the socket again and starts another.
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/4"
	fourth=$(<"$BATS_TEST_TMPDIR/4")
	[[ $fourth =~ ^pid\ [0-9]+$ && $fourth != "$first" ]] ||
	    fail "fourth reply: $fourth (first: $first)"
	(( $(log_count "begat [0-9]+ for acceptor$") == 2 )) ||
	    fail "expected two children in all:" "$(grep begat "$SPAWND_LOG")"
	[[ $(log_count "connection from") -eq 0 ]] ||
	    fail "a wait service's clients are the program's, not logged by spawnd"
}

@test "wait = true on a datagram socket (no root needed): one child answers, the socket is watched again after it" {
	# Answers two datagrams on fd 0 with its PID, then exits.
	cat >"$SVC_DIR/udpwait" <<-'PY'
	#!/usr/bin/python3
	import os, socket
	s = socket.socket(fileno=0)
	for _ in range(2):
	    data, peer = s.recvfrom(512)
	    s.sendto(b'pid %d\n' % os.getpid(), peer)
	PY
	chmod 755 "$SVC_DIR/udpwait"
	one_service udpwait 'wait = true' "exec = \"$SVC_DIR/udpwait\"" \
	    "listen_datagram = {\"127.0.0.1:$PORT\"}"
	start_spawnd -c "$SPAWND_CONF"
	local i got=()
	for i in 1 2 3; do
		udp_ask 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r$i"
		got+=("$(<"$BATS_TEST_TMPDIR/r$i")")
		[[ ${got[-1]} =~ ^pid\ [0-9]+$ ]] || fail "reply $i: '${got[-1]}'" "$(cat "$SPAWND_LOG")"
		(( i == 2 )) && wait_for_log "reaped ${got[0]#pid } \(udpwait\)$"
	done
	[[ ${got[0]} == "${got[1]}" && ${got[2]} != "${got[0]}" ]] ||
	    fail "expected one child for two datagrams, another for the third: ${got[*]}"
	(( $(log_count "begat [0-9]+ for udpwait$") == 2 )) ||
	    fail "children:" "$(grep begat "$SPAWND_LOG")"
}

# _begat SERVICE: how many children SERVICE got so far.
_begat() { log_count "begat [0-9]+ for $1\$"; }

@test "issue 23: wait children that fail, or exit without taking their datagram or connection (/bin/true), are paced: <= 10 forks in 5 s, logged once; in.tftpd beside them still serves" {
	local d=$BATS_TEST_TMPDIR p_fails p_truedg p_truest p_tftp s holder
	p_fails=$PORT
	read -r p_truedg p_truest p_tftp < <(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 3 "${BUILTIN_TCP_PORTS[@]}")
	printf '#!/bin/sh\nexit 3\n' >"$SVC_DIR/fails"
	chmod 755 "$SVC_DIR/fails"
	{
		svc_globals
		printf 'service fails {\n\ttype = "exec"\n\twait = true\n\texec = "%s"\n\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$SVC_DIR/fails" "$p_fails"
		printf 'service truedg {\n\ttype = "exec"\n\twait = true\n\texec = "/bin/true"\n\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$p_truedg"
		printf 'service truest {\n\ttype = "exec"\n\twait = true\n\texec = "/bin/true"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p_truest"
		if (( EUID == 0 )) && command -v in.tftpd >/dev/null; then
			mkdir -p "$SVC_DIR/tftp"
			head -c 100000 /dev/urandom >"$SVC_DIR/tftp/blob"
			chmod -R a+rX "$SVC_DIR/tftp"
			printf 'service tftp {\n\ttype = "exec"\n\tuser = "root"\n\tgroup = "root"\n\twait = true\n\texec = "%s -s -t 1 %s"\n\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$(command -v in.tftpd)" "$SVC_DIR/tftp" "$p_tftp"
		fi
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	# One datagram each, left queued: every child finds it again.
	python3 -c 'import socket,sys
for p in sys.argv[1:]:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", int(p)))' "$p_fails" "$p_truedg"
	# One connection that nobody accepts, held open for 6 s.
	timeout 10 python3 -c 'import socket,sys,time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); time.sleep(6)' "$p_truest" </dev/null >/dev/null 2>&1 3>&- &
	holder=$!
	sleep 5	# pacing is what is measured: the 5 s are the test
	for s in fails truedg truest; do
		(( $(_begat "$s") >= 2 && $(_begat "$s") <= 10 )) ||
		    fail "$s: $(_begat "$s") children in 5 s (want 2 to 10)" "$(grep -v 'connection from' "$SPAWND_LOG" | tail -n 30)"
	done
	# Each series said once, not once per child.
	(( $(log_count "fails: its wait child [0-9]+ failed; watching 127\.0\.0\.1:$p_fails again in 1 s") == 1 )) ||
	    fail "fails: the pause was not logged exactly once" "$(cat "$SPAWND_LOG")"
	(( $(log_count "truedg: its wait child [0-9]+ left its datagram unread; watching") == 1 )) ||
	    fail "truedg: the pause was not logged exactly once" "$(cat "$SPAWND_LOG")"
	(( $(log_count "truest: its wait child [0-9]+ exited at once, leaving its connection; watching") == 1 )) ||
	    fail "truest: the pause was not logged exactly once" "$(cat "$SPAWND_LOG")"
	wait "$holder" || true
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	if (( EUID == 0 )) && command -v in.tftpd >/dev/null && command -v tftp >/dev/null; then
		(cd "$d" && timeout 30 tftp -m binary 127.0.0.1 "$p_tftp" -c get blob got) ||
		    fail "tftp get failed" "$(cat "$SPAWND_LOG")"
		cmp "$SVC_DIR/tftp/blob" "$d/got" || fail "tftp: the file differs"
		(( $(log_count "tftp: its wait child") == 0 )) ||
		    fail "in.tftpd was taken for a looping program" "$(cat "$SPAWND_LOG")"
	fi
}

@test "issue 23: rate on a wait service is its children started per second" {
	# A program that takes its datagram and answers it: never paced as
	# a looping one, only by rate.
	install -m 755 "$TESTS_LIB/udp-answer-once.py" "$SVC_DIR/udpone"
	one_service udpone 'wait = true' 'rate = 2' "exec = \"$SVC_DIR/udpone\"" \
	    "listen_datagram = {\"127.0.0.1:$PORT\"}"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	start_spawnd -c "$SPAWND_CONF"
	# 12 datagrams at once: at 2 children a second they take 6 rate
	# windows, so the 12th child cannot start before 5 s have passed
	# (4 s leaves room for where the first window began).  A lower
	# bound only: a loaded machine makes it later, never sooner.
	local t0 t12
	t0=$(date +%s%N)
	python3 -c 'import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(12): s.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))' "$PORT"
	wait_for_log "begat [0-9]+ for udpone$" 12 20
	t12=$(date +%s%N)
	(( (t12 - t0) / 1000000 >= 4000 )) ||
	    fail "12 children in $(( (t12 - t0) / 1000000 )) ms at rate = 2"
	(( $(log_count "udpone: its wait child") == 0 )) ||
	    fail "a child that took its datagram was taken for a looping one" "$(cat "$SPAWND_LOG")"
}
