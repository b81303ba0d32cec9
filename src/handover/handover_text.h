/*
 * The hand-over's text fields (paths, service names, the configuration):
 * any byte but NUL may be in them, and a newline would end the record,
 * so control bytes, DEL and the backslash travel as \xNN.
 */
#ifndef SPAWND_HANDOVER_HANDOVER_TEXT_H
#define SPAWND_HANDOVER_HANDOVER_TEXT_H

#include <stddef.h>

/* s escaped into out (outlen bytes); out, or NULL if it would not fit. */
char *handover_escape(char *out, size_t outlen, const char *s);

/*
 * Undo handover_escape() in place.  A backslash not followed by "xNN"
 * (text written before escaping existed) stays as it is.  A NUL from
 * "\x00" would cut the field short: refused (-1).  Returns 0 or -1.
 */
int handover_unescape(char *s);

#endif
