#!/usr/bin/env bats
# Command line (spawnd(8), "OPTIONS" and "EXIT STATUS"): -V, -h, exit 64
# on bad usage, -t.

load lib/helpers

good_config() {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
}

@test "-V and --version print 'spawnd VERSION' and exit 0" {
	local version
	version=$(package_version)
	[[ -n $version ]] || fail "cannot find the package version in the build tree"
	for flag in -V --version; do
		run --separate-stderr "$SPAWND" "$flag"
		assert_status 0
		[[ $output == "spawnd $version" ]] ||
		    fail "$flag: expected 'spawnd $version', got '$output'"
	done
}

@test "-h and --help print usage naming every option on stdout, exit 0" {
	local opt
	for flag in -h --help; do
		run --separate-stderr "$SPAWND" "$flag"
		assert_status 0
		[[ -z $stderr ]] || fail "$flag wrote to stderr: $stderr"
		for opt in -f --foreground -c --config -p --pidfile -t --test-config \
		    -l --list -d --debug -V --version -h --help; do
			[[ $output =~ (^|[^-a-z])$opt([^-a-z]|$) ]] ||
			    fail "$flag: usage does not mention $opt:" "$output"
		done
		[[ $output == *spawnd* ]] || fail "usage does not name spawnd"
	done
}

@test "bad usage exits 64 with a message on stderr and nothing on stdout" {
	local -a cases=("-x" "--no-such-option" "-c" "--config" "-p" \
	    "-t extra-argument" "-f -t stray" "-l" "-f --list")
	local args
	good_config
	for args in "${cases[@]}"; do
		# shellcheck disable=SC2086 # word splitting wanted
		run --separate-stderr timeout 5 "$SPAWND" $args
		[[ $status -eq 64 ]] ||
		    fail "'spawnd $args': expected exit 64, got $status" \
		    "stdout: $output" "stderr: $stderr"
		[[ -n $stderr ]] || fail "'spawnd $args': nothing on stderr"
		[[ -z $output ]] || fail "'spawnd $args': wrote to stdout: $output"
	done
	# An extra argument after a valid option list is bad usage too.
	run --separate-stderr timeout 5 "$SPAWND" -t -c "$SPAWND_CONF" extra
	[[ $status -eq 64 ]] ||
	    fail "'spawnd -t -c FILE extra': expected exit 64, got $status" \
	    "stdout: $output" "stderr: $stderr"
}

@test "bad usage: one 'spawnd: ' prefix naming the option (never getopt's argv[0]), then the usage on stderr" {
	local -a cases=(
	    "-x|spawnd: unknown option -x"
	    "-fx|spawnd: unknown option -x"
	    "--no-such-option|spawnd: unknown option --no-such-option"
	    "--no-such-option=1|spawnd: unknown option --no-such-option"
	    "-c|spawnd: option -c needs an argument"
	    "--config|spawnd: option --config needs an argument"
	    "-p|spawnd: option -p needs an argument"
	    "--foreground=yes|spawnd: option --foreground takes no argument"
	    "-t stray|spawnd: unexpected argument \"stray\"")
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086 # word splitting wanted
		run --separate-stderr timeout 5 "$SPAWND" $args
		[[ $status -eq 64 ]] ||
		    fail "'spawnd $args': expected exit 64, got $status" "stderr: $stderr"
		# shellcheck disable=SC2154 # set by bats: run --separate-stderr
		[[ ${stderr_lines[0]} == "$want" ]] ||
		    fail "'spawnd $args': expected '$want' first on stderr, got:" "$stderr"
		[[ ${stderr_lines[1]} == "usage: spawnd "* ]] ||
		    fail "'spawnd $args': no usage after the message:" "$stderr"
		[[ $stderr != *"$SPAWND"* ]] ||
		    fail "'spawnd $args': the message names the binary's path:" "$stderr"
	done
}

@test "-t on a good configuration prints 'configuration OK', exit 0" {
	good_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	assert_output_has "configuration OK"
	run timeout 5 "$SPAWND" --test-config --config "$SPAWND_CONF"
	assert_status 0
	assert_output_has "configuration OK"
	run timeout 5 "$SPAWND" -d -t -c "$SPAWND_CONF"
	assert_status 0
	assert_output_has "configuration OK"
}

@test "-t binds nothing and writes no pidfile" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	run timeout 5 "$SPAWND" -t -c "$SPAWND_CONF" -p "$SPAWND_PIDFILE"
	assert_status 0
	[[ ! -e $SPAWND_PIDFILE ]] || fail "-t wrote the pidfile"
	! tcp_accepts 127.0.0.1 "$port" || fail "something listens on $port after -t"
}

@test "-t with a missing configuration file exits 78 naming the file" {
	local missing=$BATS_TEST_TMPDIR/no-such.conf
	run timeout 5 "$SPAWND" -t -c "$missing"
	assert_status 78
	assert_output_has "$missing"
	[[ $output != *"configuration OK"* ]] || fail "said OK for a missing file"
}

@test "starting with a missing configuration file exits 78 naming the file" {
	local missing=$BATS_TEST_TMPDIR/no-such.conf
	run timeout 10 "$SPAWND" -f -c "$missing" -p "$SPAWND_PIDFILE" 3>&-
	assert_status 78
	assert_output_has "$missing"
	[[ ! -e $SPAWND_PIDFILE ]] || fail "a pidfile was written"
}

@test "a pidfile path too long for the system is a configuration error (78)" {
	hello_config "127.0.0.1:1" >"$SPAWND_CONF"
	run timeout 5 "$SPAWND" -f -p "/$(printf 'x%.0s' $(seq 5000))" -c "$SPAWND_CONF"
	assert_status 78
	assert_output_has "pidfile path too long"
}

@test "a stray SIGALRM does not end the daemon" {
	local port
	port=$(free_port)
	hello_config "127.0.0.1:$port" | write_config
	start_spawnd -c "$SPAWND_CONF"
	kill -ALRM "$SPAWND_PID"
	kill -HUP "$SPAWND_PID"
	wait_for_log "spawnd [^ ]+ reloaded with "
	kill -0 "$SPAWND_PID" || fail "SIGALRM ended spawnd"
	fetch_tcp 127.0.0.1 "$port" "$BATS_TEST_TMPDIR/reply"
	assert_hello_bytes "$BATS_TEST_TMPDIR/reply" '127\.0\.0\.1'
}
