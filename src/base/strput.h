/*
 * A short line put together in a fixed buffer without stdio.  The
 * fork-per-client path uses it: a child pays a page fault for every
 * page of libc it runs, and snprintf() alone runs several (vfprintf,
 * its helpers, the locale's tables) where this runs one of ours.
 */
#ifndef SPAWND_BASE_STRPUT_H
#define SPAWND_BASE_STRPUT_H

#include <stddef.h>

struct strput {
	char	*sp_buf;
	size_t	 sp_cap;
	size_t	 sp_len;	/* excluding the NUL */
	int	 sp_over;	/* something did not fit */
};

/* Start an empty text in buf (cap > 0). */
void strput_init(struct strput *sp, char *buf, size_t cap);

void strput_str(struct strput *sp, const char *s);

/* v in decimal, at least width digits, padded on the left with pad. */
void strput_uint(struct strput *sp, unsigned long v, unsigned width,
    char pad);

/*
 * NUL-terminate; the length, or 0 when something did not fit (the
 * buffer then holds "", never a cut line).
 */
size_t strput_end(struct strput *sp);

#endif
