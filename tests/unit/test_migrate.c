/*
 * Unit tests for spawnd-migrate's conversion: xinetd addresses as CIDR
 * blocks (migrate/migrate_acl.c), attributes settled over the defaults
 * (migrate_attrs.c), and whole services to sections (migrate_map.c,
 * migrate_opts.c, migrate_access.c, migrate_print.c): what is mapped,
 * what is a note, tcp/udp twins joined, names made unique, strings
 * quoted so that no value breaks out of its line.
 */
#include <string.h>

#include "migrate/migrate_acl.h"
#include "migrate/migrate_attrs.h"
#include "migrate/migrate_print.h"
#include "migrate/xinetd_parse.h"
#include "migrate/xinetd_read.h"
#include "tap.h"

/* The blocks of value, joined by spaces, or "-" for none. */
static const char *
blocks(const char *value)
{
	static char buf[1024];
	char out[8][MACL_BLOCK_MAX];
	int n, i;

	if ((n = macl_blocks(value, out, 8)) == -1)
		return "-";
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    i ? " " : "", out[i]);
	return buf;
}

static void
test_acl(void)
{
	is_str(blocks("127.0.0.1"), "127.0.0.1", "one address");
	is_str(blocks("128.138.12.0"), "128.138.12.0/24", "a trailing zero");
	is_str(blocks("10.0.0.0"), "10.0.0.0/8", "three zeros");
	is_str(blocks("0.0.0.0"), "0.0.0.0/0", "every IPv4 address");
	is_str(blocks("10.1.0.0/16"), "10.1.0.0/16", "a block");
	is_str(blocks("2001:db8::/32"), "2001:db8::/32", "an IPv6 block");
	is_str(blocks("::1"), "::1", "an IPv6 address");
	is_str(blocks("192.168.{1,2}"), "192.168.1.0/24 192.168.2.0/24",
	    "factorized");
	is_str(blocks("10.1.2.{3,4}"), "10.1.2.3/32 10.1.2.4/32",
	    "factorized, last part");
	is_str(blocks("host.example.org"), "-", "a host name");
	is_str(blocks(".example.org"), "-", "a domain");
	is_str(blocks("10.0.0.0/33"), "-", "too many bits");
	is_str(blocks("1.2.{3,}"), "-", "an empty number");
	is_str(blocks("1.2.{300}"), "-", "a number over 255");
	is_str(blocks("{1,2}"), "-", "nothing before the brace");
	is_str(blocks("1.2.3.4.{5}"), "-", "too many parts");
	is_str(blocks("1.2.{3,4,5,6,7,8,9,10,11}"), "-", "more blocks than room");
}

static struct xfile xf;
static char text[16384];
static unsigned notes;

/* The text through the converter, as the fuzz harness builds it. */
static const char *
convert(const char *in)
{
	struct textbuf out = { NULL, 0, 0, 0 };
	struct xservice sv[16];
	static char err[256];
	struct xconf xc;
	size_t i;

	xinetd_free(&xf);
	memset(&xc, 0, sizeof(xc));
	if (xinetd_parse(in, strlen(in), "t", &xf, err, sizeof(err)) == -1)
		return err;
	xc.xc_services = sv;
	for (i = 0; i < xf.xf_nentries; i++) {
		if (xf.xf_entries[i].xe_kind == XK_DEFAULTS) {
			xc.xc_defaults = &xf.xf_entries[i];
			xc.xc_defaults_file = "t";
		} else if (xf.xf_entries[i].xe_kind == XK_SERVICE) {
			sv[xc.xc_nservices].xv_entry = &xf.xf_entries[i];
			sv[xc.xc_nservices++].xv_file = "t";
		}
	}
	if (migrate_print(&out, &xc, &notes) == -1)
		return "out of memory";
	snprintf(text, sizeof(text), "%s", out.tb_text);
	textbuf_free(&out);
	return text;
}

#define has(in, want, ...) do {						\
	const char *got_ = convert(in);					\
	int p_ = strstr(got_, (want)) != NULL;				\
	ok(p_, __VA_ARGS__);						\
	if (!p_)							\
		printf("#   want \"%s\" in:\n%s\n", (want), got_);	\
} while (0)

static void
test_settle(void)
{
	const char *in = "defaults\n{\n\tonly_from = 10.0.0.1\n"
	    "\tonly_from = 10.0.0.2\n\tinstances = 5\n\tserver = /x\n}\n"
	    "service s\n{\n\tonly_from += 10.0.0.3\n\tonly_from -= 10.0.0.1\n"
	    "\tinstances = 6\n\tinterface = 127.0.0.1\n\tport = 1\n"
	    "\tport = 2\n\tuser += x\n}\n";
	const struct mattr *ma;
	struct mattrs mx;

	convert(in);
	ok(mattrs_settle(&mx, &xf.xf_entries[1], "t", &xf.xf_entries[0],
	    "t") == 0, "settled");
	ma = mattrs_get(&mx, "only_from");
	ok(ma != NULL && ma->ma_nvalues == 2 &&
	    strcmp(ma->ma_values[0], "10.0.0.2") == 0 &&
	    strcmp(ma->ma_values[1], "10.0.0.3") == 0,
	    "defaults' = adds; the service's += adds, -= takes out");
	ma = mattrs_get(&mx, "instances");
	ok(ma != NULL && strcmp(ma->ma_values[0], "6") == 0 && !ma->ma_default,
	    "the service's own value over the default");
	ok(mattrs_get(&mx, "bind") != NULL && mattrs_get(&mx, "interface") ==
	    NULL, "interface is bind");
	ok(mattrs_get(&mx, "server") == NULL, "not inherited: server");
	ma = mattrs_get(&mx, "port");
	ok(ma != NULL && strcmp(ma->ma_values[0], "1") == 0, "the first port");
	ok(mx.mx_n == 6 && mx.mx_attrs[4].ma_ignored &&
	    mx.mx_attrs[5].ma_ignored, "the second port and user += ignored");
	mattrs_free(&mx);
}

static void
test_internal(void)
{
	const char *debian =
	    "service echo\n{\n\tdisable = yes\n\ttype = INTERNAL\n"
	    "\tid = echo-stream\n\tsocket_type = stream\n\tprotocol = tcp\n"
	    "\tuser = root\n\twait = no\n}\n"
	    "service echo\n{\n\tdisable = yes\n\ttype = INTERNAL\n"
	    "\tid = echo-dgram\n\tsocket_type = dgram\n\tprotocol = udp\n"
	    "\tuser = root\n\twait = yes\n}\n";

	has(debian, "# xinetd: echo-stream (t:1) and echo-dgram (t:11)\n"
	    "service \"echo\" {\n\ttype = echo\n\tenabled = false\n"
	    "\tlisten_stream = {\"7\"}\n\tlisten_datagram = {\"7\"}\n"
	    "\tuser = \"root\"\n\tgroup = \"root\"\t# the user's own\n}\n",
	    "Debian's echo: one section for the tcp and udp twins");
	ok(notes == 0, "everything converted");
	has("service echo\n{\n\ttype = INTERNAL\n\tid = a\n\tsocket_type = "
	    "stream\n\twait = no\n}\nservice echo\n{\n\ttype = INTERNAL\n"
	    "\tid = b\n\tsocket_type = dgram\n\twait = yes\n"
	    "\tinstances = 3\n}\n", "service \"a\" {", "twins that differ "
	    "stay apart, by id");
	has("service time\n{\n\ttype = INTERNAL\n\tsocket_type = dgram\n"
	    "\twait = yes\n}\nservice time\n{\n\ttype = INTERNAL\n"
	    "\tsocket_type = dgram\n\twait = yes\n\tinstances = 2\n}\n",
	    "service \"time/udp\" {", "the same name twice: /udp");
	has("service servers\n{\n\ttype = INTERNAL UNLISTED\n\tport = 9099\n"
	    "\tsocket_type = stream\n\twait = no\n}\n",
	    "# not converted: service servers (t:1): type = INTERNAL UNLISTED "
	    "(spawnd's own types are", "xinetd's servers: no type");
	ok(notes == 1, "one note");
	has("service daytime\n{\n\ttype = INTERNAL\n\tsocket_type = dgram\n"
	    "\twait = yes\n\tcps = 10 5\n}\n", "\tdatagram_rate = 10\n",
	    "cps of an internal datagram service: datagram_rate");
}

static void
test_program(void)
{
	const char *tcpd = "service finger\n{\n\tsocket_type = stream\n"
	    "\twait = no\n\tuser = nobody\n\tgroup = nogroup\n"
	    "\tserver = /usr/sbin/tcpd\n\tserver_args = /usr/sbin/in.fingerd "
	    "-w\n\tflags = NAMEINARGS REUSE NOLIBWRAP IPv4\n}\n";

	has(tcpd, "service \"finger\" {\n\ttype = exec\n"
	    "\tlisten_stream = {\"0.0.0.0:79\"}\n"
	    "\texec = \"/usr/sbin/tcpd -w\"\n"
	    "\texec_argv0 = \"/usr/sbin/in.fingerd\"\n", "tcpd: NAMEINARGS");
	ok(notes == 0, "REUSE, NOLIBWRAP, IPv4: mapped");
	has("service x\n{\n\tsocket_type = dgram\n\twait = yes\n\tport = 9\n"
	    "\tserver = /bin/x\n\tserver_args = a 'b' $HOME \\\\\n"
	    "\tbind = ::1\n\tonly_from = 10.0.0.0\n}\n",
	    "\tlisten_datagram = {\"[::1]:9\"}\n"
	    "\texec = '/bin/x a \\'b\\' $HOME \\\\\\\\'\n"
	    "\texec_argv0 = \"x\"\n\twait = true\n",
	    "single quotes where a value needs them; IPv6 bind; wait");
	has("service x\n{\n\tsocket_type = dgram\n\twait = yes\n\tport = 9\n"
	    "\tserver = /bin/x\n\tonly_from = 10.0.0.0\n}\n",
	    "# not converted: only_from = 10.0.0.0 (spawnd never sees a wait "
	    "service's clients)", "a wait service's access list");
	has("service x\n{\n\tsocket_type = dgram\n\twait = no\n\tport = 9\n"
	    "\tserver = /bin/x\n}\n", "# not converted: service x (t:1): wait "
	    "= no (", "a datagram program without wait");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 9\n"
	    "\tserver = x\n}\n", "server = x (spawnd runs a program by its "
	    "absolute path", "a relative server");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n"
	    "\tserver = /x\n}\n", "(no port attribute, and the name is not in "
	    "/etc/services here)", "no port");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 1\n"
	    "\tserver = /x\n\tbind = localhost\n}\n", "bind = localhost "
	    "(spawnd listens on numeric addresses", "a host name to bind");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 1\n"
	    "\tserver = /x\n\tredirect = 10.0.0.1 80\n}\n", "redirect = "
	    "10.0.0.1 80 (spawnd forwards no connections", "redirect");
	has("service x\n{\n\ttype = RPC\n\tsocket_type = dgram\n}\n",
	    "type = RPC (spawnd serves no RPC services)", "RPC");
	has("service x\n{\n\tsocket_type = raw\n\twait = no\n}\n",
	    "socket_type = raw (", "a raw socket");
	has("service x\n{\n\tsocket_type = stream\n\tprotocol = udp\n"
	    "\twait = no\n}\n", "protocol = udp (not the protocol of the "
	    "socket_type)", "udp over stream");
}

static void
test_env(void)
{
	const char *in = "service x\n{\n\tsocket_type = stream\n\twait = no\n"
	    "\tport = 1\n\tserver = /x\n\tenv = A=1 1B=2 C-D=3 TCPREMOTEIP=4 "
	    "A=5 E=$F\n}\n";

	has(in, "\tenv = {\"A=1\", 'E=$F'}\n", "env: what spawnd takes");
	has(in, "# not converted: env = 1B=2 (not NAME=VALUE", "a digit first");
	has(in, "# not converted: env = C-D=3 (a name of letters", "a '-'");
	has(in, "# not converted: env = TCPREMOTEIP=4 (spawnd sets this "
	    "variable for each client)", "a client's variable");
	has(in, "# not converted: env = A=5 (the name again)", "a name twice");
	ok(notes == 4, "four notes");
}

static void
test_access(void)
{
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 1\n"
	    "\tserver = /x\n\tonly_from =\n}\n",
	    "\tdeny = {\"0.0.0.0/0\", \"::/0\"}\n", "an empty only_from: "
	    "nobody");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 1\n"
	    "\tserver = /x\n\tonly_from = a.example\n}\n",
	    "\tdeny = {\"0.0.0.0/0\", \"::/0\"}\n", "only_from of names only: "
	    "nobody");
	has("service x\n{\n\tsocket_type = stream\n\twait = no\n\tport = 1\n"
	    "\tserver = /x\n\tonly_from = 10.0.0.0 b.example\n"
	    "\tno_access = 10.9.0.0/16\n}\n",
	    "\tallow = {\"10.0.0.0/8\"}\n\tdeny = {\"10.9.0.0/16\"}\n"
	    "\t# not converted: only_from = b.example (spawnd matches numeric "
	    "addresses and blocks only: this one is refused)\n",
	    "allow and deny, a name noted");
}

int
main(void)
{
	test_acl();
	test_settle();
	test_internal();
	test_program();
	test_env();
	test_access();
	xinetd_free(&xf);
	return tap_done();
}
