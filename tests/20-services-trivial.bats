#!/usr/bin/env bats
# The trivial services of inetd and xinetd (RFC 862, 863, 864): echo,
# discard and chargen, byte-exact over TCP (a child per client, until it
# closes) and UDP (answered inline, with the loop guard and
# datagram_rate).  Clients: tests/lib/trivial-client.py, and nc.

load lib/helpers
load lib/services

setup() {
	svc_setup
	read -r P_ECHO P_DISCARD P_CHARGEN < <(python3 "$TESTS_LIB/free-ports.py" "${TMPDIR:-/tmp}" 3 "${BUILTIN_TCP_PORTS[@]}")
	{
		svc_globals
		printf 'service echo {\n\ttype = "echo"\n\tidle_timeout = 2\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_ECHO"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$P_ECHO"
		printf 'service discard {\n\ttype = "discard"\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_DISCARD"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$P_DISCARD"
		printf 'service chargen {\n\ttype = "chargen"\n\tdatagram_rate = 50\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n' "$P_CHARGEN"
		printf '\tlisten_datagram = {"127.0.0.1:%s"}\n}\n' "$P_CHARGEN"
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
}

teardown() { svc_teardown; }

trivial() {
	timeout 30 python3 "$TESTS_LIB/trivial-client.py" "$@"
}

@test "echo over TCP: 1 MiB of random bytes comes back byte for byte, and the server closes after the client" {
	run trivial echo-tcp "$P_ECHO" 1048576
	assert_status 0
	run bash -c "printf 'one line\r\n' | timeout 5 nc -N 127.0.0.1 $P_ECHO"
	[[ $output == "one line"$'\r' ]] || fail "nc: $(printf '%q' "$output")"
	wait_for_log "reaped [0-9]+ \\(echo\\)$" 2
}

@test "discard over TCP: 1 MiB read and dropped, not a byte back" {
	run trivial discard-tcp "$P_DISCARD" 1048576
	assert_status 0
	wait_for_log "reaped [0-9]+ \\(discard\\)$"
}

@test "chargen over TCP: RFC 864's pattern (72 of the 95 characters a line, shifted one a line, CRLF) through three cycles" {
	run trivial chargen-tcp "$P_CHARGEN" $(( 95 * 74 * 3 + 100 ))
	assert_status 0
	# The client closed: the child finds out at its next write, and ends.
	wait_for_log "reaped [0-9]+ \\(chargen\\)$"
	# What nc shows: the first line.
	run bash -c "timeout 5 nc 127.0.0.1 $P_CHARGEN </dev/null | head -n 1"
	[[ $output == ' !"#$%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefg'$'\r' ]] ||
	    fail "first line: $(printf '%q' "$output")"
}

@test "echo over UDP: each datagram back as it came (0 to 8192 bytes); a larger one gets nothing" {
	run trivial echo-udp "$P_ECHO" 0,1,100,512,1500,8192,8193,20000,7
	assert_status 0
}

@test "chargen over UDP: one datagram of 0 to 512 bytes of the pattern per request, of varying length" {
	run trivial chargen-udp "$P_CHARGEN" 20
	assert_status 0
	local lens
	lens=$(echo "$output" | cut -d' ' -f3- | tr ' ' '\n' | sort -u | wc -l)
	(( lens > 1 )) || fail "20 datagrams all of one length: $output"
}

@test "discard over UDP: no answer, and the service goes on" {
	run trivial discard-udp "$P_DISCARD"
	assert_status 0
	run trivial echo-udp "$P_ECHO" 10
	assert_status 0
	kill -0 "$SPAWND_PID" || fail "spawnd died"
}

@test "the loop guard: a datagram from a privileged port (another server's) gets no echo or chargen" {
	(( EUID == 0 )) || skip "binding a source port below 1024 needs root"
	udp_ask 127.0.0.1 "$P_ECHO" "$BATS_TEST_TMPDIR/guarded" 1019
	[[ ! -s $BATS_TEST_TMPDIR/guarded ]] || fail "echo answered port 1019"
	udp_ask 127.0.0.1 "$P_CHARGEN" "$BATS_TEST_TMPDIR/guarded2" 1019
	[[ ! -s $BATS_TEST_TMPDIR/guarded2 ]] || fail "chargen answered port 1019"
	udp_ask 127.0.0.1 "$P_ECHO" "$BATS_TEST_TMPDIR/fine"
	[[ $(<"$BATS_TEST_TMPDIR/fine") == x* ]] || fail "echo did not answer an ordinary port"
}

@test "idle_timeout is idle time for echo: typing a line every 0.5 s for 4 s is never cut (idle_timeout = 2), silence is" {
	run trivial typing "$P_ECHO" 4,0.5
	assert_status 0
	# Silent for longer than idle_timeout: the server closes.
	run timeout 10 python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
t0 = time.monotonic()
s.settimeout(8)
print("closed" if s.recv(1) == b"" else "data", round(time.monotonic() - t0))
' "$P_ECHO"
	[[ $output =~ ^closed\ [1-4]$ ]] || fail "a silent client: $output"
}

@test "-t: listen_datagram is allowed for echo, discard and chargen; fork = false is not" {
	run "$SPAWND" -t -c "$SPAWND_CONF"
	assert_status 0
	{
		svc_globals
		printf 'service e {\n\ttype = "echo"\n\tfork = false\n'
		printf '\tlisten_stream = {"127.0.0.1:%s"}\n}\n' "$P_ECHO"
	} | write_config x.conf
	run "$SPAWND" -t -c "$BATS_TEST_TMPDIR/x.conf"
	assert_status 78
	assert_output_has "fork = false: type echo cannot answer without a child"
}

@test "issue 24 review: a datagram from one of our own datagram ports (forged, or another service's answer) gets no answer: no loop" {
	(( EUID == 0 )) || skip "a raw socket (to forge the source port) needs root"
	# One datagram to echo whose source is echo itself: answering it
	# would answer itself again and again.
	python3 -c '
import socket, struct, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
payload = b"loop?"
# Source port = destination port = our own; checksum 0: none (IPv4).
s.sendto(struct.pack("!HHHH", port, port, 8 + len(payload), 0) + payload, ("127.0.0.1", port))
' "$P_ECHO"
	# And chargen, with echo as the source: the two would ping-pong.
	python3 -c '
import socket, struct, sys
src, dst = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
s.sendto(struct.pack("!HHHH", src, dst, 9, 0) + b"x", ("127.0.0.1", dst))
' "$P_ECHO" "$P_CHARGEN"
	local t0 t1
	t0=$(cpu_ticks "$SPAWND_PID")
	sleep 2	# a loop would show in these 2 s of CPU
	t1=$(cpu_ticks "$SPAWND_PID")
	(( t1 - t0 < 20 )) || fail "the parent used $((t1 - t0)) ticks in 2 s: a datagram loop"
	# Ordinary clients are still answered.
	run trivial echo-udp "$P_ECHO" 10
	assert_status 0
}
