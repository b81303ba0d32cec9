#!/usr/bin/env bats
# ./dev, the newcomer's entry point (README, "Two commands"): its help
# and its bad usage, as a command line should answer them.  Only those
# paths run here: every other command of dev installs packages.

load lib/helpers

# No daemon in this file.
setup() { :; }
teardown() { :; }

DEV_COMMANDS=("./dev run" "./dev test" "./dev fresh" "./dev package" "./dev --help")

assert_usage() {	# assert_usage TEXT: it lists every command of dev
	local cmd
	for cmd in "${DEV_COMMANDS[@]}"; do
		[[ $1 == *"$cmd"* ]] || fail "the usage does not name '$cmd':" "$1"
	done
}

@test "./dev --help, -h and help print the usage on stdout and exit 0" {
	local flag
	for flag in --help -h help; do
		run --separate-stderr "$TOP_SRCDIR/dev" "$flag"
		assert_status 0
		[[ -z $stderr ]] || fail "./dev $flag wrote to stderr: $stderr"
		assert_usage "$output"
	done
}

@test "./dev with an unknown command, or none, exits 64 with the usage on stderr only" {
	local cmd
	for cmd in no-such-command --no-such-option ''; do
		run --separate-stderr "$TOP_SRCDIR/dev" ${cmd:+"$cmd"}
		assert_status 64
		[[ -z $output ]] || fail "./dev $cmd wrote to stdout: $output"
		assert_usage "$stderr"
		[[ -z $cmd || $stderr == *"unknown command: $cmd"* ]] ||
		    fail "./dev $cmd does not say what was wrong:" "$stderr"
	done
}
