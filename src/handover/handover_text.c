/*
 * Escaping the hand-over's text fields (see handover_text.h): written by
 * the old image (handover_write.c), read by the new one (handover.c).
 */
#include "handover/handover_text.h"

char *
handover_escape(char *out, size_t outlen, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (n + 5 > outlen)
			return NULL;
		if (c < 0x20 || c == 0x7f || c == '\\') {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		} else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static int
handover_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
handover_unescape(char *s)
{
	char *out = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'x' &&
		    (hi = handover_hexval(s[2])) >= 0 &&
		    (lo = handover_hexval(s[3])) >= 0) {
			if (hi == 0 && lo == 0)
				return -1;
			*out++ = (char)(hi << 4 | lo);
			s += 3;
		} else
			*out++ = *s;
	}
	*out = '\0';
	return 0;
}
