/*
 * The growing text of textbuf.h: doubled as needed, in the child.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/textbuf.h"

static int
textbuf_room(struct textbuf *tb, size_t more)
{
	size_t cap = tb->tb_cap ? tb->tb_cap : 4096;
	char *text;

	while (cap - tb->tb_len <= more)
		cap *= 2;
	if (cap == tb->tb_cap)
		return 0;
	if ((text = realloc(tb->tb_text, cap)) == NULL)
		return -1;
	tb->tb_text = text;
	tb->tb_cap = cap;
	return 0;
}

void
textbuf_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (tb->tb_failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || textbuf_room(tb, (size_t)n + 1) == -1) {
		tb->tb_failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(tb->tb_text + tb->tb_len, tb->tb_cap - tb->tb_len, fmt, ap);
	va_end(ap);
	tb->tb_len += (size_t)n;
}

void
textbuf_free(struct textbuf *tb)
{
	free(tb->tb_text);
	tb->tb_text = NULL;
	tb->tb_len = tb->tb_cap = 0;
}
