#!/usr/bin/env bats
# Drop-in files (issue 24): include = {"DIR/*.conf"} adds the service
# sections of every file a glob finds, sorted; each file's errors are its
# own FILE:LINE; names and addresses must not collide across files; a
# new or changed drop-in is picked up by a reload, and a bad one is
# refused with the old configuration serving.

load lib/helpers
load lib/services

setup() {
	svc_setup
	DROPIN=$BATS_TEST_TMPDIR/spawnd.d
	mkdir "$DROPIN"
	read -r P1 P2 P3 < <(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 3 "${BUILTIN_TCP_PORTS[@]}")
}

teardown() { svc_teardown; }

# main_config [SERVICE LINES...]: globals, the include, a hello on P1.
main_config() {
	svc_globals
	printf 'include = {"%s/*.conf", "%s/none-*.conf"}\n' "$DROPIN" "$DROPIN"
	# Reloads here come from SIGHUP alone (tests/24-watch-config.bats
	# has the reloads a change makes by itself).
	printf 'watch_config = false\n'
	printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P1"
}

# dropin FILE TYPE PORT [NAME]: a file with one service.
dropin() {
	printf '# %s\nservice %s {\n\ttype = "%s"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' \
	    "$1" "${4:-${1%.conf}}" "$2" "$3" >"$DROPIN/$1"
}

@test "services of every drop-in file serve beside the main file's; a glob that matches nothing is fine" {
	main_config | write_config
	dropin 20-daytime.conf daytime "$P2"
	dropin 10-time.conf time "$P3"
	# Not matched by the glob: ignored.
	dropin README daytime "$P3" readme
	expect_ok
	start_spawnd -c "$SPAWND_CONF"
	hello_answers_on() { fetch_tcp 127.0.0.1 "$1" "$BATS_TEST_TMPDIR/r"; }
	hello_answers_on "$P1" && assert_hello_bytes "$BATS_TEST_TMPDIR/r" '127\.0\.0\.1'
	fetch_tcp 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/d" || fail "no daytime"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/d") == 26 ]] || fail "daytime: $(svc_dump "$BATS_TEST_TMPDIR/d")"
	fetch_tcp 127.0.0.1 "$P3" "$BATS_TEST_TMPDIR/t" || fail "no time"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/t") == 4 ]] || fail "time: $(svc_dump "$BATS_TEST_TMPDIR/t")"
	# Sorted: 10-time before 20-daytime, after the main file's.
	grep 'server started on' "$SPAWND_LOG" | sed 's/.*server started on \([^ ]*\) .*/\1/' | tr '\n' ' ' >"$BATS_TEST_TMPDIR/order"
	[[ $(<"$BATS_TEST_TMPDIR/order") == "hello 10-time 20-daytime " ]] ||
	    fail "order: $(<"$BATS_TEST_TMPDIR/order")"
}

@test "every error in its own file at its own line, all in one run: a global option, an unknown type, a bad port; exit 78" {
	{
		main_config
		printf 'max_children = 0\n'
	} | write_config
	printf 'service a {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\nuser = "root"\n' "$P2" >"$DROPIN/a.conf"
	printf '\n\nservice b {\n\ttype = "frobnicate"\n\tlisten_stream = {"127.0.0.1:99999"}\n}\n' >"$DROPIN/b.conf"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):$(line_of max_children): .*max_children"
	assert_output_re "$(re_quote "$DROPIN/a.conf"):5: .*user"
	assert_output_re "$(re_quote "$DROPIN/b.conf"):4: .*frobnicate"
	assert_output_re "$(re_quote "$DROPIN/b.conf"):5: .*99999"
	[[ $output != *"configuration OK"* ]] || fail "said OK"
}

@test "parse errors too: every one in its own file at its own line, in one run; did you mean" {
	{
		main_config
		printf 'max_chlidren = 8\n'
	} | write_config
	printf 'service a {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n\tper_sourse = 2\n\trate = x\n' "$P2" >"$DROPIN/a.conf"
	printf 'service b {\n\ttype = "daytme"\n\tlisten_stream = {"127.0.0.1:99999"}\n}\n' >>"$DROPIN/a.conf"
	printf '\nservice c {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n}\n' "$P3" >"$DROPIN/b.conf"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	local m a b
	m=$(re_quote "$SPAWND_CONF")
	a=$(re_quote "$DROPIN/a.conf")
	b=$(re_quote "$DROPIN/b.conf")
	assert_output_re "$m:$(line_of max_chlidren): unknown option 'max_chlidren'; did you mean 'max_children'\?"
	assert_output_re "$a:1: section 'service a' opened here is never closed \(a '\}' is missing before line 6\)"
	assert_output_re "$a:4: service \"a\": unknown option 'per_sourse'; did you mean 'per_source'\?"
	assert_output_re "$a:5: .*rate"
	assert_output_re "$a:7: service \"b\": unknown type \"daytme\"; did you mean \"daytime\"\?"
	assert_output_re "$a:8: .*99999"
	assert_output_re "$b:6: unexpected '\}'"
	(( $(grep -cE "^($m|$a|$b):[0-9]+: " <<<"$output") == 7 )) ||
	    fail "expected 7 errors:" "$output"
	[[ $output != *"configuration OK"* ]] || fail "said OK"
}

@test "a name or an address taken in another file is an error in the later one, naming the first" {
	main_config | write_config
	dropin a.conf daytime "$P1" hello
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$DROPIN/a.conf"):2: service \"hello\" is defined twice \\(first in $(re_quote "$SPAWND_CONF"):$(line_of 'service hello')\\)"
	assert_output_re "$(re_quote "$DROPIN/a.conf"):4: service \"hello\": listen_stream \"127\\.0\\.0\\.1:$P1\" overlaps \"127\\.0\\.0\\.1:$P1\" of service \"hello\" \\($(re_quote "$SPAWND_CONF"):$(line_of listen_stream)\\)"
}

@test "include is for the main file: in a drop-in it is an error at its line; an unreadable match is an error" {
	main_config | write_config
	printf 'include = {"/etc/*"}\n' >"$DROPIN/a.conf"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$DROPIN/a.conf"):1: .*include"
	rm "$DROPIN/a.conf"
	mkdir "$DROPIN/dir.conf"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):$(line_of include): include .*dir\\.conf: not a regular file"
}

@test "a reload picks up a new drop-in (same PID); a bad one is refused and the old configuration serves on" {
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	dropin 10-time.conf time "$P2"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: server started on 10-time 127\\.0\\.0\\.1:$P2\$"
	fetch_tcp 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/t" || fail "no time after the reload"
	printf 'service broken {\n\ttype = "nope"\n}\n' >"$DROPIN/20-broken.conf"
	kill -HUP "$SPAWND_PID"
	wait_for_log "$(re_quote "$DROPIN/20-broken.conf"):2: .*nope"
	wait_for_log "reload refused: .*; still running with the old configuration\$"
	fetch_tcp 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/t2" || fail "the old configuration stopped serving"
	rm "$DROPIN/10-time.conf" "$DROPIN/20-broken.conf"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	! tcp_accepts 127.0.0.1 "$P2" || fail "the removed drop-in's service still listens"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
}

@test "a drop-in rewritten between the check and the exec: the new image loads the checked text" {
	main_config | write_config
	local bin=$BATS_TEST_TMPDIR/bin orig=$BATS_TEST_TMPDIR/spawnd.orig
	mkdir "$bin"
	cp "$SPAWND" "$orig"
	cp "$SPAWND" "$bin/spawnd"
	SPAWND=$bin/spawnd start_spawnd -c "$SPAWND_CONF"
	# Then the binary on disk becomes a script around the real one.
	cat >"$bin/new" <<-EOF2
	#!/bin/sh
	case " \$* " in *" -t "*) exec "$orig" "\$@";; esac
	if [ -e "$BATS_TEST_TMPDIR/break" ]; then
		printf 'service oops {\n' >"$DROPIN/10-time.conf"
		rm "$BATS_TEST_TMPDIR/break"
	fi
	exec "$orig" "\$@"
	EOF2
	chmod 755 "$bin/new"
	mv "$bin/new" "$bin/spawnd"
	dropin 10-time.conf time "$P2"
	touch "$BATS_TEST_TMPDIR/break"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	[[ ! -e $BATS_TEST_TMPDIR/break ]] || fail "the wrapper did not run at the exec"
	kill -0 "$SPAWND_PID" || fail "spawnd died of a drop-in changed after the check"
	fetch_tcp 127.0.0.1 "$P2" "$BATS_TEST_TMPDIR/t" || fail "the checked drop-in does not serve"
}

@test "a glob in a missing directory finds nothing (fine); a file two globs find is loaded once; the start directory's [ * ? are not wildcards" {
	{
		svc_globals
		printf 'include = {"%s/gone/*.conf", "%s/a.conf", "%s/*.conf"}\n' "$DROPIN" "$DROPIN" "$DROPIN"
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P1"
	} | write_config
	dropin a.conf time "$P2"
	expect_ok
	# Relative patterns from a start directory named like a glob.
	local odd="$BATS_TEST_TMPDIR/br[x]"
	mkdir -p "$odd/d"
	printf 'service broken {\n' >"$odd/d/a.conf"
	{
		svc_globals
		printf 'include = {"d/*.conf"}\n'
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P1"
	} >"$odd/m.conf"
	run bash -c 'cd "$1" && "$2" -t -c m.conf' _ "$odd" "$SPAWND"
	assert_status 78
	assert_output_has "d/a.conf:1:"
}
