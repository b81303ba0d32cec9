#!/usr/bin/env bash
# The Debian package's life (issue 16), as root in a brand-new Debian 12
# root made by "./dev package": its Build-Depends from the archive, the
# build, lintian, install, the services of the packaged configuration,
# an upgrade that keeps an edited conffile, remove, purge.  The suite
# itself ran in the other passes, so the package is built with nocheck.
#
# And its life as the system's inet-superserver (issue 24): one spawnd,
# started as its unit starts it, serves what fingerd, nullidentd and
# micro-httpd add to /etc/inetd.conf with update-inetd as apt installs
# them, follows update-inetd --disable/--enable and a purge, and keeps
# its PID from the first of them to the last; then spawnd installed
# where openbsd-inetd runs replaces it and serves its inetd.conf.
#
# Prints one line per check and "N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.." || exit 1
export DEBIAN_FRONTEND=noninteractive
log=/tmp/package.log
daemon_log=/tmp/spawnd-daemon.log
times=/tmp/package.times	# seconds each check took, for the summary
passed=0
failed=0
daemon=

check() {	# check WHAT COMMAND...
	local what=$1 from start=$SECONDS rc=0
	shift
	echo "==== $what" >>"$log"
	from=$(wc -l <"$log")
	"$@" >>"$log" 2>&1 || rc=$?
	echo "$((SECONDS - start)) s: $what" >>"$times"
	if [ "$rc" -eq 0 ]; then
		echo "ok - $what"
		passed=$((passed + 1))
	else
		echo "not ok - $what"
		tail -n +"$((from + 1))" "$log" | tail -n 40 | sed 's/^/#   /'
		if [ -n "$daemon" ]; then
			echo "#   ---- the daemon's log"
			tail -n 20 "$daemon_log" | sed 's/^/#   /'
		fi
		failed=$((failed + 1))
	fi
}

# No init runs in this root, and it shares the host's network: the
# daemons other packages ship (openbsd-inetd's inetd, micro-httpd's
# socket unit) must not start and bind ports.  policy-rc.d(8) exiting
# 101 makes invoke-rc.d start nothing, as dev's install_deps does.
# The root is thrown away afterwards.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d

build() {
	DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck \
	    dpkg-buildpackage -us -uc -b
}

lintian_silent() {
	local out
	out=$(lintian --fail-on error,warning ../spawnd_"$1"_*.changes \
	    ../spawnd_"$1"_*.deb 2>&1 | grep -v '^running with root privileges')
	echo "$out"
	[ -z "$out" ]
}

# A second version, as the next upload would be.
bump() {
	{
		printf 'spawnd (0.1.0+ci1) unstable; urgency=medium\n\n'
		printf '  * A rebuild, to test the upgrade.\n\n'
		printf ' -- %s  %s\n\n' "$(sed -n 's/^ -- \(.*>\)  .*/\1/p' debian/changelog | head -n 1)" \
		    "$(date -R)"
		cat debian/changelog
	} >debian/changelog.new && mv debian/changelog.new debian/changelog
}

installed_version() { [ "$(dpkg-query -W -f='${Version}' spawnd)" = "$1" ]; }
installed() {	# installed PACKAGE...
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" | grep -q ' installed$' || return 1
	done
}
not_installed() { ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
edited() { grep -qx '# edited by the package test' /etc/spawnd.conf; }
no_file() { [ ! -e "$1" ]; }
# The packaged binary is not the build tree's: no built-in configuration
# (exit 78 without /etc/spawnd.conf, no ./catsock where it ran) and no
# build path in it (src/base/buildtree.h).
no_builtin() {
	local dir rc=0
	dir=$(mktemp -d)
	mv /etc/spawnd.conf /etc/spawnd.conf.away
	(cd "$dir" && exec timeout 10 spawnd -f) 2>"$dir.err" || rc=$?
	mv /etc/spawnd.conf.away /etc/spawnd.conf
	cat "$dir.err"
	[ "$rc" -eq 78 ] &&
	    grep -qx '/etc/spawnd.conf: No such file or directory (the built-in configuration is only for trying spawnd from its build tree)' "$dir.err" &&
	    [ -z "$(ls -A "$dir")" ] && rm -r "$dir" "$dir.err"
}
no_build_path() {
	! grep -qaF "$PWD" /usr/sbin/spawnd &&
	    ! dpkg -L spawnd | grep -F source-tree
}
user_exists() { getent passwd _spawnd && getent group _spawnd; }
conffile() { dpkg-query -W -f='${Conffiles}' spawnd | grep -q ' /etc/spawnd.conf '; }
relations() {
	dpkg-query -W -f='${Provides}|${Conflicts}|${Depends}\n' spawnd |
	    tee /dev/stderr |
	    grep -E '^inet-superserver\|inet-superserver\|.*update-inetd' |
	    grep -q tcpd
}
# The inetd.conf the package made: update-inetd's group labels, no line
# that serves anything.
fresh_inetd_conf() {
	grep -qx '#:INFO: .*' /etc/inetd.conf && grep -qx '#:OTHER: .*' /etc/inetd.conf &&
	    ! grep -n '^[^#[:space:]]' /etc/inetd.conf
}
dropin_dir() { [ -d /etc/spawnd.d ] && [ -f /etc/spawnd.d/README ]; }

# ---- one spawnd, as spawnd.service runs it ("spawnd -f -p
# /run/spawnd/spawnd.pid" in its RuntimeDirectory), in a network
# namespace of its own: inetd.conf lines without an address listen on
# every address, which must be the namespace's loopback alone here, not
# the host's interfaces (nor its ports 79, 80 and 113).  Clients reach it
# with nsenter; files, PIDs and inotify are the root's.

start_daemon() {
	mkdir -p /run/spawnd
	: >"$daemon_log"
	unshare --net -- sh -c 'ip link set lo up && exec /usr/sbin/spawnd -f -p /run/spawnd/spawnd.pid' \
	    2>>"$daemon_log" </dev/null &
	daemon=$!
	wait_for 10 grep -q ' started with /etc/spawnd.conf$' "$daemon_log" &&
	    [ "$(cat /run/spawnd/spawnd.pid)" = "$daemon" ]
}

stop_daemon() {
	local rc=0
	kill -TERM "$daemon" || return 1
	wait "$daemon" || rc=$?
	daemon=
	[ "$rc" -eq 0 ]
}

same_daemon() {	# same_daemon PID: spawnd still runs as PID, the pidfile says so
	kill -0 "$1" && [ "$(cat /run/spawnd/spawnd.pid)" = "$1" ] &&
	    [ "$(cat "/proc/$1/comm")" = spawnd ]
}

in_net() { nsenter --net="/proc/$daemon/ns/net" -- "$@"; }

wait_for() {	# wait_for SECONDS COMMAND...: until COMMAND succeeds
	local n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { "$@"; return 1; }
		sleep 0.1
	done
}

fingered() { in_net timeout 5 finger root@127.0.0.1 | grep -q '^Login: root '; }
# Closed, where hello (and so the namespace and spawnd) answers.
no_finger() { hello && ! in_net timeout 5 nc -z 127.0.0.1 79; }
identd() {
	printf '113, 40000\r\n' | in_net timeout 5 nc -N 127.0.0.1 113 |
	    grep -qE '^ *113 *, *40000 *: *USERID *:'
}
httpd() { in_net timeout 5 curl -fsS http://127.0.0.1/ | grep -qx 'served by micro-httpd'; }
hello() { in_net timeout 5 nc -N 127.0.0.1 2345 </dev/null | grep -q '^Hello there, '; }
# A change made by a package reaches the running daemon by itself
# (watch_config), never by a signal of ours.
noticed() { grep -q ": configuration changed (/etc/inetd.conf)" "$daemon_log"; }
reloaded_times() { [ "$(grep -c ' reloaded with /etc/spawnd.conf$' "$daemon_log")" -ge "$1" ]; }
# Nothing public after install: every socket spawnd holds is on a
# loopback address (a wildcard would show as 0.0.0.0, [::] or *), and
# no UDP echo (7) or chargen (19).
loopback_only() {
	local out
	out=$(in_net ss -Hltun | awk '{ print $1, $5 }')
	echo "$out"
	[ -n "$out" ] &&
	    ! grep -vE '^(tcp|udp) (127\.0\.0\.1|\[::1\]):[0-9]+$' <<<"$out" &&
	    ! grep -E '^udp .*:(7|19)$' <<<"$out"
}
dropin_served() { in_net timeout 5 nc -N 127.0.0.1 2399 </dev/null | grep -q '^Hello there, '; }
dropin_gone() { hello && ! in_net timeout 5 nc -z 127.0.0.1 2399; }
after_upgrade() { hello && fingered && identd && httpd; }
still_served() { identd && httpd; }
from_its_lines() { wait_for 10 fingered && identd && httpd; }
line_for() { grep -qE "^$1[[:space:]]" /etc/inetd.conf; }
line_off() { grep -qE "^#<off># $1[[:space:]]" /etc/inetd.conf; }

apt-get update -qq >>"$log" 2>&1
check "the build tools from the archive" apt-get install -y -qq --no-install-recommends \
    dpkg-dev devscripts lintian fakeroot netcat-openbsd procps iproute2 curl
check "Build-Depends (apt-get build-dep -P nocheck ./)" \
    apt-get build-dep -y -qq --no-install-recommends -P nocheck ./
# man-db came with them: every later apt run would rebuild its index
# (seconds each, nothing this test looks at).  Its own switch, off.
rm -f /var/lib/man-db/auto-update
check "dpkg-buildpackage -us -uc -b" build
check "lintian --fail-on error,warning says nothing" lintian_silent 0.1.0
mkdir -p /root/v1 && mv ../spawnd_0.1.0_* /root/v1/
check "apt-get install ./spawnd_0.1.0_*.deb" apt-get install -y -qq --no-install-recommends \
    /root/v1/spawnd_0.1.0_*.deb
check "Provides and Conflicts inet-superserver, Depends on update-inetd and tcpd" relations
check "the system user _spawnd exists" user_exists
check "/etc/spawnd.conf is a conffile" conffile
check "/etc/inetd.conf made, its group labels there, every line disabled" fresh_inetd_conf
check "/etc/spawnd.d is there with its README" dropin_dir
check "spawnd -t says OK" spawnd -t
check "without /etc/spawnd.conf the packaged spawnd exits 78 naming it, serves nothing" no_builtin
check "the packaged binary holds no build path, no build-tree marker" no_build_path
check "the packaged configuration answers every service" \
    unshare --net -- sh -c 'ip link set lo up && exec bash debian/tests/services'

check "spawnd started as its unit starts it" start_daemon
first=$daemon
check "the packaged spawnd listens on loopback only, no UDP echo or chargen" loopback_only
printf 'service hello-dropin {\n\ttype = hello\n\tlisten_stream = {"127.0.0.1:2399"}\n}\n' \
    >/etc/spawnd.d/hello-dropin.conf
check "a drop-in file in /etc/spawnd.d serves, no other step" wait_for 10 dropin_served
rm /etc/spawnd.d/hello-dropin.conf
check "its removal closes it" wait_for 10 dropin_gone
mkdir -p /var/www/html && echo 'served by micro-httpd' >/var/www/html/index.html
check "apt-get install fingerd finger" apt-get install -y -qq --no-install-recommends fingerd finger
check "fingerd's line is in /etc/inetd.conf" line_for finger
check "finger root@127.0.0.1 answers through tcpd, no other step" wait_for 10 fingered
check "spawnd noticed the change itself (configuration changed)" noticed
check "no /run/inetd.pid (update-inetd's SIGHUP is for an inetd)" no_file /run/inetd.pid
check "apt-get install nullidentd" apt-get install -y -qq --no-install-recommends nullidentd
check "an ident query on 113 answers" wait_for 10 identd
check "apt-get install micro-httpd" apt-get install -y -qq --no-install-recommends micro-httpd
check "micro-httpd serves a page on 80 (curl)" wait_for 10 httpd
check "update-inetd --disable finger" update-inetd --disable finger
check "the finger line is disabled" line_off finger
check "port 79 is closed" wait_for 10 no_finger
check "ident and http still answer" still_served
check "update-inetd --enable finger" update-inetd --enable finger
check "finger answers again" wait_for 10 fingered
check "the same spawnd throughout" same_daemon "$first"

echo '# edited by the package test' >>/etc/spawnd.conf
bump
check "a newer version builds" build
check "apt-get install of the newer version (an upgrade)" \
    apt-get install -y -qq --no-install-recommends ../spawnd_0.1.0+ci1_*.deb
check "the upgrade installed 0.1.0+ci1" installed_version 0.1.0+ci1
check "the edited conffile is kept" edited
# Under systemd the postinst reloads the unit (ExecReload: spawnd -r,
# which sends SIGHUP to the pidfile's spawnd and waits); no systemd runs
# here, so send the SIGHUP by hand.
reloads=$(grep -c ' reloaded with /etc/spawnd.conf$' "$daemon_log")
kill -HUP "$daemon"
check "the running spawnd reloads into the new binary" wait_for 10 reloaded_times $((reloads + 1))
check "after the upgrade: hello, finger, ident and http answer" after_upgrade
check "apt-get purge fingerd" apt-get purge -y -qq fingerd
check "port 79 is closed after the purge" wait_for 10 no_finger
check "the same spawnd from the first install to the last purge" same_daemon "$first"
check "spawnd stops on SIGTERM with status 0" stop_daemon

check "apt-get remove" apt-get remove -y -qq spawnd
# nullidentd and micro-httpd want an inet-superserver: apt keeps them
# and brings in the first alternative they name (not started: see
# policy-rc.d above).
check "the remove brought openbsd-inetd in for nullidentd and micro-httpd" \
    installed openbsd-inetd nullidentd micro-httpd
check "remove keeps /etc/spawnd.conf" test -f /etc/spawnd.conf
check "remove takes /usr/sbin/spawnd" no_file /usr/sbin/spawnd
check "apt-get purge" apt-get purge -y -qq spawnd
check "purge removes /etc/spawnd.conf" no_file /etc/spawnd.conf
check "purge keeps /etc/inetd.conf, which other packages' lines are in" line_for ident

# fingerd's line added under openbsd-inetd, then spawnd takes its place.
check "apt-get install fingerd under openbsd-inetd" \
    apt-get install -y -qq --no-install-recommends openbsd-inetd fingerd
check "fingerd's line is in /etc/inetd.conf under openbsd-inetd" line_for finger
check "apt-get install spawnd where openbsd-inetd is" \
    apt-get install -y -qq --no-install-recommends ../spawnd_0.1.0+ci1_*.deb
check "openbsd-inetd is removed" not_installed openbsd-inetd
check "spawnd starts on the inetd.conf openbsd-inetd had" start_daemon
check "finger, ident and http answer from its lines" from_its_lines
check "spawnd stops on SIGTERM with status 0" stop_daemon

git checkout -q debian/changelog
rm -f /usr/sbin/policy-rc.d
echo "# tests/lib/package.sh took $SECONDS s; the slowest checks:"
sort -rn "$times" | head -n 6 | sed 's/^/#   /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
