#!/usr/bin/env bash
# systemd-boot.sh UNIT_DIR STAGE_DIR [SRC:DST...]
#
# Boot the machine's systemd as PID 1 of private PID, mount, network,
# UTS and cgroup namespaces, for tests/40-systemd.bats (see
# tests/lib/systemd.bash, which starts and stops it).  Runs in the
# foreground until that systemd dies: stop it with SIGKILL (systemd
# re-executes itself on SIGTERM), which ends the whole PID namespace.
#
# What keeps the host out of reach:
#  - its own cgroup (a child of ours on the cgroup2 hierarchy), made the
#    root of a cgroup namespace, so systemd's slices land below it;
#  - fresh tmpfs on /run, /tmp, /var/tmp (PrivateTmp's) and
#    /var/log/journal, /proc/sys and /sys
#    read-only, and a private /dev (a tmpfs with the usual nodes bound
#    in), so neither the journal nor the /dev/log symlink that
#    systemd-journald-dev-log.socket makes reach the host;
#  - SYSTEMD_UNIT_PATH naming a copy of UNIT_DIR only (in the new /run),
#    with no trailing ":" (the
#    default units would run systemd-tmpfiles, whose "D /tmp" would
#    empty the host's /tmp);
#  - a network namespace whose loopback is its own: the fixed ports of
#    the shipped configuration (13, 17, 37, 2345, 9000) collide with
#    nothing.
# SRC:DST pairs are bind mounts made before systemd starts (the test's
# installed tree on /usr/local).  STAGE_DIR is an empty directory the
# private /dev is built in.
set -euo pipefail

units=$1 stage=$2
shift 2
private_dev=$(cd "$(dirname "$0")" && pwd)/private-dev.sh

# The cgroup2 hierarchy: all of /sys/fs/cgroup (unified), or its
# "unified" part (hybrid, as on Debian's own machines without systemd).
if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
	cgroot=/sys/fs/cgroup
elif [[ -d /sys/fs/cgroup/unified && $(stat -fc %T /sys/fs/cgroup/unified) == cgroup2fs ]]; then
	cgroot=/sys/fs/cgroup/unified
else
	echo "systemd-boot: no cgroup2 hierarchy mounted" >&2
	exit 2
fi
cgself=$(sed -n 's/^0:://p' /proc/self/cgroup)
cg=$cgroot${cgself%/}/spawnd-test.$$
mkdir "$cg"
echo "$cg" >"$stage.cgroup"	# for the teardown, which removes it
echo $$ >"$cg/cgroup.procs"

# shellcheck disable=SC2016 # the inner bash expands its arguments
exec unshare --pid --fork --mount --net --uts --cgroup --propagation private -- \
    bash -c '
set -e
units=$1 stage=$2 private_dev=$3
shift 3
mount -t proc proc /proc
mount -t sysfs -o ro sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
# Before the tmpfs on /tmp: sources and the stage may live there.
for pair; do
	mount --bind "${pair%%:*}" "${pair#*:}"
done
sh "$private_dev" "$stage"
mount -t tmpfs -o mode=0755 spawnd-test-run /run
# The units may live in /tmp too: systemd reads a copy.
mkdir /run/spawnd-test-units
cp -R "$units/." /run/spawnd-test-units/
mount -t tmpfs -o mode=1777 spawnd-test-tmp /tmp
# PrivateTmp= makes its directories under /var/tmp, and a SIGKILLed
# systemd never removes them: they must not land on the host.
mount -t tmpfs -o mode=1777 spawnd-test-vartmp /var/tmp
if [ -d /var/log/journal ]; then
	mount -t tmpfs -o mode=0755 spawnd-test-journal /var/log/journal
fi
ip link set lo up
exec env -i container=spawnd-test SYSTEMD_UNIT_PATH=/run/spawnd-test-units \
    /lib/systemd/systemd
' systemd-boot "$units" "$stage" "$private_dev" "$@"
