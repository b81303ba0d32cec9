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
	unsigned	*ly_sections;	/* line of each section header */
	size_t		 ly_nsections;
	unsigned	 ly_open_line;	/* 0: everything is terminated */
	const char	*ly_open_what;	/* "string" or "comment" */
	unsigned	 ly_lines;	/* number of the last line */
};

/* What conf_token() found. */
enum {
	CONF_TOK_NONE,		/* a blank, or a byte the lexer ignores */
	CONF_TOK_WORD,		/* a string: quoted, unquoted or ${...} */
	CONF_TOK_PUNCT,		/* one of { } = , ( ) + */
	CONF_TOK_OPEN		/* an unterminated string or block comment */
};

/*
 * Length of the token at text[i] of comment-free text, as libconfuse's
 * lexer would cut it, and its kind; 0 for NONE and OPEN.
 */
size_t conf_token(const char *text, size_t len, size_t i, int *kind);

/* One token of comment-free text. */
struct conf_token {
	size_t		 tk_pos;	/* offset in the text */
	size_t		 tk_len;
	unsigned	 tk_line;	/* line of its first byte */
	int		 tk_kind;	/* CONF_TOK_WORD or CONF_TOK_PUNCT */
};

/*
 * The next token from *pos on (*line: the line at *pos), both moved
 * past it.  Returns 1, or 0 at the end or at an unterminated string or
 * comment.
 */
int conf_next_token(const char *text, size_t len, size_t *pos,
    unsigned *line, struct conf_token *tk);

/* Returns 0, or -1 with errno (ENOMEM). */
int conf_layout_scan(const char *text, size_t len, struct conf_layout *ly);
void conf_layout_free(struct conf_layout *ly);

#endif
