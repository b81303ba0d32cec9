#!/usr/bin/env bats
# The exec service (spawnd.conf(5), "Service types", exec): a program per
# connection with the client socket on fds 0 and 1, fd 2 the daemon's
# stderr, nothing else open, the UCSPI variables and nothing of the
# daemon's environment but PATH and env; resource limits; what "spawnd
# -t" checks.  The real programs (git daemon, in.tftpd, rsync) are in
# 21-exec-programs.bats.

load lib/helpers
load lib/services

setup() {
	svc_setup
	PORT=$(free_port)
	# Reports what the program was given, one "KEY VALUE" per line.
	cat >"$SVC_DIR/report" <<-'PY'
	#!/usr/bin/python3
	import os, stat, sys
	out = []
	# As execve(2) passed it: python changes its own (LC_CTYPE).
	with open('/proc/self/environ', 'rb') as f:
	    env = [e.decode() for e in f.read().split(b'\0') if e]
	for e in sorted(env):
	    out.append('env ' + e)
	for fd in range(0, 256):
	    try:
	        st = os.fstat(fd)
	    except OSError:
	        continue
	    kind = 'socket' if stat.S_ISSOCK(st.st_mode) else 'other'
	    out.append('fd %d %s' % (fd, kind))
	out.append('uid %d' % os.getuid())
	sys.stdout.write(''.join(l + '\n' for l in out))
	PY
	# The exec'd program reads its own masks (awk touches no signal).  Not
	# a shell: dash blocks every signal for a moment around each wait.
	printf '#!/usr/bin/awk -f\nBEGIN { while ((getline l < "/proc/self/status") > 0) if (l ~ /^Sig(Blk|Ign):/) print l }\n' \
	    >"$SVC_DIR/sigs"
	printf '#!/bin/sh\nwhile :; do :; done\n' >"$SVC_DIR/spin"
	printf '#!/usr/bin/python3\nb = bytearray(256 << 20)\nprint("allocated")\n' \
	    >"$SVC_DIR/alloc"
	printf '#!/bin/sh\necho "to stderr: $$" >&2\necho out\n' >"$SVC_DIR/errout"
	chmod 755 "$SVC_DIR/report" "$SVC_DIR/sigs" "$SVC_DIR/spin" "$SVC_DIR/alloc" "$SVC_DIR/errout"
}

teardown() { svc_teardown; }

# exec_config NAME EXEC [MORE...]: one exec service NAME on 127.0.0.1:PORT
# running EXEC, MORE as extra lines of its section.
exec_config() {
	local name=$1 cmd=$2 line
	shift 2
	{
		svc_globals
		printf 'service %s {\n\ttype = "exec"\n\texec = "%s"\n' "$name" "$cmd"
		printf '\tlisten_stream = {"127.0.0.1:%s", "[::1]:%s", "%s/exec.sock"}\n' \
		    "$PORT" "$PORT" "$BATS_TEST_TMPDIR"
		for line in "$@"; do printf '\t%s\n' "$line"; done
		printf '}\n'
	} | write_config
}

# report_has FILE LINE: the report holds exactly that line.
report_has() {
	grep -qxF -- "$2" "$1" || fail "no line '$2' in:" "$(cat "$1")"
}

@test "exec over TCP: the UCSPI variables, PATH and env, and nothing else of the daemon's environment" {
	exec_config report "$SVC_DIR/report" 'env = {"LANG=C.UTF-8", "GREETING=hello world"}'
	# Things the daemon has that the program must not see.
	SECRET_OF_THE_DAEMON=1 NOTIFY_SOCKET=/nonexistent start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	local envs want
	envs=$(grep '^env ' "$BATS_TEST_TMPDIR/r" | cut -d= -f1 | tr '\n' ' ')
	want="env GREETING env LANG env PATH env PROTO env TCPLOCALIP env TCPLOCALPORT env TCPREMOTEIP env TCPREMOTEPORT "
	[[ $envs == "$want" ]] || fail "environment names: $envs" "want: $want" "$(cat "$BATS_TEST_TMPDIR/r")"
	report_has "$BATS_TEST_TMPDIR/r" "env PROTO=TCP"
	report_has "$BATS_TEST_TMPDIR/r" "env TCPLOCALIP=127.0.0.1"
	report_has "$BATS_TEST_TMPDIR/r" "env TCPLOCALPORT=$PORT"
	report_has "$BATS_TEST_TMPDIR/r" "env TCPREMOTEIP=127.0.0.1"
	grep -qE '^env TCPREMOTEPORT=[1-9][0-9]*$' "$BATS_TEST_TMPDIR/r" ||
	    fail "no TCPREMOTEPORT:" "$(cat "$BATS_TEST_TMPDIR/r")"
	report_has "$BATS_TEST_TMPDIR/r" "env PATH=/usr/local/bin:/usr/bin:/bin"
	report_has "$BATS_TEST_TMPDIR/r" "env GREETING=hello world"
	report_has "$BATS_TEST_TMPDIR/r" "env LANG=C.UTF-8"
	# The remote port is the client's: the log line says the same.
	local rport
	rport=$(sed -n 's/^env TCPREMOTEPORT=//p' "$BATS_TEST_TMPDIR/r")
	wait_for_log "connection from 127\.0\.0\.1 \[127\.0\.0\.1\] at port $rport on report$"
	wait_for_log "reaped [0-9]+ \(report\)$"
}

@test "exec: the client socket on fds 0 and 1, fd 2 kept, every other fd closed, every signal at its default" {
	exec_config report "$SVC_DIR/report"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	local fds
	fds=$(grep '^fd ' "$BATS_TEST_TMPDIR/r" | tr '\n' ' ')
	[[ $fds == "fd 0 socket fd 1 socket fd 2 other " ]] ||
	    fail "open fds: $fds" "$(cat "$BATS_TEST_TMPDIR/r")"
	if (( EUID == 0 )); then
		report_has "$BATS_TEST_TMPDIR/r" "uid $(id -u nobody)"
	else
		report_has "$BATS_TEST_TMPDIR/r" "uid $EUID"
	fi
	# spawnd ignores SIGPIPE and SIGALRM and blocks signals around its
	# loop; an ignored signal would survive the exec.
	stop_spawnd
	exec_config sigs "$SVC_DIR/sigs"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/s"
	local blk ign
	blk=$(sed -n 's/^SigBlk:\t//p' "$BATS_TEST_TMPDIR/s")
	ign=$(sed -n 's/^SigIgn:\t//p' "$BATS_TEST_TMPDIR/s")
	[[ $blk =~ ^[0-9a-f]{16}$ && $ign =~ ^[0-9a-f]{16}$ ]] ||
	    fail "no signal masks:" "$(cat "$BATS_TEST_TMPDIR/s")"
	(( 16#$blk == 0 )) || fail "signals blocked: $blk"
	# Signals 32 and 33 are glibc's own (no program can change them, so
	# they stay as whoever started the test left them): all but those.
	(( (16#$ign & ~(3 << 31)) == 0 )) || fail "signals ignored: $ign"
}

@test "exec with resolve_names: TCPREMOTEHOST is the confirmed name (localhost from /etc/hosts)" {
	getent hosts 127.0.0.1 | grep -qw localhost || skip "127.0.0.1 is not localhost in /etc/hosts"
	exec_config report "$SVC_DIR/report"
	sed -i 's/^resolve_names = false$/resolve_names = true/' "$SPAWND_CONF"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	report_has "$BATS_TEST_TMPDIR/r" "env TCPREMOTEHOST=localhost"
	report_has "$BATS_TEST_TMPDIR/r" "env TCPREMOTEIP=127.0.0.1"
}

@test "exec over IPv6 and a Unix socket: PROTO=TCP6 and PROTO=UNIX with the client's credentials" {
	exec_config report "$SVC_DIR/report"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp ::1 "$PORT" "$BATS_TEST_TMPDIR/r6"
	report_has "$BATS_TEST_TMPDIR/r6" "env PROTO=TCP6"
	report_has "$BATS_TEST_TMPDIR/r6" "env TCPREMOTEIP=::1"
	report_has "$BATS_TEST_TMPDIR/r6" "env TCPLOCALIP=::1"
	fetch_unix "$BATS_TEST_TMPDIR/exec.sock" "$BATS_TEST_TMPDIR/ru"
	report_has "$BATS_TEST_TMPDIR/ru" "env PROTO=UNIX"
	report_has "$BATS_TEST_TMPDIR/ru" "env UNIXREMOTEUID=$(id -u)"
	report_has "$BATS_TEST_TMPDIR/ru" "env UNIXREMOTEGID=$(id -g)"
	grep -qE '^env UNIXREMOTEPID=[1-9][0-9]*$' "$BATS_TEST_TMPDIR/ru" ||
	    fail "no UNIXREMOTEPID:" "$(cat "$BATS_TEST_TMPDIR/ru")"
	! grep -q '^env TCP' "$BATS_TEST_TMPDIR/ru" ||
	    fail "TCP variables for a Unix client:" "$(cat "$BATS_TEST_TMPDIR/ru")"
}

@test "exec /bin/cat: 200 kB of random bytes come back byte for byte" {
	exec_config cat /bin/cat
	start_spawnd -c "$SPAWND_CONF"
	head -c 200000 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	timeout 20 socat -t 5 - "TCP:127.0.0.1:$PORT,shut-down" \
	    <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" ||
	    fail "cat over spawnd changed the bytes"
	wait_for_log "reaped [0-9]+ \(cat\)$"
}

@test "exec as a list: each word one argument, blanks and empty ones intact; a string is split on blanks" {
	# shellcheck disable=SC2016 # a script of its own: it expands
	printf '#!/bin/sh\nfor a in "$@"; do printf "[%%s]\\n" "$a"; done\n' >"$SVC_DIR/args"
	chmod 755 "$SVC_DIR/args"
	local p2 p3
	p2=$(free_port)
	p3=$(free_port)
	{
		svc_globals
		printf 'service list {\n\ttype = "exec"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
		printf '\texec = {"%s", "a b", "", " c ", "\\"q\\""}\n}\n' "$SVC_DIR/args"
		printf 'service string {\n\ttype = "exec"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$p2"
		printf '\texec = "%s a  b"\n}\n' "$SVC_DIR/args"
		printf 'service shell {\n\ttype = "exec"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$p3"
		printf '\texec = {"/bin/sh", "-c", "echo one  two; echo three"}\n}\n'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/list"
	assert_bytes "$BATS_TEST_TMPDIR/list" '[a b]\n[]\n[ c ]\n["q"]\n'
	fetch_tcp 127.0.0.1 "$p2" "$BATS_TEST_TMPDIR/string"
	assert_bytes "$BATS_TEST_TMPDIR/string" '[a]\n[b]\n'
	fetch_tcp 127.0.0.1 "$p3" "$BATS_TEST_TMPDIR/shell"
	assert_bytes "$BATS_TEST_TMPDIR/shell" 'one two\nthree\n'
}

@test "exec: the program's stderr is the daemon's (-f: its log)" {
	exec_config errout "$SVC_DIR/errout"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	assert_bytes "$BATS_TEST_TMPDIR/r" 'out\n'
	wait_for_log "^to stderr: [0-9]+$"
}

@test "rlimit_cpu: a program that spins is killed by SIGXCPU; the daemon and other clients go on" {
	exec_config spin "$SVC_DIR/spin" 'rlimit_cpu = 1'
	start_spawnd -c "$SPAWND_CONF"
	timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >/dev/null
	wait_for_log "reaped [0-9]+ \(spin\) killed by signal 24$"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
	wait_for_log "connection from .* on spin$"
	# Another client is served as usual (and spins, and dies the same).
	timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >/dev/null
	wait_for_log "reaped [0-9]+ \(spin\) killed by signal 24$" 2
}

@test "rlimit_as: a program that allocates past it fails (exit 1, MemoryError); without the limit it succeeds" {
	exec_config alloc "$SVC_DIR/alloc" 'rlimit_as = 134217728'
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	[[ ! -s $BATS_TEST_TMPDIR/r ]] || fail "allocated past rlimit_as:" "$(cat "$BATS_TEST_TMPDIR/r")"
	wait_for_log "reaped [0-9]+ \(alloc\) with exit 1$"
	wait_for_log "MemoryError"
	stop_spawnd
	exec_config alloc "$SVC_DIR/alloc"
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r2"
	assert_bytes "$BATS_TEST_TMPDIR/r2" 'allocated\n'
}

@test "rlimit_as = \"64M\": the program's /proc/self/limits says 67108864 bytes" {
	printf '#!/usr/bin/awk -f\nBEGIN { while ((getline l < "/proc/self/limits") > 0) if (l ~ /^Max address space/) print l }\n' \
	    >"$SVC_DIR/aslimit"
	chmod 755 "$SVC_DIR/aslimit"
	exec_config aslimit "$SVC_DIR/aslimit" 'rlimit_as = "64M"'
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	grep -qE '^Max address space +67108864 +67108864 +bytes *$' "$BATS_TEST_TMPDIR/r" ||
	    fail "not 64 MiB:" "$(cat "$BATS_TEST_TMPDIR/r")"
}

@test "rlimit_nofile: the program cannot open more files than the limit" {
	printf '#!/usr/bin/python3\nimport os\nn = 0\ntry:\n    while n < 100:\n        os.open("/dev/null", os.O_RDONLY)\n        n += 1\nexcept OSError as e:\n    print("stopped", e.errno)\nprint("opened", n)\n' \
	    >"$SVC_DIR/openmany"
	chmod 755 "$SVC_DIR/openmany"
	exec_config openmany "$SVC_DIR/openmany" 'rlimit_nofile = 16'
	start_spawnd -c "$SPAWND_CONF"
	fetch_tcp 127.0.0.1 "$PORT" "$BATS_TEST_TMPDIR/r"
	# EMFILE (24) once 16 fds are open: 0-2 and 13 more.
	assert_bytes "$BATS_TEST_TMPDIR/r" 'stopped 24\nopened 13\n'
}

@test "exec: a program that exits non-zero, or cannot be executed any more, is logged; the daemon serves on" {
	printf '#!/bin/sh\nexit 3\n' >"$SVC_DIR/three"
	chmod 755 "$SVC_DIR/three"
	exec_config three "$SVC_DIR/three"
	start_spawnd -c "$SPAWND_CONF"
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >/dev/null
	wait_for_log "reaped [0-9]+ \(three\) with exit 3$"
	# Gone after -t checked it: the child says so and exits 127.
	rm "$SVC_DIR/three"
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >/dev/null
	wait_for_log "three: exec $(re_quote "$SVC_DIR/three"): No such file or directory$"
	wait_for_log "reaped [0-9]+ \(three\) with exit 127$"
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "spawnd -t checks exec services: FILE:LINE and exit 78 for each mistake" {
	local bad where
	# OPTION LINE|MESSAGE|where: "option" (its own line) or "section"
	# (what the type checks on disk is reported at the section).
	for bad in 'exec = "relative/prog"|must be an absolute path|option' \
	    'exec = "/nonexistent/prog"|No such file|section' \
	    'exec = "/etc/passwd"|Permission denied|section' \
	    'exec = "/usr/bin"|not a regular file|section' \
	    'exec = ""|absolute path|option' \
	    "exec = \"/bin/cat$(printf ' x%.0s' {1..32})\"|more than 32 words|option" \
	    "exec = {\"/bin/cat\"$(printf ', \"x\"%.0s' {1..32})}|more than 32 words|option" \
	    'exec = {"cat", "-u"}|exec "cat": the program must be an absolute path|option' \
	    'exec = {"/nonexistent/prog", "a b"}|No such file|section' \
	    'env = {"NOEQUALS"}|not NAME=VALUE|option' \
	    'env = {"1X=y"}|cannot start with a digit|option' \
	    'env = {"PROTO=UDP"}|sets this variable|option' \
	    'env = {"TCPREMOTEIP=1.2.3.4"}|sets this variable|option' \
	    'env = {"A=1", "A=2"}|the same name twice|option' \
	    'rlimit_cpu = 100000|must be from 0 to 86400|option' \
	    'rlimit_as = 4096|at least 1048576|option' \
	    'rlimit_as = "64MB"|rlimit_as: invalid size "64MB"|option' \
	    'rlimit_as = 100T|must be from 0 to 70368744177664|option' \
	    'rlimit_nofile = 3|0 or at least 8|option' \
	    'listen_datagram = {"127.0.0.1:9"}|needs wait = true|option' \
	    'wait = true allow = {"127.0.0.1"}|wait = true: allow, deny and per_source|option'; do
		{
			svc_globals
			printf 'service x {\n\ttype = "exec"\n'
			[[ ${bad%%|*} == exec* ]] || printf '\texec = "/bin/cat"\n'
			printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
			printf '\t%s\n' "${bad%%|*}"
			printf '}\n'
		} | write_config
		where=$(line_of "${bad%% *} =")
		[[ ${bad##*|} == option ]] || where=$(line_of 'service x')
		bad=${bad%|*}
		expect_error "${bad#*|}" "$where" || return 1
	done
	{
		svc_globals
		printf 'service x {\n\ttype = "exec"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$PORT"
	} | write_config
	expect_error "needs exec = " "$(line_of 'service x')"
	for bad in exec env wait; do
		{
			svc_globals
			printf 'service x {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n' "$PORT"
			case $bad in
			exec) printf '\texec = "/bin/cat"\n' ;;
			env)  printf '\tenv = {"A=b"}\n' ;;
			wait) printf '\twait = true\n' ;;
			esac
			printf '}\n'
		} | write_config
		expect_error "$bad: only for type exec" "$(line_of "$bad =")" || return 1
	done
}

@test "spawnd -t as root: a program the service's user cannot execute is refused" {
	(( EUID == 0 )) || skip "needs root (the check runs as the service's user)"
	install -m 0700 /bin/true "$SVC_DIR/rootonly"
	exec_config x "$SVC_DIR/rootonly"
	expect_error "is not executable by user nobody" "$(line_of 'service x')"
}
