# Shared helpers for the spawnd end-to-end tests (bats-core >= 1.5).
#
# Every .bats file starts with `load lib/helpers`.  The default setup() and
# teardown() defined here give each test:
#   SPAWND          absolute path of the binary under test (from make check,
#                   or ../src/spawnd next to this file when run by hand)
#   SPAWND_CONF     $BATS_TEST_TMPDIR/spawnd.conf (written by write_config)
#   SPAWND_PIDFILE  $BATS_TEST_TMPDIR/spawnd.pid  (start_spawnd passes -p)
#   SPAWND_LOG      $BATS_TEST_TMPDIR/spawnd.log  (the daemon's stderr)
# A file that needs its own setup/teardown must call spawnd_setup /
# spawnd_teardown from them.
#
# Rules these helpers keep, and tests built on them should too:
#   - loopback only, ports from free_port, files in $BATS_TEST_TMPDIR;
#   - every wait is a poll with a deadline (wait_until), never a bare sleep;
#   - every client runs under timeout(1) (run_client, fetch_tcp, ...);
#   - background processes get `3>&-` (bats waits for fd 3 to close) and
#     files, not pipes, for their output;
#   - only processes this test started are signalled, and only after
#     checking that their command line names this test's temp directory.
#
# Tunables (environment): SPAWND_TEST_TIMEOUT (seconds a wait may take,
# default 10), SPAWND_CLIENT_TIMEOUT (seconds a client may take, default 5).

# shellcheck disable=SC2154 # status, output, lines: set by bats' run
# shellcheck disable=SC2034 # HELLO_NAME, BUILTIN_*: for the test files
# shellcheck disable=SC2120 # our_spawnds: arguments are optional

bats_require_minimum_version 1.5.0

: "${SPAWND_TEST_TIMEOUT:=10}"
: "${SPAWND_CLIENT_TIMEOUT:=5}"

# Perl's scalar localtime, as spawnd.conf(5), "Service types", writes DATE.
DATE_RE='[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}'

# Ports of the built-in configuration (spawnd(8),
# "Built-in default configuration").
BUILTIN_TCP_PORTS=(2345 2346 2347 2348 9000)
BUILTIN_UDP_PORTS=(2346 2347 2348)
BUILTIN_LOCK=/tmp/spawnd-builtin-ports.lock

# ---- setup and teardown

if [[ -z ${SPAWND:-} ]]; then
	SPAWND=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/src/spawnd
fi
: "${TOP_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${TOP_BUILDDIR:=$(dirname "$(dirname "$SPAWND")")}"
# The programs the tests run (python3 clients, listeners, the port
# finder), next to this file.
TESTS_LIB=$BATS_TEST_DIRNAME/lib

setup() { spawnd_setup; }
teardown() { spawnd_teardown; }

spawnd_setup() {
	[[ -x $SPAWND ]] || fail "SPAWND=$SPAWND is not an executable (build first)"
	SPAWND_CONF=$BATS_TEST_TMPDIR/spawnd.conf
	SPAWND_PIDFILE=$BATS_TEST_TMPDIR/spawnd.pid
	SPAWND_LOG=$BATS_TEST_TMPDIR/spawnd.log
	SPAWND_PID=
	SPAWND_STATUS=
	SPAWND_DAEMON_PIDS=()
	BUILTIN_LOCK_FD=
	# Everything this test starts inherits this; is_ours looks for it.
	export SPAWND_TEST_OWNER=$BATS_TEST_TMPDIR
}

# Stop whatever this test started; on failure show the daemon's log and
# any launcher output, which is usually what explains the failure.
spawnd_teardown() {
	local pid f
	for pid in "${SPAWND_DAEMON_PIDS[@]}"; do
		stop_pid "$pid" || true
	done
	if [[ -n $SPAWND_PID ]]; then
		stop_spawnd || true
	fi
	# Anything of ours still alive (a daemon whose pidfile went missing,
	# a start-up that went wrong) must not outlive the test.
	for pid in $(our_spawnds); do
		echo "teardown: stopping leftover spawnd $pid" >&2
		stop_pid "$pid" || true
	done
	if [[ ${BATS_TEST_COMPLETED:-} != 1 ]]; then
		for f in "$BATS_TEST_TMPDIR"/*.log "$BATS_TEST_TMPDIR"/*.err; do
			[[ -s $f ]] || continue
			echo "---- ${f##*/} (last 60 lines)"
			tail -n 60 "$f"
		done >&2
	fi
	builtin_unlock
	no_leftovers
}

# leftovers: PIDs of processes this test started (they carry its
# SPAWND_TEST_OWNER) that are still alive, but for this shell and its
# ancestors.  Builtins only, so the scan starts no process of its own.
leftovers() {
	local d pid kv self=" $$ $BASHPID " anc=$BASHPID ppid comm
	# Our ancestors carry the variable too (bats exported it).
	while [[ $anc -gt 1 ]]; do
		ppid=
		while read -r comm ppid && [[ $comm != PPid: ]]; do :; done \
		    2>/dev/null <"/proc/$anc/status"
		[[ -n $ppid ]] || break
		self+="$ppid "
		anc=$ppid
	done
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[[ $self == *" $pid "* ]] && continue
		while IFS= read -r -d '' kv; do
			if [[ $kv == "SPAWND_TEST_OWNER=$BATS_TEST_TMPDIR" ]]; then
				echo "$pid"
				break
			fi
		done 2>/dev/null <"$d/environ"
	done
	return 0
}

_no_leftovers() { [[ -z $(leftovers) ]]; }

# no_leftovers: the end of every teardown.  Whatever the test started
# must be gone by now (a process on its way out gets 5 s); anything left
# is killed, and the test fails naming it.
no_leftovers() {
	local pid left=
	wait_until 5 _no_leftovers && return 0
	for pid in $(leftovers); do
		left+="$pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"$'\n'
		kill -KILL "$pid" 2>/dev/null
	done
	[[ -n $left ]] || return 0
	fail "processes of this test outlived it (now killed):" "$left"
}

# ---- assertions: each prints what it expected and what it got

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# After `run`: the exit status must be $1.
assert_status() {
	[[ $status -eq $1 ]] && return 0
	fail "expected exit status $1, got $status" "output:" "$output" \
	    ${stderr+"stderr:" "$stderr"}
}

# After `run`: $output must match the extended regex $1.
assert_output_re() {
	[[ $output =~ $1 ]] && return 0
	fail "output does not match /$1/:" "$output"
}

# After `run`: $output must contain the fixed string $1.
assert_output_has() {
	[[ $output == *"$1"* ]] && return 0
	fail "output does not contain \"$1\":" "$output"
}

# A foreground line's time stamp (UTC, RFC 3339), as an extended regex.
LOG_STAMP_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

# The daemon log without the stamp that starts each spawnd[PID]: line:
# tests match what a line says, "^spawnd\[PID\]: ..."; 10-logs.bats checks
# the stamps themselves.
log_unstamped() {
	sed -E "s/^$LOG_STAMP_RE (spawnd\[)/\1/" "$SPAWND_LOG" 2>/dev/null
}

# The daemon log must have a line matching the extended regex $1.
assert_log() {
	log_unstamped | grep -qE -- "$1" && return 0
	fail "no log line matches /$1/; log:" "$(cat "$SPAWND_LOG")"
}

# Quote a fixed string for use inside an extended regex.
re_quote() {
	# shellcheck disable=SC2016 # sed's expression: $ is a character to quote
	printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'
}

# Number of log lines matching the extended regex $1 (0 if none).
log_count() {
	local n
	n=$(log_unstamped | grep -cE -- "$1")
	echo "${n:-0}"
}

# lowest_free PID: the lowest fd number PID has not open: a soft
# RLIMIT_NOFILE of that many (prlimit) leaves it no fd to open.
lowest_free() {
	local i=0
	while [[ -e /proc/$1/fd/$i ]]; do i=$((i + 1)); done
	echo "$i"
}

# cpu_ticks PID: the user + system clock ticks PID has used so far.
cpu_ticks() {
	local stat
	stat=$(<"/proc/$1/stat")
	stat=${stat##*) }
	# shellcheck disable=SC2086 # fields on purpose
	set -- $stat
	echo $(( ${12} + ${13} ))
}

# ---- waiting

# wait_until SECONDS COMMAND...: run COMMAND every 0.05 s until it succeeds
# (return 0) or SECONDS have passed (return 1).
wait_until() {
	local limit=$1 deadline now
	shift
	deadline=$(( ${EPOCHREALTIME/./} + limit * 1000000 ))
	while :; do
		"$@" && return 0
		now=${EPOCHREALTIME/./}
		(( now < deadline )) || return 1
		sleep 0.05
	done
}

# Predicates for wait_until, evaluated anew at each try (a "$(...)" in
# wait_until's own arguments is expanded once, before the first one).
# childless PID: PID has no live (non-zombie) child.
childless() { [[ -z $(ps --ppid "$1" -o pid=,stat= | awk '$2 !~ /^Z/') ]]; }

_log_at_least() { (( $(log_count "$1") >= $2 )); }

# wait_for_log ERE [COUNT [SECONDS]]: until the log holds COUNT lines
# matching ERE.  COUNT matters after a reload, where the same line comes
# again.
wait_for_log() {
	local re=$1 count=${2:-1} limit=${3:-$SPAWND_TEST_TIMEOUT}
	wait_until "$limit" _log_at_least "$re" "$count" && return 0
	fail "timed out after ${limit}s waiting for $count log line(s) /$re/; log:" \
	    "$(cat "$SPAWND_LOG" 2>/dev/null)"
}

_port_listening() {
	local proto=$1 port=$2 pid=$3 lines
	lines=$(ss -Hln"${proto:0:1}"p "sport = :$port" 2>/dev/null) || return 1
	if [[ -n $pid ]]; then
		[[ $lines == *"pid=$pid,"* ]]
	else
		[[ -n $lines ]]
	fi
}

# wait_for_port PORT [tcp|udp [SECONDS]]: until a socket of SPAWND_PID (or
# of anyone, when SPAWND_PID is empty) listens on PORT.  Uses ss, so no
# connection is made.
wait_for_port() {
	local port=$1 proto=${2:-tcp} limit=${3:-$SPAWND_TEST_TIMEOUT}
	wait_until "$limit" _port_listening "$proto" "$port" "$SPAWND_PID" && return 0
	fail "timed out after ${limit}s waiting for a $proto listener on port $port" \
	    "$(ss -Hlntup 2>&1)"
}

_unix_listening() {
	[[ -S $1 ]] && [[ -n $(ss -Hlx src "$1" 2>/dev/null) ]]
}

# wait_for_unix PATH [SECONDS]: until a stream socket listens at PATH.
wait_for_unix() {
	local path=$1 limit=${2:-$SPAWND_TEST_TIMEOUT}
	wait_until "$limit" _unix_listening "$path" && return 0
	fail "timed out after ${limit}s waiting for a Unix listener at $path"
}

_pidfile_has() { [[ -s $1 && $(<"$1") == "$2" ]]; }
_gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_for_pidfile PIDFILE PID [SECONDS]: until PIDFILE holds PID.
wait_for_pidfile() {
	local limit=${3:-$SPAWND_TEST_TIMEOUT}
	wait_until "$limit" _pidfile_has "$1" "$2" && return 0
	fail "timed out after ${limit}s waiting for $1 to hold PID $2" \
	    "(it holds: $(cat "$1" 2>&1))"
}

# wait_for_exit PID [SECONDS]: until PID no longer exists.
wait_for_exit() {
	wait_until "${2:-$SPAWND_TEST_TIMEOUT}" _gone "$1"
}

# ---- ports and files

# free_port: print a port that is free for TCP and UDP on 127.0.0.1, ::1
# and the wildcard addresses.  Ports come from below the kernel's
# ephemeral range (so no client socket of a parallel test can take them),
# never one of the built-in configuration's ports, and each is reserved
# for ten minutes in a per-user file so that tests running in parallel
# never get the same one.  tests/lib/free-ports.py does it, for
# bench/run.sh too: they share the reservations.
free_port() {
	python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 1 "${BUILTIN_TCP_PORTS[@]}"
}

# write_config [FILE]: the config text on stdin goes to FILE (default
# $SPAWND_CONF; a relative name is taken inside $BATS_TEST_TMPDIR).
# Prints nothing; the file's path is in SPAWND_CONF when FILE is omitted.
write_config() {
	local file=${1:-$SPAWND_CONF}
	[[ $file == /* ]] || file=$BATS_TEST_TMPDIR/$file
	cat >"$file"
}

# config_globals: the global options every test config wants: logs on
# stderr (the foreground daemon's log file) and the test's pidfile.
config_globals() {
	printf 'log_target = "stderr"\npidfile = "%s"\n' "$SPAWND_PIDFILE"
}

# hello_config PORT|ADDRESS... : a complete config with one hello service
# ("hello") listening on the given addresses, names not resolved.
hello_config() {
	local a list=
	for a in "$@"; do
		list+="${list:+, }\"$a\""
	done
	config_globals
	printf 'resolve_names = false\n'
	printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {%s}\n}\n' "$list"
}

# have_ipv6: the machine has an IPv6 loopback; require_ipv6 skips otherwise.
have_ipv6() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	    2>/dev/null
}

require_ipv6() {
	have_ipv6 || skip "no IPv6 loopback (::1) on this machine"
}

# ---- the daemon

# spawnd_launch ARG...: start "$SPAWND ARG..." in the background exactly as
# given, stdin /dev/null, stdout to $BATS_TEST_TMPDIR/spawnd.out, stderr to
# $SPAWND_LOG, in directory $SPAWND_CWD (default: the current one).  Sets
# SPAWND_PID (the subshell execs, so this is spawnd's own PID).  Does not
# wait for anything.
spawnd_launch() {
	local cwd=${SPAWND_CWD:-$PWD}
	(
		[[ -n $BUILTIN_LOCK_FD ]] && exec {BUILTIN_LOCK_FD}<&-
		cd "$cwd" || exit 1
		exec "$SPAWND" "$@"
	) </dev/null >"$BATS_TEST_TMPDIR/spawnd.out" 2>>"$SPAWND_LOG" 3>&- &
	SPAWND_PID=$!
}

# start_spawnd ARG...: spawnd -f -p $SPAWND_PIDFILE ARG..., then wait until
# it is ready: the pidfile holds its PID (spawnd(8), "DESCRIPTION": written
# after every listener is bound).  Fails, with the log, if it exits first.
start_spawnd() {
	spawnd_launch -f -p "$SPAWND_PIDFILE" "$@"
	spawnd_wait_ready
}

_ready_or_dead() {
	_pidfile_has "$SPAWND_PIDFILE" "$SPAWND_PID" || _gone "$SPAWND_PID"
}

spawnd_wait_ready() {
	if ! wait_until "$SPAWND_TEST_TIMEOUT" _ready_or_dead; then
		fail "spawnd (PID $SPAWND_PID) not ready after ${SPAWND_TEST_TIMEOUT}s:" \
		    "no PID in $SPAWND_PIDFILE" "log:" "$(cat "$SPAWND_LOG")"
		return 1
	fi
	if _gone "$SPAWND_PID"; then
		wait "$SPAWND_PID" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
		SPAWND_PID=
		fail "spawnd exited with status $SPAWND_STATUS during start-up; log:" \
		    "$(cat "$SPAWND_LOG")"
		return 1
	fi
}

# is_ours PID: PID was started by this test: its environment carries
# SPAWND_TEST_OWNER=$BATS_TEST_TMPDIR (set by spawnd_setup), or, should
# spawnd clean its environment, its command line names this test's temp
# directory.
is_ours() {
	[[ $1 =~ ^[0-9]+$ ]] || return 1
	if tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" |
	    grep -qxF "SPAWND_TEST_OWNER=$BATS_TEST_TMPDIR"; then
		return 0
	fi
	local cmd
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline") || return 1
	[[ $cmd == *"$BATS_TEST_TMPDIR"* ]]
}

# our_spawnds [PID...]: the live spawnd processes this test started
# (daemons, children, re-executed images), except the given PIDs and
# their children.
our_spawnds() {
	local d pid ppid x skip comm
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		# Builtins only: this runs in every teardown.
		read -r comm 2>/dev/null <"$d/comm" || continue
		[[ $comm == spawnd ]] || continue
		is_ours "$pid" || continue
		ppid=$(awk '/^PPid:/ { print $2 }' "$d/status" 2>/dev/null)
		skip=0
		for x in "$@"; do
			[[ $pid == "$x" || $ppid == "$x" ]] && skip=1
		done
		(( skip )) || echo "$pid"
	done
}

# stop_spawnd: SIGTERM the foreground spawnd we started, wait up to
# SPAWND_TEST_TIMEOUT + 2 s, then SIGKILL.  Sets SPAWND_STATUS to its exit
# status (128+N when killed by signal N); returns 0 (assert on the status).
stop_spawnd() {
	local pid=$SPAWND_PID
	[[ -n $pid ]] || return 0
	SPAWND_PID=
	if is_ours "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		if ! wait_until $((SPAWND_TEST_TIMEOUT + 2)) _zombie_or_gone "$pid"; then
			echo "spawnd $pid ignored SIGTERM; sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" && SPAWND_STATUS=0 || SPAWND_STATUS=$?
	return 0
}

_zombie_or_gone() {
	local state
	state=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ -z $state || $state == Z* ]]
}

# track_daemon PID: remember a detached daemon for teardown.
track_daemon() {
	SPAWND_DAEMON_PIDS+=("$1")
}

# stop_pid PID: SIGTERM a detached spawnd of ours, bounded wait, SIGKILL.
# Returns 0 if it went away on SIGTERM.
stop_pid() {
	is_ours "$1" || return 0
	kill -TERM "$1" 2>/dev/null
	wait_for_exit "$1" $((SPAWND_TEST_TIMEOUT + 2)) && return 0
	echo "PID $1 ignored SIGTERM; sending SIGKILL" >&2
	kill -KILL "$1" 2>/dev/null
	wait_for_exit "$1" 2
	return 1
}

# blocker PORT: another program (not spawnd) listening on 127.0.0.1:PORT,
# for at most 115 s; stop_blocker ends it (call it from teardown).
BLOCKER_PID=
blocker() {
	local ready=$BATS_TEST_TMPDIR/blocker.ready
	timeout 120 python3 "$TESTS_LIB/tcp-blocker.py" "$1" "$ready" 115 \
	    </dev/null >/dev/null 2>&1 3>&- &
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

# ---- clients

# run_client COMMAND...: `run` COMMAND under timeout(1).
run_client() {
	run timeout "$SPAWND_CLIENT_TIMEOUT" "$@"
}

# fetch_tcp HOST PORT FILE: connect, send nothing, store every byte the
# server sends until it closes.  Returns nc's status.
fetch_tcp() {
	timeout "$SPAWND_CLIENT_TIMEOUT" nc -N "$1" "$2" </dev/null >"$3"
}

# fetch_unix PATH FILE: the same over a Unix stream socket.
fetch_unix() {
	timeout "$SPAWND_CLIENT_TIMEOUT" nc -N -U "$1" </dev/null >"$2"
}

# tcp_accepts HOST PORT: a TCP connection succeeds (and is closed at once).
tcp_accepts() {
	# shellcheck disable=SC2016 # the inner bash expands $1 and $2
	timeout 2 bash -c 'exec 5<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# name_confirms NAME ADDR: NAME is ADDR itself, or a host name that
# resolves back to ADDR (what a forward-confirmed reverse lookup gives).
name_confirms() {
	[[ $1 == "$2" ]] && return 0
	[[ $1 =~ ^[A-Za-z0-9.-]+$ ]] || return 1
	getent ahosts "$1" | awk '{ print $1 }' | grep -qxF -- "$2"
}

# assert_hello_bytes FILE NAME_ERE [crlf|any]: FILE holds exactly one line
# "Hello there, NAME, it's now DATE" ended by CRLF (or by any line end
# with "any"), NAME matching NAME_ERE, DATE in Perl's localtime format and
# within 10 s of our clock.  Sets HELLO_NAME and HELLO_DATE.
assert_hello_bytes() {
	local file=$1 name_re=$2 eol=${3:-crlf} size body tail2 when now
	size=$(stat -c %s "$file")
	if (( size == 0 )); then
		fail "nothing received"; return 1
	fi
	tail2=$(tail -c 2 "$file" | od -An -tx1 | tr -d ' \n')
	if [[ $eol == crlf ]]; then
		if [[ $tail2 != 0d0a ]]; then
			fail "line does not end with CRLF; bytes:" "$(od -c "$file")"
			return 1
		fi
		if [[ $(tr -cd '\r' <"$file" | wc -c) -ne 1 ||
		    $(tr -cd '\n' <"$file" | wc -c) -ne 1 ]]; then
			fail "expected exactly one CR and one LF; bytes:" "$(od -c "$file")"
			return 1
		fi
		body=$(head -c -2 "$file")
		if (( ${#body} + 2 != size )); then
			fail "unexpected bytes (NUL?); bytes:" "$(od -c "$file")"
			return 1
		fi
	else
		if [[ $(tr -cd '\n' <"$file" | wc -c) -ne 1 || $tail2 != *0a ]]; then
			fail "expected exactly one line; bytes:" "$(od -c "$file")"
			return 1
		fi
		body=$(tr -d '\r\n' <"$file")
	fi
	if ! [[ $body =~ ^Hello\ there,\ ($name_re),\ it\'s\ now\ ($DATE_RE)$ ]]; then
		fail "not a hello line with NAME /$name_re/:" "$(od -c "$file")"
		return 1
	fi
	HELLO_NAME=${BASH_REMATCH[1]}
	HELLO_DATE=${BASH_REMATCH[-1]}
	if ! when=$(date -d "$HELLO_DATE" +%s); then
		fail "date(1) cannot read DATE '$HELLO_DATE'"; return 1
	fi
	now=$(date +%s)
	if (( when - now > 10 || now - when > 10 )); then
		fail "DATE '$HELLO_DATE' is not our local time ($(date))"; return 1
	fi
}

# ---- the built-in configuration's fixed ports

# builtin_lock: serialize the tests that run the built-in configuration
# (fixed ports 2345-2348, 9000) across parallel test files, then skip the
# test if one of those ports is held by a program that is not ours.
builtin_lock() {
	[[ -e $BUILTIN_LOCK ]] || (umask 0; : >>"$BUILTIN_LOCK") 2>/dev/null
	exec {BUILTIN_LOCK_FD}<"$BUILTIN_LOCK" ||
	    fail "cannot open $BUILTIN_LOCK"
	flock -w 120 "$BUILTIN_LOCK_FD" ||
	    fail "waited 120 s for $BUILTIN_LOCK"
	local busy
	busy=$(python3 - "${BUILTIN_TCP_PORTS[*]}" "${BUILTIN_UDP_PORTS[*]}" <<'PY'
import socket, sys
tcp, udp = (list(map(int, a.split())) for a in sys.argv[1:3])
for typ, ports in ((socket.SOCK_STREAM, tcp), (socket.SOCK_DGRAM, udp)):
    for p in ports:
        for fam, host in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
            try:
                s = socket.socket(fam, typ)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, p))
                s.close()
            except OSError as e:
                if fam == socket.AF_INET6 and e.errno in (97, 99):
                    continue        # no IPv6
                print('%s %s:%d (%s)' % ('tcp' if typ == socket.SOCK_STREAM
                      else 'udp', host, p, e.strerror))
PY
	)
	if [[ -n $busy ]]; then
		skip "built-in configuration ports in use by another program: $busy"
	fi
}

builtin_unlock() {
	if [[ -n ${BUILTIN_LOCK_FD:-} ]]; then
		exec {BUILTIN_LOCK_FD}<&-
		BUILTIN_LOCK_FD=
	fi
}

# The default configuration file compiled into spawnd: SYSCONFDIR from
# the build tree's Makefile, prefix expanded.
default_config_path() {
	local mk=$TOP_BUILDDIR/Makefile prefix sysconfdir
	[[ -r $mk ]] || return 1
	prefix=$(sed -n 's/^prefix = //p' "$mk")
	sysconfdir=$(sed -n 's/^sysconfdir = //p' "$mk")
	# shellcheck disable=SC2016 # the Makefile's text: a literal ${prefix}
	sysconfdir=${sysconfdir//'${prefix}'/$prefix}
	[[ -n $sysconfdir ]] || return 1
	printf '%s/spawnd.conf\n' "$sysconfdir"
}

# The package version from the build tree (Makefile or config.h), else
# from configure.ac.
package_version() {
	local v
	v=$(sed -n 's/^PACKAGE_VERSION = //p' "$TOP_BUILDDIR/Makefile" 2>/dev/null)
	[[ -n $v ]] || v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
	    "$TOP_BUILDDIR/config.h" 2>/dev/null)
	[[ -n $v ]] || v=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
	    "$TOP_SRCDIR/configure.ac")
	[[ -n $v ]] && echo "$v"
}

# skip_without_valgrind: skip a test that runs spawnd under valgrind when
# valgrind is missing or the binary is built with sanitizers (ASan and
# valgrind cannot share a process).
skip_without_valgrind() {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	if ldd "$SPAWND" 2>/dev/null | grep -q 'libasan'; then
		skip "spawnd is built with AddressSanitizer; valgrind cannot run it"
	fi
}

# ---- configuration errors (spawnd -t)

# line_of FIXED_STRING [FILE]: number of the first line holding the string.
line_of() {
	local n
	n=$(grep -nF -- "$1" "${2:-$SPAWND_CONF}" | head -n 1 | cut -d: -f1)
	[[ -n $n ]] || fail "line_of: '$1' not in ${2:-$SPAWND_CONF}"
	echo "$n"
}

# expect_error ERE LINE...: "spawnd -t -c $SPAWND_CONF" exits 78, does not
# say OK, and prints "$SPAWND_CONF:N: message" with N one of the LINEs and
# a message matching ERE (case-insensitive).
expect_error() {
	local re=$1 want file_re
	shift
	want=$(IFS="|"; echo "$*")
	file_re=$(re_quote "$SPAWND_CONF")
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	if [[ $status -ne 78 ]]; then
		fail "expected exit 78, got $status; output:" "$output" \
		    "config:" "$(cat -n "$SPAWND_CONF")"
		return 1
	fi
	if [[ $output == *"configuration OK"* ]]; then
		fail "says 'configuration OK' and exits 78"
		return 1
	fi
	if ! grep -qiE -- "^${file_re}:(${want}): .*(${re})" <<<"$output"; then
		fail "expected '$SPAWND_CONF:{$want}: ...' with /$re/; output:" \
		    "$output" "config:" "$(cat -n "$SPAWND_CONF")"
		return 1
	fi
}

expect_ok() {
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	if [[ $status -ne 0 || $output != *"configuration OK"* ]]; then
		fail "expected 'configuration OK' and exit 0, got $status:" \
		    "$output" "config:" "$(cat -n "$SPAWND_CONF")"
		return 1
	fi
}
