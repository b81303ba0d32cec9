/*
 * The command server's input, without sockets: a state machine fed with
 * the bytes a client sent, in whatever pieces they arrived, that strips
 * telnet commands (RFC 854) and yields complete lines and events.  Also
 * the pure parts of answering: which command a line names, and a who(1)
 * line for a utmp entry.
 */
#ifndef SPAWND_SERVICES_COMMAND_LINE_H
#define SPAWND_SERVICES_COMMAND_LINE_H

#include <stddef.h>
#include <utmpx.h>

/* The longest line accepted; longer ones are answered "line too long". */
#define CMDLINE_MAX	1024

enum cmdline_event {
	CMDLINE_MORE,		/* input used up, no event: read more */
	CMDLINE_LINE,		/* a line ended: see cmdline_text() */
	CMDLINE_TOOLONG,	/* a line over CMDLINE_MAX bytes ended */
	CMDLINE_INTERRUPT,	/* IAC IP or a raw Ctrl-C: the client wants out */
	CMDLINE_REPLY		/* only bytes to send back: cmdline_reply() */
};

/* The most bytes one input byte makes us send back ("\b \b"). */
#define CMDLINE_REPLY_MAX	4

struct cmdline {
	int	cm_telnet;	/* telnet decoder state */
	int	cm_optcmd;	/* WILL/WONT/DO/DONT awaiting its option byte */
	int	cm_echo;	/* we agreed to WILL ECHO: echo what is typed */
	int	cm_sga;		/* we agreed to WILL SUPPRESS-GO-AHEAD */
	size_t	cm_outlen;	/* bytes waiting in cm_out */
	unsigned char cm_out[CMDLINE_REPLY_MAX];
	int	cm_after_cr;	/* swallow the LF or NUL that follows a CR */
	int	cm_overflow;	/* the current line went over CMDLINE_MAX */
	int	cm_done;	/* a line was handed out: start afresh */
	size_t	cm_len;
	char	cm_buf[CMDLINE_MAX + 1];
};

void cmdline_init(struct cmdline *cm);

/*
 * Consume bytes of buf until an event or the end of the input, and put
 * the number of bytes consumed in *used; the caller feeds the rest
 * again after handling the event.  A line ends at LF, CR LF, CR NUL or
 * a lone CR; the line end is not part of the line.  NUL bytes (telnet's
 * no-op) are dropped, so a line never contains one.
 *
 * Telnet option requests are answered (RFC 854, 857, 858): DO ECHO and
 * DO SUPPRESS-GO-AHEAD with WILL, which is what telnet's character mode
 * asks for; any other option is refused.  Once ECHO is agreed, typed
 * bytes are echoed, a line end as CR LF, and BS or DEL erase the last
 * byte.  A byte that makes such a reply returns with it waiting in
 * cmdline_reply() (CMDLINE_REPLY if nothing else happened): after every
 * feed the caller sends those bytes first, then handles the event.
 */
enum cmdline_event cmdline_feed(struct cmdline *cm, const void *buf,
    size_t len, size_t *used);

/*
 * The bytes to send back that the last feed left (*lenp of them, at
 * most CMDLINE_REPLY_MAX), which are then no longer pending.  Valid
 * until the next feed.
 */
const unsigned char *cmdline_reply(struct cmdline *cm, size_t *lenp);

/*
 * At end of input: a pending unterminated line is handed out as
 * CMDLINE_LINE (or CMDLINE_TOOLONG), as Perl's readline does; otherwise
 * CMDLINE_MORE.
 */
enum cmdline_event cmdline_eof(struct cmdline *cm);

/*
 * The line of the last CMDLINE_LINE, NUL-terminated; valid until the
 * next feed.
 */
const char *cmdline_text(const struct cmdline *cm, size_t *lenp);

enum cmdline_cmd {
	CMD_BLANK,		/* nothing but white space */
	CMD_QUIT,		/* quit, exit */
	CMD_DATE,		/* date, time */
	CMD_WHO,
	CMD_COOKIE,
	CMD_MOTD,
	CMD_HELP		/* help, and anything unknown */
};

/* The command named by the first word of line, case-insensitively. */
enum cmdline_cmd cmdline_parse(const char *line);

/*
 * One who(1) line for ut, "NAME     LINE         YYYY-MM-DD HH:MM (HOST)"
 * with CRLF, into buf (NUL-terminated).  Bytes outside printable ASCII
 * become '?'.  Returns the length, 0 if it does not fit.
 */
size_t cmdline_who_format(char *buf, size_t cap, const struct utmpx *ut);

#endif
