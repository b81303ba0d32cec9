/*
 * Comment removal for configuration text.  Debian's libconfuse 3.3
 * miscounts line numbers after comment lines and rejects comments inside
 * a {...} list, so spawnd removes comments itself and hands libconfuse
 * text with the same line structure.
 */
#ifndef SPAWND_CONFIG_CONF_STRIP_H
#define SPAWND_CONFIG_CONF_STRIP_H

#include <stddef.h>

/*
 * Return a malloc'd copy of text (length len) in which every comment
 * ("#" or "//" to end of line, and "/" "*" ... "*" "/") outside a quoted
 * string is replaced by spaces; newlines are kept so line numbers stay
 * true.  Returns NULL on allocation failure.  An unterminated block
 * comment or string is left for the parser to report.
 */
char *conf_strip_comments(const char *text, size_t len);

/*
 * What libconfuse 3.3 does not tell about comment-free text (the result
 * of conf_strip_comments): the line where each top-level section header
 * ("name title {") starts, in file order, and where an unterminated
 * string or block comment begins (libconfuse silently takes such a
 * comment as running to the end of the file).
 */
struct conf_layout {
	unsigned	*cl_sections;	/* line of each section header */
	size_t		 cl_nsections;
	unsigned	 cl_open_line;	/* 0: everything is terminated */
	const char	*cl_open_what;	/* "string" or "comment" */
	unsigned	 cl_lines;	/* number of the last line */
};

/* Returns 0, or -1 with errno (ENOMEM). */
int conf_layout_scan(const char *text, size_t len, struct conf_layout *cl);
void conf_layout_free(struct conf_layout *cl);

#endif
