# socket-unit.awk -- print spawnd.socket for a spawnd.conf: one
# ListenStream= or ListenDatagram= per address of each enabled service,
# in the order of the file, which is the order spawnd opens them.
#
#	awk -f socket-unit.awk spawnd.conf >spawnd.socket
#
# It reads the shipped configuration's shape: one option per line, lists
# on one line, comments with "#" or "//".  Anything else (a list over
# several lines, "/* */") makes it fail rather than guess: the build
# stops, and tests/12-docs.bats checks the result against spawnd itself.

function fail(msg) {
	printf "socket-unit.awk: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

# Remove a comment that starts outside a quoted string.
function uncomment(line,    i, c, q, out) {
	q = 0
	out = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (c == "\"")
			q = !q
		if (!q && (c == "#" || substr(line, i, 2) == "//"))
			break
		if (!q && substr(line, i, 2) == "/*")
			fail("/* */ comments are not read here")
		out = out c
	}
	return out
}

# The quoted strings of a one-line list into addrs[1..n]; returns n.
function strings(text, addrs,    n, s) {
	n = 0
	while (match(text, /"[^"]*"/)) {
		addrs[++n] = substr(text, RSTART + 1, RLENGTH - 2)
		text = substr(text, RSTART + RLENGTH)
	}
	return n
}

# An enabled service's lines into the body, printed at the end: the
# [Socket] section's BindIPv6Only= depends on every address.
function flush(    i) {
	if (name == "" || !enabled)
		return
	if (nlines == 0)
		return
	body = body sprintf("\n# service %s\n", name)
	for (i = 1; i <= nlines; i++) {
		family(substr(lines[i], index(lines[i], "=") + 1))
		body = body lines[i] "\n"
	}
}

# How spawnd opens ADDR: a port alone as one dual-stack socket, "[...]:N"
# as an IPv6-only one (IPV6_V6ONLY).  systemd sets that flag for every
# IPv6 socket of a unit alike, and spawnd adopts a socket only where the
# flag matches, so one unit cannot hold both kinds.
function family(addr) {
	if (addr ~ /^[0-9]+$/)
		wildcard = 1
	else if (addr ~ /^\[/)
		explicit6 = 1
}

BEGIN {
	name = ""
	body = ""
}

{
	line = uncomment($0)
	gsub(/^[ \t]+|[ \t]+$/, "", line)
	if (line == "")
		next
}

line ~ /^service[ \t]/ {
	flush()
	name = line
	sub(/^service[ \t]+/, "", name)
	sub(/[ \t]*\{$/, "", name)
	gsub(/"/, "", name)
	enabled = 1
	nlines = 0
	next
}

line ~ /^enabled[ \t]*=/ {
	enabled = line !~ /false/
	next
}

line ~ /^listen_(stream|datagram)[ \t]*=/ {
	if (name == "")
		fail("an address outside a service section")
	if (line !~ /\}$/)
		fail("a listen list over several lines")
	kind = line ~ /^listen_stream/ ? "ListenStream=" : "ListenDatagram="
	n = strings(line, addrs)
	for (i = 1; i <= n; i++)
		lines[++nlines] = kind addrs[i]
	next
}

END {
	if (failed)
		exit 1
	flush()
	if (wildcard && explicit6) {
		print "socket-unit.awk: " FILENAME ": a port alone and an [IPv6] address in one unit" > "/dev/stderr"
		exit 1
	}
	print "# spawnd.socket -- generated from the shipped spawnd.conf by"
	print "# systemd/socket-unit.awk: the addresses of its enabled services."
	print "# Started, it holds them for spawnd.service, which adopts each one"
	print "# for the service bound to the same address, across restarts too."
	print "# Edit both files together (\"systemctl edit --full spawnd.socket\")."
	print "[Unit]"
	print "Description=spawnd's listening sockets"
	print "Documentation=man:spawnd(8) man:spawnd.conf(5)"
	print ""
	print "[Socket]"
	if (wildcard) {
		print "# A port alone in spawnd.conf is every address, IPv6 and IPv4 on"
		print "# one socket."
		print "BindIPv6Only=both"
	} else {
		print "# \"[::1]:N\" in spawnd.conf is an IPv6-only socket; spawnd adopts"
		print "# only a socket made the same way."
		print "BindIPv6Only=ipv6-only"
	}
	print "# The catsock socket of the shipped configuration lives here."
	print "DirectoryMode=0755"
	print "SocketMode=0666"
	print "Service=spawnd.service"
	printf "%s", body
	print ""
	print "[Install]"
	print "WantedBy=sockets.target"
}
