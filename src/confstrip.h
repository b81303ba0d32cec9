/*
 * Comment removal for configuration text.  Debian's libconfuse 3.3
 * miscounts line numbers after comment lines and rejects comments inside
 * a {...} list, so spawnd removes comments itself and hands libconfuse
 * text with the same line structure.
 */
#ifndef SPAWND_CONFSTRIP_H
#define SPAWND_CONFSTRIP_H

#include <stddef.h>

/*
 * Return a malloc'd copy of text (length len) in which every comment
 * ("#" or "//" to end of line, and "/" "*" ... "*" "/") outside a quoted
 * string is replaced by spaces; newlines are kept so line numbers stay
 * true.  Returns NULL on allocation failure.  An unterminated block
 * comment or string is left for the parser to report.
 */
char *conf_strip_comments(const char *text, size_t len);

#endif
