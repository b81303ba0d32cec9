#!/usr/bin/env bats
# Privilege drop (spawnd(8), "DESCRIPTION"; issue 5 point 3): started as
# root, every child becomes the service's user and group (initgroups,
# setgid, setuid) before it reads a byte from the client, and cannot get
# root back; the parent stays root for binding and reloading.  Checked
# from outside, in /proc/CHILD/status, while a session is open: all four
# uids and gids (real, effective, saved, filesystem) are the target's,
# the supplementary groups are the target user's, and no capability is
# left.  Needs root; skipped otherwise.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	[[ $(id -u) == 0 ]] || skip "needs root: children only drop privileges when spawnd runs as root"
	hostile_setup
	PORT=$(free_port)
}

teardown() { hostile_teardown; }

# status_field PID FIELD: the value of FIELD: in /proc/PID/status, tabs
# and spaces squeezed to single spaces.
status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# expected_groups USER GID: the sorted group list initgroups(USER, GID)
# gives: GID and every group that lists USER as a member.
expected_groups() {
	python3 - "$1" "$2" <<-'PY'
	import grp, sys
	user, gid = sys.argv[1], int(sys.argv[2])
	gids = {gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
	print(' '.join(str(g) for g in sorted(gids)))
	PY
}

# assert_dropped PID USER GROUP: PID runs as USER:GROUP and nothing more.
assert_dropped() {
	local pid=$1 user=$2 group=$3 uid gid want got cap
	uid=$(id -u "$user")
	gid=$(getent group "$group" | cut -d: -f3)
	[[ -n $uid && -n $gid ]] || fail "no user $user or group $group"
	got=$(status_field "$pid" Uid)
	[[ $got == "$uid $uid $uid $uid" ]] ||
	    fail "child $pid: Uid: $got, want $uid (real, effective, saved, fs)"
	got=$(status_field "$pid" Gid)
	[[ $got == "$gid $gid $gid $gid" ]] ||
	    fail "child $pid: Gid: $got, want $gid (real, effective, saved, fs)"
	want=$(expected_groups "$user" "$gid")
	got=$(status_field "$pid" Groups | tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' ')
	[[ ${got% } == "$want" ]] ||
	    fail "child $pid: Groups: '${got% }', want '$want' (initgroups of $user)"
	for cap in CapInh CapPrm CapEff CapAmb; do
		got=$(status_field "$pid" "$cap")
		[[ $got =~ ^0+$ ]] || fail "child $pid: $cap: $got, want none"
	done
}

# one_child: the PID of the only live child of our spawnd.
one_child() {
	local pids
	mapfile -t pids < <(children_of "$SPAWND_PID")
	[[ ${#pids[@]} -eq 1 ]] || fail "expected one child, found: ${pids[*]}"
	is_ours "${pids[0]}" || fail "child ${pids[0]} is not ours"
	CHILD=${pids[0]}
}

# any_child PID: PID has a child, even one that has exited (polled by
# wait_until, so looked up anew each time).
any_child() { [[ -n $(ps --ppid "$1" -o pid=) ]]; }

@test "a command session's child runs as the global user and group, the parent stays root" {
	local fd fds
	write_config <<-EOF
	$(svc_globals)
	user = "nobody"
	group = "nogroup"
	service cmd {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	hold s "127.0.0.1:$PORT" 1
	[[ $HOLD_STATE == "served=1 "* ]] || fail "$HOLD_STATE"
	one_child
	assert_dropped "$CHILD" nobody nogroup
	[[ $(status_field "$SPAWND_PID" Uid) == "0 0 0 0" ]] ||
	    fail "the parent is no longer root: $(status_field "$SPAWND_PID" Uid)"
	# Nothing of the parent's but stdio and the client socket (fd 3).
	fds=$(for fd in /proc/"$CHILD"/fd/*; do echo "${fd##*/}"; done |
	    sort -n | tr '\n' ' ')
	[[ $fds == "0 1 2 3 " ]] || fail "child $CHILD holds fds: $fds"
	[[ $(readlink "/proc/$CHILD/fd/3") == socket:* ]] ||
	    fail "fd 3 of the child is not the client socket"
	for fd in /proc/"$SPAWND_PID"/fd/*; do
		[[ $(readlink "$fd") != "$(readlink "/proc/$CHILD/fd/3")" ]] ||
		    fail "the parent still holds the client socket"
	done
	release s
}

@test "per-service user and group override the global ones" {
	write_config <<-EOF
	$(svc_globals)
	user = "nobody"
	group = "nogroup"
	service cmd {
		type = "command"
		listen_stream = {"127.0.0.1:$PORT"}
		user = "daemon"
		group = "nogroup"
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	hold s "127.0.0.1:$PORT" 1
	[[ $HOLD_STATE == "served=1 "* ]] || fail "$HOLD_STATE"
	one_child
	assert_dropped "$CHILD" daemon nogroup
	release s
}

@test "a fortune child and the fortune_command it runs are dropped too" {
	local prog
	# A program that outlives the test's look at it: sleep.
	prog=$(command -v sleep)
	write_config <<-EOF
	$(svc_globals)
	service fortune {
		type = "fortune"
		listen_stream = {"127.0.0.1:$PORT"}
		fortune_command = "$prog 4"
		user = "daemon"
		group = "daemon"
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	hold s "127.0.0.1:$PORT" 1 --wait 0.5
	one_child
	assert_dropped "$CHILD" daemon daemon
	wait_until 5 any_child "$CHILD" ||
	    fail "the fortune child started no program"
	assert_dropped "$(ps --ppid "$CHILD" -o pid= | tr -d ' ')" daemon daemon
	release s
}
