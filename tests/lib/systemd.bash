# A real systemd for tests/40-systemd.bats, on top of helpers.bash:
# Debian's systemd booted as PID 1 of private namespaces by
# tests/lib/systemd-boot.sh (read it for what keeps the host out of reach),
# with a journald, the generated spawnd.service and the installed tree
# of this build bound on its prefix.  Needs root.
#
#   sysd_install DIR  make install DESTDIR=DIR (once per file)
#   sysd_boot DIR [UNIT...]  boot with DIR's prefix tree on the build's
#                     prefix; UNITs (files) join spawnd.service
#   sysd_teardown     SIGKILL systemd (the PID namespace dies with it),
#                     remove its cgroup
#   sysctl_ns ARG...  systemctl ARG... inside
#   in_sysd CMD...    CMD in systemd's network and mount namespaces
#   on_sysd_net CMD...  CMD in its network namespace only (our files)
#   journal ARG...    journalctl ARG... inside
#   unit_prop, spawnd_journal, wait_for_journal   the unit and its journal

# The prefix the build was configured with (its Makefile's).
build_var() {
	sed -n "s/^$1 = //p" "$TOP_BUILDDIR/Makefile"
}

sysd_require() {
	[[ $(id -u) -eq 0 ]] || skip "booting systemd in namespaces needs root"
	[[ -x /lib/systemd/systemd ]] || skip "systemd is not installed"
	{ command -v unshare && command -v nsenter; } >/dev/null ||
	    skip "unshare/nsenter (util-linux) not installed"
	command -v ip >/dev/null || skip "ip (iproute2) not installed"
	[[ $(build_var prefix) == /* ]] || skip "no configured build tree"
	# The installed tree is bound on the build's prefix: on /usr (a
	# Debian package build) that would hide the system's own programs.
	[[ $(build_var prefix) != /usr ]] ||
	    skip "the build's prefix is /usr (a package build): its tree cannot be bound there"
	# LeakSanitizer stops the world with ptrace at exit, which the unit's
	# SystemCallFilter=@system-service forbids; the unit is tested with
	# the build users install.
	if ldd "$SPAWND" 2>/dev/null | grep -q libasan; then
		skip "spawnd is built with sanitizers; the unit's seccomp filter stops LeakSanitizer"
	fi
}

sysd_install() {
	make -C "$TOP_BUILDDIR" install DESTDIR="$1" >"$1.install.log" 2>&1 ||
	    fail "make install DESTDIR=$1 failed:" "$(tail -n 30 "$1.install.log")"
}

# sysd_boot DESTDIR [UNIT...]: boot, wait until systemctl answers "running".
sysd_boot() {
	local dest=$1 prefix units=$BATS_TEST_TMPDIR/units state
	shift
	prefix=$(build_var prefix)
	SYSD_STAGE=$BATS_TEST_TMPDIR/devstage
	SYSD_UNSHARE=
	SYSD_PID=
	mkdir -p "$units" "$SYSD_STAGE"
	# journald and its sockets from the machine, spawnd's from the build.
	cp /lib/systemd/system/systemd-journald.service \
	    /lib/systemd/system/systemd-journald.socket \
	    /lib/systemd/system/systemd-journald-dev-log.socket "$units/"
	cp "$TOP_BUILDDIR/systemd/spawnd.service" "$units/"
	(( $# == 0 )) || cp "$@" "$units/"
	cat >"$units/default.target" <<-EOF
	[Unit]
	Description=spawnd test boot: journald only
	Wants=systemd-journald.socket systemd-journald-dev-log.socket systemd-journald.service
	EOF
	# The targets a service's default dependencies name, empty: nothing
	# of the machine's boot runs here.
	local t
	for t in sysinit basic shutdown sockets network; do
		printf '[Unit]\nDescription=%s (empty, for the test)\n' "$t" \
		    >"$units/$t.target"
	done
	bash "$TESTS_LIB/systemd-boot.sh" "$units" "$SYSD_STAGE" \
	    "$dest$prefix:$prefix" </dev/null >"$BATS_TEST_TMPDIR/boot.err" 2>&1 3>&- &
	SYSD_UNSHARE=$!
	wait_until 10 _sysd_found || fail "systemd did not start:" \
	    "$(cat "$BATS_TEST_TMPDIR/boot.err")"
	if ! wait_until 30 _sysd_running; then
		state=$(sysctl_ns is-system-running 2>&1)
		fail "systemd not running after 30 s ($state):" \
		    "$(sysctl_ns --failed --no-pager 2>&1)" \
		    "$(cat "$BATS_TEST_TMPDIR/boot.err")"
	fi
}

# systemd is the child of unshare(1), which execs from the boot script.
_sysd_found() {
	local comm
	SYSD_PID=$(ps -o pid= --ppid "$SYSD_UNSHARE" 2>/dev/null | tr -d ' ')
	[[ -n $SYSD_PID ]] || return 1
	read -r comm <"/proc/$SYSD_PID/comm" 2>/dev/null
	[[ $comm == systemd ]]
}

_sysd_running() {
	[[ $(sysctl_ns is-system-running 2>/dev/null) == running ]]
}

sysctl_ns() {
	nsenter -t "$SYSD_PID" -m -p -r -w -- timeout 60 systemctl "$@"
}

in_sysd() {
	nsenter -t "$SYSD_PID" -m -n -r -w -- "$@"
}

on_sysd_net() {
	nsenter -t "$SYSD_PID" -n -- "$@"
}

journal() {
	nsenter -t "$SYSD_PID" -m -p -r -w -- journalctl --no-pager "$@"
}

sysd_teardown() {
	local cg
	if [[ -n ${SYSD_PID:-} && ${BATS_TEST_COMPLETED:-} != 1 ]]; then
		echo "---- journal" >&2
		journal -o short-monotonic 2>&1 | tail -n 80 >&2
	fi
	[[ -n ${SYSD_PID:-} ]] && kill -KILL "$SYSD_PID" 2>/dev/null
	if [[ -n ${SYSD_UNSHARE:-} ]]; then
		wait_for_exit "$SYSD_UNSHARE" 10 || kill -KILL "$SYSD_UNSHARE"
		wait "$SYSD_UNSHARE" 2>/dev/null || true
	fi
	# Empty once every process in it is gone; remove it deepest first.
	if [[ -s ${SYSD_STAGE:-}.cgroup ]]; then
		cg=$(<"$SYSD_STAGE.cgroup")
		[[ $cg == */spawnd-test.* ]] &&
		    wait_until 10 _cgroup_removed "$cg" ||
		    echo "teardown: could not remove cgroup $cg" >&2
	fi
	SYSD_PID=
	SYSD_UNSHARE=
}

_cgroup_removed() {
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
	[[ ! -d $1 ]]
}

# unit_prop NAME [UNIT]: property NAME of UNIT (spawnd.service).
unit_prop() {
	sysctl_ns show -P "$1" "${2:-spawnd.service}"
}

# The messages of spawnd.service's journal, one per line.
spawnd_journal() {
	journal -u spawnd.service -o cat
}

_journal_has() {
	local n
	n=$(spawnd_journal 2>/dev/null | grep -cE -- "$1")
	(( ${n:-0} >= ${2:-1} ))
}

# wait_for_journal ERE [COUNT]
wait_for_journal() {
	wait_until "$SPAWND_TEST_TIMEOUT" _journal_has "$1" "${2:-1}" && return 0
	fail "no ${2:-1} journal line(s) /$1/ of spawnd.service:" \
	    "$(spawnd_journal 2>&1 | tail -n 40)"
}
