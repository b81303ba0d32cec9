#!/usr/bin/env bats
# spawnd-migrate(8): xinetd's configuration as spawnd.conf sections.
# Real input: Debian's xinetd package's own xinetd.conf and
# /etc/xinetd.d files, amanda-common's and csync2's (copies under
# tests/lib/xinetd, see its README).  Their conversion passes spawnd -t
# and serves, with one honest edit by the test: every listen address is
# moved to 127.0.0.1 and a free port, the disabled ones enabled, and a
# program that is not installed here replaced by a stand-in that prints
# its argv.  Then what is not converted, the exit statuses, the errors.

load lib/helpers
load lib/services

setup() {
	svc_setup
	: "${SPAWND_MIGRATE:=$TOP_BUILDDIR/src/spawnd-migrate}"
	[[ -x $SPAWND_MIGRATE ]] ||
	    fail "SPAWND_MIGRATE=$SPAWND_MIGRATE is not an executable (build first)"
	FIX=$TOP_SRCDIR/tests/lib/xinetd
	OUT=$BATS_TEST_TMPDIR/migrated.conf
}

teardown() { svc_teardown; }

# migrate ARG...: run spawnd-migrate, stdout in $output, stderr in $stderr.
migrate() {
	run --separate-stderr timeout 10 "$SPAWND_MIGRATE" "$@"
}

# migrate_error STATUS FILE:LINE MESSAGE-ERE ARG...: spawnd-migrate ARG...
# exits STATUS, prints nothing on stdout, and "FILE:LINE: ..." matching
# the ERE on stderr.
migrate_error() {
	local want=$1 where=$2 re=$3
	shift 3
	migrate "$@"
	(( status == want )) || fail "status $status, not $want" "$stderr" "$output"
	[[ -z $output ]] || fail "stdout: $output"
	[[ $stderr =~ ^spawnd-migrate:\ $(re_quote "$where"):\ .*($re) ]] ||
	    fail "stderr: $stderr" "wanted $where: /$re/"
}

# debian_conf: Debian's xinetd.conf, its includedir pointed at the copies
# of /etc/xinetd.d, and a "bind = 127.0.0.1" added to its (empty)
# defaults section; prints the copy's path.
debian_conf() {
	local conf=$BATS_TEST_TMPDIR/xinetd.conf
	sed -e "s|^includedir /etc/xinetd.d\$|includedir $FIX/xinetd.d|" \
	    -e 's|^{$|{\n\tbind = 127.0.0.1|' "$FIX/xinetd.conf" >"$conf"
	grep -q "^includedir $FIX/xinetd.d\$" "$conf" || fail "no includedir in $conf"
	grep -q '^	bind = 127.0.0.1$' "$conf" || fail "no defaults section in $conf"
	echo "$conf"
}

# localize IN OUT: the converted IN with every listen address on
# 127.0.0.1 and a free port of its own, and no "enabled = false"; OUT.ports
# says which: "SECTION tcp|udp PORT" lines.
localize() {
	local n
	n=$(grep -c '^[[:space:]]*listen_' "$1")
	python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" "$n" \
	    "${BUILTIN_TCP_PORTS[@]}" | tr ' ' '\n' >"$2.free"
	awk -v ports="$2.free" -v map="$2.ports" '
		/^service / { name = $2; gsub(/"/, "", name) }
		/^[ \t]*enabled = false$/ { next }
		/^[ \t]*listen_(stream|datagram) = / {
			getline p < ports
			kind = ($1 ~ /stream/) ? "tcp" : "udp"
			sub(/\{.*\}/, "{\"127.0.0.1:" p "\"}")
			print name, kind, p > map
		}
		{ print }' "$1" >"$2"
}

# port_of SECTION tcp|udp: its port from $OUT.ports.
port_of() {
	awk -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }' "$OUT.ports"
}

# serve FILE: FILE after the globals as the configuration; -t, then start.
serve() {
	{ svc_globals; cat "$1"; } | write_config
	run "$SPAWND" -t -c "$SPAWND_CONF"
	[[ $status -eq 0 && $output == "configuration OK" ]] ||
	    fail "spawnd -t: $status" "$output" "$(cat -n "$SPAWND_CONF")"
	start_spawnd -c "$SPAWND_CONF"
}

trivial() {
	timeout 30 python3 "$TESTS_LIB/trivial-client.py" "$@"
}

@test "Debian's xinetd.conf: its includedir and defaults read, all but xinetd's own servers and services converted (exit 1)" {
	migrate "$(debian_conf)"
	(( status == 1 )) || fail "status $status, stderr: $stderr" "$output"
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output_has "# not converted: service servers ($FIX/xinetd.d/servers:4): type = INTERNAL UNLISTED ("
	assert_output_has "# not converted: service services ($FIX/xinetd.d/services:4): type = INTERNAL UNLISTED ("
	(( $(grep -c '^# not converted' <<<"$output") == 2 )) ||
	    fail "more not converted than servers and services:" "$output"
	# The tcp and udp entries of one file, told apart by their id, are
	# one section; the -udp files' entries (id *-dgram) one each.
	local t names
	names=$(sed -nE 's/^service "([^"]+)" \{$/\1/p' <<<"$output" | sort | tr '\n' ' ')
	[[ $names == "chargen chargen-dgram daytime daytime-dgram discard discard-dgram echo echo-dgram time time-dgram " ]] ||
	    fail "sections: $names"
	for t in echo discard chargen daytime time; do
		grep -A4 "^service \"$t\" {" <<<"$output" | grep -q "type = $t" ||
		    fail "no type $t in section $t"
	done
	# The defaults' bind, the ports of /etc/services and the -udp files'.
	assert_output_has $'\tlisten_stream = {"127.0.0.1:7"}\n\tlisten_datagram = {"127.0.0.1:7"}'
	assert_output_has $'\tlisten_datagram = {"127.0.0.1:37"}'
	(( $(grep -c 'enabled = false' <<<"$output") == 10 )) ||
	    fail "every one of Debian's services is disabled there: $output"
}

@test "Debian's xinetd.conf converted passes spawnd -t and serves every service: echo, discard, chargen, daytime, time over TCP and UDP" {
	migrate "$(debian_conf)"
	(( status == 1 )) || fail "status $status: $stderr"
	echo "$output" >"$OUT.raw"
	localize "$OUT.raw" "$OUT"
	serve "$OUT"
	run trivial echo-tcp "$(port_of echo tcp)" 65536
	assert_status 0
	run trivial echo-udp "$(port_of echo udp)" 0,1,512
	assert_status 0
	run trivial echo-udp "$(port_of echo-dgram udp)" 100
	assert_status 0
	run trivial discard-tcp "$(port_of discard tcp)" 65536
	assert_status 0
	run trivial discard-udp "$(port_of discard-dgram udp)"
	assert_status 0
	run trivial chargen-tcp "$(port_of chargen tcp)" 20000
	assert_status 0
	run trivial chargen-udp "$(port_of chargen-dgram udp)" 5
	assert_status 0
	fetch_tcp 127.0.0.1 "$(port_of daytime tcp)" "$BATS_TEST_TMPDIR/day" ||
	    fail "daytime over TCP"
	[[ $(<"$BATS_TEST_TMPDIR/day") =~ ^$DATE_RE$'\r'$ ]] ||
	    fail "daytime: $(svc_dump "$BATS_TEST_TMPDIR/day")"
	udp_ask 127.0.0.1 "$(port_of daytime-dgram udp)" "$BATS_TEST_TMPDIR/dayu"
	[[ $(<"$BATS_TEST_TMPDIR/dayu") =~ ^$DATE_RE$'\r'$ ]] ||
	    fail "daytime over UDP: $(svc_dump "$BATS_TEST_TMPDIR/dayu")"
	fetch_tcp 127.0.0.1 "$(port_of time tcp)" "$BATS_TEST_TMPDIR/time" ||
	    fail "time over TCP"
	(( $(stat -c %s "$BATS_TEST_TMPDIR/time") == 4 )) || fail "time: not 4 bytes"
	udp_ask 127.0.0.1 "$(port_of time udp)" "$BATS_TEST_TMPDIR/timeu"
	(( $(stat -c %s "$BATS_TEST_TMPDIR/timeu") == 4 )) || fail "time over UDP: not 4 bytes"
}

@test "each of Debian's xinetd.d files alone converts fully: exit 0, nothing left out" {
	local f
	for f in echo echo-udp discard discard-udp chargen chargen-udp \
	    daytime daytime-udp time time-udp; do
		migrate "$FIX/xinetd.d/$f"
		(( status == 0 )) || fail "$f: status $status" "$stderr" "$output"
		[[ $output != *"not converted"* ]] || fail "$f:" "$output"
		grep -q '^service ' <<<"$output" || fail "$f: no section"
	done
}

@test "amanda-common's and csync2's xinetd files convert fully, pass -t and run their program with xinetd's argv" {
	migrate "$FIX/amanda" "$FIX/csync2"
	(( status == 0 )) || fail "status $status" "$stderr" "$output"
	# flags = IPv4: the IPv4 wildcard; xinetd's argv[0] is the file name.
	assert_output_has $'\tlisten_stream = {"0.0.0.0:10080"}'
	assert_output_has $'\texec = "/usr/lib/amanda/amandad -auth=bsdtcp amdump amindexd amidxtaped senddiscover"\n\texec_argv0 = "amandad"'
	assert_output_has $'\tuser = "backup"\n\tgroup = "disk"'
	assert_output_has $'\tlisten_stream = {"30865"}'
	assert_output_has $'\texec = "/usr/sbin/csync2 -i -l"\n\texec_argv0 = "csync2"'
	# Neither program is installed here: a stand-in prints the argv[0]
	# it was given (python's orig_argv; a #! script's $0 is its path)
	# and its arguments.
	printf 'import sys\nprint(" ".join([sys.orig_argv[0]] + sys.argv[1:]))\n' \
	    >"$SVC_DIR/argv.py"
	chmod 644 "$SVC_DIR/argv.py"
	sed -E "s|exec = \"/usr/[a-z/]+/[a-z0-9]+ |exec = \"/usr/bin/python3 $SVC_DIR/argv.py |" \
	    <<<"$output" >"$OUT.raw"
	(( $(grep -c argv.py "$OUT.raw") == 2 )) || fail "stand-in not put in: $(cat "$OUT.raw")"
	localize "$OUT.raw" "$OUT"
	serve "$OUT"
	fetch_tcp 127.0.0.1 "$(port_of amanda tcp)" "$BATS_TEST_TMPDIR/a" || fail "amanda"
	[[ $(<"$BATS_TEST_TMPDIR/a") == "amandad -auth=bsdtcp amdump amindexd amidxtaped senddiscover" ]] ||
	    fail "amanda: $(<"$BATS_TEST_TMPDIR/a")"
	fetch_tcp 127.0.0.1 "$(port_of csync2 tcp)" "$BATS_TEST_TMPDIR/c" || fail "csync2"
	[[ $(<"$BATS_TEST_TMPDIR/c") == "csync2 -i -l" ]] || fail "csync2: $(<"$BATS_TEST_TMPDIR/c")"
}

@test "what spawnd cannot say is a '# not converted:' line with the reason (exit 1); what it can is mapped, and the output passes -t" {
	cat >"$BATS_TEST_TMPDIR/finger" <<-'EOF'
	# An xinetd service with most of what xinetd has.
	service finger
	{
		socket_type	= stream
		protocol	= tcp
		wait		= no
		user		= nobody
		group		= nogroup
		server		= /bin/true
		server_args	= in.fingerd -w
		flags		= NAMEINARGS KEEPALIVE IPv4
		bind		= 127.0.0.1
		port		= 7979
		only_from	= 127.0.0.1 10.0.0.0 192.168.{1,2} trusted.example.org
		no_access	= 10.1.0.0/16 badhost.example.org
		instances	= 20
		per_source	= 3
		cps		= 25 30
		env		= LANG=C.UTF-8 HOME=$HOME
		passenv		= PATH
		log_on_success	= PID HOST EXIT DURATION
		log_on_failure	+= USERID
		log_type	= SYSLOG daemon info
		rlimit_as	= 64M
		rlimit_cpu	= 20
		rlimit_files	= 64
		rlimit_stack	= 1M
		nice		= 10
		umask		= 022
		access_times	= 08:00-18:00
		banner		= /etc/issue.net
		groups		= no
		port		= 79
		mdns		= yes
		colour		= blue
	}
	EOF
	migrate "$BATS_TEST_TMPDIR/finger"
	(( status == 1 )) || fail "status $status" "$stderr" "$output"
	local want
	for want in \
	    $'\tlisten_stream = {"127.0.0.1:7979"}' \
	    $'\texec = "/bin/true -w"\n\texec_argv0 = "in.fingerd"' \
	    $'\tuser = "nobody"' $'\tgroup = "nogroup"' \
	    $'\tmax_instances = 20' $'\tper_source = 3' $'\trate = 25' \
	    $'\tenv = {"LANG=C.UTF-8", \'HOME=$HOME\'}' \
	    $'\trlimit_as = 67108864' $'\trlimit_cpu = 20' $'\trlimit_nofile = 64' \
	    $'\tallow = {"127.0.0.1", "10.0.0.0/8", "192.168.1.0/24", "192.168.2.0/24"}' \
	    $'\tdeny = {"10.1.0.0/16"}' \
	    '# cps = 25 30: over the rate spawnd refuses the connection, and does not pause the service for 30 s' \
	    '# not converted: flags = KEEPALIVE (spawnd sets no SO_KEEPALIVE on client sockets)' \
	    '# not converted: only_from = trusted.example.org (spawnd matches numeric addresses and blocks only: this one is refused)' \
	    '# not converted: no_access = badhost.example.org (spawnd matches numeric addresses and blocks only: this one is not refused)' \
	    '# not converted: passenv = PATH (spawnd passes none of its own environment' \
	    '# not converted: log_on_success = DURATION (spawnd logs no duration' \
	    '# not converted: log_on_failure = USERID (spawnd makes no RFC 1413 ident query)' \
	    '# not converted: log_type = SYSLOG daemon info (' \
	    '# not converted: rlimit_stack = 1M (' '# not converted: nice = 10 (' \
	    '# not converted: umask = 022 (' '# not converted: access_times = 08:00-18:00 (' \
	    '# not converted: banner = /etc/issue.net (' \
	    '# not converted: groups = no (spawnd always gives a child its user'"'"'s supplementary groups' \
	    '# not converted: port = 79 (xinetd takes one '"'"'='"'"' for it, and ignores this line)' \
	    '# not converted: mdns = yes (' \
	    '# not converted: colour = blue (not an attribute xinetd knows; it ignores it)'; do
		assert_output_has "$want"
	done
	{ svc_globals; echo "$output"; } | write_config
	expect_ok
}

@test "a defaults section applies to every service: lists add up with +=, are replaced by =, less with -=; limits are the service's own or the defaults'" {
	mkdir "$BATS_TEST_TMPDIR/d"
	cat >"$BATS_TEST_TMPDIR/xinetd.conf" <<-EOF
	defaults
	{
		only_from	= 127.0.0.1
		only_from	= 127.0.0.2
		instances	= 7
		log_on_success	=
		disabled	= gone
	}
	includedir $BATS_TEST_TMPDIR/d
	EOF
	local svc
	for svc in one two three gone; do
		{
			printf 'service echo\n{\n\ttype = INTERNAL\n\tid = %s\n' "$svc"
			printf '\tsocket_type = stream\n\twait = no\n'
			case $svc in
			one) printf '\tonly_from += 10.0.0.0/8\n' ;;
			two) printf '\tonly_from = 192.0.2.1\n\tinstances = 9\n' ;;
			three) printf '\tonly_from -= 127.0.0.1\n' ;;
			esac
			printf '}\n'
		} >"$BATS_TEST_TMPDIR/d/$svc"
	done
	# Not read: a name with a dot, or ending in ~ (xinetd's rule).
	printf 'service bad\n' >"$BATS_TEST_TMPDIR/d/one.dpkg-old"
	printf 'service bad\n' >"$BATS_TEST_TMPDIR/d/one~"
	migrate "$BATS_TEST_TMPDIR/xinetd.conf"
	(( status == 0 )) || fail "status $status" "$stderr" "$output"
	grep -A9 '^service "one"' <<<"$output" |
	    grep -qF $'allow = {"127.0.0.1", "127.0.0.2", "10.0.0.0/8"}' || fail "one: $output"
	grep -A9 '^service "one"' <<<"$output" | grep -qF 'max_instances = 7' || fail "one: $output"
	grep -A9 '^service "one"' <<<"$output" | grep -qF 'log_connections = false' || fail "one: $output"
	grep -A9 '^service "two"' <<<"$output" | grep -qF 'allow = {"192.0.2.1"}' || fail "two: $output"
	grep -A9 '^service "two"' <<<"$output" | grep -qF 'max_instances = 9' || fail "two: $output"
	grep -A9 '^service "three"' <<<"$output" | grep -qF 'allow = {"127.0.0.2"}' || fail "three: $output"
	grep -A3 '^service "gone"' <<<"$output" | grep -qF 'enabled = false' || fail "gone: $output"
	# In the C locale's order of the file names.
	[[ $(grep -o '^service "[a-z]*"' <<<"$output" | tr '\n' ' ') == 'service "gone" service "one" service "three" service "two" ' ]] ||
	    fail "order: $output"
}

@test "bad input: FILE:LINE and exit 78 for xinetd syntax, 66 for a file or directory that cannot be read, 64 for a bad option" {
	local f=$BATS_TEST_TMPDIR/x
	printf '# no end\nservice a\n{\n\tport = 1\n' >"$f"
	migrate_error 78 "$f:2" "no '}'" "$f"
	printf 'service a\n\tport = 1\n}\n' >"$f"
	migrate_error 78 "$f:1" "'\\{' expected" "$f"
	printf 'service a {\n}\n' >"$f"
	migrate_error 78 "$f:1" "one name" "$f"
	printf 'service a\n{\n\n\tport 1\n}\n' >"$f"
	migrate_error 78 "$f:4" "ATTRIBUTE = VALUE" "$f"
	printf 'servise a\n{\n}\n' >"$f"
	migrate_error 78 "$f:1" "service, defaults, include or includedir" "$f"
	printf 'defaults\n{\n}\ndefaults\n{\n}\n' >"$f"
	migrate_error 78 "$f:4" "a second defaults section \\(the first is at $f:1\\)" "$f"
	# An error in an included file is that file's line.
	printf '\n\nservice b\n{\nport = 2\n' >"$f.inc"
	printf 'include %s\n' "$f.inc" >"$f"
	migrate_error 78 "$f.inc:3" "no '}'" "$f"
	printf 'include %s\n' "$f" >"$f.loop"
	printf 'include %s\n' "$f.loop" >"$f"
	migrate_error 78 "$f:1" "x.loop: included more than 16 deep" "$f"
	# Missing: the file named, an included one, an includedir.
	migrate
	[[ $status -eq 66 || $status -eq 0 || $status -eq 1 ]] || fail "default file: $status"
	run --separate-stderr timeout 10 "$SPAWND_MIGRATE" "$BATS_TEST_TMPDIR/none"
	(( status == 66 )) || fail "missing file: $status $stderr"
	[[ $stderr == "spawnd-migrate: $BATS_TEST_TMPDIR/none: No such file or directory" ]] ||
	    fail "stderr: $stderr"
	printf '\nincludedir %s/nodir\n' "$BATS_TEST_TMPDIR" >"$f"
	migrate_error 66 "$f:2" "nodir: No such file" "$f"
	migrate --frobnicate
	(( status == 64 )) || fail "bad option: $status"
	[[ $stderr == *"usage: spawnd-migrate"* ]] || fail "no usage: $stderr"
}

@test "--help and -V" {
	migrate --help
	assert_status 0
	assert_output_has "usage: spawnd-migrate [-hV] [FILE...]"
	assert_output_has "78"
	migrate -V
	assert_status 0
	[[ $output == "spawnd-migrate $(package_version)" ]] || fail "-V: $output"
}
