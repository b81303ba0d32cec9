#!/usr/bin/env bats
# Configuration file (spawnd.conf(5)): the full schema, every error as
# FILE:LINE: message with exit 78, true line numbers around comments.
#
# Most cases only run "spawnd -t", which binds nothing, so their ports are
# arbitrary numbers; the cases that start the daemon use free_port.

load lib/helpers

@test "the full schema of spawnd.conf(5) is accepted" {
	local group
	group=$(id -gn nobody 2>/dev/null) || skip "no user nobody"
	printf 'A cookie.\n%%\nAnother cookie.\n' >"$BATS_TEST_TMPDIR/fortunes"
	echo "motd" >"$BATS_TEST_TMPDIR/motd"
	write_config <<-EOF
	pidfile         = "$SPAWND_PIDFILE"
	user            = "nobody"
	group           = "$group"
	max_children    = 256
	log_target      = "stderr"
	syslog_facility = "local3"
	resolve_names   = true
	dns_timeout     = 2
	fortune_file    = "$BATS_TEST_TMPDIR/fortunes"
	motd_file       = "$BATS_TEST_TMPDIR/motd"
	shutdown_grace  = 10
	service hello {
		type            = hello
		enabled         = true
		listen_stream   = {"40001", "$BATS_TEST_TMPDIR/hello.sock"}
		listen_datagram = {}
		max_instances   = 64
		per_source      = 4
		rate            = 100
		idle_timeout    = 300
		allow           = {"127.0.0.0/8", "::1", "10.0.0.0/8", "fe80::/10"}
		deny            = {"10.1.0.0/16"}
		user            = "nobody"
		group           = "$group"
		socket_mode     = "0660"
		fortune_file    = "$BATS_TEST_TMPDIR/fortunes"
		fortune_command = ""
		fork            = true
		log_connections = false
	}
	service "hello-off" {
		type    = "hello"
		enabled = false
		listen_stream = {"127.0.0.1:40002", "[::1]:40002"}
	}
	EOF
	expect_ok
}

@test "unknown global option: FILE:LINE: message, exit 78" {
	write_config <<-'EOF'
	log_target = "stderr"
	no_such_option = 1
	service hello {
		type = "hello"
		listen_stream = {"40001"}
	}
	EOF
	expect_error 'no_such_option' 2
}

@test "unknown option inside a service: FILE:LINE: message, exit 78" {
	write_config <<-'EOF'
	log_target = "stderr"
	service hello {
		type = "hello"
		listen_stream = {"40001"}
		bogus_knob = 3
	}
	EOF
	expect_error 'bogus_knob' 5
}

@test "unknown service type: FILE:LINE: message, exit 78" {
	write_config <<-'EOF'
	log_target = "stderr"

	service gopher {
		type = "gopher"
		listen_stream = {"40001"}
	}
	EOF
	expect_error 'gopher' 4 3
}

@test "bad ports: FILE:LINE: message naming the port, exit 78" {
	local addr num
	for addr in 65536 99999 127.0.0.1:65536 "[::1]:70000" 127.0.0.1:123456; do
		num=${addr##*:}
		write_config <<-EOF
		log_target = "stderr"
		service hello {
			type = "hello"
			listen_stream = {"$addr"}
		}
		EOF
		expect_error "$num" 4 2
	done
}

@test "ports by service name and \"*:PORT\": accepted; an unknown name is FILE:LINE naming it, exit 78" {
	getent services daytime/tcp >/dev/null && getent services qotd/tcp >/dev/null ||
	    skip "no /etc/services (netbase)"
	write_config <<-'EOF'
	log_target = "stderr"
	service one {
		type = "daytime"
		listen_stream = {"127.0.0.1:daytime", "[::1]:daytime", "*:40001"}
		listen_datagram = {"127.0.0.1:daytime", "*:40001"}
	}
	EOF
	expect_ok
	# The name is looked up for the socket's protocol: qotd is TCP only.
	write_config <<-'EOF'
	log_target = "stderr"
	service one {
		type = "daytime"
		listen_stream = {"127.0.0.1:qotd"}
		listen_datagram = {"127.0.0.1:qotd"}
	}
	EOF
	expect_error 'listen_datagram "127\.0\.0\.1:qotd": unknown service name "qotd" \(not in /etc/services for udp\)' 5
	write_config <<-'EOF'
	log_target = "stderr"
	service one {
		type = "hello"
		listen_stream = {"127.0.0.1:40001", "[::1]:nosuchservice"}
	}
	EOF
	expect_error 'unknown service name "nosuchservice" \(not in /etc/services for tcp\)' 4
	# "*:PORT" is PORT: every address, so it collides with 127.0.0.1:PORT.
	write_config <<-'EOF'
	log_target = "stderr"
	service one { type = "hello"  listen_stream = {"127.0.0.1:40001"} }
	service two { type = "hello"  listen_stream = {"*:40001"} }
	EOF
	expect_error '40001' 3 2
}

@test "bad values of typed and enumerated options: FILE:LINE, exit 78" {
	local line
	for line in 'max_children = "lots"' 'resolve_names = maybe' \
	    'log_target = "file"' 'syslog_facility = "nonsense"' \
	    'dns_timeout = -3'; do
		write_config <<-EOF
		pidfile = "$SPAWND_PIDFILE"

		$line
		service hello {
			type = "hello"
			listen_stream = {"40001"}
		}
		EOF
		expect_error "${line%% *}|value|invalid|bad|expected|${line##* }" 3
	done
}

@test "two services on one address: FILE:LINE: message, exit 78" {
	local a b
	for pair in "127.0.0.1:40001 127.0.0.1:40001" "40001 127.0.0.1:40001" \
	    "[::1]:40001 40001" "[::1]:40001 [::1]:40001" \
	    "$BATS_TEST_TMPDIR/s.sock $BATS_TEST_TMPDIR/s.sock"; do
		read -r a b <<<"$pair"
		write_config <<-EOF
		log_target = "stderr"
		service one {
			type = "hello"
			listen_stream = {"$a"}
		}
		service two {
			type = "hello"
			listen_stream = {"$b"}
		}
		EOF
		# The error belongs to the second service; its listen_stream
		# line or its section line is a true place (so is the first's).
		expect_error "${b##*[:/]}" 8 6 4 2
	done
}

@test "one service listing the same address twice is an error too" {
	write_config <<-'EOF'
	log_target = "stderr"
	service one {
		type = "hello"
		listen_stream = {"127.0.0.1:40001", "[::1]:40001", "127.0.0.1:40001"}
	}
	EOF
	expect_error '40001' 4 2
}

@test "addresses that do not overlap are fine" {
	write_config <<-EOF
	log_target = "stderr"
	service one {
		type = "hello"
		listen_stream = {"127.0.0.1:40001", "[::1]:40002"}
	}
	service two {
		type = "hello"
		listen_stream = {"[::1]:40001", "127.0.0.1:40002", "40003"}
	}
	service three {
		type = "hello"
		listen_stream = {"$BATS_TEST_TMPDIR/a.sock", "rel.sock"}
	}
	EOF
	expect_ok
}

@test "bad CIDR in allow or deny: FILE:LINE: message naming it, exit 78" {
	local cidr opt
	for cidr in 10.0.0.0/33 ::1/129 300.1.2.3 10.0.0.0/ banana 1.2.3.4/-1 \
	    10.0.0.0/8/8; do
		for opt in allow deny; do
			write_config <<-EOF
			log_target = "stderr"
			service hello {
				type = "hello"
				listen_stream = {"40001"}
				$opt = {"127.0.0.1", "$cidr"}
			}
			EOF
			expect_error "$(re_quote "$cidr")" 5 2
		done
	done
}

@test "hello does not take listen_datagram: FILE:LINE, exit 78" {
	write_config <<-'EOF'
	log_target = "stderr"
	service hello {
		type = "hello"
		listen_stream = {"40001"}
		listen_datagram = {"40001"}
	}
	EOF
	expect_error 'datagram|hello' 5 2
}

@test "unknown user or group: FILE:LINE: message naming it, exit 78" {
	getent passwd no-such-user-spawnd >/dev/null && skip "user exists here"
	getent group no-such-group-spawnd >/dev/null && skip "group exists here"
	write_config <<-'EOF'
	log_target = "stderr"
	service hello {
		type = "hello"
		user = "no-such-user-spawnd"
		listen_stream = {"40001"}
	}
	EOF
	expect_error 'no-such-user-spawnd' 4 2
	write_config <<-'EOF'
	log_target = "stderr"
	user = "no-such-user-spawnd"
	service hello {
		type = "hello"
		listen_stream = {"40001"}
	}
	EOF
	expect_error 'no-such-user-spawnd' 2
	write_config <<-'EOF'
	log_target = "stderr"
	service hello {
		type = "hello"
		listen_stream = {"40001"}
		group = "no-such-group-spawnd"
	}
	EOF
	expect_error 'no-such-group-spawnd' 5 2
}

@test "every error is reported at once, each with its own line" {
	getent passwd no-such-user-spawnd >/dev/null && skip "user exists here"
	write_config <<-'EOF'
	log_target = "stderr"
	service a {
		type = "hello"
		listen_stream = {"127.0.0.1:99999"}
	}
	service b {
		type = "hello"
		listen_stream = {"40002"}
		allow = {"10.0.0.0/40"}
	}
	service c {
		type = "hello"
		listen_stream = {"40003"}
		user = "no-such-user-spawnd"
	}
	EOF
	expect_error '99999' 4 2
	expect_error '10\.0\.0\.0/40' 9 6
	expect_error 'no-such-user-spawnd' 14 11
	local n file_re
	file_re=$(re_quote "$SPAWND_CONF")
	n=$(grep -cE "^${file_re}:[0-9]+: " <<<"$output")
	[[ $n -ge 3 ]] || fail "expected 3 error lines, got $n:" "$output"
}

# errors_at LINE...: after `run`, exactly one "$SPAWND_CONF:LINE: " line
# for each LINE given, and no other error line.
errors_at() {
	local file_re got want
	file_re=$(re_quote "$SPAWND_CONF")
	got=$(grep -oE "^${file_re}:[0-9]+: " <<<"$output" |
	    sed -E 's/.*:([0-9]+): $/\1/' | tr '\n' ' ')
	want="$* "
	[[ $got == "$want" ]] || fail "errors at lines '$got', wanted '$want':" \
	    "$output" "config:" "$(cat -n "$SPAWND_CONF")"
}

@test "parse errors and value errors of a file all in one run, each at its line; did you mean" {
	getent passwd no-such-user-spawnd >/dev/null && skip "user exists here"
	write_config <<-'EOF'
	per_sourse = 3
	service a {
		type = "hello"
		listen_stream = {"127.0.0.1:40001"}
		bogus_knob = 1
		per_sourse = 2
	}
	service b {
		type = "helo"
		listen_stream = {"127.0.0.1:99999"}
		user = "no-such-user-spawnd"
	service c {
		type = "hello"
		listen_stream = {"40003"}
		allow = {"10.0.0.0/33"}
	}
	EOF
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	[[ $output != *"configuration OK"* ]] || fail "said OK"
	errors_at 1 5 6 8 9 10 11 15
	local f
	f=$(re_quote "$SPAWND_CONF")
	assert_output_re "$f:1: unknown option 'per_sourse'; did you mean 'per_source'\? \(an option of service sections\)"
	assert_output_re "$f:5: service \"a\": unknown option 'bogus_knob'"$'\n'
	assert_output_re "$f:6: service \"a\": unknown option 'per_sourse'; did you mean 'per_source'\?"
	assert_output_re "$f:8: section 'service b' opened here is never closed \(a '\}' is missing before line 12\)"
	assert_output_re "$f:9: service \"b\": unknown type \"helo\"; did you mean \"hello\"\?"
	assert_output_re "$f:10: .*99999"
	assert_output_re "$f:11: .*no-such-user-spawnd"
	assert_output_re "$f:15: .*10\.0\.0\.0/33"
}

@test "syntax errors: each at its line, the rest of the file still checked" {
	write_config <<-'EOF'
	log_target = "stderr"
	service a {
		type = "hello"
		listen_stream = {"127.0.0.1:40001"}
		rate 3
		deny = {"10.0.0.1" "10.0.0.2"}
		allow = {"127.0.0.1"
		log_connections = false
	}
	}
	max_children = 0
	service a {
		type = "hello"
		listen_stream = {"127.0.0.1:40002"}
	}
	service b {
		type = "hello"
		listen_stream = {"127.0.0.1:40003"}
	EOF
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	errors_at 5 6 7 10 11 12 16
	local f
	f=$(re_quote "$SPAWND_CONF")
	assert_output_re "$f:5: service \"a\": missing equal sign after option 'rate'"
	assert_output_re "$f:7: list 'allow' opened here is never closed \(a '\}' is missing before line 8\)"
	assert_output_re "$f:10: unexpected '\}'"
	assert_output_re "$f:11: max_children"
	assert_output_re "$f:12: .*duplicate title 'a'"
	assert_output_re "$f:16: section 'service b' opened here is never closed \(a '\}' is missing at the end of the file\)"
}

# Each parse callback notes its value's line; libconfuse is run once
# more per parse error.  With 40000 values before 99 errors, a note that
# searched every earlier one took 99 x 40000^2 / 2 steps (minutes of
# CPU); the bound is CPU time, which a loaded machine does not stretch,
# and some thirty times what the check needs.
@test "99 parse errors after 40000 values: every one reported, at its line, in bounded CPU time" {
	# libconfuse grows a list by one realloc a value, which AddressSanitizer's
	# allocator turns into a copy of the whole list: minutes, not seconds.
	! ldd "$SPAWND" 2>/dev/null | grep -q libasan || skip "a sanitizer build"
	{
		config_globals
		printf 'service a {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:40001"}\n\tallow = {'
		awk 'BEGIN { for (i = 0; i < 40000; i++)
			printf "%s\"10.%d.%d.%d\"", i ? "," : "", i / 65536, i / 256 % 256, i % 256 }'
		printf '}\n}\n'
		for i in $(seq 99); do echo "bogus$i = 1"; done
	} | write_config
	# shellcheck disable=SC2016 # the inner bash expands its arguments
	run timeout 300 bash -c 'ulimit -t 60 && exec "$0" -t -c "$1"' "$SPAWND" "$SPAWND_CONF"
	assert_status 78
	errors_at $(seq 8 106)
	assert_output_has "$SPAWND_CONF:106: unknown option 'bogus99'"
}

@test "a file with one error reports that error alone, as before" {
	write_config <<-'EOF'
	log_target = "stderr"
	service hello {
		type = "hello"
		listen_stream = {"40001"}
		per_sourse = 2
	}
	EOF
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	errors_at 5
	[[ $(wc -l <<<"$output") == 1 ]] || fail "more than the error:" "$output"
}

@test "true line numbers after #, // and /* */ comment lines" {
	write_config <<-'EOF'
	# A comment line
	# and another
	// a C++ comment
	/* a block comment
	   over two lines */
	log_target = "stderr"   # trailing comment

	service hello {   // trailing comment
		# inside the section
		/* inside */ type = "hello"
		listen_stream = {"40001"}  /* trailing */
		frobnicate = yes
	}
	EOF
	expect_error 'frobnicate' "$(line_of frobnicate)"
	write_config <<-'EOF'
	# one
	// two
	/* three */
	/*
	 * four to six
	 */
	log_target = "stderr"
	# eight
	service hello {
		# ten
		// eleven
		/* twelve */
		type = "hello"
		# fourteen
		listen_stream = {"127.0.0.1:65536"}  # the error
	}
	EOF
	expect_error '65536' "$(line_of 65536)" "$(line_of 'service hello')"
}

@test "comments inside a {...} list and after values are accepted" {
	write_config <<-'EOF'
	log_target = "stderr" // after a value
	service hello {
		type = "hello" /* after a value */
		listen_stream = { "127.0.0.1:40001", # first
		                  "[::1]:40001" // second
		                  /* end */ }
		allow = { "127.0.0.0/8" /* loopback */, "::1" # v6
		}
		deny = { /* nobody */ }
	}
	EOF
	expect_ok
}

@test "an unterminated block comment is an error with FILE:LINE" {
	write_config <<-'EOF'
	log_target = "stderr"
	/* never closed
	service hello {
		type = "hello"
		listen_stream = {"40001"}
	}
	EOF
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	grep -qE "^$(re_quote "$SPAWND_CONF"):[0-9]+: " <<<"$output" ||
	    fail "no FILE:LINE: message:" "$output"
}

@test "a heavily commented config runs; comment marks inside strings are kept" {
	local port weird
	port=$(free_port)
	mkdir "$BATS_TEST_TMPDIR/a#b"
	weird="$BATS_TEST_TMPDIR/a#b/x//y/*z*/.pid"
	mkdir -p "$(dirname "$weird")"
	write_config <<-EOF
	/*
	 * spawnd test configuration
	 */
	# globals
	log_target = "stderr"      # foreground anyway
	pidfile = "$weird"         // quoted comment marks are data
	resolve_names = false      /* numeric names */

	// the only service
	service hello {
		# type
		type = "hello"
		listen_stream = {
			# IPv4 loopback
			"127.0.0.1:$port" // v4
			/* that is all */
		}
		log_connections = true # yes
	}
	# end
	EOF
	expect_ok
	SPAWND_PIDFILE=$weird
	spawnd_launch -f -c "$SPAWND_CONF"
	spawnd_wait_ready
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}

@test "a configuration file over 1 MiB is refused at once, naming the file" {
	{
		printf '# %s\n' "$(head -c 2000000 /dev/zero | tr '\0' x)"
		hello_config 127.0.0.1:1
	} | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_has "$SPAWND_CONF: more than 1048576 bytes: too large for a configuration file"
}

@test "a service name over 127 bytes is an error (it travels in the reload hand-over)" {
	local name
	name=$(printf 'n%.0s' $(seq 128))
	config_globals >"$SPAWND_CONF"
	printf 'service %s {\n\ttype = "hello"\n\tlisten_stream = {"127.0.0.1:1"}\n}\n' "$name" >>"$SPAWND_CONF"
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 78
	assert_output_re "^$(re_quote "$SPAWND_CONF"):3: service \"$name\": the name is longer than 127 bytes$"
	sed -i "s/^service n/service /" "$SPAWND_CONF"
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
}
