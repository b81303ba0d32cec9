#!/usr/bin/env bats
# The git and tftp examples of spawnd.conf(5) under the shipped unit and
# its sandbox (spawnd(8), RUNNING UNDER SYSTEMD), in the real systemd of
# tests/40-systemd.bats, with the real clients: the service sections and
# the drop-in are read from the man pages' sources, so the test runs
# exactly what an admin copies.  Inside systemd's namespaces a tmpfs on
# /srv holds the repository and the file to serve, and a copy of
# /etc/passwd and /etc/group bound over them adds the user git: the
# examples' paths, ports and user, and nothing of the host changes.
# One boot for both examples.  Needs root.

load lib/helpers
load lib/systemd

setup_file() {
	[[ $(id -u) -eq 0 ]] || return 0
	DEST=$BATS_FILE_TMPDIR/dest
	export DEST
	sysd_install "$DEST"
}

setup() {
	spawnd_setup
	sysd_require
	command -v git >/dev/null || skip "git is not installed"
	command -v in.tftpd >/dev/null || skip "in.tftpd (tftpd-hpa) is not installed"
	command -v tftp >/dev/null || skip "tftp (tftp-hpa) is not installed"
	[[ -d /srv ]] || skip "no /srv to mount a tmpfs on (inside the namespace)"
	local prefix
	prefix=$(build_var prefix)
	SYSCONF=$DEST$(build_var sysconfdir | sed "s|\${prefix}|$prefix|")
	# The test writes the whole configuration; the installed one comes
	# back at teardown.
	cp -p "$SYSCONF/spawnd.conf" "$BATS_TEST_TMPDIR/spawnd.conf.installed"
	sysd_boot "$DEST"
}

teardown() {
	sysd_teardown
	if [[ -f $BATS_TEST_TMPDIR/spawnd.conf.installed ]]; then
		cp -p "$BATS_TEST_TMPDIR/spawnd.conf.installed" "$SYSCONF/spawnd.conf"
	fi
	spawnd_teardown
}

# man_block PAGE FIRST LAST: the lines of man/PAGE.in from the one that
# is FIRST to the next one that matches the ERE LAST (excluded), as the
# admin reads them: it fails on roff escapes, which the page would
# render otherwise.
man_block() {
	local text
	text=$(awk -v first="$2" -v last="$3" '
		$0 == first { inb = 1 }
		inb && $0 ~ last { exit }
		inb { print }
	' "$TOP_SRCDIR/man/$1.in")
	[[ -n $text ]] || fail "no block '$2' in man/$1.in"
	[[ $text != *\\* ]] || fail "a roff escape in the block '$2' of man/$1.in:" "$text"
	printf '%s\n' "$text"
}

# A service section of spawnd.conf(5)'s EXAMPLES, with its closing brace.
conf_example() {
	man_block spawnd.conf.5 "service $1 {" '^\.Ed$|^$' | awk '{ print } /^}$/ { exit }'
}

# free_id: a number neither a user nor a group of this machine has.
free_id() {
	local id
	for (( id = 990; id > 100; id-- )); do
		getent passwd "$id" >/dev/null || getent group "$id" >/dev/null || {
			echo "$id"
			return 0
		}
	done
	fail "no free id for the user git"
}

# The examples' world inside the namespace: /srv/git/repo.git (a bare
# repository with one commit, owned by git, exported) and /srv/tftp/blob,
# and the user git.  Sets HEAD to the repository's commit.
examples_world() {
	local srv=$BATS_TEST_TMPDIR/srv work=$BATS_TEST_TMPDIR/work id
	id=$(free_id)
	mkdir -p "$srv/git" "$srv/tftp"
	head -c 300000 /dev/urandom >"$srv/tftp/blob"
	git init -q "$work"
	printf 'served by spawnd under systemd\n' >"$work/README"
	git -C "$work" add README
	git -C "$work" -c user.name=t -c user.email=t@localhost commit -qm one
	HEAD=$(git -C "$work" rev-parse HEAD)
	git clone -q --bare "$work" "$srv/git/repo.git"
	: >"$srv/git/repo.git/git-daemon-export-ok"
	chmod -R a+rX "$srv"
	chown -R "$id:$id" "$srv/git"
	in_sysd mount -t tmpfs -o mode=0755 spawnd-test-srv /srv
	tar -C "$srv" -cf - . | in_sysd tar -C /srv --numeric-owner -xpf -
	# As adduser --system --group --home /srv/git git makes it.
	{ cat /etc/passwd; echo "git:x:$id:$id::/srv/git:/usr/sbin/nologin"; } |
	    in_sysd sh -c 'cat >/run/spawnd-test-passwd'
	{ cat /etc/group; echo "git:x:$id:"; } | in_sysd sh -c 'cat >/run/spawnd-test-group'
	in_sysd mount --bind /run/spawnd-test-passwd /etc/passwd
	in_sysd mount --bind /run/spawnd-test-group /etc/group
}

# tftp_get SECONDS: tftp from the namespace's loopback fetches blob as
# $BATS_TEST_TMPDIR/got, in at most SECONDS.
tftp_get() {
	rm -f "$BATS_TEST_TMPDIR/got"
	(cd "$BATS_TEST_TMPDIR" &&
	    on_sysd_net timeout "$1" tftp -m binary 127.0.0.1 69 -c get blob got)
}

# By its syslog identifier, as spawnd(8) says: the unit's name may be
# missing (journald looks it up in /proc, and in.tftpd's child is gone).
_tftpd_said_chroot() {
	journal -t in.tftpd -o cat 2>/dev/null |
	    grep -qx 'chroot: Operation not permitted'
}

@test "spawnd.conf(5)'s git and tftp examples under the unit, as the pages write them: git ls-remote answers with no drop-in (as nobody, git says why in the journal); tftp fails, said in the journal, until spawnd(8)'s drop-in, then serves a file byte-exact" {
	local git_section tftp_section dropin
	git_section=$(conf_example git)
	tftp_section=$(conf_example tftp)
	dropin=$(man_block spawnd.8 '# /etc/systemd/system/spawnd.service.d/tftp.conf' '^\.Ed$')
	[[ $git_section == *'user = "git"'* && $git_section == *--log-destination=stderr* ]] ||
	    fail "the git example lacks its user or --log-destination=stderr:" "$git_section"
	examples_world
	# Beside them, the git example as it was: no user (children run as
	# nobody) on another port.
	{
		printf '%s\n\n%s\n\n' "$git_section" "$tftp_section"
		printf '%s\n' "$git_section" | sed -e 's/^service git {/service git-nobody {/' \
		    -e '/^[[:space:]]*user = /d' -e 's/"9418"/"9419"/'
	} >"$SYSCONF/spawnd.conf"
	sysctl_ns start spawnd.service

	# git: the sandbox leaves /srv/git readable; user git owns it.
	run on_sysd_net timeout 30 git ls-remote git://127.0.0.1/repo.git
	assert_status 0
	[[ $output == "$HEAD"$'\tHEAD\n'"$HEAD"$'\trefs/heads/'* ]] ||
	    fail "git ls-remote: not the repository's commit $HEAD:" "$output"
	wait_for_journal '^reaped [0-9]+ \(git\)$'
	run on_sysd_net timeout 30 git ls-remote git://127.0.0.1:9419/repo.git
	[[ $status -ne 0 ]] || fail "git as nobody served a repository git owns"
	wait_for_journal "^fatal: detected dubious ownership in repository at '/srv/git/repo\\.git'\$"

	# tftp without the drop-in: the client gets nothing, the journal
	# (in.tftpd's syslog line) says why.
	run tftp_get 3
	[[ $status -ne 0 && ! -s $BATS_TEST_TMPDIR/got ]] ||
	    fail "tftp got the file although the sandbox forbids chroot"
	wait_until "$SPAWND_TEST_TIMEOUT" _tftpd_said_chroot ||
	    fail "no 'in.tftpd: chroot: Operation not permitted' in the journal:" \
	    "$(journal -o short | tail -n 30)"

	# The drop-in, where systemd looks for it here (the test's unit
	# directory stands for /etc/systemd/system), then a restart.
	printf '%s\n' "$dropin" |
	    in_sysd sh -c 'mkdir -p /run/spawnd-test-units/spawnd.service.d &&
	        cat >/run/spawnd-test-units/spawnd.service.d/tftp.conf'
	sysctl_ns daemon-reload
	sysctl_ns restart spawnd.service
	[[ $(unit_prop ActiveState) == active ]] || fail "after restart: $(unit_prop ActiveState)"
	# CAP_SYS_CHROOT (18) joined the unit's four.
	run nsenter -t "$SYSD_PID" -m -p -r -w -- cat "/proc/$(unit_prop MainPID)/status"
	assert_output_re $'CapBnd:\t0+404e0\n'
	tftp_get 30 || fail "tftp get failed with the drop-in" \
	    "$(journal -u spawnd.service -o short | tail -n 30)"
	cmp "$BATS_TEST_TMPDIR/srv/tftp/blob" "$BATS_TEST_TMPDIR/got" ||
	    fail "tftp: the file differs"
	run on_sysd_net timeout 30 git ls-remote git://127.0.0.1/repo.git
	assert_status 0
	[[ $output == "$HEAD"$'\tHEAD'* ]] || fail "git after the restart:" "$output"
	# systemd applied the whole unit and drop-in.
	run journal -o cat
	[[ $output != *"spawnd.service: Failed to"* ]] ||
	    fail "systemd could not apply part of the unit:" "$output"
}
