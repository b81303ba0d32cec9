#!/usr/bin/env bash
# The Debian package's life (issue 16), as root in a brand-new Debian 12
# root made by "./dev package": its Build-Depends from the archive, the
# build, lintian, install, the services of the packaged configuration,
# an upgrade that keeps an edited conffile, remove, purge.  The suite
# itself ran in the other passes, so the package is built with nocheck.
# Prints one line per check and "N passed, N failed" last.
set -u
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
log=/tmp/package.log
passed=0
failed=0

check() {	# check WHAT COMMAND...
	local what=$1
	shift
	echo "==== $what" >>"$log"
	if "$@" >>"$log" 2>&1; then
		echo "ok - $what"
		passed=$((passed + 1))
	else
		echo "not ok - $what"
		tail -n 40 "$log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

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
edited() { grep -qx '# edited by the package test' /etc/spawnd.conf; }
no_file() { [ ! -e "$1" ]; }
user_exists() { getent passwd _spawnd && getent group _spawnd; }
conffile() { dpkg-query -W -f='${Conffiles}' spawnd | grep -q ' /etc/spawnd.conf '; }

apt-get update -qq >>"$log" 2>&1
check "the build tools from the archive" apt-get install -y -qq --no-install-recommends \
    dpkg-dev devscripts lintian fakeroot netcat-openbsd procps
check "Build-Depends (apt-get build-dep -P nocheck ./)" \
    apt-get build-dep -y -qq --no-install-recommends -P nocheck ./
check "dpkg-buildpackage -us -uc -b" build
check "lintian --fail-on error,warning says nothing" lintian_silent 0.1.0
mkdir -p /root/v1 && mv ../spawnd_0.1.0_* /root/v1/
check "apt-get install ./spawnd_0.1.0_*.deb" apt-get install -y -qq /root/v1/spawnd_0.1.0_*.deb
check "the system user _spawnd exists" user_exists
check "/etc/spawnd.conf is a conffile" conffile
check "spawnd -t says OK" spawnd -t
check "the packaged configuration answers every service" bash debian/tests/services
echo '# edited by the package test' >>/etc/spawnd.conf
bump
check "a newer version builds" build
check "apt-get install of the newer version (an upgrade)" \
    apt-get install -y -qq ../spawnd_0.1.0+ci1_*.deb
check "the upgrade installed 0.1.0+ci1" installed_version 0.1.0+ci1
check "the edited conffile is kept" edited
check "the upgraded package answers every service" bash debian/tests/services
check "apt-get remove" apt-get remove -y -qq spawnd
check "remove keeps /etc/spawnd.conf" test -f /etc/spawnd.conf
check "remove takes /usr/sbin/spawnd" no_file /usr/sbin/spawnd
check "apt-get purge" apt-get purge -y -qq spawnd
check "purge removes /etc/spawnd.conf" no_file /etc/spawnd.conf
git checkout -q debian/changelog
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
