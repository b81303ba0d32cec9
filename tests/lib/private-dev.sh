#!/bin/sh
# private-dev.sh STAGE: in a private mount namespace (the caller made
# it), put a fresh /dev in place of the machine's: a small tmpfs built in
# the empty directory STAGE, with null, zero, full, random, urandom, tty
# and pts bound in from the real /dev, and console bound to /dev/null.
# Whatever is then created in /dev (a /dev/log socket or symlink) stays
# in the namespace: the machine's /dev is one devtmpfs shared by all.
# Used by tests/lib/devlog.bash and tests/lib/systemd-boot.sh.
set -eu
stage=$1
mount -t tmpfs -o mode=0755,size=1m spawnd-test-dev "$stage"
for n in null zero full random urandom tty; do
	: >"$stage/$n"
	mount --bind "/dev/$n" "$stage/$n"
done
# systemd logs to /dev/console in a container: let it go nowhere.
: >"$stage/console"
mount --bind /dev/null "$stage/console"
mkdir "$stage/pts" "$stage/shm"
mount --bind /dev/pts "$stage/pts"
ln -s pts/ptmx "$stage/ptmx"
mount -t tmpfs -o mode=1777,size=1m spawnd-test-shm "$stage/shm"
ln -s /proc/self/fd "$stage/fd"
ln -s /proc/self/fd/0 "$stage/stdin"
ln -s /proc/self/fd/1 "$stage/stdout"
ln -s /proc/self/fd/2 "$stage/stderr"
mount --move "$stage" /dev
