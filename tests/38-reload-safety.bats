#!/usr/bin/env bats
# A reload never ends the daemon (spawnd(8), "SIGNALS"): before it
# re-executes, spawnd runs the binary on disk as "PATH -t ..." in a
# child, while it goes on serving, and takes a new pidfile itself; what
# would make the new image die is refused with "reload refused: REASON"
# and the old image serves on, same PID, same pidfile.

load lib/helpers
load lib/services

setup() {
	svc_setup
	PORT=$(free_port)
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir "$BIN"
	cp "$SPAWND" "$BIN/spawnd"
	ORIG=$BATS_TEST_TMPDIR/spawnd.orig
	cp "$SPAWND" "$ORIG"
	hello_config "127.0.0.1:$PORT" | write_config
	# No -p: the pidfile is the configuration's, so a reload may move it.
	SPAWND=$BIN/spawnd spawnd_launch -f -c "$SPAWND_CONF"
	spawnd_wait_ready
}

teardown() { svc_teardown; }

hello_answers() {
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

# refused ERE: a SIGHUP is refused with "reload refused: ERE", and the
# daemon serves on as it was.
refused() {
	local re="^spawnd\\[$SPAWND_PID\\]: reload refused: $1; still running with the old configuration\$" n
	n=$(log_count "$re")
	kill -HUP "$SPAWND_PID"
	wait_for_log "$re" $((n + 1))
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
	(( $(log_count 're-executing') == 0 )) || fail "it re-executed:" "$(cat "$SPAWND_LOG")"
	hello_answers
}

@test "a new pidfile in a missing directory, or one another spawnd holds: refused, the old pidfile kept" {
	local other=$BATS_TEST_TMPDIR/other.pid port2 pid2
	hello_config "127.0.0.1:$PORT" | sed "s|^pidfile = .*|pidfile = \"$BATS_TEST_TMPDIR/missing/x.pid\"|" |
	    write_config
	refused "pidfile $(re_quote "$BATS_TEST_TMPDIR")/missing/x\\.pid: No such file or directory"
	# Another instance holds the one we move to.
	port2=$(free_port)
	hello_config "127.0.0.1:$port2" | sed "s|^pidfile = .*|pidfile = \"$other\"|" \
	    >"$BATS_TEST_TMPDIR/other.conf"
	"$SPAWND" -c "$BATS_TEST_TMPDIR/other.conf" </dev/null >/dev/null 2>&1 3>&- ||
	    fail "the other spawnd did not start"
	pid2=$(<"$other")
	track_daemon "$pid2"
	hello_config "127.0.0.1:$PORT" | sed "s|^pidfile = .*|pidfile = \"$other\"|" | write_config
	refused "pidfile $(re_quote "$other") is held by PID $pid2"
	[[ $(<"$other") == "$pid2" ]] || fail "the other pidfile was touched"
}

@test "a new pidfile that can be taken: the reload moves to it and the old file goes" {
	local moved=$BATS_TEST_TMPDIR/moved.pid
	hello_config "127.0.0.1:$PORT" | sed "s|^pidfile = .*|pidfile = \"$moved\"|" | write_config
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait_for_pidfile "$moved" "$SPAWND_PID"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "the old pidfile is still there"
	hello_answers
}

@test "limits -t rejects (max_children = 4000000000, shutdown_grace = 214748365): refused" {
	hello_config "127.0.0.1:$PORT" | sed '1i max_children = 4000000000' | write_config
	refused "the configuration has errors"
	assert_log "spawnd\\.conf:1: max_children = 4000000000: must be from 1 to 4096\$"
	hello_config "127.0.0.1:$PORT" | sed '1i shutdown_grace = 214748365' | write_config
	refused "the configuration has errors"
}

@test "a broken binary on disk: truncated, a library missing, a failing script, a script that says nothing, one that hangs: refused" {
	# The ELF headers only: the kernel cannot map the program.
	head -c 8192 "$ORIG" >"$BIN/new"
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	refused '.+'
	# A program whose shared library is gone.
	printf 'int gone(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/gone.c"
	printf 'int gone(void);\nint main(void) { return gone(); }\n' >"$BATS_TEST_TMPDIR/main.c"
	gcc -shared -fPIC -o "$BATS_TEST_TMPDIR/libgone.so" "$BATS_TEST_TMPDIR/gone.c" ||
	    skip "no C compiler"
	gcc -o "$BIN/new" "$BATS_TEST_TMPDIR/main.c" -L"$BATS_TEST_TMPDIR" -lgone \
	    -Wl,-rpath,"$BATS_TEST_TMPDIR"
	rm "$BATS_TEST_TMPDIR/libgone.so"
	mv "$BIN/new" "$BIN/spawnd"
	refused '.*error while loading shared libraries: libgone\.so.*'
	printf '#!/bin/sh\nexit 1\n' >"$BIN/new"
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	refused "the new binary's -t exited with status 1"
	printf '#!/bin/sh\nexit 0\n' >"$BIN/new"
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	refused "the new binary's -t did not say \"configuration OK\""
	# One that hangs: the daemon serves while it waits, then gives up.
	printf '#!/bin/sh\nexec sleep 60\n' >"$BIN/new"
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	kill -HUP "$SPAWND_PID"
	wait_for_log "got SIGHUP, checking "
	hello_answers
	hello_answers
	# The admin puts the real one back and sends SIGHUP again while the
	# check still hangs: that one is checked once the first is over.
	cp "$ORIG" "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	kill -HUP "$SPAWND_PID"
	wait_for_log "got SIGHUP while the last one is being checked; checking again after it\$"
	SPAWND_TEST_TIMEOUT=20 wait_for_log "reload refused: the check \\(-t\\) of the new binary took more than 10 s; still running with the old configuration\$"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	hello_answers
}

@test "a service name and a Unix path holding a newline survive reloads, and so does a session of that service" {
	local cport sock=$BATS_TEST_TMPDIR/a$'\n'b child
	cport=$(free_port)
	stop_spawnd
	{
		svc_globals
		printf 'service "cmd\\nline" {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$cport"
		printf 'service "hello\\tthere" {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$PORT"
		printf 'service cat {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' \
		    "$BATS_TEST_TMPDIR/a\\nb"
	} | write_config
	"$BIN/spawnd" -t -c "$SPAWND_CONF" >/dev/null || fail "-t refuses the configuration"
	SPAWND=$BIN/spawnd start_spawnd -c "$SPAWND_CONF"
	[[ -S $sock ]] || fail "no socket file with a newline in its name"
	exec 5<>"/dev/tcp/127.0.0.1/$cport"
	wait_for_log 'begat [0-9]+ for cmd\\x0aline$'
	child=$(sed -nE 's/.*begat ([0-9]+) for cmd\\x0aline$/\1/p' "$SPAWND_LOG")
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	hello_answers
	fetch_unix "$sock" "$BATS_TEST_TMPDIR/cat" || fail "catsock does not answer"
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/cat") == "Hello there, it's now "* ]] ||
	    fail "catsock:" "$(svc_dump "$BATS_TEST_TMPDIR/cat")"
	# The session's child was handed over under its escaped-and-back name.
	printf 'quit\r\n' >&5
	exec 5>&-
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: reaped $child \\(cmd\\\\x0aline\\)"
	stop_spawnd
	[[ ! -e $sock ]] || fail "the socket file was left at stop"
}

_one_listener() {
	[[ $(ss -Hltn "sport = :$PORT" | wc -l) -eq 1 ]]
}

@test "an address rewritten as an overlapping one (port alone, 0.0.0.0:PORT, 127.0.0.1:PORT) reloads, same PID" {
	local spec n=0
	for spec in "$PORT" "0.0.0.0:$PORT" "127.0.0.1:$PORT" "$PORT"; do
		hello_config "$spec" | write_config
		kill -HUP "$SPAWND_PID"
		n=$((n + 1))
		wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " "$n"
		wait_for_log "^spawnd\\[$SPAWND_PID\\]: server started on hello .*:$PORT\$" $((n + 1))
		hello_answers
		wait_until 5 _one_listener ||
		    fail "after '$spec': $(ss -Hltn "sport = :$PORT")"
	done
	(( $(log_count 'reload refused') == 0 )) || fail "a reload was refused:" "$(cat "$SPAWND_LOG")"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
}

@test "issue 23: the file changed after the old image checked it (between its load and the exec): the new image loads what was checked and serves on" {
	local swapped=$BATS_TEST_TMPDIR/swapped.conf good=$BATS_TEST_TMPDIR/good.conf
	# The binary on disk is a script around the real one: at the exec
	# (not at the -t check) it rewrites the file -- as an admin's editor
	# could in that very instant -- first with an error, then with the
	# old address back, then it is done.
	hello_config "$PORT" >"$swapped"
	cat >"$BIN/new" <<-EOF2
	#!/bin/sh
	case " \$* " in *" -t "*) exec "$ORIG" "\$@";; esac
	if [ -e "$BATS_TEST_TMPDIR/break" ]; then
		printf 'service broken {\n' >"$SPAWND_CONF"
		rm "$BATS_TEST_TMPDIR/break"
	elif [ -e "$BATS_TEST_TMPDIR/narrow" ]; then
		cp "$BATS_TEST_TMPDIR/narrow" "$SPAWND_CONF"
		rm "$BATS_TEST_TMPDIR/narrow"
	fi
	exec "$ORIG" "\$@"
	EOF2
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	cp "$SPAWND_CONF" "$good"
	# 1: an error written in after the check.
	touch "$BATS_TEST_TMPDIR/break"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	[[ ! -e $BATS_TEST_TMPDIR/break ]] || fail "the wrapper did not run at the exec"
	kill -0 "$SPAWND_PID" || fail "spawnd died of a file changed after the check"
	hello_answers
	# 2: the address widened to the port alone, and narrowed back on
	# disk after the check: the sockets were swapped for "PORT", and the
	# new image must listen where the swap left them.
	cp "$swapped" "$SPAWND_CONF"
	cp "$good" "$BATS_TEST_TMPDIR/narrow"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	kill -0 "$SPAWND_PID" || fail "spawnd died of a file changed after the check"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: server started on hello \\*:$PORT\$"
	hello_answers
	# The next reload reads the file as it is now.
	cp "$ORIG" "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 3
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: server started on hello 127\\.0\\.0\\.1:$PORT\$" 2
	hello_answers
	(( $(log_count 'lost|reload refused') == 0 )) || fail "$(grep -E 'lost|refused' "$SPAWND_LOG")"
}

@test "issue 23: an overlapping address swapped, then the exec fails: the old address is bound again, nothing lost, and the next reload works" {
	# -t passes, then the file is gone: execv() fails with ENOENT after
	# the swap, and everything must be put back as it was.
	cat >"$BIN/new" <<-EOF2
	#!/bin/sh
	echo "configuration OK"
	rm -f "$BIN/spawnd"
	EOF2
	chmod 755 "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	hello_config "$PORT" | write_config
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: reload refused: re-executing $(re_quote "$BIN/spawnd"): No such file or directory; still running with the old configuration\$"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	(( $(log_count 'lost') == 0 )) || fail "$(grep lost "$SPAWND_LOG")"
	hello_answers
	[[ $(ss -Hltn "sport = :$PORT" | awk '{ print $4 }') == "127.0.0.1:$PORT" ]] ||
	    fail "not back on 127.0.0.1:$PORT alone:" "$(ss -Hltn "sport = :$PORT")"
	cp "$ORIG" "$BIN/new"
	mv "$BIN/new" "$BIN/spawnd"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: server started on hello \\*:$PORT\$"
	hello_answers
}
