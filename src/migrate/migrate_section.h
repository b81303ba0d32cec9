/*
 * What one xinetd service becomes: the option lines of a spawnd.conf
 * service section and the "# not converted:" lines for what it cannot
 * say, with the quoting spawnd.conf(5) reads.
 */
#ifndef SPAWND_MIGRATE_MIGRATE_SECTION_H
#define SPAWND_MIGRATE_MIGRATE_SECTION_H

#include <stddef.h>

#include "base/textbuf.h"
#include "migrate/migrate_attrs.h"

struct msection {
	const char	*ms_xname;	/* the xinetd service's name */
	const char	*ms_id;		/* its id, or its name */
	const char	*ms_file;	/* where it is */
	unsigned	 ms_line;
	int		 ms_converted;	/* 0: the whole service is a note */
	int		 ms_dgram;	/* listen_datagram, else listen_stream */
	int		 ms_enabled;
	char		*ms_listen;	/* the address, quoted */
	struct textbuf	 ms_body;	/* "\tOPTION = VALUE\n" lines */
	struct textbuf	 ms_notes;	/* "# not converted: ...\n" lines */
	unsigned	 ms_unconverted; /* how many notes */
};

/* Append "\tname = value\n" to the body, value printed by fmt. */
void msection_option(struct msection *ms, const char *name, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Append s to tb as a spawnd.conf string: "s", or 's' when it needs. */
void msection_quote(struct textbuf *tb, const char *s);

/*
 * A note for attribute ma, all its values: "# not converted: NAME OP
 * VALUE... (REASON)", OP as the line wrote it for an ignored one.
 */
void msection_note(struct msection *ms, const struct mattr *ma,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same for one value of a list attribute (only_from, flags...). */
void msection_note_value(struct msection *ms, const struct mattr *ma,
    const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Out of memory in any of the texts. */
int msection_failed(const struct msection *ms);

void msection_free(struct msection *ms);

#endif
