#!/usr/bin/env bats
# The installed tree (issue 4): configure with a private prefix, make
# install, then run the installed binary with the installed configuration
# (its ports remapped to free loopback ones) and talk to it; DESTDIR
# installs land under the configured prefixes and uninstall takes back
# what install added.

# shellcheck disable=SC2154 # status, stderr: set by bats' run

load lib/helpers

# One configure + build for the whole file: it is the slow part.
setup_file() {
	# World-readable and outside $BATS_TEST_TMPDIR: as root, the children
	# run as nobody and must read the installed cookie file.
	INST_DIR=$(mktemp -d /tmp/spawnd-install.XXXXXX)
	chmod 755 "$INST_DIR"
	export INST_DIR
	export INST_PREFIX=$INST_DIR/prefix
	export INST_BUILD=$INST_DIR/build
	mkdir -p "$INST_BUILD"
	(
		cd "$INST_BUILD" &&
		"$TOP_SRCDIR/configure" -q --prefix="$INST_PREFIX" \
		    --runstatedir="$INST_DIR/run" &&
		make -j2 >/dev/null &&
		make install >/dev/null
	) >"$INST_DIR/build.log" 2>&1 || {
		cat "$INST_DIR/build.log" >&2
		return 1
	}
}

teardown_file() {
	[[ -n ${INST_DIR:-} && $INST_DIR == /tmp/spawnd-install.* ]] &&
		rm -rf -- "$INST_DIR"
}

@test "make install puts the binary, config, cookies, man pages and unit under the prefix" {
	local f
	for f in sbin/spawnd sbin/spawnd-migrate etc/spawnd.conf \
	    share/spawnd/fortunes share/man/man8/spawnd.8 \
	    share/man/man8/spawnd-migrate.8 share/man/man5/spawnd.conf.5 \
	    lib/systemd/system/spawnd.service; do
		[[ -f $INST_PREFIX/$f ]] || fail "not installed: $f"
	done
	[[ -x $INST_PREFIX/sbin/spawnd ]] || fail "sbin/spawnd not executable"
	[[ -x $INST_PREFIX/sbin/spawnd-migrate ]] || fail "sbin/spawnd-migrate not executable"
	grep -q "ExecStart=$INST_PREFIX/sbin/spawnd" \
	    "$INST_PREFIX/lib/systemd/system/spawnd.service" ||
	    fail "the unit does not run the installed binary"
	run "$INST_PREFIX/sbin/spawnd" -V
	assert_status 0
	[[ $output == "spawnd $(package_version)" ]] || fail "-V: $output"
}

@test "the installed binary defaults to the installed configuration, which passes -t" {
	run "$INST_PREFIX/sbin/spawnd" -t
	assert_status 0
	[[ $output == "configuration OK" ]] || fail "spawnd -t: $output"
	run "$INST_PREFIX/sbin/spawnd" -h
	assert_output_has "$INST_PREFIX/etc/spawnd.conf"
}

@test "the installed binary without its configuration file exits 78 naming it, and makes no file where it runs" {
	local conf=$INST_PREFIX/etc/spawnd.conf args
	[[ ! -e $INST_PREFIX/sbin/spawnd.source-tree ]] ||
	    fail "the build tree's marker was installed"
	mkdir "$BATS_TEST_TMPDIR/cwd"
	mv "$conf" "$conf.away"
	for args in -t -f; do
		# shellcheck disable=SC2016 # the inner shell's arguments
		run --separate-stderr bash -c 'cd "$1" && exec timeout 10 "$2" "$3"' _ \
		    "$BATS_TEST_TMPDIR/cwd" "$INST_PREFIX/sbin/spawnd" "$args"
		[[ $status -eq 78 ]] || break
	done
	mv "$conf.away" "$conf"
	[[ $status -eq 78 ]] || fail "spawnd $args: exit $status, not 78:" "$stderr"
	[[ $stderr == "$conf: No such file or directory (the built-in configuration is only for trying spawnd from its build tree)" ]] ||
	    fail "spawnd $args: expected the missing file named:" "$stderr"
	[[ -z $(ls -A "$BATS_TEST_TMPDIR/cwd") ]] ||
	    fail "files made where it ran: $(ls -A "$BATS_TEST_TMPDIR/cwd")"
}

@test "the installed spawnd serves every service of the installed configuration" {
	local p_time p_day p_qotd p_hello p_cmd p_git conf=$INST_DIR/test.conf
	p_time=$(free_port); p_day=$(free_port); p_qotd=$(free_port)
	p_hello=$(free_port); p_cmd=$(free_port); p_git=$(free_port)
	mkdir -p "$INST_DIR/run/spawnd"
	# The shipped file, only its ports moved to free loopback ones
	# (its two loopback addresses to one).
	sed -e "s|{\"127.0.0.1:37\", \"\[::1\]:37\"}|{\"127.0.0.1:$p_time\"}|" \
	    -e "s|{\"127.0.0.1:13\", \"\[::1\]:13\"}|{\"127.0.0.1:$p_day\"}|" \
	    -e "s|{\"127.0.0.1:17\", \"\[::1\]:17\"}|{\"127.0.0.1:$p_qotd\"}|" \
	    -e "s|{\"127.0.0.1:2345\", \"\[::1\]:2345\"}|{\"127.0.0.1:$p_hello\"}|" \
	    -e "s|{\"127.0.0.1:9000\", \"\[::1\]:9000\"}|{\"127.0.0.1:$p_cmd\"}|" \
	    -e "s|{\"9418\"}|{\"127.0.0.1:$p_git\"}|" \
	    "$INST_PREFIX/etc/spawnd.conf" >"$conf"
	if grep -nE '^[[:space:]]*listen_(stream|datagram) *= *\{.*[":](37|13|17|2345|9000|9418)"' "$conf"; then
		fail "a port of the shipped configuration was not remapped"
	fi
	SPAWND=$INST_PREFIX/sbin/spawnd start_spawnd -c "$conf"

	fetch_tcp 127.0.0.1 "$p_hello" "$BATS_TEST_TMPDIR/hello"
	assert_hello_bytes "$BATS_TEST_TMPDIR/hello" '(localhost|127\.0\.0\.1)'

	run timeout 5 rdate -p -o "$p_time" 127.0.0.1
	assert_status 0
	run timeout 5 rdate -p -u -o "$p_time" 127.0.0.1
	assert_status 0

	run_client nc -N 127.0.0.1 "$p_day" </dev/null
	assert_status 0
	[[ $output =~ ^$DATE_RE$'\r'$ ]] || fail "daytime: $output"

	run_client nc -N 127.0.0.1 "$p_qotd" </dev/null
	[[ $output == "Hello there, "* ]] || fail "qotd: $output"
	(( ${#lines[@]} >= 2 )) || fail "qotd sent no cookie: $output"

	run_client sh -c "printf 'date\r\nquit\r\n' | nc 127.0.0.1 $p_cmd"
	[[ $output == "Welcome to spawnd; type help for command list."* ]] ||
	    fail "command: $output"

	wait_for_unix "$INST_DIR/run/spawnd/catsock"
	run_client nc -U "$INST_DIR/run/spawnd/catsock" </dev/null
	[[ $output == "Hello there, it's now "* ]] || fail "catsock: $output"

	stop_spawnd
	[[ $SPAWND_STATUS -eq 0 ]] || fail "exit status $SPAWND_STATUS"
	[[ ! -e $INST_DIR/run/spawnd/catsock ]] || fail "catsock left behind"
}

@test "DESTDIR install keeps an edited config, and uninstall removes what install added" {
	local dest=$INST_DIR/dest left
	make -C "$INST_BUILD" install DESTDIR="$dest" >/dev/null
	[[ -x $dest$INST_PREFIX/sbin/spawnd ]] || fail "no sbin/spawnd under DESTDIR"
	echo "# edited by the admin" >>"$dest$INST_PREFIX/etc/spawnd.conf"
	make -C "$INST_BUILD" install DESTDIR="$dest" >/dev/null
	grep -q "edited by the admin" "$dest$INST_PREFIX/etc/spawnd.conf" ||
	    fail "make install overwrote an existing configuration"
	make -C "$INST_BUILD" uninstall DESTDIR="$dest" >/dev/null
	# Only the admin's edited file may stay.
	left=$(cd "$dest" && find . -type f | sort)
	[[ $left == ".$INST_PREFIX/etc/spawnd.conf" ]] ||
	    fail "uninstall left: $left"
}
