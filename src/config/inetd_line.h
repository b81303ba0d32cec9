/*
 * Internal to the configuration module: one line of an inetd.conf(5) in
 * the dialect of Debian's openbsd-inetd, translated into the text of a
 * spawnd service section, which then goes through the same parser and
 * checks as any section.
 */
#ifndef SPAWND_CONFIG_INETD_LINE_H
#define SPAWND_CONFIG_INETD_LINE_H

#include <stddef.h>

/* What a line was. */
enum inetd_kind {
	INETD_NOTHING,		/* blank, a comment, a "#<off># " line */
	INETD_ADDRESS,		/* "ADDR:" alone: the default address now */
	INETD_SERVICE,		/* a service: its section is in out */
	INETD_BAD,		/* not one spawnd can serve: err says why */
};

/* Room for the default address an "ADDR:" line sets. */
#define INETD_ADDR_MAX	64

/* inetd's toomany: children started in 60 s when wait/nowait has no .N. */
#define INETD_TOOMANY	256

/*
 * Translate line (no newline) into one line of spawnd.conf in out:
 * service "SERVICE/PROTO" { type ...; listen_...; wait; rate_per_minute;
 * user; group; exec and exec_argv0, or an internal type }.  defaddr is
 * the default address ("" or "*": every address), updated by an
 * "ADDR:" line.  Service names are looked up in /etc/services, users
 * in the password database (for the group a bare user name means).
 */
enum inetd_kind inetd_translate(const char *line, char defaddr[INETD_ADDR_MAX],
    char *out, size_t outlen, char *err, size_t errlen);

#endif
