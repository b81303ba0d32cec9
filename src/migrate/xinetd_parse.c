/*
 * xinetd.conf(5) text into entries (see xinetd_parse.h), read as xinetd
 * reads it: a comment is a line whose first non-blank is '#', a section
 * opens with "service NAME" or "defaults" and a line holding only '{',
 * and ends at a line holding only '}'; inside, each line is
 * "ATTRIBUTE OP VALUE...", values separated by blanks, with no quoting.
 * A '#' after a value is a value, as xinetd takes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/xinetd_parse.h"

/* One line of the text: its words, split on blanks, in a copy. */
struct xline {
	char	 *xl_raw;	/* the line as it is */
	char	 *xl_copy;
	char	**xl_words;
	size_t	  xl_nwords;
	unsigned  xl_no;
};

/* Where the parser is: the text, its name, the next line's offset. */
struct xparser {
	const char	*xp_text;
	size_t		 xp_len;
	size_t		 xp_at;
	unsigned	 xp_no;		/* the line just read */
	const char	*xp_file;
	char		*xp_err;
	size_t		 xp_errlen;
};

__attribute__((format(printf, 3, 4))) static int
xp_error(struct xparser *xp, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(xp->xp_err, xp->xp_errlen, "%s:%u: ", xp->xp_file, line);
	if (n < 0 || (size_t)n >= xp->xp_errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(xp->xp_err + n, xp->xp_errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
xp_nomem(struct xparser *xp)
{
	snprintf(xp->xp_err, xp->xp_errlen, "out of memory");
	errno = ENOMEM;
	return -1;
}

static void
xline_free(struct xline *xl)
{
	free(xl->xl_raw);
	free(xl->xl_copy);
	free(xl->xl_words);
	memset(xl, 0, sizeof(*xl));
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split the copy in place into words. */
static int
xline_split(struct xline *xl)
{
	size_t cap = 0;
	char *p = xl->xl_copy, **grown;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			return 0;
		if (xl->xl_nwords == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			grown = realloc(xl->xl_words, cap * sizeof(*grown));
			if (grown == NULL)
				return -1;
			xl->xl_words = grown;
		}
		xl->xl_words[xl->xl_nwords++] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

/*
 * The next line that is not blank nor a comment, split: 1, or 0 at the
 * end of the text, or -1 (err set) for a control character or memory.
 */
static int
xp_next(struct xparser *xp, struct xline *xl)
{
	size_t i;

	while (xp->xp_at < xp->xp_len) {
		const char *start = xp->xp_text + xp->xp_at;
		const char *end = memchr(start, '\n', xp->xp_len - xp->xp_at);
		size_t n = end != NULL ? (size_t)(end - start) :
		    xp->xp_len - xp->xp_at;

		xp->xp_at += n + 1;
		xp->xp_no++;
		for (i = 0; i < n; i++)
			if (((unsigned char)start[i] < 0x20 &&
			    !is_blank(start[i])) || start[i] == 0x7f)
				return xp_error(xp, xp->xp_no, "a control "
				    "character (byte 0x%02x)",
				    (unsigned char)start[i]);
		for (i = 0; i < n && is_blank(start[i]); i++)
			;
		if (i == n || start[i] == '#')
			continue;
		memset(xl, 0, sizeof(*xl));
		xl->xl_no = xp->xp_no;
		if ((xl->xl_raw = strndup(start, n)) == NULL ||
		    (xl->xl_copy = strndup(start, n)) == NULL ||
		    xline_split(xl) == -1) {
			xline_free(xl);
			return xp_nomem(xp);
		}
		return 1;
	}
	return 0;
}

/* The line holds the one character c and blanks. */
static int
xline_only(const struct xline *xl, const char *c)
{
	return xl->xl_nwords == 1 && strcmp(xl->xl_words[0], c) == 0;
}

/* A new entry at the end of xf; NULL when out of memory. */
static struct xentry *
xp_entry(struct xfile *xf, enum xkind kind, const char *name, unsigned line)
{
	struct xentry *grown, *xe;

	grown = realloc(xf->xf_entries, (xf->xf_nentries + 1) * sizeof(*grown));
	if (grown == NULL)
		return NULL;
	xf->xf_entries = grown;
	xe = &grown[xf->xf_nentries];
	memset(xe, 0, sizeof(*xe));
	xe->xe_kind = kind;
	xe->xe_line = line;
	if (name != NULL && (xe->xe_name = strdup(name)) == NULL)
		return NULL;
	xf->xf_nentries++;
	return xe;
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* The name and operator at the start of the line's text: 0, or -1. */
static int
xp_name_op(const char *text, size_t *namelen, enum xop *op, size_t *oplen)
{
	size_t n = 0;

	while (is_name_char(text[n]))
		n++;
	*namelen = n;
	while (is_blank(text[n]))
		n++;
	if (text[n] == '=') {
		*op = XOP_SET;
		*oplen = n + 1;
	} else if ((text[n] == '+' || text[n] == '-') && text[n + 1] == '=') {
		*op = text[n] == '+' ? XOP_ADD : XOP_SUB;
		*oplen = n + 2;
	} else
		return -1;
	return *namelen > 0 ? 0 : -1;
}

/* "ATTRIBUTE OP VALUE..." into a new attribute of xe. */
static int
xp_attr(struct xparser *xp, struct xentry *xe, const struct xline *xl)
{
	struct xattr *grown, *xa;
	struct xline values;
	size_t namelen, oplen, i;
	const char *raw = xl->xl_raw;
	enum xop op;

	while (is_blank(*raw))
		raw++;
	if (xp_name_op(raw, &namelen, &op, &oplen) == -1)
		return xp_error(xp, xl->xl_no, "\"%s\": ATTRIBUTE = VALUE..., "
		    "+= or -= expected, or '}'", xl->xl_words[0]);
	grown = realloc(xe->xe_attrs, (xe->xe_nattrs + 1) * sizeof(*grown));
	if (grown == NULL)
		return xp_nomem(xp);
	xe->xe_attrs = grown;
	xa = &grown[xe->xe_nattrs];
	memset(xa, 0, sizeof(*xa));
	xa->xa_op = op;
	xa->xa_line = xl->xl_no;
	memset(&values, 0, sizeof(values));
	if ((xa->xa_name = strndup(raw, namelen)) == NULL ||
	    (values.xl_copy = strdup(raw + oplen)) == NULL ||
	    xline_split(&values) == -1) {
		free(xa->xa_name);
		xline_free(&values);
		return xp_nomem(xp);
	}
	xe->xe_nattrs++;
	/* The values own their strings: the copy is split up into them. */
	xa->xa_values = calloc(values.xl_nwords + 1, sizeof(char *));
	for (i = 0; xa->xa_values != NULL && i < values.xl_nwords; i++) {
		if ((xa->xa_values[i] = strdup(values.xl_words[i])) == NULL)
			break;
		xa->xa_nvalues++;
	}
	i = xa->xa_values != NULL && xa->xa_nvalues == values.xl_nwords;
	xline_free(&values);
	return i ? 0 : xp_nomem(xp);
}

/* A section's body, after its '{' line, up to its '}'. */
static int
xp_body(struct xparser *xp, struct xentry *xe, const char *what)
{
	struct xline xl;

	for (;;) {
		int rc = xp_next(xp, &xl);

		if (rc <= 0)
			return rc == 0 ? xp_error(xp, xe->xe_line, "%s: no '}' "
			    "before the end of the file", what) : -1;
		rc = xline_only(&xl, "}") ? 1 : xp_attr(xp, xe, &xl);
		xline_free(&xl);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
}

/* "service NAME" or "defaults", then a '{' line and the body. */
static int
xp_section(struct xparser *xp, struct xfile *xf, const struct xline *head)
{
	int service = strcmp(head->xl_words[0], "service") == 0;
	char what[96];
	struct xentry *xe;
	struct xline brace;

	if (service && head->xl_nwords != 2)
		return xp_error(xp, head->xl_no, "service: one name expected, "
		    "found %zu words", head->xl_nwords - 1);
	if (!service && head->xl_nwords != 1)
		return xp_error(xp, head->xl_no, "defaults: nothing may follow "
		    "on its line");
	snprintf(what, sizeof(what), "%s%.64s", service ? "service " :
	    "defaults", service ? head->xl_words[1] : "");
	switch (xp_next(xp, &brace)) {
	case -1:
		return -1;
	case 1:
		if (xline_only(&brace, "{"))
			break;
		xline_free(&brace);
		/* FALLTHROUGH */
	default:
		return xp_error(xp, head->xl_no, "%s: '{' expected alone on "
		    "the next line", what);
	}
	xline_free(&brace);
	xe = xp_entry(xf, service ? XK_SERVICE : XK_DEFAULTS, service ?
	    head->xl_words[1] : NULL, head->xl_no);
	if (xe == NULL)
		return xp_nomem(xp);
	return xp_body(xp, xe, what);
}

/* One entry at the top level of the file, its first line in xl. */
static int
xp_top(struct xparser *xp, struct xfile *xf, const struct xline *xl)
{
	const char *kw = xl->xl_words[0];
	int dir = strcmp(kw, "includedir") == 0;

	if (strcmp(kw, "service") == 0 || strcmp(kw, "defaults") == 0)
		return xp_section(xp, xf, xl);
	if (!dir && strcmp(kw, "include") != 0)
		return xp_error(xp, xl->xl_no, "\"%s\": service, defaults, "
		    "include or includedir expected", kw);
	if (xl->xl_nwords != 2)
		return xp_error(xp, xl->xl_no, "%s: one path expected, found "
		    "%zu words", kw, xl->xl_nwords - 1);
	if (xp_entry(xf, dir ? XK_INCLUDEDIR : XK_INCLUDE, xl->xl_words[1],
	    xl->xl_no) == NULL)
		return xp_nomem(xp);
	return 0;
}

int
xinetd_parse(const char *text, size_t len, const char *file,
    struct xfile *xf, char *err, size_t errlen)
{
	struct xparser xp;
	const char *nul;
	struct xline xl;
	int rc;

	memset(xf, 0, sizeof(*xf));
	memset(&xp, 0, sizeof(xp));
	xp.xp_text = text;
	xp.xp_len = len;
	xp.xp_file = file;
	xp.xp_err = err;
	xp.xp_errlen = errlen;
	err[0] = '\0';
	/* A NUL would end every string early: no text has one. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (; text < nul; text++)
			xp.xp_no += *text == '\n';
		return xp_error(&xp, xp.xp_no + 1, "a NUL byte");
	}
	while ((rc = xp_next(&xp, &xl)) == 1) {
		rc = xp_top(&xp, xf, &xl);
		xline_free(&xl);
		if (rc == -1)
			return -1;
	}
	return rc;
}

void
xinetd_free(struct xfile *xf)
{
	size_t i, j, k;

	for (i = 0; i < xf->xf_nentries; i++) {
		struct xentry *xe = &xf->xf_entries[i];

		for (j = 0; j < xe->xe_nattrs; j++) {
			for (k = 0; k < xe->xe_attrs[j].xa_nvalues; k++)
				free(xe->xe_attrs[j].xa_values[k]);
			free(xe->xe_attrs[j].xa_values);
			free(xe->xe_attrs[j].xa_name);
		}
		free(xe->xe_attrs);
		free(xe->xe_name);
	}
	free(xf->xf_entries);
	memset(xf, 0, sizeof(*xf));
}
