/*
 * command: perlipc's interactive server, one session per child.
 *
 *	Welcome to spawnd; type help for command list.\r\n
 *	Command? date\r\n			(what the client typed)
 *	Fri Nov 27 09:05:03 2026\r\n
 *	Command? quit\r\n
 *
 * The first word of a line, in any case, names the command; a blank
 * line just gets the prompt again.  Lines are put together by
 * command_line.c, which also strips telnet's commands, so telnet and nc
 * both work.
 *
 * idle_timeout here is idle time, not a total deadline (SV_OWN_TIMEOUT):
 * a session may last as long as the client keeps typing.  The same
 * timeout bounds each answer to a client that sends but never reads
 * (SO_SNDTIMEO and an alarm), so no session can hold a child forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utmpx.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "services/command_line.h"
#include "services/cookie.h"
#include "services/service.h"
#include "services/timefmt.h"

#define CMD_GREETING	"Welcome to spawnd; type help for command list.\r\n"
#define CMD_PROMPT	"Command? "
#define CMD_HELP_TEXT	"Commands: quit date who cookie motd\r\n"
#define CMD_MOTD_MAX	(64 * 1024)

/* What one session needs besides the line machine. */
struct cmd_session {
	int				 cs_fd;
	const struct svc_client		*cs_cl;
	int64_t				 cs_idle_ms;	/* 0: no idle limit */
	struct cmdline			 cs_line;
};

#define CMD_SEND(fd, lit)	netio_write_all((fd), (lit), sizeof(lit) - 1)

static int
cmd_date(int fd)
{
	char buf[TIMEFMT_DATE_LEN + 3];
	size_t len;

	len = timefmt_date(buf, sizeof(buf) - 2, time(NULL));
	if (len == 0)
		return CMD_SEND(fd, "date unavailable\r\n");
	memcpy(buf + len, "\r\n", 2);
	return netio_write_all(fd, buf, len + 2);
}

/* utmp is read here, in the child, through getutxent(): never who(1). */
static int
cmd_who(int fd)
{
	struct utmpx *ut;
	char line[512];
	size_t len;
	int users = 0, rc = 0;

	setutxent();
	while (rc == 0 && (ut = getutxent()) != NULL) {
		/* who(1)'s test: a login record with a user name. */
		if (ut->ut_type != USER_PROCESS || ut->ut_user[0] == '\0')
			continue;
		len = cmdline_who_format(line, sizeof(line), ut);
		if (len == 0)
			continue;
		users++;
		rc = netio_write_all(fd, line, len);
	}
	endutxent();
	if (rc == 0 && users == 0)
		rc = CMD_SEND(fd, "no users logged in\r\n");
	return rc;
}

/* Text from a file or a program, with CRLF and a final line end. */
static int
cmd_text(int fd, const char *text, size_t len)
{
	if (netio_write_text(fd, text, len, NETIO_CRLF) == -1)
		return -1;
	if (len > 0 && text[len - 1] != '\n')
		return CMD_SEND(fd, "\r\n");
	return 0;
}

static int
cmd_cookie(int fd, const struct svc_conf *sc)
{
	char err[512], *cookie;
	size_t len;
	int rc;

	if ((cookie = cookie_get(sc, &len, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", sc->sc_name, err);
		return CMD_SEND(fd, "no cookie available\r\n");
	}
	rc = cmd_text(fd, cookie, len);
	free(cookie);
	return rc;
}

static int
cmd_motd(int fd, const struct config *cf)
{
	char *motd = NULL;
	size_t len = 0;
	int rc;

	if (cf->cf_motd_file != NULL && cf->cf_motd_file[0] != '\0')
		motd = netio_read_file(cf->cf_motd_file, CMD_MOTD_MAX, &len);
	if (motd == NULL || len == 0)
		rc = CMD_SEND(fd, "no message of the day\r\n");
	else
		rc = cmd_text(fd, motd, len);
	free(motd);
	return rc;
}

/* Answer one line.  Returns 1 to end the session, 0 to go on, -1 on error. */
static int
cmd_line(struct cmd_session *cs, const char *line)
{
	const struct svc_client *cl = cs->cs_cl;
	int fd = cs->cs_fd;

	switch (cmdline_parse(line)) {
	case CMD_QUIT:
		return 1;
	case CMD_BLANK:
		return 0;
	case CMD_DATE:
		return cmd_date(fd);
	case CMD_WHO:
		return cmd_who(fd);
	case CMD_COOKIE:
		return cmd_cookie(fd, cl->cl_svc);
	case CMD_MOTD:
		return cmd_motd(fd, cl->cl_conf);
	default:
		return CMD_SEND(fd, CMD_HELP_TEXT);
	}
}

/* One event from the line machine: 1 ends the session, -1 is an error. */
static int
cmd_event(struct cmd_session *cs, enum cmdline_event ev)
{
	int rc;

	switch (ev) {
	case CMDLINE_LINE:
		rc = cmd_line(cs, cmdline_text(&cs->cs_line, NULL));
		break;
	case CMDLINE_TOOLONG:
		rc = CMD_SEND(cs->cs_fd, "line too long\r\n");
		break;
	case CMDLINE_INTERRUPT:
		return 1;
	default:
		return 0;
	}
	if (rc == 0)
		rc = CMD_SEND(cs->cs_fd, CMD_PROMPT);
	return rc;
}

/*
 * Wait for input until the idle deadline.  Returns the byte count, 0 at
 * EOF, -1 on error, -2 when the client has been idle too long.
 */
static ssize_t
cmd_read(struct cmd_session *cs, char *buf, size_t cap)
{
	struct pollfd pfd = { .fd = cs->cs_fd, .events = POLLIN };
	int64_t deadline = netio_now_ms() + cs->cs_idle_ms;
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&pfd, 1, cs->cs_idle_ms > 0 ? netio_left_ms(deadline) : -1);
		if (r == 0)
			return -2;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n = read(cs->cs_fd, buf, cap);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
	}
}

/* Blocking I/O; sends bounded by the idle timeout. */
static int
cmd_setup(struct cmd_session *cs)
{
	struct timeval tv = { .tv_sec = (time_t)(cs->cs_idle_ms / 1000) };
	int flags;

	if ((flags = fcntl(cs->cs_fd, F_GETFL)) == -1 ||
	    fcntl(cs->cs_fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		return -1;
	if (cs->cs_idle_ms > 0 && setsockopt(cs->cs_fd, SOL_SOCKET,
	    SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return -1;
	return 0;
}

/*
 * SO_SNDTIMEO bounds each write, but a long answer goes out in several
 * writes and a client that reads a little now and then, or nothing at
 * all, could stretch it to a timeout per write.  From the end of a read
 * to the start of the next one, an alarm of idle_timeout bounds the
 * whole answer; its default action ends the child.
 */
static void
cmd_deadline(const struct cmd_session *cs, int on)
{
	if (cs->cs_idle_ms > 0)
		alarm(on ? (unsigned)(cs->cs_idle_ms / 1000) : 0);
}

/* Feed what was read to the line machine and answer every event. */
static int
cmd_input(struct cmd_session *cs, const char *buf, size_t n)
{
	enum cmdline_event ev;
	size_t off = 0, used;
	int rc = 0;

	const unsigned char *reply;
	size_t len;

	while (rc == 0 && off < n) {
		ev = cmdline_feed(&cs->cs_line, buf + off, n - off, &used);
		off += used;
		/* Telnet answers and echo go first, before any answer. */
		reply = cmdline_reply(&cs->cs_line, &len);
		if (len > 0 && netio_write_all(cs->cs_fd, reply, len) == -1)
			return -1;
		rc = cmd_event(cs, ev);
	}
	return rc;
}

static int
command_stream(int fd, const struct svc_client *cl)
{
	struct cmd_session cs = { .cs_fd = fd, .cs_cl = cl };
	char buf[4096];
	ssize_t n;
	int rc;

	cs.cs_idle_ms = (int64_t)cl->cl_svc->sc_idle_timeout * 1000;
	cmdline_init(&cs.cs_line);
	if (cmd_setup(&cs) == -1) {
		log_warn("%s: setting up the client socket", cl->cl_svc->sc_name);
		return 1;
	}
	rc = CMD_SEND(fd, CMD_GREETING CMD_PROMPT);
	while (rc == 0) {
		cmd_deadline(&cs, 0);
		n = cmd_read(&cs, buf, sizeof(buf));
		cmd_deadline(&cs, 1);
		if (n == -2)
			return CMD_SEND(fd, "timed out\r\n") == -1 ? 1 : 0;
		if (n <= 0) {
			/* A last line without a line end still counts. */
			if (n == 0 && cmdline_eof(&cs.cs_line) == CMDLINE_LINE)
				cmd_line(&cs, cmdline_text(&cs.cs_line, NULL));
			return n == 0 ? 0 : 1;
		}
		rc = cmd_input(&cs, buf, (size_t)n);
	}
	if (rc == -1)
		log_debug("%s: writing to %s: %s", cl->cl_svc->sc_name,
		    cl->cl_name, strerror(errno));
	return rc == -1 ? 1 : 0;
}

const struct service svc_command = {
	.sv_type = "command",
	.sv_stream = command_stream,
	.sv_props = SV_FORK | SV_OWN_TIMEOUT,
	.sv_check = cookie_check_stream,
	.sv_release = cookie_release,
};
