/*
 * A converted section's text (see migrate_section.h).  Strings go in
 * double quotes unless they hold a '$' (libconfuse would expand
 * ${NAME} in double quotes; xinetd passes it as it is), a quote or a
 * backslash: then in single quotes, with ' and \ escaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_section.h"

void
msection_quote(struct textbuf *tb, const char *s)
{
	const char *p;

	if (strpbrk(s, "$\"'\\") == NULL) {
		textbuf_printf(tb, "\"%s\"", s);
		return;
	}
	textbuf_printf(tb, "'");
	for (p = s; *p != '\0'; p++)
		textbuf_printf(tb, "%s%c", *p == '\'' || *p == '\\' ? "\\" :
		    "", *p);
	textbuf_printf(tb, "'");
}

void
msection_option(struct msection *ms, const char *name, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	textbuf_printf(&ms->ms_body, "\t%s = %s\n", name, buf);
}

static const char *
op_text(const struct mattr *ma)
{
	if (!ma->ma_ignored || ma->ma_src->xa_op == XOP_SET)
		return "=";
	return ma->ma_src->xa_op == XOP_ADD ? "+=" : "-=";
}

static void
note_reason(struct msection *ms, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	textbuf_printf(&ms->ms_notes, " (%s)\n", buf);
	ms->ms_unconverted++;
}

void
msection_note(struct msection *ms, const struct mattr *ma, const char *fmt,
    ...)
{
	va_list ap;
	size_t i;

	textbuf_printf(&ms->ms_notes, "# not converted: %s %s", ma->ma_name,
	    op_text(ma));
	for (i = 0; i < ma->ma_nvalues; i++)
		textbuf_printf(&ms->ms_notes, " %s", ma->ma_values[i]);
	va_start(ap, fmt);
	note_reason(ms, fmt, ap);
	va_end(ap);
}

void
msection_note_value(struct msection *ms, const struct mattr *ma,
    const char *value, const char *fmt, ...)
{
	va_list ap;

	textbuf_printf(&ms->ms_notes, "# not converted: %s %s %s",
	    ma->ma_name, op_text(ma), value);
	va_start(ap, fmt);
	note_reason(ms, fmt, ap);
	va_end(ap);
}

int
msection_failed(const struct msection *ms)
{
	return ms->ms_body.tb_failed || ms->ms_notes.tb_failed;
}

void
msection_free(struct msection *ms)
{
	textbuf_free(&ms->ms_body);
	textbuf_free(&ms->ms_notes);
	free(ms->ms_listen);
	memset(ms, 0, sizeof(*ms));
}
