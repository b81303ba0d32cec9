#!/usr/bin/env bats
# watch_config (issue 24): an edit of inetd_conf -- by rename, as
# update-inetd and dpkg write it -- or a drop-in file added, changed or
# removed reloads spawnd by itself within 2 s, exactly as a SIGHUP does
# (checked first, same PID, listeners and children kept; a bad edit is
# refused and the old configuration serves on), logged "configuration
# changed (PATH)".  spawnd.conf itself is not watched.  The last test
# drives Debian's own update-inetd against spawnd's inetd.conf.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	hostile_setup
	read -r P1 P2 P3 P4 < <(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 4 "${BUILTIN_TCP_PORTS[@]}")
	INETD_CONF=$BATS_TEST_TMPDIR/inetd.conf
	DROPIN=$BATS_TEST_TMPDIR/spawnd.d
	mkdir "$DROPIN"
	printf '127.0.0.1:\n' >"$INETD_CONF"
}

teardown() { hostile_teardown; }

# main_config [OPTION LINE...]: globals, inetd_conf, the include, and a
# command service on P1 whose sessions outlive reloads.
main_config() {
	svc_globals
	printf 'inetd_conf = "%s"\n' "$INETD_CONF"
	printf 'include = {"%s/*.conf"}\n' "$DROPIN"
	printf '%s\n' "$@"
	printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P1"
}

# inetd_line PORT WORD: a line whose program prints WORD.
inetd_line() {
	printf '%s\tstream\ttcp\tnowait\t%s\t/bin/echo\techo\t%s\n' "$1" "$(id -un)" "$2"
}

# rename_into FILE: stdin becomes FILE by a rename, as update-inetd does.
rename_into() {
	cat >"$1.tmp.$$" && mv "$1.tmp.$$" "$1"
}

# answers PORT WORD: a client on PORT reads WORD.
answers() {
	[[ $(timeout 5 nc -N 127.0.0.1 "$1" </dev/null 2>/dev/null) == "$2" ]]
}

# within_2s COMMAND...: COMMAND succeeds within 2 s (plus 1 s for a
# loaded machine).  Prints how long it took.
within_2s() {
	local start=${EPOCHREALTIME/./}
	wait_until 3 "$@" || return 1
	echo "after $(( (${EPOCHREALTIME/./} - start) / 1000 )) ms" >&3
}

@test "inetd.conf replaced by rename: the new line serves within 2 s, same PID, the session kept, logged 'configuration changed (PATH)'" {
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	hold session "127.0.0.1:$P1" 1
	local session
	session=$(children_of "$SPAWND_PID")
	[[ -n $session ]] || fail "no command session"
	{ printf '127.0.0.1:\n'; inetd_line "$P2" first; } | rename_into "$INETD_CONF"
	within_2s answers "$P2" first || fail "the added line does not serve:" "$(cat "$SPAWND_LOG")"
	assert_log "^spawnd\\[$SPAWND_PID\\]: configuration changed \\($(re_quote "$INETD_CONF")\\), checking .* -t\$"
	assert_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
	kill -0 "$session" || fail "the command session did not live through the reload"
	[[ $(children_of "$SPAWND_PID") == *"$session"* ]] || fail "the session is no longer spawnd's child"
	# update-inetd --disable: the line commented out, by rename again.
	{ printf '127.0.0.1:\n#<off># '; inetd_line "$P2" first; inetd_line "$P3" second; } |
	    rename_into "$INETD_CONF"
	within_2s answers "$P3" second || fail "the second edit did not take"
	! tcp_accepts 127.0.0.1 "$P2" || fail "the disabled line still listens"
	(( $(log_count 'reload refused') == 0 )) || fail "$(grep refused "$SPAWND_LOG")"
	assert_log_clean
}

@test "a drop-in added, broken, fixed and removed: each change reloads by itself; the broken one is refused and the old configuration serves" {
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	printf 'service daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P2" \
	    >"$DROPIN/10-daytime.conf"
	within_2s tcp_accepts 127.0.0.1 "$P2" || fail "the new drop-in does not serve"
	assert_log "configuration changed \\($(re_quote "$DROPIN/10-daytime.conf")\\)"
	# A broken one (written in place, not renamed): refused, old serves.
	printf 'service broken {\n\ttype = "nope"\n}\n' >"$DROPIN/20-broken.conf"
	wait_until 3 _log_at_least "reload refused: .*; still running with the old configuration\$" 1 ||
	    fail "the broken drop-in was not refused:" "$(cat "$SPAWND_LOG")"
	assert_log "$(re_quote "$DROPIN/20-broken.conf"):2: .*nope"
	tcp_accepts 127.0.0.1 "$P2" || fail "the old configuration stopped serving"
	# Fixed, then the first removed: both reload again.
	printf 'service fixed {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P3" \
	    >"$DROPIN/20-broken.conf"
	within_2s tcp_accepts 127.0.0.1 "$P3" || fail "the fixed drop-in does not serve"
	rm "$DROPIN/10-daytime.conf"
	# shellcheck disable=SC2317 # called by name, by within_2s
	_daytime_gone() { ! tcp_accepts 127.0.0.1 "$P2"; }
	within_2s _daytime_gone || fail "the removed drop-in's service still listens"
	kill -0 "$SPAWND_PID" || fail "spawnd is gone"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
}

@test "names the globs do not match, and spawnd.conf itself, are not watched; a burst of changes is one reload" {
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	# Not matched by *.conf, and dpkg's temporary names: nothing.
	printf 'junk\n' >"$DROPIN/README"
	printf 'junk\n' >"$DROPIN/10-x.conf.dpkg-new"
	printf 'junk\n' >"$BATS_TEST_TMPDIR/inetd.conf.orig"
	# spawnd.conf edited (validly): left for the admin's own reload.
	main_config 'max_children = 100' | write_config
	# Then three drop-ins at once: one reload, for the first of them.
	local f
	for f in 1 2 3; do
		printf 'service d%s {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' \
		    "$f" "$(( f == 1 ? P2 : f == 2 ? P3 : P4 ))" >"$DROPIN/$f.conf"
	done
	within_2s tcp_accepts 127.0.0.1 "$P4" || fail "the drop-ins do not serve"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	(( $(log_count 'configuration changed') == 1 )) ||
	    fail "one reload expected:" "$(grep 'configuration changed' "$SPAWND_LOG")"
	assert_log "configuration changed \\($(re_quote "$DROPIN/1.conf")\\)"
}

@test "an edit made while a reload is being checked is not lost: the new image sees it" {
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	# A SIGHUP, and at once an edit: whichever image sees it, it serves.
	kill -HUP "$SPAWND_PID"
	{ printf '127.0.0.1:\n'; inetd_line "$P2" late; } | rename_into "$INETD_CONF"
	wait_until 5 answers "$P2" late || fail "the edit made during the reload was lost:" "$(cat "$SPAWND_LOG")"
	(( $(log_count 'reload refused') == 0 )) || fail "$(grep refused "$SPAWND_LOG")"
}

@test "watch_config = false: no inotify, and only a SIGHUP reloads" {
	main_config 'watch_config = false' | write_config
	start_spawnd -c "$SPAWND_CONF"
	local fds
	fds=$(ls -l "/proc/$SPAWND_PID/fd")
	[[ $fds != *inotify* ]] || fail "an inotify fd with watch_config = false:" "$fds"
	{ printf '127.0.0.1:\n'; inetd_line "$P2" hup; } | rename_into "$INETD_CONF"
	kill -HUP "$SPAWND_PID"
	wait_until 5 answers "$P2" hup || fail "the SIGHUP did not load the edit"
	(( $(log_count 'configuration changed') == 0 )) || fail "a change reloaded by itself"
	# And on by default: the fd is there.
	main_config | write_config
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	_inotify_fd() { [[ $(ls -l "/proc/$SPAWND_PID/fd") == *inotify* ]]; }
	wait_until 5 _inotify_fd || fail "no inotify fd by default"
}

@test "Debian's update-inetd --add, --disable, --enable and --remove against spawnd's inetd.conf: each takes effect, same PID, no /run/inetd.pid" {
	command -v update-inetd >/dev/null || skip "update-inetd (Debian's package) is not installed"
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	local ui=(update-inetd --file "$INETD_CONF")
	# update-inetd wakes a super-server it finds by /run/inetd.pid or
	# an /etc/init.d/*inetd script; spawnd needs neither.
	UPDATE_INETD_NOXINETD=1 "${ui[@]}" --group OTHER \
	    --add "127.0.0.1:$P2	stream	tcp	nowait	$(id -un)	/bin/echo	echo	via-update-inetd" \
	    </dev/null 3>&-
	grep -q "^127.0.0.1:$P2" "$INETD_CONF" || fail "update-inetd did not add the line:" "$(cat "$INETD_CONF")"
	within_2s answers "$P2" via-update-inetd || fail "--add did not take:" "$(cat "$SPAWND_LOG")"
	UPDATE_INETD_NOXINETD=1 "${ui[@]}" --disable "127.0.0.1:$P2" </dev/null 3>&-
	grep -q "^#<off># 127.0.0.1:$P2" "$INETD_CONF" || fail "update-inetd did not disable:" "$(cat "$INETD_CONF")"
	_stopped() { ! tcp_accepts 127.0.0.1 "$P2"; }
	within_2s _stopped || fail "--disable did not stop the port"
	UPDATE_INETD_NOXINETD=1 "${ui[@]}" --enable "127.0.0.1:$P2" </dev/null 3>&-
	within_2s answers "$P2" via-update-inetd || fail "--enable did not take"
	UPDATE_INETD_NOXINETD=1 "${ui[@]}" --remove "127.0.0.1:$P2" </dev/null 3>&-
	within_2s _stopped || fail "--remove did not stop the port"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
	kill -0 "$SPAWND_PID" || fail "spawnd is gone"
	(( $(log_count 'reload refused') == 0 )) || fail "$(grep refused "$SPAWND_LOG")"
	(( $(log_count 'configuration changed') >= 4 )) || fail "fewer than 4 reloads by change"
	[[ ! -e /run/inetd.pid ]] || [[ $(cat /run/inetd.pid) != "$SPAWND_PID" ]] ||
	    fail "spawnd wrote /run/inetd.pid"
}

@test "a drop-in directory missing at start, then made by a package, is watched; removed and made again, it still is" {
	rmdir "$DROPIN"
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "watch_config: $(re_quote "$DROPIN") does not exist; watching $(re_quote "$BATS_TEST_TMPDIR") until it does\$"
	mkdir "$DROPIN"
	printf 'service daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P2" \
	    >"$DROPIN/10-daytime.conf"
	wait_until 6 tcp_accepts 127.0.0.1 "$P2" || fail "the new directory's drop-in does not serve:" "$(cat "$SPAWND_LOG")"
	# dpkg --purge, then the package installed again.
	rm -r "$DROPIN"
	_daytime_gone() { ! tcp_accepts 127.0.0.1 "$P2"; }
	wait_until 6 _daytime_gone || fail "the removed directory's service still listens"
	mkdir "$DROPIN"
	printf 'service time {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P3" \
	    >"$DROPIN/10-time.conf"
	wait_until 6 tcp_accepts 127.0.0.1 "$P3" || fail "the directory made again is not watched:" "$(cat "$SPAWND_LOG")"
	[[ $(<"$SPAWND_PIDFILE") == "$SPAWND_PID" ]] || fail "pidfile changed"
}

@test "a drop-in directory that is a symbolic link, swapped by a rename to another release: the swap reloads, and the new target is watched" {
	rmdir "$DROPIN"
	mkdir "$BATS_TEST_TMPDIR/rel1" "$BATS_TEST_TMPDIR/rel2"
	ln -s rel1 "$DROPIN"
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	printf 'service daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P2" \
	    >"$BATS_TEST_TMPDIR/rel2/10-daytime.conf"
	ln -s rel2 "$DROPIN.new"
	mv -T "$DROPIN.new" "$DROPIN"
	within_2s tcp_accepts 127.0.0.1 "$P2" || fail "the swap was not seen:" "$(cat "$SPAWND_LOG")"
	printf 'service time {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P3" \
	    >"$BATS_TEST_TMPDIR/rel2/20-time.conf"
	within_2s tcp_accepts 127.0.0.1 "$P3" || fail "the new target is not watched:" "$(cat "$SPAWND_LOG")"
}

@test "run as root, a drop-in another user owns is refused, not loaded within a second with its programs run as root" {
	[[ $(id -u) == 0 ]] || skip "the ownership rule is root's"
	main_config | write_config
	start_spawnd -c "$SPAWND_CONF"
	# As another user would leave it (its parents need not let him in).
	printf 'service pwn {\n\ttype = "exec"\n\tuser = "root"\n\tlisten_stream = {"127.0.0.1:%s"}\n\texec = "/usr/bin/id"\n}\n' "$P2" \
	    >"$DROPIN/pwn.tmp"
	chown nobody "$DROPIN/pwn.tmp"
	mv "$DROPIN/pwn.tmp" "$DROPIN/pwn.conf"
	wait_for_log "reload refused: .*; still running with the old configuration\$"
	assert_log "$(re_quote "$DROPIN/pwn.conf"): not root's \\(mode 0644\\): whoever can write it runs programs as root; not loaded"
	! tcp_accepts 127.0.0.1 "$P2" || fail "nobody's drop-in serves as root"
}

@test "run as root, an inetd.conf another user owns is not served (its lines would run as root), and is not a reload loop" {
	[[ $(id -u) -eq 0 ]] || skip "the ownership rule is root's"
	main_config | write_config
	{ printf '127.0.0.1:\n'; inetd_line "$P2" nobodys; } >"$INETD_CONF.tmp"
	chown nobody "$INETD_CONF.tmp"
	mv "$INETD_CONF.tmp" "$INETD_CONF"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	assert_output_re "$(re_quote "$INETD_CONF"): not root's \\(mode 0644\\): .* \\(nothing of it served\\)"
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "$(re_quote "$INETD_CONF"): not root's .*\\(nothing of it served\\)\$"
	! tcp_accepts 127.0.0.1 "$P2" || fail "nobody's inetd.conf serves"
	# A reload's new image finds the file unlike what it loaded (nothing):
	# that is no change while the file is still not loaded.
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	! wait_until 3 _log_at_least 'configuration changed' 1 ||
	    fail "a reload loop:" "$(grep -c 'reloaded with' "$SPAWND_LOG") reloads"
	# Root's again: served, by itself.
	chown root "$INETD_CONF"
	touch "$INETD_CONF.tmp" && mv "$INETD_CONF" "$INETD_CONF.tmp" && mv "$INETD_CONF.tmp" "$INETD_CONF"
	within_2s answers "$P2" nobodys || fail "root's inetd.conf does not serve"
}
