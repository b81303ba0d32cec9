/*
 * Lines without stdio (strput.h).  Every call appends what fits and
 * remembers whether something did not; the end says which.
 */
#include "base/strput.h"

void
strput_init(struct strput *sp, char *buf, size_t cap)
{
	sp->sp_buf = buf;
	sp->sp_cap = cap;
	sp->sp_len = 0;
	sp->sp_over = cap == 0;
}

static void
strput_char(struct strput *sp, char c)
{
	/* One byte stays for the NUL. */
	if (sp->sp_len + 1 >= sp->sp_cap) {
		sp->sp_over = 1;
		return;
	}
	sp->sp_buf[sp->sp_len++] = c;
}

void
strput_str(struct strput *sp, const char *s)
{
	while (*s != '\0' && !sp->sp_over)
		strput_char(sp, *s++);
}

void
strput_uint(struct strput *sp, unsigned long v, unsigned width, char pad)
{
	char digits[24];	/* 2^64 has 20 */
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (width > n) {
		strput_char(sp, pad);
		width--;
	}
	while (n > 0)
		strput_char(sp, digits[--n]);
}

size_t
strput_end(struct strput *sp)
{
	if (sp->sp_over) {
		if (sp->sp_cap > 0)
			sp->sp_buf[0] = '\0';
		return 0;
	}
	sp->sp_buf[sp->sp_len] = '\0';
	return sp->sp_len;
}
