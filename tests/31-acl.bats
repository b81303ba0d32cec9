#!/usr/bin/env bats
# Access lists (spawnd.conf(5), "Access lists"; issue 5 point 2): allow
# and deny hold IPv4 and IPv6 CIDRs, deny wins, an empty allow list
# allows everyone, and an IPv4 client seen on a dual-stack socket as
# ::ffff:a.b.c.d is judged by the IPv4 rules.  The check is made in the
# parent before fork: a refused client gets not one byte, no child is
# begotten, and the refusal is logged "refused ADDR on SERVICE: acl".
#
# Linux routes all of 127.0.0.0/8 to the loopback interface, so a client
# bound to 127.0.0.2 or 127.0.0.20 is a different source for the lists
# while every packet stays on this machine.

load lib/helpers
load lib/services
load lib/hostile

setup() {
	hostile_setup
	P1=$(free_port)
	P2=$(free_port)
	P3=$(free_port)
}

teardown() { hostile_teardown; }

# hello_service NAME LISTEN ALLOW DENY: a hello section with the given
# listen_stream entry and allow/deny list bodies.
hello_service() {
	printf 'service %s {\n\ttype = "hello"\n\tlisten_stream = {"%s"}\n' "$1" "$2"
	printf '\tallow = {%s}\n\tdeny = {%s}\n}\n' "$3" "$4"
}

# no_child_for SERVICE: the parent never forked for SERVICE.
no_child_for() {
	[[ $(log_count "begat [0-9]+ for $1$") -eq 0 ]] ||
	    fail "a child was begotten for $1, which refuses everyone here"
}

@test "IPv4 lists: deny wins over allow, masks are honoured, refused clients get no byte" {
	{
		svc_globals
		hello_service mixed "127.0.0.1:$P1" \
		    '"127.0.0.0/8"' '"127.0.0.2", "127.0.0.16/28"'
		hello_service denywins "127.0.0.1:$P2" '"127.0.0.1"' '"127.0.0.0/8"'
		hello_service elsewhere "127.0.0.1:$P3" '"10.0.0.0/8", "::1"' ''
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_served "127.0.0.1:$P1" 127.0.0.1
	assert_served "127.0.0.1:$P1" 127.0.0.15
	assert_served "127.0.0.1:$P1" 127.0.0.32
	assert_refused "127.0.0.1:$P1" 127.0.0.2
	assert_refused "127.0.0.1:$P1" 127.0.0.16
	assert_refused "127.0.0.1:$P1" 127.0.0.31
	assert_log "refused 127\.0\.0\.2 on mixed: acl$"
	assert_log "refused 127\.0\.0\.31 on mixed: acl$"
	# Allowed by name, denied by the block around it: deny wins.
	assert_refused "127.0.0.1:$P2" 127.0.0.1
	assert_log "refused 127\.0\.0\.1 on denywins: acl$"
	# Not in a non-empty allow list (an IPv6 rule never matches IPv4).
	assert_refused "127.0.0.1:$P3" 127.0.0.1
	assert_log "refused 127\.0\.0\.1 on elsewhere: acl$"
	# A refused client that talks first still gets nothing.
	run hostile probe "127.0.0.1:$P2" --send 'GET / HTTP/1.0\r\n\r\n' --wait 3
	[[ $(kv bytes "$output") == 0 ]] || fail "refused client got bytes: $output"
	no_child_for denywins
	no_child_for elsewhere
	[[ $(log_count "begat [0-9]+ for mixed$") -eq 3 ]] ||
	    fail "mixed: expected 3 children, for the 3 allowed clients"
}

@test "IPv6 lists on [::1]: allow, deny, deny ::/0, IPv4 rules do not match IPv6 clients" {
	require_ipv6
	{
		svc_globals
		hello_service allowed "[::1]:$P1" '"::1"' '"fe80::/10"'
		hello_service denied "[::1]:$P2" '"::/0"' '"::1/128"'
		hello_service v4only "[::1]:$P3" '"127.0.0.0/8", "0.0.0.0/0"' ''
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_served "[::1]:$P1" ::1
	assert_refused "[::1]:$P2" ::1
	assert_log "refused ::1 on denied: acl$"
	assert_refused "[::1]:$P3" ::1
	assert_log "refused ::1 on v4only: acl$"
	no_child_for denied
	no_child_for v4only
}

@test "dual-stack socket: IPv4 clients (::ffff:a.b.c.d) are judged by IPv4 rules and logged as IPv4" {
	require_ipv6
	# A port alone binds every address of the machine; this test only
	# ever connects through 127.0.0.1 and ::1.
	{
		svc_globals
		hello_service dual "$P1" \
		    '"127.0.0.0/8"' '"127.0.0.2", "::ffff:127.0.0.3"'
		hello_service plain "127.0.0.1:$P2" '' '"::ffff:127.0.0.3/128"'
	} | write_config
	start_spawnd -c "$SPAWND_CONF"
	assert_served "127.0.0.1:$P1" 127.0.0.1
	assert_served "127.0.0.1:$P1" 127.0.0.4
	assert_refused "127.0.0.1:$P1" 127.0.0.2
	assert_refused "127.0.0.1:$P1" 127.0.0.3
	assert_log "refused 127\.0\.0\.2 on dual: acl$"
	assert_log "refused 127\.0\.0\.3 on dual: acl$"
	# An IPv6 client is not in the IPv4-only allow list.
	assert_refused "[::1]:$P1" ::1
	assert_log "refused ::1 on dual: acl$"
	# A mapped rule means the same IPv4 address on a plain IPv4 socket.
	assert_refused "127.0.0.1:$P2" 127.0.0.3
	assert_served "127.0.0.1:$P2" 127.0.0.1
	[[ $(log_count "refused ::ffff:") -eq 0 ]] ||
	    fail "an IPv4 client was logged in its mapped form"
}

@test "access lists guard the inline and datagram answers too" {
	local tport
	tport=$(free_port)
	write_config <<-EOF
	$(svc_globals)
	service time {
		type = "time"
		listen_stream = {"127.0.0.1:$tport"}
		listen_datagram = {"127.0.0.1:$tport"}
		deny = {"127.0.0.1/32"}
	}
	service daytime {
		type = "daytime"
		listen_datagram = {"127.0.0.1:$P1"}
		allow = {"127.0.0.1/32"}
	}
	EOF
	start_spawnd -c "$SPAWND_CONF"
	assert_refused "127.0.0.1:$tport" 127.0.0.1
	assert_log "refused 127\.0\.0\.1 on time: acl$"
	run hostile udp "127.0.0.1:$tport" 3 --wait 1
	[[ $(kv answered "$output") == 0 ]] || fail "denied datagrams answered: $output"
	run hostile udp "127.0.0.1:$P1" 3 --wait 1
	[[ $(kv answered "$output") == 3 ]] || fail "allowed datagrams lost: $output"
}
