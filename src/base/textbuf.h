/*
 * A text that grows as it is printed into, for replies whose length is
 * known only once written (the status table, the metrics page).
 */
#ifndef SPAWND_BASE_TEXTBUF_H
#define SPAWND_BASE_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char	*tb_text;	/* NUL-terminated; NULL until the first print */
	size_t	 tb_len;
	size_t	 tb_cap;
	int	 tb_failed;	/* out of memory: the text is cut short */
};

/* Append; on failure tb_failed is set and later calls do nothing. */
void textbuf_printf(struct textbuf *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void textbuf_free(struct textbuf *tb);

#endif
