/*
 * The line layer of the fortune reader.  Lines come from getline(), so a
 * line of any length is read whole; what is kept of a cookie is bounded
 * by FORTUNE_MAX_COOKIE.  A delimiter line is the delimiter alone, with
 * LF, CRLF or no line end (at the end of the file); lines that merely
 * start with it are text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "services/fortune_file.h"
#include "services/fortune_reader.h"

void
freader_init(struct freader *fr, FILE *fp, int delim, int comments)
{
	memset(fr, 0, sizeof(*fr));
	fr->fr_fp = fp;
	fr->fr_delim = delim;
	fr->fr_comments = comments;
}

void
freader_free(struct freader *fr)
{
	free(fr->fr_line);
	free(fr->fr_text);
}

/* A line holding only the delimiter, with LF, CRLF or no line end. */
static int
freader_is_delim(const struct freader *fr, const char *line, size_t n)
{
	if (n == 0 || line[0] != fr->fr_delim)
		return 0;
	return n == 1 || (n == 2 && line[1] == '\n') ||
	    (n == 3 && line[1] == '\r' && line[2] == '\n');
}

static int
freader_is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Keep whole lines while they fit; a first line too long is cut. */
static int
freader_append(struct freader *fr, const char *line, size_t n)
{
	size_t room = FORTUNE_MAX_COOKIE - fr->fr_len;
	char *p;

	if (fr->fr_full)
		return 0;
	if (n > room) {
		fr->fr_full = 1;
		if (fr->fr_len > 0)
			return 0;
		n = room;
	}
	if (fr->fr_len + n + 2 > fr->fr_cap) {
		size_t cap = fr->fr_cap ? fr->fr_cap : 256;

		while (cap < fr->fr_len + n + 2)
			cap *= 2;
		if ((p = realloc(fr->fr_text, cap)) == NULL)
			return -1;
		fr->fr_text = p;
		fr->fr_cap = cap;
	}
	memcpy(fr->fr_text + fr->fr_len, line, n);
	fr->fr_len += n;
	return 0;
}

/*
 * Read the lines up to the next delimiter line or the end of the file.
 * Returns 1 for a cookie (perhaps blank: see fr_nonblank), 0 at the end
 * of the file with nothing but blank lines read, -1 on a read error.
 */
int
freader_cookie(struct freader *fr, int keep)
{
	ssize_t n;

	fr->fr_len = 0;
	fr->fr_full = 0;
	fr->fr_nonblank = 0;
	while ((n = getline(&fr->fr_line, &fr->fr_linecap, fr->fr_fp)) != -1) {
		if (freader_is_delim(fr, fr->fr_line, (size_t)n))
			return 1;
		if (fr->fr_comments && n >= 2 && fr->fr_line[0] == fr->fr_delim &&
		    fr->fr_line[1] == fr->fr_delim)
			continue;
		if (!freader_is_blank(fr->fr_line, (size_t)n))
			fr->fr_nonblank = 1;
		if (keep && freader_append(fr, fr->fr_line, (size_t)n) == -1)
			return -1;
	}
	if (ferror(fr->fr_fp))
		return -1;
	return fr->fr_nonblank;
}

/* The next non-blank cookie: 1, 0 at the end of the file, -1 on error. */
int
freader_next(struct freader *fr, int keep)
{
	int r;

	while ((r = freader_cookie(fr, keep)) == 1)
		if (fr->fr_nonblank)
			return 1;
	return r;
}

/* Hand the kept cookie to the caller with a final line end and a NUL. */
char *
freader_take(struct freader *fr, size_t *lenp)
{
	char *text = fr->fr_text;

	/* freader_append always leaves room for these two bytes. */
	if (fr->fr_text[fr->fr_len - 1] != '\n')
		fr->fr_text[fr->fr_len++] = '\n';
	fr->fr_text[fr->fr_len] = '\0';
	*lenp = fr->fr_len;
	fr->fr_text = NULL;
	fr->fr_cap = fr->fr_len = 0;
	return text;
}

/* Skip k non-blank cookies and keep the next one: as freader_next. */
int
freader_nth(struct freader *fr, size_t k)
{
	size_t i;
	int r;

	for (i = 0; i < k; i++)
		if ((r = freader_next(fr, 0)) != 1)
			return r;
	return freader_next(fr, 1);
}

