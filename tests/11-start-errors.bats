#!/usr/bin/env bats
# Start-up errors that name the fix (spawnd(8), DIAGNOSTICS and FILES):
# a bind that fails names the service and its configuration line, with
# the fix when there is one (a port below 1024 without privilege, a
# spawnd already running); the built-in configuration and the source
# tree's cookies only for the binary of a build tree; a daemon that
# would log to a /dev/log nobody reads says so before it detaches.

# shellcheck disable=SC2154 # status, stderr: set by bats' run

load lib/helpers
load lib/devlog

teardown() {
	stop_blocker
	[[ -z ${DEVLOG_HOLDER:-} ]] || devlog_teardown
	[[ -n ${LOW_DIR:-} && $LOW_DIR == /tmp/spawnd-lowport.* ]] && rm -rf -- "$LOW_DIR"
	spawnd_teardown
}

# The source directory the build tree's marker names.
source_tree() {
	cat "$(dirname "$SPAWND")/spawnd.source-tree"
}

# installed_copy: the binary copied where no marker is, as an installed
# one is; its path in INSTALLED.
installed_copy() {
	mkdir -p "$BATS_TEST_TMPDIR/sbin"
	INSTALLED=$BATS_TEST_TMPDIR/sbin/spawnd
	cp "$SPAWND" "$INSTALLED"
}

@test "an address in use at start: the service, its config line, the address and errno; exit 69, -f and daemon" {
	local p1 p2 line mode
	p1=$(free_port)
	p2=$(free_port)
	blocker "$p2"
	{
		config_globals
		printf '# the second address is taken\nservice greet {\n\ttype = "hello"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s",\n\t    "127.0.0.1:%s"}\n}\n' "$p1" "$p2"
	} | write_config
	line=$(line_of "127.0.0.1:$p2\"")
	for mode in -f daemon; do
		run --separate-stderr timeout 10 "$SPAWND" ${mode/daemon/} -c "$SPAWND_CONF" -p "$SPAWND_PIDFILE"
		[[ $status -eq 69 ]] || fail "$mode: exit $status, not 69:" "$stderr"
		[[ $stderr =~ (^|: )$(re_quote "$SPAWND_CONF"):$line:\ service\ \"greet\":\ 127\.0\.0\.1:$p2:\ bind:\ Address\ already\ in\ use$ ]] ||
		    fail "$mode: expected FILE:$line: service \"greet\": ADDRESS: bind: errno, got:" "$stderr"
		[[ ! -e $SPAWND_PIDFILE ]] || fail "$mode: the pidfile was left behind"
	done
}

@test "a port below 1024 as a user without privilege: the hint names root and CAP_NET_BIND_SERVICE, exit 71" {
	[[ $(id -u) -eq 0 ]] || skip "needs root to run spawnd as nobody"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	(( $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) > 13 )) ||
	    skip "every user may bind port 13 here (net.ipv4.ip_unprivileged_port_start)"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups test -x "$SPAWND" ||
	    skip "user nobody cannot execute $SPAWND"
	# World-readable and outside $BATS_TEST_TMPDIR (mode 700 above it).
	LOW_DIR=$(mktemp -d /tmp/spawnd-lowport.XXXXXX)
	chmod 755 "$LOW_DIR"
	chown nobody "$LOW_DIR"
	printf 'log_target = "stderr"\nservice daytime {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:13"}\n}\n' \
	    >"$LOW_DIR/low.conf"
	run --separate-stderr timeout 10 setpriv --reuid=nobody --regid="$(id -g nobody)" \
	    --clear-groups --inh-caps=-all "$SPAWND" -f -c "$LOW_DIR/low.conf" -p "$LOW_DIR/spawnd.pid"
	[[ $status -eq 71 ]] || fail "exit $status, not 71:" "$stderr"
	[[ $stderr == *"$LOW_DIR/low.conf:4: service \"daytime\": 127.0.0.1:13: bind: Permission denied (ports below $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) need root or CAP_NET_BIND_SERVICE)" ]] ||
	    fail "no hint about root or CAP_NET_BIND_SERVICE:" "$stderr"
	[[ ! -e $LOW_DIR/spawnd.pid ]] || fail "the pidfile was left behind"
}

@test "an address a running spawnd holds: 'spawnd is already running as PID N, pidfile PATH'; its own pidfile held: 'already running as PID N'" {
	local port other=$BATS_TEST_TMPDIR/other.pid first mode
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	first=$SPAWND_PID
	# Another pidfile (-p), the same address: the configuration's
	# pidfile, which the first one holds, says who has it.
	for mode in -f daemon; do
		run --separate-stderr timeout 10 "$SPAWND" ${mode/daemon/} -c "$SPAWND_CONF" -p "$other"
		[[ $status -eq 69 ]] || fail "$mode: exit $status, not 69:" "$stderr"
		[[ $stderr == *"127.0.0.1:$port: bind: Address already in use (spawnd is already running as PID $first, pidfile $SPAWND_PIDFILE)" ]] ||
		    fail "$mode: expected the running spawnd named:" "$stderr"
		[[ ! -e $other ]] || fail "$mode: $other was left behind"
	done
	# The very pidfile it would write: refused before binding, with the PID.
	run --separate-stderr timeout 10 "$SPAWND" -f -c "$SPAWND_CONF"
	[[ $status -eq 69 ]] || fail "same pidfile: exit $status, not 69:" "$stderr"
	[[ $stderr == *"already running as PID $first (pidfile $SPAWND_PIDFILE)" ]] ||
	    fail "same pidfile: expected 'already running as PID $first':" "$stderr"
	[[ $stderr != *bind* ]] || fail "it tried to bind:" "$stderr"
	# The first one saw nothing of it and still serves.
	[[ $(<"$SPAWND_PIDFILE") == "$first" ]] || fail "the pidfile changed"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "a stale pidfile (nobody holds its lock) adds no 'already running' to an address in use" {
	local port
	port=$(free_port)
	blocker "$port"
	hello_config "127.0.0.1:$port" | write_config
	echo $$ >"$SPAWND_PIDFILE"	# a live PID, but no lock
	run --separate-stderr timeout 10 "$SPAWND" -f -c "$SPAWND_CONF" -p "$BATS_TEST_TMPDIR/other.pid"
	[[ $status -eq 69 ]] || fail "exit $status, not 69:" "$stderr"
	[[ $stderr == *"127.0.0.1:$port: bind: Address already in use" ]] ||
	    fail "expected the plain error:" "$stderr"
}

@test "a reload refused for a taken address names the service and its line" {
	local p1 p2 line pid
	p1=$(free_port)
	p2=$(free_port)
	hello_config "127.0.0.1:$p1" | write_config
	start_spawnd -c "$SPAWND_CONF"
	pid=$SPAWND_PID
	blocker "$p2"
	{
		hello_config "127.0.0.1:$p1"
		printf 'service late {\n\ttype = "daytime"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$p2"
	} | write_config
	line=$(line_of "127.0.0.1:$p2\"")
	kill -HUP "$pid"
	wait_for_log "^spawnd\[$pid\]: reload refused: $(re_quote "$SPAWND_CONF"):$line: service \"late\": 127\.0\.0\.1:$p2: bind: Address already in use; still running with the old configuration$"
}

@test "the build tree's binary without a config file: the built-in configuration, said in one line on stderr" {
	local default
	default=$(default_config_path) || skip "cannot tell the compiled-in default config path"
	[[ ! -e $default ]] || skip "$default exists on this machine"
	run --separate-stderr timeout 10 "$SPAWND" -t
	assert_status 0
	[[ $output == "configuration OK" ]] || fail "-t: $output"
	[[ $stderr == "spawnd: no $default: running the built-in configuration (loopback ports 2345-2348 and 9000, ./catsock), for trying spawnd from its build tree" ]] ||
	    fail "expected the one line about the built-in configuration:" "$stderr"
}

@test "an installed binary without a config file exits 78 naming it, and makes no file where it runs" {
	local default
	default=$(default_config_path) || skip "cannot tell the compiled-in default config path"
	[[ ! -e $default ]] || skip "$default exists on this machine"
	installed_copy
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	for args in -t -f ""; do
		# shellcheck disable=SC2086 # no argument for the empty case
		run --separate-stderr timeout 10 "$INSTALLED" $args
		[[ $status -eq 78 ]] || fail "'spawnd $args': exit $status, not 78:" "$stderr"
		[[ $stderr == *"$default: No such file or directory (the built-in configuration is only for trying spawnd from its build tree)" ]] ||
		    fail "'spawnd $args': expected the missing file named:" "$stderr"
	done
	[[ -z $(ls -A) ]] || fail "files made where it ran: $(ls -A)"
}

@test "a fortune file not installed yet: the build tree's binary names the source tree's, an installed one does not" {
	local src
	src=$(source_tree)
	printf 'service f {\n\ttype = "fortune"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$(free_port)" |
	    write_config
	run --separate-stderr timeout 10 "$SPAWND" -t -c "$SPAWND_CONF"
	[[ $status -ne 0 ]] || skip "the compiled-in fortune file is installed on this machine"
	[[ $status -eq 78 ]] || fail "exit $status, not 78:" "$stderr"
	[[ $stderr =~ ^$(re_quote "$SPAWND_CONF"):1:\ service\ \"f\":\ missing\ fortune\ file\ /[^\ ]+/fortunes\ \(not\ installed\ yet:\ set\ fortune_file\ =\ \"$(re_quote "$src/etc/fortunes")\",\ or\ make\ install\)$ ]] ||
	    fail "expected the source tree's cookie file named:" "$stderr"
	# The fix it names works.
	{
		printf 'fortune_file = "%s/etc/fortunes"\n' "$src"
		# As root the children would be nobody, who may not reach it.
		[[ $(id -u) -ne 0 ]] || printf 'user = "root"\ngroup = "root"\n'
		cat "$SPAWND_CONF"
	} >"$BATS_TEST_TMPDIR/fixed.conf"
	run timeout 10 "$SPAWND" -t -c "$BATS_TEST_TMPDIR/fixed.conf"
	assert_status 0
	installed_copy
	run --separate-stderr timeout 10 "$INSTALLED" -t -c "$SPAWND_CONF"
	[[ $status -eq 78 && $stderr == *"missing fortune file "* ]] ||
	    fail "installed copy: exit $status:" "$stderr"
	[[ $stderr != *"not installed yet"* ]] || fail "an installed binary gave the build tree's hint:" "$stderr"
}

@test "the binary holds no build path: the build tree is known from src/spawnd.source-tree only" {
	if ldd "$SPAWND" 2>/dev/null | grep -q libasan; then
		skip "AddressSanitizer records source paths in the binary"
	fi
	command -v strip >/dev/null || skip "no strip(1)"
	local src
	src=$(source_tree)
	[[ $src == /* && -f $src/etc/fortunes ]] || fail "the marker names no source tree: $src"
	# Debug information names the sources; the package strips it.
	strip -o "$BATS_TEST_TMPDIR/stripped" "$SPAWND"
	! grep -qaF -- "$src" "$BATS_TEST_TMPDIR/stripped" ||
	    fail "the binary embeds the source path $src"
	! grep -qaF -- "$TOP_BUILDDIR" "$BATS_TEST_TMPDIR/stripped" ||
	    fail "the binary embeds the build path $TOP_BUILDDIR"
}

@test "daemon mode with syslog and no listener on /dev/log: a warning on stderr before detaching; none with a listener" {
	devlog_setup
	local port pid
	port=$(free_port)
	{
		printf 'pidfile = "%s"\n' "$SPAWND_PIDFILE"
		printf 'service hello {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$port"
	} | write_config
	in_ns timeout 10 "$SPAWND" -c "$SPAWND_CONF" 2>"$BATS_TEST_TMPDIR/with.err" 3>&- ||
	    fail "start with a listener failed:" "$(cat "$BATS_TEST_TMPDIR/with.err")"
	pid=$(<"$SPAWND_PIDFILE")
	track_daemon "$pid"
	[[ ! -s $BATS_TEST_TMPDIR/with.err ]] ||
	    fail "a warning although /dev/log is read:" "$(cat "$BATS_TEST_TMPDIR/with.err")"
	stop_pid "$pid"
	# As in a chroot or a container: no /dev/log at all.
	in_ns rm /dev/log
	in_ns timeout 10 "$SPAWND" -c "$SPAWND_CONF" 2>"$BATS_TEST_TMPDIR/without.err" 3>&- ||
	    fail "start without /dev/log failed:" "$(cat "$BATS_TEST_TMPDIR/without.err")"
	pid=$(<"$SPAWND_PIDFILE")
	track_daemon "$pid"
	[[ $(cat "$BATS_TEST_TMPDIR/without.err") == 'spawnd: warning: /dev/log: No such file or directory; logs will be lost (use -f to log to stderr)' ]] ||
	    fail "expected one warning line:" "$(cat "$BATS_TEST_TMPDIR/without.err")"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '[A-Za-z0-9.-]+'
	# spawnd -r starts nothing: its outcome alone, no warning.
	in_ns timeout 70 "$SPAWND" -r -c "$SPAWND_CONF" >"$BATS_TEST_TMPDIR/r.out" \
	    2>"$BATS_TEST_TMPDIR/r.err" 3>&- ||
	    fail "-r failed:" "$(cat "$BATS_TEST_TMPDIR/r.out" "$BATS_TEST_TMPDIR/r.err")"
	[[ $(<"$BATS_TEST_TMPDIR/r.out") == "reloaded, PID $pid" ]] ||
	    fail "-r said:" "$(cat "$BATS_TEST_TMPDIR/r.out")"
	[[ ! -s $BATS_TEST_TMPDIR/r.err ]] || fail "-r warned:" "$(cat "$BATS_TEST_TMPDIR/r.err")"
	# In the foreground the log is stderr: nothing to warn about.
	stop_pid "$pid"
	SPAWND_PID=
	in_ns timeout 10 "$SPAWND" -t -c "$SPAWND_CONF" >/dev/null 2>"$BATS_TEST_TMPDIR/t.err" 3>&-
	[[ ! -s $BATS_TEST_TMPDIR/t.err ]] || fail "-t warned:" "$(cat "$BATS_TEST_TMPDIR/t.err")"
}
