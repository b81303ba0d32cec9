/*
 * Unit tests for config/inetd_line.c: every field form of an inetd.conf
 * line in Debian openbsd-inetd's dialect, and every way a line can be
 * one spawnd cannot serve.  Service names come from /etc/services (echo
 * 7, daytime 13), users from the password database (root, nobody).
 */
#include <string.h>

#include "config/inetd_line.h"
#include "tap.h"

/* line, with the default address def, must give exactly want. */
static void
gives(const char *line, const char *def, const char *want)
{
	char defaddr[INETD_ADDR_MAX], out[8192], err[512];
	enum inetd_kind k;

	strcpy(defaddr, def);
	k = inetd_translate(line, defaddr, out, sizeof(out), err, sizeof(err));
	ok(k == INETD_SERVICE, "'%s' is a service%s%s", line,
	    k == INETD_BAD ? ": " : "", k == INETD_BAD ? err : "");
	if (k == INETD_SERVICE)
		is_str(out, want, "'%s'", line);
}

/* line is not served, with needle in the reason. */
static void
bad(const char *line, const char *needle)
{
	char defaddr[INETD_ADDR_MAX] = "", out[8192], err[512];

	ok(inetd_translate(line, defaddr, out, sizeof(out), err,
	    sizeof(err)) == INETD_BAD && strstr(err, needle) != NULL,
	    "'%s' is skipped: want '%s', got '%s'", line, needle, err);
}

static void
test_nothing(void)
{
	static const char *const lines[] = {
		"", "   \t  ", "# a comment",
		"#<off># finger\tstream\ttcp\tnowait\tnobody\t/usr/sbin/tcpd\t/usr/sbin/in.fingerd",
	};
	char defaddr[INETD_ADDR_MAX] = "", out[64], err[64];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		ok(inetd_translate(lines[i], defaddr, out, sizeof(out), err,
		    sizeof(err)) == INETD_NOTHING, "'%s': nothing", lines[i]);
}

static void
test_default_address(void)
{
	char defaddr[INETD_ADDR_MAX] = "", out[8192], err[512];

	ok(inetd_translate("127.0.0.1:", defaddr, out, sizeof(out), err,
	    sizeof(err)) == INETD_ADDRESS && strcmp(defaddr, "127.0.0.1") == 0,
	    "'127.0.0.1:' sets the default address");
	gives("echo stream tcp nowait root internal", "127.0.0.1",
	    "service 'echo/tcp' { type = 'echo' listen_stream = "
	    "{'127.0.0.1:7'} user = 'root' group = 'root' "
	    "rate_per_minute = 256 }");
	ok(inetd_translate("*:", defaddr, out, sizeof(out), err,
	    sizeof(err)) == INETD_ADDRESS && strcmp(defaddr, "*") == 0,
	    "'*:' sets every address again");
	gives("::1,127.0.0.2:7 stream tcp nowait root internal", "*",
	    "service '::1,127.0.0.2:7/tcp' { type = 'echo' listen_stream = "
	    "{'[::1]:7', '127.0.0.2:7'} user = 'root' group = 'root' "
	    "rate_per_minute = 256 }");
}

static void
test_forms(void)
{
	/* Internal services, datagram and stream. */
	gives("daytime\tdgram\tudp\twait\troot\tinternal", "",
	    "service 'daytime/udp' { type = 'daytime' listen_datagram = "
	    "{'13'} user = 'root' group = 'root' rate_per_minute = 256 }");
	/* A program, argv[0] apart, nowait.N, user.group and user:group. */
	gives("finger stream tcp nowait.10 nobody.nogroup /usr/sbin/tcpd "
	    "/usr/sbin/in.fingerd -w", "",
	    "service 'finger/tcp' { type = 'exec' exec = '/usr/sbin/tcpd "
	    "-w' exec_argv0 = '/usr/sbin/in.fingerd' listen_stream = "
	    "{'79'} user = 'nobody' group = 'nogroup' "
	    "rate_per_minute = 10 }");
	gives("tftp dgram udp4 wait root:root /usr/sbin/in.tftpd in.tftpd -s "
	    "/srv/tftp", "",
	    "service 'tftp/udp4' { type = 'exec' exec = '/usr/sbin/in.tftpd "
	    "-s /srv/tftp' exec_argv0 = 'in.tftpd' listen_datagram = "
	    "{'0.0.0.0:69'} user = 'root' group = 'root' wait = true "
	    "rate_per_minute = 256 }");
	/*
	 * tcp6 and tcp46; a program without argv[0] (its name, as inetd
	 * gives); quotes, a backslash and ${...} in an argument, which must
	 * stay as they are; an address in the name.
	 */
	gives("2399 stream tcp6 nowait root /bin/echo", "",
	    "service '2399/tcp6' { type = 'exec' exec = '/bin/echo' "
	    "exec_argv0 = 'echo' listen_stream = {'[::]:2399'} user = 'root' group = 'root' "
	    "rate_per_minute = 256 }");
	gives("[::1]:2399 stream tcp46,sndbuf=8192 nowait root /bin/echo echo a'b\\c${HOME}", "",
	    "service '[::1]:2399/tcp46' { type = 'exec' exec = "
	    "'/bin/echo a\\'b\\\\c${HOME}' exec_argv0 = 'echo' listen_stream = "
	    "{'[::1]:2399'} user = 'root' group = 'root' "
	    "rate_per_minute = 256 }");
	/* A Unix socket. */
	gives("/run/x.sock stream unix nowait root /bin/cat cat", "",
	    "service '/run/x.sock/unix' { type = 'exec' exec = '/bin/cat' "
	    "exec_argv0 = 'cat' listen_stream = {'/run/x.sock'} user = "
	    "'root' group = 'root' rate_per_minute = 256 }");
}

/*
 * The injection a double-quoted section allowed (${ runs to the next }):
 * in single quotes it stays one argument of one service.
 */
static void
test_injection(void)
{
	gives("41002 stream tcp nowait root /bin/echo echo "
	    "exec_argv0=.listen_stream={127.0.0.1:41002}deny={127.0.0.1}}# ${x",
	    "", "service '41002/tcp' { type = 'exec' exec = '/bin/echo "
	    "exec_argv0=.listen_stream={127.0.0.1:41002}deny={127.0.0.1}}# ${x' "
	    "exec_argv0 = 'echo' listen_stream = {'41002'} user = 'root' "
	    "group = 'root' rate_per_minute = 256 }");
}

static void
test_bad(void)
{
	bad("echo stream tcp nowait root", "5 fields");
	bad("rstatd/1-5 dgram rpc/udp wait root /usr/sbin/rpc.rstatd", "rpc");
	bad("echo raw tcp nowait root internal", "socket type");
	bad("echo stream sctp nowait root internal", "protocol");
	bad("echo stream udp nowait root internal", "stream over udp");
	bad("echo stream tcp nowait.0 root internal", "the most children");
	bad("echo stream tcp nowait.x root internal", "the most children");
	bad("echo stream tcp maybe root internal", "wait or nowait");
	bad("localhost:echo stream tcp nowait root internal", "numeric");
	bad("127.0.0.1:echo stream tcp6 nowait root internal", "numeric");
	bad("no-such-service stream tcp nowait root internal", "/etc/services");
	bad("99999 stream tcp nowait root internal", "nor a port");
	bad("echo stream tcp nowait no-such-user internal", "unknown user");
	bad("finger stream tcp nowait root internal", "internal service");
	bad("rel.sock stream unix nowait root /bin/cat cat", "absolute path");
	/* A CR (or any control byte) inside a field would end the section. */
	bad("echo stream tcp nowait root /bin/cat ca\rt", "control character");
	bad("echo stream tcp nowait root /bin/cat ca\001t", "control character");
	/* Empty user or group: never an empty string written past out. */
	bad("echo stream tcp nowait .root internal", "empty user");
	bad("echo stream tcp nowait root: internal", "empty user or group");
}

int
main(void)
{
	test_nothing();
	test_default_address();
	test_forms();
	test_injection();
	test_bad();
	return tap_done();
}
