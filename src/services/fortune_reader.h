/*
 * Reading a fortune file one cookie at a time: the layer under the
 * scanning path (fortune_file.c) and the index path (fortune_index.c).
 * Internal to the fortune reader: services use fortune_file.h.
 */
#ifndef SPAWND_SERVICES_FORTUNE_READER_H
#define SPAWND_SERVICES_FORTUNE_READER_H

#include <stddef.h>
#include <stdio.h>

/* One pass over a fortune file, one cookie at a time. */
struct freader {
	FILE	*fr_fp;
	int	 fr_delim;	/* '%' unless the index says otherwise */
	int	 fr_comments;	/* skip lines starting with two delimiters */
	char	*fr_line;	/* getline() buffer */
	size_t	 fr_linecap;
	char	*fr_text;	/* the cookie, when kept */
	size_t	 fr_len;
	size_t	 fr_cap;
	int	 fr_full;	/* FORTUNE_MAX_COOKIE reached: drop the rest */
	int	 fr_nonblank;	/* the cookie holds more than white space */
};

void freader_init(struct freader *fr, FILE *fp, int delim, int comments);
void freader_free(struct freader *fr);

/*
 * Read the lines up to the next delimiter line or the end of the file,
 * keeping them when keep is set.  Returns 1 for a cookie (perhaps blank:
 * see fr_nonblank), 0 at the end of the file with nothing but blank
 * lines read, -1 on a read error (errno set).
 */
int freader_cookie(struct freader *fr, int keep);

/* The next non-blank cookie: 1, 0 at the end of the file, -1 on error. */
int freader_next(struct freader *fr, int keep);

/* Skip k non-blank cookies and keep the next one; returns as freader_next. */
int freader_nth(struct freader *fr, size_t k);

/*
 * Hand the kept cookie over (malloc'd, NUL-terminated, ending in a line
 * end); *lenp gets its length.  The reader lets go of it.
 */
char *freader_take(struct freader *fr, size_t *lenp);

#endif
