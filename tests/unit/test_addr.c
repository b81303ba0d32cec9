/*
 * Unit tests for addr.c: listen address syntax, collisions, CIDR
 * blocks and peer formatting.  Pure functions, so no sockets here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "net/addr.h"
#include "net/cidr.h"
#include "net/peer.h"
#include "tap.h"

#define CWD	"/srv/spawnd"

static void
parse_ok(const char *text, const char *cwd, int family, unsigned port,
    const char *want)
{
	struct listen_addr la;
	char err[256] = "";
	int rc = addr_parse(text, cwd, "tcp", &la, err, sizeof(err));

	ok(rc == 0, "parse \"%s\"%s%s", text, rc == 0 ? "" : ": ", err);
	if (rc != 0)
		return;
	ok(la.la_family == family, "\"%s\": family %d", text, la.la_family);
	ok(la.la_port == port, "\"%s\": port %u", text, la.la_port);
	is_str(la.la_text, want, "\"%s\": la_text", text);
}

/* Rejected, with want somewhere in the message. */
static void
parse_bad(const char *text, const char *cwd, const char *want)
{
	struct listen_addr la;
	char err[256] = "";
	int rc = addr_parse(text, cwd, "tcp", &la, err, sizeof(err));

	ok(rc == -1 && strstr(err, want) != NULL, "reject \"%.40s\": %.160s",
	    text, err);
}

static void
test_syntax(void)
{
	parse_ok("2345", CWD, AF_UNSPEC, 2345, "*:2345");
	parse_ok("1", CWD, AF_UNSPEC, 1, "*:1");
	parse_ok("65535", CWD, AF_UNSPEC, 65535, "*:65535");
	parse_ok("127.0.0.1:2345", CWD, AF_INET, 2345, "127.0.0.1:2345");
	parse_ok("0.0.0.0:80", CWD, AF_INET, 80, "0.0.0.0:80");
	parse_ok("127.0.0.1:080", CWD, AF_INET, 80, "127.0.0.1:80");
	parse_ok("[::1]:2345", CWD, AF_INET6, 2345, "[::1]:2345");
	parse_ok("[::]:80", CWD, AF_INET6, 80, "[::]:80");
	parse_ok("[2001:DB8:0::0001]:65535", CWD, AF_INET6, 65535,
	    "[2001:db8::1]:65535");
	parse_ok("/run/spawnd/catsock", CWD, AF_UNIX, 0, "/run/spawnd/catsock");
	parse_ok("/a//b/./c", CWD, AF_UNIX, 0, "/a/b/c");
	parse_ok("/a/../b", CWD, AF_UNIX, 0, "/a/../b");
}

static void
test_relative(void)
{
	parse_ok("catsock", CWD, AF_UNIX, 0, CWD "/catsock");
	parse_ok("./x/y", CWD, AF_UNIX, 0, CWD "/x/y");
	parse_ok("x/y", CWD, AF_UNIX, 0, CWD "/x/y");
	parse_ok("../x", CWD, AF_UNIX, 0, CWD "/../x");
	parse_ok(".hidden", CWD, AF_UNIX, 0, CWD "/.hidden");
	parse_ok("./2fast", CWD, AF_UNIX, 0, CWD "/2fast");
	parse_ok("catsock", "/", AF_UNIX, 0, "/catsock");
	parse_ok("catsock", "/srv/", AF_UNIX, 0, "/srv/catsock");
	parse_bad("catsock", NULL, "needs an absolute working directory");
	parse_bad("catsock", "srv", "needs an absolute working directory");
}

static void
test_unix_struct(void)
{
	struct listen_addr la;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&la.la_sa;
	char err[256];

	ok(addr_parse("./s", "/tmp", "tcp", &la, err, sizeof(err)) == 0,
	    "parse ./s");
	ok(sun->sun_family == AF_UNIX, "sun_family is AF_UNIX");
	is_str(sun->sun_path, "/tmp/s", "sun_path joined to cwd");
	ok(la.la_salen == offsetof(struct sockaddr_un, sun_path) + 7,
	    "la_salen covers the path and its NUL");
}

static void
test_inet_struct(void)
{
	struct listen_addr la;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&la.la_sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&la.la_sa;
	char err[256];
	unsigned lo = if_nametoindex("lo");

	ok(addr_parse("127.0.0.1:2345", CWD, "tcp", &la, err,
	    sizeof(err)) == 0 &&
	    sin->sin_family == AF_INET && ntohs(sin->sin_port) == 2345 &&
	    sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	    la.la_salen == sizeof(*sin), "IPv4 sockaddr ready for bind");
	ok(addr_parse("[::1]:2345", CWD, "tcp", &la, err, sizeof(err)) == 0 &&
	    sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 2345 &&
	    IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) &&
	    la.la_salen == sizeof(*sin6), "IPv6 sockaddr ready for bind");
	ok(addr_parse("2345", CWD, "tcp", &la, err, sizeof(err)) == 0 &&
	    sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 2345 &&
	    IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) &&
	    la.la_salen == sizeof(*sin6), "port alone prepared as [::]:port");
	if (lo == 0) {
		ok(1, "# SKIP no interface \"lo\" for a scope id");
		return;
	}
	parse_ok("[fe80::1%lo]:80", CWD, AF_INET6, 80, "[fe80::1%lo]:80");
	ok(addr_parse("[fe80::1%lo]:80", CWD, "tcp", &la, err,
	    sizeof(err)) == 0 &&
	    sin6->sin6_scope_id == lo, "scope id is the index of lo");
}

static void
test_bad_ports(void)
{
	static const char *bad[] = {
		"0", "65536", "99999", "+1", "-1", " 1", "1 ", "0x10", "12a",
		"4294967297", "1e3", "\t80",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i], CWD, "bad port");
	parse_bad("127.0.0.1:99999", CWD, "bad port \"99999\" in "
	    "\"127.0.0.1:99999\"");
	parse_bad("127.0.0.1:0", CWD, "bad port \"0\"");
	parse_bad("127.0.0.1:", CWD, "bad port \"\"");
	parse_bad("127.0.0.1:+1", CWD, "bad port \"+1\"");
	parse_bad("127.0.0.1: 1", CWD, "bad port \" 1\"");
	parse_bad("127.0.0.1:0x10", CWD, "bad port \"0x10\"");
	parse_bad("127.0.0.1:80 ", CWD, "bad port \"80 \"");
	parse_bad("[::1]:65536", CWD, "bad port \"65536\" in \"[::1]:65536\"");
	parse_bad("[::1]:", CWD, "bad port");
	parse_bad("*:", CWD, "bad port \"\" in \"*:\"");
	parse_bad("*:0", CWD, "bad port \"0\" in \"*:0\"");
	parse_bad("*:12a", CWD, "bad port \"12a\"");
	parse_bad("*:-1", CWD, "bad port \"-1\"");
	parse_bad("*:da ytime", CWD, "bad port \"da ytime\"");
}

/* "*:PORT" is the port alone, as the logs write it. */
static void
test_star(void)
{
	struct listen_addr la, lb;
	char err[256];

	parse_ok("*:2345", CWD, AF_UNSPEC, 2345, "*:2345");
	parse_ok("*:080", CWD, AF_UNSPEC, 80, "*:80");
	ok(addr_parse("*:2345", CWD, "tcp", &la, err, sizeof(err)) == 0 &&
	    addr_parse("2345", CWD, "tcp", &lb, err, sizeof(err)) == 0 &&
	    addr_same(&la, &lb) && la.la_salen == lb.la_salen &&
	    memcmp(&la.la_sa, &lb.la_sa, la.la_salen) == 0,
	    "\"*:2345\" is \"2345\", sockaddr and all");
	/* Only "*:" is special: "*" is a file name, as any other word. */
	parse_ok("*", CWD, AF_UNIX, 0, CWD "/*");
}

static void
name_ok(const char *text, const char *proto, int family, unsigned port,
    const char *want)
{
	struct listen_addr la;
	char err[256] = "";
	int rc = addr_parse(text, CWD, proto, &la, err, sizeof(err));

	ok(rc == 0 && la.la_family == family && la.la_port == port &&
	    strcmp(la.la_text, want) == 0, "\"%s\" for %s: %s%s", text,
	    proto, rc == 0 ? la.la_text : "", err);
}

static void
name_bad(const char *text, const char *proto, const char *want)
{
	struct listen_addr la;
	char err[256] = "";

	ok(addr_parse(text, CWD, proto, &la, err, sizeof(err)) == -1 &&
	    strstr(err, want) != NULL, "reject \"%s\" for %s: %s", text,
	    proto != NULL ? proto : "numbers only", err);
}

/* Service names of /etc/services (netbase), for the socket's protocol. */
static void
test_names(void)
{
	if (getservbyname("daytime", "tcp") == NULL ||
	    getservbyname("qotd", "tcp") == NULL ||
	    getservbyname("qotd", "udp") != NULL) {
		ok(1, "# SKIP no /etc/services as netbase has it");
		return;
	}
	name_ok("127.0.0.1:daytime", "tcp", AF_INET, 13, "127.0.0.1:13");
	name_ok("127.0.0.1:daytime", "udp", AF_INET, 13, "127.0.0.1:13");
	name_ok("[::1]:daytime", "tcp", AF_INET6, 13, "[::1]:13");
	name_ok("*:time", "udp", AF_UNSPEC, 37, "*:37");
	name_ok("[::1]:http", "tcp", AF_INET6, 80, "[::1]:80");
	name_ok("127.0.0.1:qotd", "tcp", AF_INET, 17, "127.0.0.1:17");
	name_bad("127.0.0.1:qotd", "udp", "unknown service name \"qotd\" "
	    "(not in /etc/services for udp)");
	name_bad("[::1]:nosuchservice", "tcp", "unknown service name "
	    "\"nosuchservice\" (not in /etc/services for tcp) in "
	    "\"[::1]:nosuchservice\"");
	name_bad("*:nosuchservice", "tcp", "\"nosuchservice\"");
	name_bad("127.0.0.1:daytime", NULL, "bad port \"daytime\"");
	/* A bare word stays a file name, even a service's: never a port. */
	name_ok("daytime", "tcp", AF_UNIX, 0, CWD "/daytime");
}

static void
test_bad_hosts(void)
{
	parse_bad("", CWD, "empty address");
	parse_bad("localhost:80", CWD, "host names are not resolved");
	parse_bad("example.org:80", CWD, "not a numeric IPv4 address");
	parse_bad("1.2.3:80", CWD, "not a numeric IPv4 address");
	parse_bad("256.1.1.1:80", CWD, "not a numeric IPv4 address");
	parse_bad("010.0.0.1:80", CWD, "not a numeric IPv4 address");
	parse_bad("1.2.3.4.5:80", CWD, "not a numeric IPv4 address");
	parse_bad(" 127.0.0.1:80", CWD, "not a numeric IPv4 address");
	parse_bad(":80", CWD, "not a numeric IPv4 address");
	parse_bad("::1:80", CWD, "needs brackets");
	parse_bad("[::1:2345", CWD, "missing \"]\" in \"[::1:2345\"");
	parse_bad("[::1", CWD, "missing \"]\"");
	parse_bad("[::1]2345", CWD, "expected \":PORT\" after \"]\"");
	parse_bad("[::1]", CWD, "expected \":PORT\"");
	parse_bad("[]:80", CWD, "not a numeric IPv6 address");
	parse_bad("[127.0.0.1]:80", CWD, "not a numeric IPv6 address");
	parse_bad("[localhost]:80", CWD, "not a numeric IPv6 address");
	parse_bad("[fe80::1%nosuchif0]:80", CWD, "not a numeric IPv6 address");
	parse_bad("[::ffff:127.0.0.1]:80", CWD, "IPv4-mapped");
	parse_bad("@abstract", CWD, "abstract Unix sockets");
}

static void
test_bad_paths(void)
{
	static char huge[5000];
	char path[256], cwd[256];
	struct listen_addr la;
	char err[8];

	/* sun_path holds 108 bytes: 107 and the NUL. */
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	parse_ok(path, CWD, AF_UNIX, 0, path);
	path[107] = 'p';
	path[108] = '\0';
	parse_bad(path, CWD, "Unix socket path too long (max 107 bytes): \"/");
	memset(cwd, 'd', sizeof(cwd));
	cwd[0] = '/';
	cwd[100] = '\0';
	parse_ok("abcdef", cwd, AF_UNIX, 0, strcat(strcpy(path, cwd), "/abcdef"));
	parse_bad("abcdefg", cwd, "Unix socket path too long (max 107 bytes)");
	parse_bad("./abcdefg", cwd, "too long");
	/* Too long even for the join buffer: still an error. */
	memset(huge, 'q', sizeof(huge) - 1);
	parse_bad(huge, "/", "too long");
	parse_bad("s", huge + sizeof(huge) - 100, "needs an absolute");
	huge[0] = '/';
	parse_bad("s", huge, "too long");
	parse_bad(huge, CWD, "too long");
	parse_bad("/run/spawnd/", CWD, "names a directory");
	parse_bad("/run/.", CWD, "names a directory");
	parse_bad("..", CWD, "names a directory");
	parse_bad(".", CWD, "names a directory");
	ok(addr_parse("99999", CWD, "tcp", &la, err, sizeof(err)) == -1 &&
	    strlen(err) == sizeof(err) - 1, "a short err buffer is truncated");
	ok(addr_parse("99999", CWD, "tcp", &la, NULL, 0) == -1,
	    "err may be NULL");
}

static int
overlap(const char *a, const char *b)
{
	struct listen_addr la, lb;
	char err[256];

	if (addr_parse(a, CWD, "tcp", &la, err, sizeof(err)) == -1 ||
	    addr_parse(b, CWD, "tcp", &lb, err, sizeof(err)) == -1)
		return -1;
	/* Must be symmetric; 2 flags a one-sided answer. */
	if (addr_overlap(&la, &lb) != addr_overlap(&lb, &la))
		return 2;
	return addr_overlap(&la, &lb) != 0;
}

static void
test_overlap(void)
{
	static const struct {
		const char	*a, *b;
		int		 want;
	} t[] = {
		{ "2345", "2345", 1 },
		{ "2345", "127.0.0.1:2345", 1 },
		{ "2345", "0.0.0.0:2345", 1 },
		{ "2345", "[::1]:2345", 1 },
		{ "2345", "[::]:2345", 1 },
		{ "2345", "2346", 0 },
		{ "2345", "127.0.0.1:2346", 0 },
		{ "127.0.0.1:2345", "127.0.0.1:2345", 1 },
		{ "127.0.0.1:2345", "0.0.0.0:2345", 1 },
		{ "0.0.0.0:2345", "0.0.0.0:2345", 1 },
		{ "127.0.0.1:2345", "10.0.0.1:2345", 0 },
		{ "0.0.0.0:2345", "10.0.0.1:2345", 1 },
		{ "127.0.0.1:2345", "127.0.0.1:2346", 0 },
		{ "127.0.0.1:2345", "[::1]:2345", 0 },
		{ "0.0.0.0:2345", "[::]:2345", 0 },
		{ "[::1]:2345", "[::1]:2345", 1 },
		{ "[::1]:2345", "[::]:2345", 1 },
		{ "[::]:2345", "[2001:db8::1]:2345", 1 },
		{ "[::1]:2345", "[::2]:2345", 0 },
		{ "[::1]:2345", "[::1]:2346", 0 },
		{ "[fe80::1%1]:2345", "[fe80::1%1]:2345", 1 },
		{ "[fe80::1%1]:2345", "[fe80::1%2]:2345", 0 },
		{ "/tmp/a", "/tmp/a", 1 },
		{ "/tmp/a", "/tmp/b", 0 },
		{ "/tmp/a", "/tmp//./a", 1 },
		{ "/srv/spawnd/a", "a", 1 },
		{ "/tmp/a", "2345", 0 },
		{ "/tmp/a", "127.0.0.1:2345", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(overlap(t[i].a, t[i].b) == t[i].want, "overlap \"%s\" "
		    "\"%s\" is %d", t[i].a, t[i].b, t[i].want);
}

static void
cidr_ok(const char *text, int family, unsigned prefix, const char *addr)
{
	struct cidr ci;
	unsigned char want[16] = { 0 };
	char err[256] = "";
	int rc = cidr_parse(text, &ci, err, sizeof(err));

	inet_pton(family, addr, want);
	ok(rc == 0 && ci.ci_family == family && ci.ci_prefix == prefix &&
	    memcmp(ci.ci_addr, want, sizeof(want)) == 0,
	    "cidr \"%s\" is %s/%u %s", text, addr, prefix, err);
}

static void
test_cidr_parse(void)
{
	static const char *bad[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
		"10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/8x",
		"10.0.0.0/0x8", "10.0.0", "10.0.0.256", "host.example",
		"fe80::1%lo", "10.0.0.0/8/8", "1.2.3.4/99999999999999999999",
		" 10.0.0.0/8", "::1/", ":::/8",
	};
	struct cidr ci;
	char err[256];
	size_t i;

	cidr_ok("10.0.0.0/8", AF_INET, 8, "10.0.0.0");
	cidr_ok("192.168.1.7", AF_INET, 32, "192.168.1.7");
	cidr_ok("192.168.1.7/24", AF_INET, 24, "192.168.1.0");
	cidr_ok("192.168.1.255/25", AF_INET, 25, "192.168.1.128");
	cidr_ok("0.0.0.0/0", AF_INET, 0, "0.0.0.0");
	cidr_ok("1.2.3.4/0", AF_INET, 0, "0.0.0.0");
	cidr_ok("::1", AF_INET6, 128, "::1");
	cidr_ok("::/0", AF_INET6, 0, "::");
	cidr_ok("fe80::/10", AF_INET6, 10, "fe80::");
	cidr_ok("febf:1::1/10", AF_INET6, 10, "fe80::");
	cidr_ok("2001:db8::1/128", AF_INET6, 128, "2001:db8::1");
	cidr_ok("::ffff:10.0.0.0/104", AF_INET, 8, "10.0.0.0");
	cidr_ok("::ffff:10.1.2.3", AF_INET, 32, "10.1.2.3");
	cidr_ok("::ffff:0:0/96", AF_INET, 0, "0.0.0.0");
	cidr_ok("::ffff:0:0/95", AF_INET6, 95, "::fffe:0:0");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(cidr_parse(bad[i], &ci, err, sizeof(err)) == -1 &&
		    strstr(err, "bad CIDR") != NULL, "reject cidr \"%s\": %s",
		    bad[i], err);
	ok(cidr_parse("10.0.0.0/33", &ci, err, sizeof(err)) == -1 &&
	    strstr(err, "0..32") != NULL, "IPv4 prefix range named: %s", err);
	ok(cidr_parse("::/129", &ci, err, sizeof(err)) == -1 &&
	    strstr(err, "0..128") != NULL, "IPv6 prefix range named: %s", err);
}

/* What cidr_format writes back: a block as configured, masked. */
static void
test_cidr_format(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "192.168.1.7/24", "192.168.1.0/24" },
		{ "127.0.0.1", "127.0.0.1" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "::1", "::1" },
		{ "fe80::/10", "fe80::/10" },
		{ "::ffff:10.0.0.0/104", "10.0.0.0/8" },
	};
	struct cidr ci;
	char err[256], text[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(cidr_parse(t[i].in, &ci, err, sizeof(err)) == 0 &&
		    cidr_format(&ci, text, sizeof(text)) == 0 &&
		    strcmp(text, t[i].out) == 0, "cidr \"%s\" written \"%s\"",
		    t[i].in, t[i].out);
	cidr_parse("10.0.0.0/8", &ci, err, sizeof(err));
	ok(cidr_format(&ci, text, 8) == -1, "a block that does not fit: -1");
}

/* Match the peer text (IPv4, IPv6 or "::ffff:a.b.c.d") against rule. */
static int
match(const char *rule, const char *peer)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct cidr ci;
	char err[256];

	if (cidr_parse(rule, &ci, err, sizeof(err)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	sin.sin_family = AF_INET;
	sin6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET, peer, &sin.sin_addr) == 1)
		return cidr_match(&ci, (struct sockaddr *)&sin);
	if (inet_pton(AF_INET6, peer, &sin6.sin6_addr) == 1)
		return cidr_match(&ci, (struct sockaddr *)&sin6);
	return -1;
}

static void
test_cidr_match(void)
{
	static const struct {
		const char	*rule, *peer;
		int		 want;
	} t[] = {
		{ "10.0.0.0/8", "10.1.2.3", 1 },
		{ "10.0.0.0/8", "10.0.0.0", 1 },
		{ "10.0.0.0/8", "10.255.255.255", 1 },
		{ "10.0.0.0/8", "11.0.0.1", 0 },
		{ "10.0.0.0/8", "::ffff:10.1.2.3", 1 },
		{ "10.0.0.0/8", "::ffff:11.0.0.1", 0 },
		{ "10.0.0.0/8", "::1", 0 },
		{ "10.0.0.0/8", "::a01:203", 0 },
		{ "0.0.0.0/0", "1.2.3.4", 1 },
		{ "0.0.0.0/0", "::ffff:1.2.3.4", 1 },
		{ "0.0.0.0/0", "::1", 0 },
		{ "192.168.1.7/32", "192.168.1.7", 1 },
		{ "192.168.1.7/32", "192.168.1.8", 0 },
		{ "192.168.1.7", "::ffff:192.168.1.7", 1 },
		{ "192.168.1.128/25", "192.168.1.200", 1 },
		{ "192.168.1.128/25", "192.168.1.100", 0 },
		{ "127.0.0.1", "127.0.0.1", 1 },
		{ "::/0", "::1", 1 },
		{ "::/0", "2001:db8::1", 1 },
		{ "::/0", "::ffff:1.2.3.4", 0 },
		{ "::/0", "1.2.3.4", 0 },
		{ "::1", "::1", 1 },
		{ "::1/128", "::2", 0 },
		{ "::1", "127.0.0.1", 0 },
		{ "fe80::/10", "fe80::1", 1 },
		{ "fe80::/10", "febf::1", 1 },
		{ "fe80::/10", "fec0::1", 0 },
		{ "2001:db8::/32", "2001:db8:ffff::1", 1 },
		{ "2001:db8::/32", "2001:db9::1", 0 },
		{ "::ffff:10.0.0.0/104", "10.9.9.9", 1 },
		{ "::ffff:10.0.0.0/104", "::ffff:10.9.9.9", 1 },
		{ "::ffff:10.0.0.0/104", "11.9.9.9", 0 },
	};
	struct sockaddr_un sun;
	struct cidr ci;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(match(t[i].rule, t[i].peer) == t[i].want, "match \"%s\" "
		    "against %s is %d", t[i].peer, t[i].rule, t[i].want);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	cidr_parse("0.0.0.0/0", &ci, err, sizeof(err));
	ok(cidr_match(&ci, (struct sockaddr *)&sun) == 0,
	    "an AF_UNIX peer never matches 0.0.0.0/0");
	cidr_parse("::/0", &ci, err, sizeof(err));
	ok(cidr_match(&ci, (struct sockaddr *)&sun) == 0,
	    "an AF_UNIX peer never matches ::/0");
	ok(cidr_match(&ci, NULL) == 0, "a NULL peer never matches");
}

static void
format_ok(const struct sockaddr *sa, socklen_t salen, const char *want,
    unsigned port, const char *what)
{
	char buf[64] = "junk";
	unsigned got = peer_format(sa, salen, buf, sizeof(buf));

	is_str(buf, want, "peer_format %s", what);
	ok(got == port, "peer_format %s: port %u", what, got);
}

static void
test_format(void)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	char small[4] = "xyz";

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5555);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	format_ok((struct sockaddr *)&sin, sizeof(sin), "127.0.0.1", 5555,
	    "IPv4");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(6666);
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	format_ok((struct sockaddr *)&sin6, sizeof(sin6), "::1", 6666, "IPv6");
	inet_pton(AF_INET6, "2001:DB8:0::1", &sin6.sin6_addr);
	format_ok((struct sockaddr *)&sin6, sizeof(sin6), "2001:db8::1", 6666,
	    "IPv6 canonical");
	inet_pton(AF_INET6, "::ffff:192.0.2.1", &sin6.sin6_addr);
	sin6.sin6_port = htons(7);
	format_ok((struct sockaddr *)&sin6, sizeof(sin6), "192.0.2.1", 7,
	    "v4-mapped shown as IPv4");
	format_ok((struct sockaddr *)&sin6, sizeof(sin), "", 0,
	    "IPv6 with a short length");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/x");
	format_ok((struct sockaddr *)&sun, sizeof(sun), "", 0, "AF_UNIX");
	ok(peer_format((struct sockaddr *)&sin, sizeof(sin), small,
	    sizeof(small)) == 5555 && small[0] == '\0',
	    "a buffer too small gives \"\", never a partial address");
}

int
main(void)
{
	test_syntax();
	test_relative();
	test_unix_struct();
	test_inet_struct();
	test_bad_ports();
	test_star();
	test_names();
	test_bad_hosts();
	test_bad_paths();
	test_overlap();
	test_cidr_parse();
	test_cidr_format();
	test_cidr_match();
	test_format();
	return tap_done();
}
