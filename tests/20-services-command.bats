#!/usr/bin/env bats
# The command server (spawnd.conf(5), "Service types"): the exact
# greeting and prompt, every command, blank lines, case, CRLF and LF
# input, the 1024-byte line limit, telnet IAC stripping and IAC IP,
# idle_timeout, EOF, twenty clients at once, and a real telnet(1) session
# driven through tmux.

load lib/helpers
load lib/services

GREETING='Welcome to spawnd; type help for command list.\r\n'
PROMPT='Command? '
HELP='Commands: quit date who cookie motd\r\n'

# command_conf [OPTION_LINE...]: one command service on 127.0.0.1:$PORT.
command_conf() {
	local opt
	svc_globals
	printf 'motd_file = "%s"\n' "$MOTD"
	printf 'service command {\n\ttype = "command"\n'
	printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
	for opt in "$@"; do
		printf '\t%s\n' "$opt"
	done
	printf '}\n'
}

setup() {
	svc_setup
	PORT=$(free_port)
	TMUX_SESSION=
	MOTD=$SVC_DIR/motd
}

teardown() {
	if [[ -n ${TMUX_SESSION:-} ]]; then
		tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true
	fi
	svc_teardown
}

start_command() {
	command_conf "$@" | write_config
	start_spawnd -c "$SPAWND_CONF"
}

# talk INPUT: a whole session (INPUT as printf %b, then our side closes);
# the reply in $BATS_TEST_TMPDIR/out with every DATE replaced by "DATE".
talk() {
	svc_session 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/raw" "$1" >/dev/null ||
	    fail "session failed"
	sed -E "s/$DATE_RE/DATE/g" "$BATS_TEST_TMPDIR/raw" >"$BATS_TEST_TMPDIR/out"
}

@test "greeting, prompt, quit: exact bytes" {
	start_command
	talk 'quit\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT"
	talk 'exit\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT"
}

@test "a scripted session: help, date, time, blank lines, unknown words, case, then exit" {
	start_command
	talk 'help\r\nDATE\r\n\r\n   \t\r\nfrobnicate now\r\nTime please\r\nExit\r\nwho\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING$PROMPT$HELP${PROMPT}DATE\r\n$PROMPT$PROMPT$PROMPT$HELP${PROMPT}DATE\r\n$PROMPT"
	# DATE is Perl's localtime, now.
	local d
	d=$(grep -aoE "$DATE_RE" "$BATS_TEST_TMPDIR/raw" | head -n 1)
	(( $(date -d "$d" +%s) - $(date +%s) <= 10 )) || fail "DATE '$d' is not now"
}

@test "LF-only input works like CRLF; the first word alone picks the command" {
	start_command
	talk 'date\nquitter\n  QUIT  now\ndate\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING${PROMPT}DATE\r\n$PROMPT$HELP$PROMPT"
}

@test "EOF closes the session; an unterminated last line is still answered" {
	start_command
	talk 'date\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n$PROMPT"
	talk 'date'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n"
	talk ''
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT"
}

@test "motd: the file with CRLF line ends; none: 'no message of the day'" {
	printf 'Line one\nLine two\r\nno newline at the end' >"$MOTD"
	start_command
	talk 'motd\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING${PROMPT}Line one\r\nLine two\r\nno newline at the end\r\n$PROMPT"
	rm "$MOTD"
	talk 'MOTD\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING${PROMPT}no message of the day\r\n$PROMPT"
}

@test "cookie: one cookie of the fortune file, CRLF line ends" {
	start_command
	talk 'cookie\r\nquit\r\n'
	local head=$BATS_TEST_TMPDIR/head
	printf '%b' "$GREETING$PROMPT" >"$head"
	cmp -s -n "$(stat -c %s "$head")" "$head" "$BATS_TEST_TMPDIR/raw" ||
	    fail "does not start with greeting and prompt:" "$(svc_dump "$BATS_TEST_TMPDIR/raw")"
	# Cut the greeting, prompt and the final prompt; the rest is the cookie.
	tail -c +$(( $(stat -c %s "$head") + 1 )) "$BATS_TEST_TMPDIR/raw" |
	    head -c -${#PROMPT} >"$BATS_TEST_TMPDIR/cookie"
	[[ $(tail -c ${#PROMPT} "$BATS_TEST_TMPDIR/raw") == "$PROMPT" ]] ||
	    fail "no prompt after the cookie"
	assert_cookie "$FORTUNES_FILE" "$BATS_TEST_TMPDIR/cookie" crlf
}

@test "who: like who(1) with CRLF, or 'no users logged in'" {
	start_command
	talk 'who\r\n'
	local want
	# spawnd writes times as who(1) does in a UTF-8 locale (ISO 8601).
	want=$(LC_ALL=C.UTF-8 who | sed 's/$/\\r\\n/' | tr -d '\n')
	[[ -n $want ]] || want='no users logged in\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT$want$PROMPT"
}

@test "who reads utmp (getutxent): entries of a private utmp, formatted like who(1)" {
	[[ $(id -u) -eq 0 ]] || skip "needs root for a private mount namespace"
	unshare -m true 2>/dev/null || skip "unshare -m not permitted here"
	command -v utmpdump >/dev/null || skip "utmpdump not installed"
	local ut=$BATS_TEST_TMPDIR/utmp wrapper=$BATS_TEST_TMPDIR/spawnd-ns want
	utmpdump -r >"$ut" 2>/dev/null <<'EOF'
[7] [01234] [ts/0] [alice   ] [pts/0       ] [192.0.2.7           ] [192.0.2.7      ] [2026-11-27T09:05:03,000000+00:00]
[8] [01236] [ts/1] [        ] [pts/1       ] [                    ] [0.0.0.0        ] [2026-11-27T10:16:00,000000+00:00]
[7] [01235] [tty1] [bob     ] [tty1        ] [                    ] [0.0.0.0        ] [2026-11-27T10:15:00,000000+00:00]
EOF
	want=$(LC_ALL=C.UTF-8 who "$ut" | sed 's/$/\\r\\n/' | tr -d '\n')
	[[ $want == alice*bob* ]] || skip "who(1) cannot read the test utmp"
	# spawnd in its own mount namespace, with our utmp at /run/utmp.
	cat >"$wrapper" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs spawnd-test /run && cp "$ut" /run/utmp && chmod 644 /run/utmp && exec "\$0" "\$@"' "$SPAWND" "\$@"
EOF
	chmod +x "$wrapper"
	command_conf | write_config
	SPAWND=$wrapper start_spawnd -c "$SPAWND_CONF"
	talk 'who\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING$PROMPT$want$PROMPT"
}

@test "lines: 1024 bytes are a line, 1025 are 'line too long' and the session goes on" {
	start_command
	local a1024 a1025 big
	a1024=$(printf 'a%.0s' $(seq 1024))
	a1025=${a1024}a
	big=$(printf 'b%.0s' $(seq 5000))
	talk "$a1024\r\n$a1025\r\ndate\r\n$big\ndate\n"
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING$PROMPT$HELP${PROMPT}line too long\r\n${PROMPT}DATE\r\n${PROMPT}line too long\r\n${PROMPT}DATE\r\n$PROMPT"
}

@test "telnet IAC sequences are stripped and options answered: negotiation, subnegotiation, commands, IAC IAC" {
	start_command
	# WILL ECHO, DO SGA; SB TTYPE ... SE; NOP and AYT inside a word.
	talk '\xff\xfb\x01\xff\xfd\x03\xff\xfa\x18\x00xterm\xff\xf0da\xff\xf1t\xff\xf6e\r\nq\xff\xffuit\r\nquit\r\n'
	# The answers (RFC 854/858): DONT ECHO (we echo, not the client), WILL
	# SGA.  "q<255>uit" is not quit: help, then the real quit.
	assert_bytes "$BATS_TEST_TMPDIR/out" \
	    "$GREETING${PROMPT}\xff\xfe\x01\xff\xfb\x03DATE\r\n$PROMPT$HELP$PROMPT"
}

@test "IAC IP (telnet's interrupt) closes the session" {
	start_command
	talk 'date\r\n\xff\xf4who\r\ndate\r\n'
	assert_bytes "$BATS_TEST_TMPDIR/out" "$GREETING${PROMPT}DATE\r\n$PROMPT"
}

@test "idle_timeout without input: 'timed out', then the server closes" {
	start_command 'idle_timeout = 1'
	local took
	took=$(svc_session 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/raw" '' hold)
	assert_bytes "$BATS_TEST_TMPDIR/raw" "$GREETING${PROMPT}timed out\r\n"
	awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 4) }' ||
	    fail "closed after ${took}s, want about 1 s"
}

@test "idle_timeout counts idle time: a client that keeps typing is not cut off" {
	start_command 'idle_timeout = 1'
	run timeout 15 python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
start = time.monotonic()
for i in range(5):            # 3 s of session, never 1 s idle
    time.sleep(0.6)
    s.sendall(b'\r\n')
got = b''
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
took = time.monotonic() - start
print('%.2f %r' % (took, got[-20:]))
sys.exit(not (took > 3.5 and got.endswith(b'timed out\r\n')))
PY
	assert_status 0
}

@test "twenty clients at once, each served by its own child" {
	start_command
	run timeout 30 python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
want = b'Welcome to spawnd; type help for command list.\r\nCommand? '
socks = [socket.create_connection(('127.0.0.1', port), timeout=10) for _ in range(20)]
def read_until(s, end):
    got = b''
    while not got.endswith(end):
        b = s.recv(4096)
        if not b:
            raise SystemExit('closed early after %r' % got)
        got += b
    return got
# All twenty are connected before any is answered: each greets on its own.
for s in socks:
    if read_until(s, b'Command? ') != want:
        raise SystemExit('bad greeting')
for s in socks:
    s.sendall(b'help\r\n')
for s in socks:
    if read_until(s, b'Command? ') != b'Commands: quit date who cookie motd\r\nCommand? ':
        raise SystemExit('bad help reply')
for s in socks:
    s.sendall(b'quit\r\n')
    if s.recv(10) != b'':
        raise SystemExit('not closed after quit')
print('ok')
PY
	assert_status 0
	wait_for_log "reaped [0-9]+ \(command\)" 20
	[[ $(log_count "begat [0-9]+ for command$") -eq 20 ]] || fail "not 20 children"
}

# ---- telnet(1) itself, in a tmux pane

# pane_has TEXT [N]: the tmux pane shows TEXT on at least N lines.
pane_has() {
	local n
	n=$(tmux capture-pane -p -t "$TMUX_SESSION" 2>/dev/null | grep -cF -- "$1")
	(( n >= ${2:-1} ))
}

# wait_pane TEXT [N]
wait_pane() {
	wait_until "$SPAWND_TEST_TIMEOUT" pane_has "$@" && return 0
	fail "the telnet pane never showed '$1':" \
	    "$(tmux capture-pane -p -t "$TMUX_SESSION" 2>&1)"
}

@test "telnet: a session in line and in character mode (echoed, BS erases), and Ctrl-C ends it" {
	command -v telnet >/dev/null || skip "telnet not installed"
	command -v tmux >/dev/null || skip "tmux not installed"
	start_command
	TMUX_SESSION=spawnd-test-${BATS_TEST_TMPDIR##*/}-$$
	tmux new-session -d -s "$TMUX_SESSION" -x 120 -y 40 \
	    "telnet 127.0.0.1 $PORT; echo TELNET-EXITED; sleep 30" 3>&-
	wait_pane 'Welcome to spawnd; type help for command list.'
	tmux send-keys -t "$TMUX_SESSION" 'HeLp' Enter
	wait_pane 'Commands: quit date who cookie motd'
	# Character mode: telnet negotiates options (IAC DO/WILL ...).
	tmux send-keys -t "$TMUX_SESSION" C-]
	wait_pane 'telnet>'
	tmux send-keys -t "$TMUX_SESSION" 'mode character' Enter
	# The server echoes (it answered DO ECHO with WILL ECHO): what is
	# typed shows, a typo erased with backspace is gone.
	tmux send-keys -t "$TMUX_SESSION" 'datx'
	# After the prompt, or on a line of its own when the prompt came
	# before telnet's own "telnet>" lines.
	wait_until "$SPAWND_TEST_TIMEOUT" pane_re '(^|Command\? )datx$' ||
	    fail "'datx' was not echoed:" "$(tmux capture-pane -p -t "$TMUX_SESSION")"
	tmux send-keys -t "$TMUX_SESSION" BSpace 'e' Enter
	wait_until "$SPAWND_TEST_TIMEOUT" pane_has_echoed_date ||
	    fail "no echoed command and date in character mode:" \
	    "$(tmux capture-pane -p -t "$TMUX_SESSION")"
	# ^C in character mode is a raw 0x03: the session ends.
	tmux send-keys -t "$TMUX_SESSION" C-c
	wait_pane 'Connection closed by foreign host.'
	wait_for_log "reaped [0-9]+ \(command\)$"
}

pane_re() {
	tmux capture-pane -p -t "$TMUX_SESSION" | grep -qE -- "$1"
}

# "date" as echoed (the x erased), then DATE on the next line.
pane_has_echoed_date() {
	tmux capture-pane -p -t "$TMUX_SESSION" | grep -A1 -E '(^|Command\? )date$' |
	    grep -qE "^$DATE_RE$"
}
