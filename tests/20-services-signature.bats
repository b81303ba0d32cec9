#!/usr/bin/env bats
# type = signature (perlipc's "Named Pipes", issue 24): a FIFO spawnd
# makes (socket_mode, owned by the service's user) that hands every
# reader the signature line and one fortune cookie, "\n" line ends, then
# end of file.  One long-lived writer serves it: started again if it
# dies, adopted across a reload (replaced if its settings changed), and
# the FIFO is removed at stop.  Readers are cat(1) and head(1).

load lib/helpers
load lib/services

SIG='John Smith (smith@host.org)'

setup() {
	svc_setup
	FIFO=$SVC_DIR/signature
	sig_config | write_config
}

teardown() { svc_teardown; }

# sig_config [SIGNATURE [MORE OPTION LINES...]]
sig_config() {
	svc_globals
	printf 'service sig {\n\ttype = "signature"\n\tlisten_fifo = "%s"\n' "$FIFO"
	printf '\tsignature = "%s"\n\tsocket_mode = "0640"\n\tidle_timeout = 5\n' "${1:-$SIG}"
	printf '%s\n' "${@:2}"
	printf '}\n'
}

# read_sig OUT: one reader, as a mailer reads ~/.signature.
read_sig() {
	timeout 10 cat "$FIFO" >"$1"
}

# assert_signature FILE [SIGNATURE]: the signature line, then exactly one
# whole cookie of the fortune file, LF line ends.
assert_signature() {
	local want=${2:-$SIG}
	[[ $(head -n 1 "$1") == "$want" ]] || fail "first line:" "$(svc_dump "$1")"
	assert_cookie "$FORTUNES_FILE" "$1" lf $(( ${#want} + 1 ))
}

# writer: spawnd's live children (the writer is its only one).
writer() {
	ps --ppid "$SPAWND_PID" -o pid=,stat= | awk '$2 !~ /^Z/ { print $1 }'
}

@test "20 readers one after another: each gets exactly one whole signature and cookie; the FIFO has socket_mode and the service's user" {
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig \\(the writer of $(re_quote "$FIFO")\\)\$"
	[[ -p $FIFO ]] || fail "no FIFO at $FIFO"
	[[ $(stat -c '%a %U' "$FIFO") == "640 $(id -un nobody)" ]] ||
	    fail "mode and owner: $(stat -c '%a %U:%G' "$FIFO")"
	local i w
	w=$(writer)
	[[ $(ps -o user= -p "$w") == nobody ]] || fail "the writer runs as $(ps -o user= -p "$w")"
	for i in $(seq 1 20); do
		read_sig "$BATS_TEST_TMPDIR/s$i" || fail "reader $i got no end of file"
		assert_signature "$BATS_TEST_TMPDIR/s$i"
	done
	# head(1) stops early: the next reader still gets a whole one.
	timeout 10 head -c 5 "$FIFO" >/dev/null
	read_sig "$BATS_TEST_TMPDIR/after-head"
	assert_signature "$BATS_TEST_TMPDIR/after-head"
	[[ $(writer) == "$w" ]] || fail "the writer changed"
}

@test "the writer killed: another starts (at most once a second) and serves; a reader waiting meanwhile is served" {
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	local w
	w=$(writer)
	kill -KILL "$w"
	wait_for_log "sig: its writer $w was killed; another in 1 s\$"
	# Opened before the next writer is there: it waits, then reads.
	read_sig "$BATS_TEST_TMPDIR/s" || fail "the waiting reader got nothing"
	assert_signature "$BATS_TEST_TMPDIR/s"
	[[ -n $(writer) && $(writer) != "$w" ]] || fail "no new writer"
}

@test "a reload adopts the writer (same PID); a changed signature replaces it; a reader during the reload gets one whole signature" {
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	local w
	w=$(writer)
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	[[ $(writer) == "$w" ]] || fail "the writer was not adopted: $(writer), was $w"
	read_sig "$BATS_TEST_TMPDIR/s1"
	assert_signature "$BATS_TEST_TMPDIR/s1"
	sig_config 'Jane Doe (doe@host.org)' | write_config
	kill -HUP "$SPAWND_PID"
	read_sig "$BATS_TEST_TMPDIR/s2"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	# Read during the reload: the old text or the new, whole either way.
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/s2") == 'Jane Doe (doe@host.org)' ]] ||
	    assert_signature "$BATS_TEST_TMPDIR/s2"
	wait_for_log "reaped $w \\(sig\\) killed by signal 15\$"
	read_sig "$BATS_TEST_TMPDIR/s3"
	assert_signature "$BATS_TEST_TMPDIR/s3" 'Jane Doe (doe@host.org)'
}

@test "a stale FIFO is replaced; any other file is an error (exit 78, FILE:LINE) and is never removed; the FIFO goes at stop" {
	mkfifo -m 600 "$FIFO"
	local before
	before=$(stat -c %i "$FIFO")
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	[[ $(stat -c '%i %a' "$FIFO") != "$before 600" ]] || fail "the stale FIFO was kept as it was"
	read_sig "$BATS_TEST_TMPDIR/s"
	assert_signature "$BATS_TEST_TMPDIR/s"
	stop_spawnd
	[[ ! -e $FIFO ]] || fail "the FIFO is still there after stop"
	echo 'my own file' >"$FIFO"
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):[0-9]+: .*listen_fifo \"$(re_quote "$FIFO")\": exists and is not a FIFO"
	[[ $(cat "$FIFO") == 'my own file' ]] || fail "the file was touched"
}

@test "listen_fifo belongs to type signature, which needs it and has no socket" {
	{ svc_globals; printf 'service s {\n\ttype = "signature"\n}\n'; } | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re ":$(line_of 'service s'): service \"s\": type signature needs listen_fifo"
	{ svc_globals; printf 'service h {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:1"}\n\tlisten_fifo = "%s"\n}\n' "$FIFO"; } | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re ":$(line_of listen_fifo): service \"h\": listen_fifo: type hello does not serve a FIFO"
	{ sig_config "$SIG" "listen_stream = {\"127.0.0.1:1\"}"; } | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re ":$(line_of listen_fifo): service \"sig\": listen_fifo: a signature service has no listen_stream or listen_datagram"
}

@test "a FIFO path longer than a socket's: its own directory is still checked (not one cut short)" {
	[[ $(id -u) == 0 ]] || skip "the directory check is root's"
	local long
	long=$BATS_TEST_TMPDIR/$(printf 'x%.0s' $(seq 1 120))
	mkdir -m 777 "$long"
	chmod 777 "$long"
	FIFO=$long/signature
	sig_config | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "listen_fifo: $(re_quote "$FIFO"): directory $(re_quote "$long") is writable by others than root"
	[[ ! -e $FIFO ]] || fail "a FIFO was made in a directory anyone can write"
}

@test "the FIFO is writable by its writer only: with the default socket_mode nobody else can put text in a signature" {
	{ svc_globals; printf 'service sig {\n\ttype = "signature"\n\tlisten_fifo = "%s"\n\tsignature = "%s"\n}\n' "$FIFO" "$SIG"; } | write_config
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	[[ $(stat -c '%a' "$FIFO") == 644 ]] || fail "mode $(stat -c '%a' "$FIFO")"
	if [[ $(id -u) == 0 ]]; then
		# shellcheck disable=SC2016 # the inner sh expands its arguments
		! timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
		    sh -c 'echo INJECTED >"$1"' sh "$FIFO" 2>/dev/null ||
		    fail "another user could write the FIFO"
	fi
	read_sig "$BATS_TEST_TMPDIR/s"
	assert_signature "$BATS_TEST_TMPDIR/s"
}

@test "a reload that moves listen_fifo or disables the service removes the FIFO it no longer serves; a FIFO removed by hand is made anew at a reload, and served" {
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	local old=$FIFO w
	FIFO=$SVC_DIR/signature2
	sig_config | write_config
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait_for_log "begat [0-9]+ for sig \\(the writer of $(re_quote "$FIFO")\\)\$"
	[[ ! -e $old ]] || fail "the old FIFO $old is still there: its readers would wait for ever"
	read_sig "$BATS_TEST_TMPDIR/s1"
	assert_signature "$BATS_TEST_TMPDIR/s1"
	# Removed by hand (a tmp cleaner): the writer kept would serve nobody.
	w=$(writer)
	rm "$FIFO"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 2
	wait_for_log "reaped $w \\(sig\\) killed by signal 15\$"
	read_sig "$BATS_TEST_TMPDIR/s2" || fail "no signature from the FIFO made anew"
	assert_signature "$BATS_TEST_TMPDIR/s2"
	sig_config "$SIG" 'enabled = false' | write_config
	printf 'service h {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 1)" >>"$SPAWND_CONF"
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with " 3
	[[ ! -e $FIFO ]] || fail "the disabled service's FIFO is still there"
}

@test "a reload that changes the service's user keeps serving: the FIFO the user before owned is replaced, not refused as someone else's" {
	[[ $(id -u) == 0 ]] || skip "needs root to run the writer as another user"
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	sig_config "$SIG" 'user = "daemon"' | write_config
	kill -HUP "$SPAWND_PID"
	wait_for_log "^spawnd\\[$SPAWND_PID\\]: spawnd [^ ]+ reloaded with "
	wait_for_log "begat [0-9]+ for sig " 2
	! grep -q "replaced by someone else's file" "$SPAWND_LOG" || fail "the FIFO was refused:" "$(cat "$SPAWND_LOG")"
	[[ $(stat -c '%U' "$FIFO") == daemon ]] || fail "owner $(stat -c '%U' "$FIFO")"
	read_sig "$BATS_TEST_TMPDIR/s" || fail "no signature after the user changed"
	assert_signature "$BATS_TEST_TMPDIR/s"
}

@test "a socket_mode without the owner's write bit is a configuration error (exit 78, FILE:LINE), not a writer dying at every start" {
	sig_config "$SIG" | sed 's/socket_mode = "0640"/socket_mode = "0444"/' | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):$(line_of socket_mode): service \"sig\": socket_mode \"0444\": the owner of listen_fifo, its writer, must be able to write it"
}

@test "a reader waiting for the writer when spawnd stops is not left waiting for ever: it reads an end of file" {
	sig_config | sed 's/idle_timeout = 5/idle_timeout = 30/' | write_config
	printf 'shutdown_grace = 1\n' >>"$SPAWND_CONF"
	start_spawnd -c "$SPAWND_CONF"
	wait_for_log "begat [0-9]+ for sig "
	# One holds it open without reading: the writer waits for its close.
	# shellcheck disable=SC2217 # opened, never read: that is the point
	sleep 8 <"$FIFO" 3>&- &
	local holder=$! waiting
	sleep 0.5
	timeout 20 cat "$FIFO" >"$BATS_TEST_TMPDIR/w" 3>&- &
	waiting=$!
	sleep 0.5
	stop_spawnd
	local start=$SECONDS rc=0
	wait "$waiting" || rc=$?
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	(( rc != 124 )) || fail "the waiting reader hung until its timeout"
	(( SECONDS - start < 8 )) || fail "the waiting reader waited $(( SECONDS - start )) s after the stop"
}

@test "run as root, a FIFO in a directory others can write is refused by -t (exit 78), not only when it is made" {
	[[ $(id -u) -eq 0 ]] || skip "the directory rule is root's"
	mkdir -m 777 "$SVC_DIR/open"
	FIFO=$SVC_DIR/open/signature
	sig_config | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "$(re_quote "$SPAWND_CONF"):[0-9]+: service \"sig\": listen_fifo: .*writable by others than root"
	[[ ! -e $FIFO ]] || fail "a FIFO was made"
}
