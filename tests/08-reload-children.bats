#!/usr/bin/env bats
# Live children cross the re-exec (issue 6; spawnd(8), "SIGNALS"): the
# new image takes over the old one's table of children, counts them for
# the limits and reaps them by name, even one that exits in the middle
# of the reload.  Helpers in tests/lib/reload.bash.

load lib/helpers
load lib/services
load lib/reload

setup() { svc_setup; }
teardown() { svc_teardown; }

_reloaded_or_reading() {
	(( $(log_count "$(reloaded_re)") > 0 )) ||
	    [[ $(cat "/proc/$SPAWND_PID/wchan" 2>/dev/null) == wait_for_partner ]]
}

_zombie() { [[ $(ps -o stat= -p "$1") == Z* ]]; }

# feed_fifo SECONDS FILE FIFO: copy FILE into FIFO once a reader opens it.
feed_fifo() {
	# shellcheck disable=SC2016 # $1 and $2 are sh's
	timeout "$1" sh -c 'cat "$1" >"$2"' _ "$2" "$3" 3>&-
}

# log_line_no ERE: number of the last log line matching ERE (0: none).
log_line_no() {
	local n
	n=$(log_unstamped | grep -nE -- "$1" | tail -n 1 | cut -d: -f1)
	echo "${n:-0}"
}

@test "3: per_source = 1: a command session survives two SIGHUPs, still counts, and its exit is reaped by the new image" {
	local port child n
	port=$(free_port)
	{
		svc_globals
		printf 'service command {\n\ttype = "command"\n\tper_source = 1\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	session_open a 127.0.0.1 "$port"
	session_wait a 'Command? '
	wait_for_log "^spawnd\[$SPAWND_PID\]: begat [0-9]+ for command$"
	child=$(grep -oE "begat [0-9]+ for command" "$SPAWND_LOG" | awk '{ print $2 }')
	for n in 1 2; do
		hup "$n"
		# The same address again: refused by the new image, which
		# counts the old image's child.
		session_open "b$n" 127.0.0.1 "$port"
		session_closed "b$n"
		[[ ! -s $BATS_TEST_TMPDIR/b$n.out ]] ||
		    fail "second session was served after HUP $n:" "$(cat "$BATS_TEST_TMPDIR/b$n.out")"
		wait_for_log "^spawnd\[$SPAWND_PID\]: refused 127\.0\.0\.1 on command: per_source$" "$n"
		(( $(log_line_no 'refused 127\.0\.0\.1 on command') > $(log_line_no "$(reloaded_re)") )) ||
		    fail "the refusal is not the new image's"
		# The first session still works.
		session_send a date
		session_wait a 'Command? ' $((n + 1))
		[[ $(<"$BATS_TEST_TMPDIR/a.out") =~ $DATE_RE ]] || fail "no date in session a"
		[[ $(ps -o ppid= -p "$child" | tr -d ' ') == "$SPAWND_PID" ]] ||
		    fail "child $child is not spawnd's any more"
	done
	session_send a quit
	session_closed a
	wait_for_log "^spawnd\[$SPAWND_PID\]: reaped $child \(command\)$"
	(( $(log_line_no "reaped $child ") > $(log_line_no "$(reloaded_re)") )) ||
	    fail "reaped before the last reload"
	# The slot is free again in the new image.
	session_open c 127.0.0.1 "$port"
	session_wait c 'Command? '
	session_send c quit
	session_closed c
}

@test "3: a child that exits while spawnd is in the middle of a reload is reaped by the new image" {
	local port conf=$BATS_TEST_TMPDIR/conf.fifo child i
	port=$(free_port)
	# The configuration is a FIFO, so the reload waits for us to write
	# it: the old image is then between its last reap and the exec.
	# Children run as ourselves: no check forks a helper (whose SIGCHLD
	# would hide the bug).
	{
		svc_globals
		printf 'user = "%s"\ngroup = "%s"\n' "$(id -un)" "$(id -gn)"
		printf 'service command {\n\ttype = "command"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	mkfifo "$conf"
	feed_fifo 20 "$SPAWND_CONF" "$conf" &
	start_spawnd -c "$conf"
	session_open a 127.0.0.1 "$port"
	session_wait a 'Command? '
	wait_for_log "begat [0-9]+ for command$"
	child=$(grep -oE "begat [0-9]+ for command" "$SPAWND_LOG" | awk '{ print $2 }')
	kill -HUP "$SPAWND_PID"
	# First the check (spawnd -t, a child of its own) reads it, while
	# the parent serves on; then the parent itself.
	feed_fifo 10 "$SPAWND_CONF" "$conf" || fail "the check did not read the configuration"
	wait_until "$SPAWND_TEST_TIMEOUT" grep -qx wait_for_partner "/proc/$SPAWND_PID/wchan" ||
	    fail "spawnd is not waiting for its configuration: $(cat "/proc/$SPAWND_PID/wchan")"
	session_send a quit
	session_closed a
	wait_until "$SPAWND_TEST_TIMEOUT" _zombie "$child" ||
	    fail "child $child did not exit"
	# Feed the check and the new image, each time spawnd opens the FIFO.
	# shellcheck disable=SC2034 # i only counts the tries
	for i in 1 2 3 4; do
		wait_until "$SPAWND_TEST_TIMEOUT" _reloaded_or_reading ||
		    fail "spawnd neither reloaded nor read its configuration"
		(( $(log_count "$(reloaded_re)") > 0 )) && break
		feed_fifo 5 "$SPAWND_CONF" "$conf" || true
	done
	wait_for_log "$(reloaded_re)"
	wait_for_log "^spawnd\[$SPAWND_PID\]: reaped $child \(command\)$"
	wait_until "$SPAWND_TEST_TIMEOUT" _gone "$child" ||
	    fail "child $child is still a zombie: $(ps -o pid,stat -p "$child")"
}
