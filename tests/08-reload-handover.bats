#!/usr/bin/env bats
# Reload with zero downtime (issue 6, DESIGN section 7): what a SIGHUP
# hands from one image to the next (listening sockets, the pidfile, the
# table of live children), what it refuses (a bad configuration, an
# address it cannot get, a binary it cannot run), shutdown on SIGTERM and
# SIGINT, systemd's readiness protocol and socket activation, and no fd
# or memory leak across reloads.  tests/06-reload.bats has the basics
# (every HUP re-executes, a changed configuration takes effect); this
# file does not repeat them.

# shellcheck disable=SC2030,SC2031 # each test is its own subshell
load helpers
load services

setup() {
	svc_setup
	write_clients
}

teardown() {
	stop_blocker
	svc_teardown
}

# ---- clients (python3, written once per test)

write_clients() {
	# session.py HOST PORT OUT CTL SECONDS: one long session.  Everything
	# received is appended to OUT; each line appended to the file CTL is
	# sent (with CRLF).  When the server closes, OUT.eof appears.
	cat >"$BATS_TEST_TMPDIR/session.py" <<-'PY'
	import os, socket, sys, threading, time
	host, port, out, ctl, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
	deadline = time.monotonic() + limit
	s = socket.create_connection((host, port), timeout=limit)
	s.settimeout(0.2)
	def feed():
	    pos = 0
	    while time.monotonic() < deadline:
	        try:
	            with open(ctl, 'rb') as f:
	                f.seek(pos)
	                data = f.read()
	        except FileNotFoundError:
	            data = b''
	        nl = data.rfind(b'\n')
	        if nl >= 0:
	            pos += nl + 1
	            try:
	                s.sendall(data[:nl + 1].replace(b'\n', b'\r\n'))
	            except OSError:
	                return
	        time.sleep(0.02)
	threading.Thread(target=feed, daemon=True).start()
	with open(out, 'ab', buffering=0) as f:
	    while time.monotonic() < deadline:
	        try:
	            b = s.recv(4096)
	        except socket.timeout:
	            continue
	        except OSError as e:
	            f.write(('<%s>' % e).encode())
	            break
	        if not b:
	            open(out + '.eof', 'w').close()
	            break
	        f.write(b)
	PY
	# load.py PORT CLIENTS STOP MAXSECONDS OUT PROGRESS: CLIENTS threads
	# connect to 127.0.0.1:PORT one connection after another until the
	# file STOP appears, each reading the whole reply, which must be one
	# complete hello line.  PROGRESS holds the count of good replies so
	# far; OUT gets a summary line, then "START END" (CLOCK_MONOTONIC,
	# seconds) for every good connection.
	cat >"$BATS_TEST_TMPDIR/load.py" <<-'PY'
	import os, re, socket, sys, threading, time
	port, n, stop, maxsecs, out, progress = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5], sys.argv[6]
	hello = re.compile(rb"^Hello there, 127\.0\.0\.1, it's now [A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}\r\n\Z")
	lock = threading.Lock()
	good, errors, spans = [0] * n, {}, []
	end = time.monotonic() + maxsecs
	def client(i):
	    while not os.path.exists(stop) and time.monotonic() < end:
	        t0 = time.monotonic()
	        try:
	            with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
	                data = b''
	                while True:
	                    b = s.recv(256)
	                    if not b:
	                        break
	                    data += b
	            kind = None if hello.match(data) else 'incomplete %r' % data[:80]
	        except ConnectionRefusedError:
	            kind = 'refused'
	        except ConnectionResetError:
	            kind = 'reset'
	        except socket.timeout:
	            kind = 'timeout'
	        except OSError as e:
	            kind = 'error %s' % e
	        with lock:
	            if kind is None:
	                good[i] += 1
	                spans.append((t0, time.monotonic()))
	            else:
	                errors[kind] = errors.get(kind, 0) + 1
	threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
	for t in threads:
	    t.start()
	while any(t.is_alive() for t in threads):
	    with open(progress + '.tmp', 'w') as f:
	        f.write('%d\n' % sum(good))
	    os.replace(progress + '.tmp', progress)
	    time.sleep(0.05)
	with open(out, 'w') as f:
	    f.write('connections %d errors %d clients_served %d/%d %s\n' % (
	        sum(good), sum(errors.values()), sum(1 for g in good if g), n,
	        ' '.join('[%s]x%d' % kv for kv in errors.items())))
	    f.writelines('%.6f %.6f\n' % sp for sp in spans)
	PY
	# notify.py SOCKET OUT PORT: a NOTIFY_SOCKET.  One line per datagram
	# in OUT: "MONOTONIC_USEC_AT_RECEIPT STATE" (newlines in STATE as
	# "|"); after a READY=1 also "connect ok" or "connect failed", for a
	# connection made to 127.0.0.1:PORT at once.
	cat >"$BATS_TEST_TMPDIR/notify.py" <<-'PY'
	import os, socket, sys, time
	path, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(path)
	s.settimeout(1)
	deadline = time.monotonic() + 300
	with open(out, 'a', buffering=1) as f:
	    f.write('listening\n')
	    while time.monotonic() < deadline:
	        try:
	            data = s.recv(4096)
	        except socket.timeout:
	            continue
	        now = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
	        state = data.decode(errors='replace').replace('\n', '|')
	        if state == 'READY=1':
	            try:
	                socket.create_connection(('127.0.0.1', port), timeout=2).close()
	                state += ' connect ok'
	            except OSError:
	                state += ' connect failed'
	        f.write('%d %s\n' % (now, state))
	PY
}

# session_open NAME HOST PORT: start session.py in the background; its
# files are $BATS_TEST_TMPDIR/NAME.out, NAME.ctl, NAME.out.eof.
session_open() {
	local d=$BATS_TEST_TMPDIR
	: >"$d/$1.out"
	: >"$d/$1.ctl"
	timeout 120 python3 "$d/session.py" "$2" "$3" "$d/$1.out" "$d/$1.ctl" 100 \
	    </dev/null >"$d/$1.err" 2>&1 3>&- &
}

session_send() {
	printf '%s\n' "$2" >>"$BATS_TEST_TMPDIR/$1.ctl"
}

_count_in() { (( $(grep -o -F -- "$2" "$1" 2>/dev/null | wc -l) >= $3 )); }

# session_wait NAME TEXT [COUNT]: until NAME.out holds TEXT COUNT times.
session_wait() {
	local f=$BATS_TEST_TMPDIR/$1.out
	wait_until "$SPAWND_TEST_TIMEOUT" _count_in "$f" "$2" "${3:-1}" && return 0
	fail "session $1: no \"$2\" (x${3:-1}) after ${SPAWND_TEST_TIMEOUT}s; got:" \
	    "$(od -c "$f" | head -20)" "$(cat "$BATS_TEST_TMPDIR/$1.err")"
}

# session_closed NAME: until the server has closed session NAME.
session_closed() {
	wait_until "$SPAWND_TEST_TIMEOUT" test -e "$BATS_TEST_TMPDIR/$1.out.eof" &&
	    return 0
	fail "session $1 is still open; got:" "$(od -c "$BATS_TEST_TMPDIR/$1.out" | tail -5)"
}

# blocker PORT: another program (not spawnd) listening on 127.0.0.1:PORT.
BLOCKER_PID=
blocker() {
	local ready=$BATS_TEST_TMPDIR/blocker.ready
	timeout 120 python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
open(sys.argv[2], "w").close()
time.sleep(115)' "$1" "$ready" </dev/null >/dev/null 2>&1 3>&- &
	BLOCKER_PID=$!
	wait_until "$SPAWND_TEST_TIMEOUT" test -e "$ready" ||
	    fail "the blocking listener on port $1 did not start"
}

stop_blocker() {
	if [[ -n ${BLOCKER_PID:-} ]]; then
		kill "$BLOCKER_PID" 2>/dev/null || true
		wait "$BLOCKER_PID" 2>/dev/null || true
		BLOCKER_PID=
	fi
}

# ---- the daemon

reloaded_re() {
	echo "^spawnd\[$SPAWND_PID\]: spawnd ${1:-[^ ]+} reloaded with "
}

# hup N: send SIGHUP and wait for the Nth "reloaded" line.
hup() {
	kill -HUP "$SPAWND_PID"
	wait_for_log "$(reloaded_re)" "$1"
	kill -0 "$SPAWND_PID" || fail "spawnd died on HUP $1"
}

# hello_answers PORT: a complete hello line from 127.0.0.1:PORT.
hello_answers() {
	fetch_tcp 127.0.0.1 "$1" "$BATS_TEST_TMPDIR/hello.reply" ||
	    fail "no hello on port $1"
	assert_hello_bytes "$BATS_TEST_TMPDIR/hello.reply" '127\.0\.0\.1'
}

# sleep_until USEC: sleep until the wall clock (EPOCHREALTIME, in
# microseconds) reaches USEC; pacing, not waiting for something.
sleep_until() {
	local now=${EPOCHREALTIME/./} left
	left=$(( $1 - now ))
	(( left > 0 )) || return 0
	sleep "$(( left / 1000000 )).$(printf '%06d' $(( left % 1000000 )))"
}

_progress_over() {
	local n
	n=$(cat "$1" 2>/dev/null)
	(( ${n:-0} > $2 ))
}

# Every "begat PID for SERVICE" has its "reaped PID (SERVICE)".
_all_reaped() {
	(( $(log_count "begat [0-9]+ for $1$") == $(log_count "reaped [0-9]+ \($1\)$") ))
}

_reloaded_or_reading() {
	(( $(log_count "$(reloaded_re)") > 0 )) ||
	    [[ $(cat "/proc/$SPAWND_PID/wchan" 2>/dev/null) == wait_for_partner ]]
}

_stopped() { [[ $(ps -o stat= -p "$1") == T* ]]; }
_zombie() { [[ $(ps -o stat= -p "$1") == Z* ]]; }

# feed_fifo SECONDS FILE FIFO: copy FILE into FIFO once a reader opens it.
feed_fifo() {
	# shellcheck disable=SC2016 # $1 and $2 are sh's
	timeout "$1" sh -c 'cat "$1" >"$2"' _ "$2" "$3" 3>&-
}

# log_line_no ERE: number of the last log line matching ERE (0: none).
log_line_no() {
	local n
	n=$(grep -nE -- "$1" "$SPAWND_LOG" | tail -n 1 | cut -d: -f1)
	echo "${n:-0}"
}

# The fds of PID as "NUMBER TARGET" lines, sorted.
fd_table() {
	local f
	for f in /proc/"$1"/fd/*; do
		printf '%s %s\n' "${f##*/}" "$(readlink "$f")"
	done | sort -n
}

# ---- 1. a bad configuration

@test "1: SIGHUP with a bad configuration, a taken address or an unusable Unix path keeps the old configuration serving" {
	local p1 p2 p3 p4 pid ok_sock line
	p1=$(free_port)
	p2=$(free_port)
	p3=$(free_port)
	p4=$(free_port)
	ok_sock=$BATS_TEST_TMPDIR/ok.sock
	good() {
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {%s}\n}\n' "$1"
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p2"
	}
	good "\"127.0.0.1:$p1\"" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID

	# (a) An error -t finds: logged exactly as -t prints it.
	{
		good "\"127.0.0.1:$p3\""
		printf 'service daytime {\n\ttype = "daytime"\n'
		printf '\tuser = "spawnd-no-such-user"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p4"
	} | write_config
	line=$(grep -n spawnd-no-such-user "$SPAWND_CONF" | cut -d: -f1)
	run timeout 10 "$SPAWND" -t -c "$SPAWND_CONF" 3>&-
	assert_status 78
	[[ $output == "$SPAWND_CONF:$line: "*spawnd-no-such-user* ]] ||
	    fail "-t does not report $SPAWND_CONF:$line:" "$output"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: $(re_quote "$output")$"
	wait_for_log "^spawnd\[$pid\]: reload refused: the configuration has errors; still running with the old configuration$"

	# (b) An address another program holds: -t cannot see it, the old
	# image finds out before it re-executes.
	blocker "$p3"
	good "\"127.0.0.1:$p1\", \"127.0.0.1:$p3\"" | write_config
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: 127\.0\.0\.1:$p3: bind: Address already in use; still running with the old configuration$"

	# (c) A Unix path that cannot be bound, after one that could: the
	# socket already opened for the reload is closed and its file removed.
	{
		good "\"127.0.0.1:$p1\""
		printf 'service cat1 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$ok_sock"
		printf 'service cat2 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' \
		    "$BATS_TEST_TMPDIR/no/such/dir/cat.sock"
	} | write_config
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: $(re_quote "$BATS_TEST_TMPDIR/no/such/dir/cat.sock"): bind: No such file or directory; still running with the old configuration$"
	[[ ! -e $ok_sock ]] || fail "$ok_sock was left behind by the refused reload"

	# Through all three: no re-exec, same process, pidfile, old services.
	(( $(log_count 're-executing') == 0 )) || fail "spawnd re-executed:" "$(cat "$SPAWND_LOG")"
	kill -0 "$pid" || fail "spawnd died"
	[[ $(<"$SPAWND_PIDFILE") == "$pid" ]] || fail "pidfile changed"
	hello_answers "$p1"
	session_open s1 127.0.0.1 "$p2"
	session_wait s1 'Command? '
	session_send s1 quit
	session_closed s1
	if _port_listening tcp "$p4" "$pid" || _port_listening tcp "$p3" "$pid"; then
		fail "spawnd listens on a port of a refused configuration"
	fi

	# Repaired: the next HUP takes it, with the stream, datagram and
	# Unix sockets it adds opened by the old image and adopted by the new.
	stop_blocker
	{
		good "\"127.0.0.1:$p1\", \"127.0.0.1:$p3\""
		printf 'service cat1 {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$ok_sock"
		printf 'service time {\n\ttype = "time"\n\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$p4"
	} | write_config
	hup 1
	hello_answers "$p3"
	hello_answers "$p1"
	fetch_unix "$ok_sock" "$BATS_TEST_TMPDIR/cat.reply" || fail "no reply on $ok_sock"
	[[ $(head -n 1 "$BATS_TEST_TMPDIR/cat.reply") =~ ^Hello\ there,\ it\'s\ now\ $DATE_RE$ ]] ||
	    fail "catsock reply:" "$(cat "$BATS_TEST_TMPDIR/cat.reply")"
	udp_ask 127.0.0.1 "$p4" "$BATS_TEST_TMPDIR/time.reply"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/time.reply") -eq 4 ]] || fail "no 4-byte time datagram"
	(( $(log_count 'server started on (cat1|time) ') == 2 )) || fail "new services not started"
	# And dropped again: the new image closes what it did not adopt and
	# removes the socket file.
	good "\"127.0.0.1:$p1\"" | write_config
	hup 2
	[[ ! -e $ok_sock ]] || fail "$ok_sock left after its service was removed"
	if _port_listening tcp "$p3" "$pid" || _port_listening udp "$p4" "$pid"; then
		fail "removed addresses still open"
	fi
	hello_answers "$p1"
}

# ---- 2. no client notices a reload

_readies() { (( $(grep -c ' READY=1' "$1") >= $2 )); }

@test "2: 32 clients for 10 s against hello while 20 SIGHUPs re-execute spawnd: no connection refused or reset, every reply complete" {
	local port d=$BATS_TEST_TMPDIR i t0 load summary stats
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	# systemd's notifications time each re-exec: RELOADING=1 carries the
	# clock just before execve(), READY=1 comes once the new image listens.
	timeout 120 python3 "$d/notify.py" "$d/notify.sock" "$d/notify.out" "$port" \
	    </dev/null >"$d/notify.err" 2>&1 3>&- &
	wait_until 30 grep -q listening "$d/notify.out" ||
	    fail "notify listener did not start: $(cat "$d/notify.err")"
	export NOTIFY_SOCKET=$d/notify.sock
	start_spawnd -c "$SPAWND_CONF"
	wait_until "$SPAWND_TEST_TIMEOUT" _readies "$d/notify.out" 1 || fail "no READY=1"
	echo 0 >"$d/progress"
	timeout 120 python3 "$d/load.py" "$port" 32 "$d/stop" 60 "$d/load.out" \
	    "$d/progress" </dev/null >"$d/load.err" 2>&1 3>&- &
	load=$!
	# python3 can take seconds to start on a loaded machine: the load
	# must be running before the first HUP, or the test proves nothing.
	wait_until 60 _progress_over "$d/progress" 32 ||
	    fail "the load never got going: $(cat "$d/load.err")"
	t0=${EPOCHREALTIME/./}
	for i in $(seq 1 20); do
		# Spread the 20 HUPs over the 10 s of load, each after the
		# previous reload has finished.
		sleep_until $(( t0 + i * 450000 ))
		kill -HUP "$SPAWND_PID"
		wait_until "$SPAWND_TEST_TIMEOUT" _readies "$d/notify.out" $(( i + 1 )) ||
		    fail "reload $i did not finish: $(tail -n 3 "$d/notify.out")"
	done
	sleep_until $(( t0 + 10000000 ))
	touch "$d/stop"
	wait "$load" || fail "the load client failed: $(cat "$d/load.err")"
	summary=$(head -n 1 "$d/load.out")
	# Connections begun, or in flight, while no image was running the
	# loop: between execve() and the new image's READY=1.
	stats=$(python3 - "$d/load.out" "$d/notify.out" <<-'PY'
	import re, statistics, sys
	spans = [tuple(float(x) * 1e6 for x in l.split()) for l in open(sys.argv[1]).readlines()[1:]]
	wins, start = [], None
	for l in open(sys.argv[2]):
	    m = re.match(r'(\d+) (RELOADING=1\|MONOTONIC_USEC=(\d+)|READY=1)', l)
	    if m and m.group(3):
	        start = int(m.group(3))
	    elif m and start is not None:
	        wins.append((start, int(m.group(1))))
	        start = None
	begun = sum(1 for a, b in spans if any(s <= a <= e for s, e in wins))
	inflight = sum(1 for a, b in spans if any(a < e and b > s for s, e in wins))
	ms = sorted((e - s) / 1000 for s, e in wins)
	print('re-execs %d (execve to READY=1: median %.1f ms, max %.1f ms), connections begun during one %d, in flight during one %d'
	      % (len(wins), statistics.median(ms), ms[-1], begun, inflight))
	PY
	)
	echo "# 32 clients, $(( (${EPOCHREALTIME/./} - t0) / 1000000 )) s, 20 HUPs: $summary" >&3
	echo "# $stats" >&3
	[[ $summary =~ ^connections\ ([0-9]+)\ errors\ 0\ clients_served\ 32/32 ]] ||
	    fail "clients saw errors during the reloads: $summary"
	(( BASH_REMATCH[1] >= 320 )) || fail "too few connections to mean anything: $summary"
	[[ $stats =~ ^re-execs\ 20\  ]] || fail "not 20 re-execs: $stats" "$(cat "$d/notify.out")"
	[[ $stats =~ in\ flight\ during\ one\ ([0-9]+) ]] && (( BASH_REMATCH[1] >= 20 )) ||
	    fail "the re-execs did not overlap the load: $stats"
	(( $(log_count "got SIGHUP, re-executing") == 20 )) || fail "not 20 re-execs"
	# Every child any image forked was reaped, with its service's name,
	# by whichever image was running when it exited: none was lost in a
	# hand-over.
	wait_until "$SPAWND_TEST_TIMEOUT" _all_reaped hello ||
	    fail "begat $(log_count 'begat') children, reaped $(log_count 'reaped [0-9]+ \(hello\)$') with their name"
	(( $(log_count 'reaped [0-9]+$') == 0 )) || fail "children reaped as strangers (not handed over)"
	[[ -z $(ps -o pid= --ppid "$SPAWND_PID") ]] || fail "children left: $(ps -o pid,stat,comm --ppid "$SPAWND_PID")"
}

# ---- 3. children cross the re-exec

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

# ---- 4. a new binary

@test "4: a binary replaced on disk runs on SIGHUP; one that cannot be executed is logged and spawnd keeps serving" {
	local port bin=$BATS_TEST_TMPDIR/bin orig=$SPAWND ver newver pid before
	port=$(free_port)
	mkdir "$bin"
	cp "$SPAWND" "$bin/spawnd"
	ver=$("$SPAWND" -V | awk '{ print $2 }')
	newver=$(echo "$ver" | tr 0-9 1-90)
	python3 - "$SPAWND" "$bin/spawnd.new" "$ver" "$newver" <<-'PY' ||
	import sys
	src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
	data = open(src, 'rb').read()
	if data.count(b'\0' + old + b'\0') != 1:
	    sys.exit('the version string %r is not in the binary exactly once' % old)
	open(dst, 'wb').write(data.replace(b'\0' + old + b'\0', b'\0' + new + b'\0'))
	PY
	    skip "cannot make a binary with another version"
	chmod 755 "$bin/spawnd.new"
	[[ $("$bin/spawnd.new" -V) == "spawnd $newver" ]] || skip "patched binary does not report $newver"
	SPAWND=$bin/spawnd
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	assert_log "^spawnd\[$pid\]: spawnd $(re_quote "$ver") started with "
	# Replaced the way install(1) or a package manager does it (a copy
	# over a running binary fails with ETXTBSY).
	mv "$bin/spawnd.new" "$bin/spawnd"
	hup 1
	assert_log "$(reloaded_re "$(re_quote "$newver")")"
	[[ $(readlink "/proc/$pid/exe") == "$bin/spawnd" ]] ||
	    fail "runs $(readlink "/proc/$pid/exe"), not the new $bin/spawnd"
	hello_answers "$port"
	before=$(fd_table "$pid")

	# Not executable (root too needs one x bit), not a binary, gone.
	chmod 644 "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): Permission denied; still running with the old configuration$"
	hello_answers "$port"
	printf 'not a program\n' >"$bin/spawnd.txt"
	chmod 755 "$bin/spawnd.txt"
	mv "$bin/spawnd.txt" "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): Exec format error; still running with the old configuration$"
	hello_answers "$port"
	rm "$bin/spawnd"
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: cannot execute $(re_quote "$bin/spawnd"): No such file or directory; still running with the old configuration$"
	hello_answers "$port"
	# Nothing of the three attempts stayed open (memfd, fds).
	[[ $(fd_table "$pid") == "$before" ]] ||
	    fail "fds changed across failed re-execs:" "$before" "now:" "$(fd_table "$pid")"

	# Put back: the old version runs again, and still has the
	# listener (which the failed execs made close-on-exec again).
	cp "$orig" "$bin/spawnd"
	hup 2
	(( $(log_count "$(reloaded_re "$(re_quote "$ver")")") == 1 )) || fail "old version not back"
	hello_answers "$port"
	(( $(log_count 'server started on hello') == 3 )) || fail "expected 3 start-ups"
	[[ $(<"$SPAWND_PIDFILE") == "$pid" ]] || fail "pidfile changed"
	[[ $(ss -Hltn "sport = :$port" | wc -l) -eq 1 ]] || fail "more than one listener on $port"
}

# ---- 5. shutdown

@test "5: SIGTERM and SIGINT: open session closed, exit 0, pidfile and Unix socket removed" {
	local sig port sock
	for sig in TERM INT; do
		port=$(free_port)
		sock=$BATS_TEST_TMPDIR/cat-$sig.sock
		: >"$SPAWND_LOG"
		{
			svc_globals
			printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
			printf 'service catsock {\n\ttype = "catsock"\n\tlisten_stream = {"%s"}\n}\n' "$sock"
		} | write_config
		start_spawnd -c "$SPAWND_CONF"
		[[ -S $sock ]] || fail "no socket file $sock"
		session_open "s$sig" 127.0.0.1 "$port"
		session_wait "s$sig" 'Command? '
		# After a reload too: the re-executed image owns the files now.
		hup 1
		local pid=$SPAWND_PID
		kill -"$sig" "$pid"
		wait_for_exit "$pid" || fail "spawnd did not exit on SIG$sig"
		SPAWND_PID=
		wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
		(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS on SIG$sig"
		session_closed "s$sig"
		[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile left after SIG$sig"
		[[ ! -e $sock ]] || fail "Unix socket file left after SIG$sig"
		assert_log "^spawnd\[$pid\]: shutting down$"
		assert_log "^spawnd\[$pid\]: reaped [0-9]+ \(command\) killed by signal 15$"
		if tcp_accepts 127.0.0.1 "$port"; then
			fail "port $port still accepts"
		fi
	done
}

@test "5: shutdown_grace: a child that does not end on SIGTERM is killed after the grace period" {
	local port child pid t0 t1
	port=$(free_port)
	{
		svc_globals
		printf 'shutdown_grace = 2\n'
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	session_open a 127.0.0.1 "$port"
	session_wait a 'Command? '
	wait_for_log "begat [0-9]+ for command$"
	child=$(grep -oE "begat [0-9]+ for command" "$SPAWND_LOG" | awk '{ print $2 }')
	# Children reset every signal, so none can ignore SIGTERM; a stopped
	# child does not act on it either (it stays pending), just like a
	# hung one.  SIGKILL ends it all the same.
	kill -STOP "$child"
	# Stopped for real before spawnd sends SIGTERM: a child not yet
	# scheduled would take the lower-numbered SIGTERM first, and die.
	wait_until "$SPAWND_TEST_TIMEOUT" _stopped "$child" ||
	    fail "child $child did not stop: $(ps -o pid,stat -p "$child")"
	pid=$SPAWND_PID
	t0=${EPOCHREALTIME/./}
	kill -TERM "$pid"
	wait_for_exit "$pid" 15 || fail "spawnd still running 15 s after SIGTERM"
	t1=${EPOCHREALTIME/./}
	SPAWND_PID=
	wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
	echo "# exit $(( (t1 - t0) / 1000 )) ms after SIGTERM with shutdown_grace = 2" >&3
	(( t1 - t0 >= 1900000 )) || fail "exited after $(( (t1 - t0) / 1000 )) ms, before the grace period"
	(( t1 - t0 < 8000000 )) || fail "exited after $(( (t1 - t0) / 1000 )) ms"
	assert_log "^spawnd\[$pid\]: killing 1 children left after 2 s$"
	assert_log "^spawnd\[$pid\]: reaped $child \(command\) killed by signal 9$"
	session_closed a
	if ps -p "$child" >/dev/null; then
		fail "child $child still exists"
	fi
	[[ ! -e $SPAWND_PIDFILE ]] || fail "pidfile left"
}

# ---- 6. systemd

@test "6: NOTIFY_SOCKET: READY=1 when listening, RELOADING=1 with MONOTONIC_USEC then READY=1 on reload, STOPPING=1" {
	local port d=$BATS_TEST_TMPDIR n pid states usec at
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	timeout 120 python3 "$d/notify.py" "$d/notify.sock" "$d/notify.out" "$port" \
	    </dev/null >"$d/notify.err" 2>&1 3>&- &
	wait_until 30 grep -q listening "$d/notify.out" ||
	    fail "notify listener did not start: $(cat "$d/notify.err")"
	export NOTIFY_SOCKET=$d/notify.sock
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	_notes() { (( $(grep -c '^[0-9]' "$d/notify.out") >= $1 )); }
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 1 || fail "no notification"
	hup 1
	hup 2
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 5 || fail "notifications: $(cat "$d/notify.out")"
	# A refused reload says nothing: nothing was reloaded.
	echo 'bogus_option = 1' >>"$SPAWND_CONF"
	kill -HUP "$pid"
	wait_for_log 'configuration has errors'
	kill -TERM "$pid"
	wait_for_exit "$pid" || fail "spawnd did not stop"
	SPAWND_PID=
	wait_until "$SPAWND_TEST_TIMEOUT" _notes 6 || fail "no STOPPING=1: $(cat "$d/notify.out")"
	states=$(grep '^[0-9]' "$d/notify.out" | cut -d' ' -f2- | sed -E 's/MONOTONIC_USEC=[0-9]+/MONOTONIC_USEC=N/')
	echo "# notifications: $(echo "$states" | tr '\n' ';')" >&3
	[[ $states == "READY=1 connect ok
RELOADING=1|MONOTONIC_USEC=N
READY=1 connect ok
RELOADING=1|MONOTONIC_USEC=N
READY=1 connect ok
STOPPING=1" ]] || fail "unexpected notifications:" "$(cat "$d/notify.out")"
	# MONOTONIC_USEC is CLOCK_MONOTONIC when the reload began: at most
	# a few seconds before we received it.
	while read -r at usec; do
		(( at >= usec && at - usec < 5000000 )) ||
		    fail "MONOTONIC_USEC=$usec but received at $at"
	done < <(sed -nE 's/^([0-9]+) RELOADING=1\|MONOTONIC_USEC=([0-9]+)$/\1 \2/p' "$d/notify.out")
}

@test "6: socket activation: spawnd adopts the socket systemd passes, serves on it across reloads, and stops" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "systemd-socket-activate (package systemd) is not installed"
	local port ino pid i
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	(
		exec systemd-socket-activate -l "127.0.0.1:$port" \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	pid=$SPAWND_PID
	wait_for_port "$port"
	ino=$(ss -Hltne "sport = :$port" | grep -oE 'ino:[0-9]+')
	# systemd-socket-activate execs spawnd on the first connection,
	# which spawnd then serves from the queue of the passed socket.
	hello_answers "$port"
	spawnd_wait_ready
	assert_log "^spawnd\[$pid\]: spawnd [^ ]+ started with "
	# Had spawnd bound the address again it would have failed (the
	# address is taken by the passed socket) or shown a second socket.
	[[ $(ss -Hltnep "sport = :$port" | wc -l) -eq 1 ]] || fail "more than one listener"
	[[ $(ss -Hltnep "sport = :$port") == *"pid=$pid,fd=3)"*"$ino "* ]] ||
	    fail "spawnd does not listen on the passed socket (fd 3, $ino):" "$(ss -Hltnep "sport = :$port")"
	# Several connections in a row, then reloads and a stop: a passed
	# socket in blocking mode would hang spawnd in accept() with its
	# signals blocked.
	for i in 1 2 3; do hello_answers "$port"; done
	hup 1
	hup 2
	for i in 1 2 3; do hello_answers "$port"; done
	[[ $(ss -Hltne "sport = :$port") == *"$ino "* ]] || fail "the passed socket was replaced on reload"
	if tr '\0' '\n' <"/proc/$pid/environ" | grep -qE '^LISTEN_(PID|FDS)='; then
		fail "LISTEN_PID/LISTEN_FDS passed on to the re-executed image"
	fi
	stop_spawnd
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
}

# ---- 7. leaks

@test "7: 50 reloads: same fds, same sockets (adopted, not reopened), an open session survives them all" {
	local p1 p2 sock pid before after i
	p1=$(free_port)
	p2=$(free_port)
	sock=$BATS_TEST_TMPDIR/cat.sock
	{
		svc_globals
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"%s}\n}\n' \
		    "$p1" "$(have_ipv6 && echo ", \"[::1]:$p1\"")"
		printf 'service time {\n\ttype = "time"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$p2"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$p2"
		printf 'service command {\n\ttype = "command"\n\tlisten_stream = {"%s"}\n}\n' "$sock"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	timeout 120 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = open(sys.argv[2], "ab", buffering=0)
while True:
    b = s.recv(4096)
    if not b:
        break
    f.write(b)
' "$sock" "$BATS_TEST_TMPDIR/u.out" </dev/null 3>&- &
	wait_until "$SPAWND_TEST_TIMEOUT" _count_in "$BATS_TEST_TMPDIR/u.out" 'Command? ' 1 ||
	    fail "no command session on $sock"
	before=$(fd_table "$pid")
	for i in $(seq 1 50); do
		hup "$i"
	done
	after=$(fd_table "$pid")
	echo "# fds before and after 50 reloads: $(echo "$before" | wc -l) and $(echo "$after" | wc -l)" >&3
	[[ $after == "$before" ]] || fail "fds changed over 50 reloads; before:" "$before" "after:" "$after"
	(( $(log_count 'reaped') == 0 )) || fail "the session's child was reaped"
	[[ -n $(ps -o pid= --ppid "$pid") ]] || fail "the session's child is gone"
	hello_answers "$p1"
	[[ -S $sock ]] || fail "socket file gone"
	stop_spawnd
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS"
	assert_log 'reaped [0-9]+ \(command\) killed by signal 15$'
	[[ ! -e $sock ]] || fail "socket file left"
}

@test "7: valgrind: no memory error in any of 6 images (5 reloads), no definite leak at exit" {
	skip_without_valgrind
	local port pid i errs
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	(
		exec valgrind --trace-children=yes --child-silent-after-fork=yes \
		    --leak-check=full --errors-for-leak-kinds=definite \
		    --error-exitcode=99 \
		    "$SPAWND" -f -p "$SPAWND_PIDFILE" -c "$SPAWND_CONF"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
	pid=$SPAWND_PID
	SPAWND_TEST_TIMEOUT=60 spawnd_wait_ready
	hello_answers "$port"
	for i in 1 2 3 4 5; do
		SPAWND_TEST_TIMEOUT=60 hup "$i"
		hello_answers "$port"
	done
	kill -TERM "$pid"
	wait_for_exit "$pid" 60 || fail "spawnd under valgrind did not stop"
	SPAWND_PID=
	wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
	(( $(log_count "^==$pid== Memcheck, ") == 6 )) ||
	    fail "expected 6 images under valgrind, saw $(log_count "^==$pid== Memcheck, ")"
	errs=$(grep -E "^==$pid== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination|.*definitely lost in)" "$SPAWND_LOG" || true)
	[[ -z $errs ]] || fail "valgrind found:" "$errs"
	assert_log "^==$pid== ERROR SUMMARY: 0 errors"
	(( SPAWND_STATUS == 0 )) || fail "exit status $SPAWND_STATUS (99: valgrind errors)"
}
