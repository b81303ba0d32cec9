/*
 * Line handling for the command server.
 *
 * telnet(1) sends commands in its data stream (RFC 854): IAC (255)
 * followed by a command byte, three bytes for option negotiation
 * (WILL/WONT/DO/DONT + option), and IAC SB ... IAC SE around a
 * subnegotiation.  IAC IAC stands for a data byte 255.  They are
 * stripped here before the bytes are put together into lines, so that a
 * session from telnet and one from nc look the same to the server.
 *
 * Option requests are answered, or telnet's character mode ("mode
 * character": DO ECHO, DO SUPPRESS-GO-AHEAD) would leave its user
 * typing blind.  We agree to echo (RFC 857) and to suppress go-ahead
 * (RFC 858), refuse every other option, and reply only to a request
 * that changes a state, so two peers can never loop (RFC 854, 1143).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "services/command_line.h"

/* Telnet command bytes, RFC 854. */
#define TEL_SE		240
#define TEL_IP		244
#define TEL_SB		250
#define TEL_WILL	251
#define TEL_WONT	252
#define TEL_DO		253
#define TEL_DONT	254
#define TEL_IAC		255
#define TELOPT_ECHO	1	/* RFC 857 */
#define TELOPT_SGA	3	/* RFC 858 */

#define CTRL_C		0x03	/* what character mode sends for ^C */
#define CTRL_H		0x08
#define DEL		0x7f

enum cmdline_telnet {
	TS_DATA,	/* plain data */
	TS_IAC,		/* after IAC */
	TS_OPT,		/* after IAC WILL/WONT/DO/DONT: the option byte */
	TS_SB,		/* inside a subnegotiation */
	TS_SB_IAC	/* IAC inside a subnegotiation */
};

void
cmdline_init(struct cmdline *cm)
{
	memset(cm, 0, sizeof(*cm));
	cm->cm_telnet = TS_DATA;
}

/* Queue a reply; one input byte never queues more than REPLY_MAX. */
static void
cmdline_say(struct cmdline *cm, const void *bytes, size_t n)
{
	if (cm->cm_outlen + n <= sizeof(cm->cm_out)) {
		memcpy(cm->cm_out + cm->cm_outlen, bytes, n);
		cm->cm_outlen += n;
	}
}

static enum cmdline_event
cmdline_end(struct cmdline *cm)
{
	cm->cm_buf[cm->cm_len] = '\0';
	cm->cm_done = 1;
	if (cm->cm_echo)
		cmdline_say(cm, "\r\n", 2);
	return cm->cm_overflow ? CMDLINE_TOOLONG : CMDLINE_LINE;
}

/* BS or DEL while we echo: the terminal's last byte goes too. */
static enum cmdline_event
cmdline_erase(struct cmdline *cm)
{
	if (cm->cm_len > 0 && !cm->cm_overflow) {
		cm->cm_len--;
		cmdline_say(cm, "\b \b", 3);
	}
	return CMDLINE_MORE;
}

/* One data byte, after telnet decoding. */
static enum cmdline_event
cmdline_data(struct cmdline *cm, unsigned char c)
{
	if (cm->cm_after_cr) {
		cm->cm_after_cr = 0;
		if (c == '\n' || c == '\0')
			return CMDLINE_MORE;
	}
	if (c == '\r' || c == '\n') {
		cm->cm_after_cr = c == '\r';
		return cmdline_end(cm);
	}
	/* A raw ^C is what an interrupt looks like in character mode. */
	if (c == CTRL_C)
		return CMDLINE_INTERRUPT;
	if (cm->cm_echo && (c == CTRL_H || c == DEL))
		return cmdline_erase(cm);
	if (c == '\0' || cm->cm_overflow)
		return CMDLINE_MORE;
	if (cm->cm_len == CMDLINE_MAX) {
		cm->cm_overflow = 1;
		return CMDLINE_MORE;
	}
	cm->cm_buf[cm->cm_len++] = (char)c;
	if (cm->cm_echo && c == TEL_IAC)
		cmdline_say(cm, "\xff\xff", 2);	/* a data 255 is IAC IAC */
	else if (cm->cm_echo)
		cmdline_say(cm, &c, 1);
	return CMDLINE_MORE;
}

/* Our side of an option: agree to ECHO and SGA, refuse the rest. */
static void
cmdline_option(struct cmdline *cm, int cmd, unsigned char opt)
{
	int *state = opt == TELOPT_ECHO ? &cm->cm_echo :
	    opt == TELOPT_SGA ? &cm->cm_sga : NULL;
	unsigned char reply[3] = { TEL_IAC, 0, opt };

	if (cmd == TEL_DO && state != NULL && !*state) {
		*state = 1;
		reply[1] = TEL_WILL;
	} else if (cmd == TEL_DO && state == NULL)
		reply[1] = TEL_WONT;
	else if (cmd == TEL_DONT && state != NULL && *state) {
		*state = 0;
		reply[1] = TEL_WONT;
	} else if (cmd == TEL_WILL)
		reply[1] = TEL_DONT;	/* we want nothing from the client */
	else
		return;	/* already so: answering could start a loop */
	cmdline_say(cm, reply, sizeof(reply));
}

/* A command byte after IAC. */
static enum cmdline_event
cmdline_command(struct cmdline *cm, unsigned char c)
{
	cm->cm_telnet = TS_DATA;
	if (c == TEL_IAC)
		return cmdline_data(cm, c);
	if (c >= TEL_WILL && c <= TEL_DONT) {
		cm->cm_telnet = TS_OPT;
		cm->cm_optcmd = c;
	} else if (c == TEL_SB)
		cm->cm_telnet = TS_SB;
	else if (c == TEL_IP)
		return CMDLINE_INTERRUPT;
	/* Any other two-byte command (NOP, DM, AYT, GA, ...) is dropped. */
	return CMDLINE_MORE;
}

static enum cmdline_event
cmdline_byte(struct cmdline *cm, unsigned char c)
{
	switch (cm->cm_telnet) {
	case TS_IAC:
		return cmdline_command(cm, c);
	case TS_OPT:
		cm->cm_telnet = TS_DATA;
		cmdline_option(cm, cm->cm_optcmd, c);
		return CMDLINE_MORE;
	case TS_SB:
		if (c == TEL_IAC)
			cm->cm_telnet = TS_SB_IAC;
		return CMDLINE_MORE;
	case TS_SB_IAC:
		if (c == TEL_IAC) {	/* a quoted 255 in the parameters */
			cm->cm_telnet = TS_SB;
			return CMDLINE_MORE;
		}
		/*
		 * IAC SE ends it; any other command ends a malformed
		 * subnegotiation and is taken as itself, as BSD telnetd does.
		 */
		if (c == TEL_SE) {
			cm->cm_telnet = TS_DATA;
			return CMDLINE_MORE;
		}
		return cmdline_command(cm, c);
	default:
		if (c == TEL_IAC) {
			cm->cm_telnet = TS_IAC;
			return CMDLINE_MORE;
		}
		return cmdline_data(cm, c);
	}
}

enum cmdline_event
cmdline_feed(struct cmdline *cm, const void *buf, size_t len, size_t *used)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		enum cmdline_event ev;

		if (cm->cm_done) {
			cm->cm_done = 0;
			cm->cm_len = 0;
			cm->cm_overflow = 0;
		}
		ev = cmdline_byte(cm, p[i]);
		if (ev == CMDLINE_MORE && cm->cm_outlen > 0)
			ev = CMDLINE_REPLY;
		if (ev != CMDLINE_MORE) {
			*used = i + 1;
			return ev;
		}
	}
	*used = len;
	return CMDLINE_MORE;
}

const unsigned char *
cmdline_reply(struct cmdline *cm, size_t *lenp)
{
	*lenp = cm->cm_outlen;
	cm->cm_outlen = 0;
	return cm->cm_out;
}

enum cmdline_event
cmdline_eof(struct cmdline *cm)
{
	if (cm->cm_done || (cm->cm_len == 0 && !cm->cm_overflow))
		return CMDLINE_MORE;
	return cmdline_end(cm);
}

const char *
cmdline_text(const struct cmdline *cm, size_t *lenp)
{
	if (lenp != NULL)
		*lenp = cm->cm_len;
	return cm->cm_buf;
}

enum cmdline_cmd
cmdline_parse(const char *line)
{
	static const struct {
		const char	*cw_word;
		enum cmdline_cmd cw_cmd;
	} words[] = {
		{ "quit", CMD_QUIT }, { "exit", CMD_QUIT },
		{ "date", CMD_DATE }, { "time", CMD_DATE },
		{ "who", CMD_WHO }, { "cookie", CMD_COOKIE },
		{ "motd", CMD_MOTD }, { "help", CMD_HELP },
	};
	size_t i, n;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0')
		return CMD_BLANK;
	n = strcspn(line, " \t\n\v\f\r");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].cw_word) == n &&
		    strncasecmp(line, words[i].cw_word, n) == 0)
			return words[i].cw_cmd;
	return CMD_HELP;
}

/* Copy a fixed-size utmp field, which need not be NUL-terminated. */
static void
cmdline_field(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t i;

	for (i = 0; i < srclen && i + 1 < dstlen && src[i] != '\0'; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

size_t
cmdline_who_format(char *buf, size_t cap, const struct utmpx *ut)
{
	char user[sizeof(ut->ut_user) + 1], line[sizeof(ut->ut_line) + 1];
	char host[sizeof(ut->ut_host) + 1], when[32];
	time_t t = ut->ut_tv.tv_sec;
	struct tm tm;
	int n;

	cmdline_field(user, sizeof(user), ut->ut_user, sizeof(ut->ut_user));
	cmdline_field(line, sizeof(line), ut->ut_line, sizeof(ut->ut_line));
	cmdline_field(host, sizeof(host), ut->ut_host, sizeof(ut->ut_host));
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm) == 0)
		return 0;
	n = snprintf(buf, cap, "%-8s %-12s %s%s%s%s\r\n", user, line, when,
	    host[0] != '\0' ? " (" : "", host, host[0] != '\0' ? ")" : "");
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (size_t)n;
}
