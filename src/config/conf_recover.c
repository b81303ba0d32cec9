/*
 * Parsing on after libconfuse stopped (see conf_recover.h).  What is
 * blanked is the smallest piece that lets the next parse go on: an
 * unknown option with its value or its block, or the rest of the line
 * the error was found on.  Nothing is ever added, so each parse blanks
 * more and the retries end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdlib.h>
#include <string.h>

#include "config/conf_recover.h"
#include "config/conf_strip.h"

static int
is_punct(const char *text, const struct conf_token *tk, char c)
{
	return tk->tk_kind == CONF_TOK_PUNCT && text[tk->tk_pos] == c;
}

static void
blank(char *text, size_t from, size_t to)
{
	for (; from < to; from++)
		if (text[from] != '\n')
			text[from] = ' ';
}

/* Offset just past the '}' matching the '{' open (the end if none). */
static size_t
match(const char *text, size_t len, const struct conf_token *open)
{
	struct conf_token tk;
	size_t pos = open->tk_pos + 1;
	unsigned line = open->tk_line, depth = 1;

	while (conf_next_token(text, len, &pos, &line, &tk)) {
		if (is_punct(text, &tk, '{'))
			depth++;
		else if (is_punct(text, &tk, '}') && --depth == 0)
			return pos;
	}
	return len;
}

/*
 * The first token on line (or after it) from *pos on; *pos and *at
 * (the line at *pos) move along.  Returns 0 if there is none.
 */
static int
token_on(const char *text, size_t len, size_t *pos, unsigned *at,
    unsigned line, struct conf_token *tk)
{
	while (conf_next_token(text, len, pos, at, tk))
		if (tk->tk_line >= line)
			return tk->tk_line == line;
	return 0;
}

/*
 * Blank tk and the tokens after it on its line; a '{' with all up to
 * its '}', which ends the blanking.  Returns 1 if anything was blanked.
 */
static int
blank_line(char *text, size_t len, struct conf_token tk)
{
	size_t pos = tk.tk_pos + tk.tk_len, end;
	unsigned line = tk.tk_line, at = tk.tk_line;
	int done = 0;

	for (;;) {
		if (is_punct(text, &tk, '{')) {
			end = match(text, len, &tk);
			blank(text, tk.tk_pos, end);
			return 1;
		}
		if (!is_punct(text, &tk, '}')) {
			blank(text, tk.tk_pos, tk.tk_pos + tk.tk_len);
			done = 1;
		}
		if (!conf_next_token(text, len, &pos, &at, &tk) ||
		    tk.tk_line != line)
			return done;
	}
}

/* Blank the unknown option at tk: with its value, or its block. */
static void
blank_unknown(char *text, size_t len, const struct conf_token *name)
{
	struct conf_token n1, n2;
	size_t pos = name->tk_pos + name->tk_len;
	unsigned at = name->tk_line;
	int got1, got2;

	got1 = conf_next_token(text, len, &pos, &at, &n1);
	if (got1 && is_punct(text, &n1, '+'))
		got1 = conf_next_token(text, len, &pos, &at, &n1);
	got2 = got1 && conf_next_token(text, len, &pos, &at, &n2);
	if (got1 && is_punct(text, &n1, '{'))
		blank(text, name->tk_pos, match(text, len, &n1));
	else if (got2 && (is_punct(text, &n1, '=') ||
	    n1.tk_kind == CONF_TOK_WORD) && is_punct(text, &n2, '{'))
		blank(text, name->tk_pos, match(text, len, &n2));
	else if (got2 && is_punct(text, &n1, '=') &&
	    n2.tk_kind == CONF_TOK_WORD)
		blank(text, name->tk_pos, n2.tk_pos + n2.tk_len);
	else
		blank_line(text, len, *name);
}

/* Is the word tk the name libconfuse read (quoted or not)? */
static int
is_name(const char *text, const struct conf_token *tk, const char *name)
{
	size_t n = strlen(name);
	const char *w = text + tk->tk_pos;

	if (tk->tk_kind != CONF_TOK_WORD)
		return 0;
	if (tk->tk_len == n && memcmp(w, name, n) == 0)
		return 1;
	return tk->tk_len == n + 2 && (w[0] == '"' || w[0] == '\'') &&
	    memcmp(w + 1, name, n) == 0;
}

/*
 * Blank what starts on line, else on the nearest line before it with
 * something to blank: the first token of each line up to line is kept
 * from one scan, so that going back costs no new scan.
 */
static int
blank_back(char *text, size_t len, unsigned line)
{
	struct conf_token tk, *first = NULL, *p;
	size_t pos = 0, n = 0;
	unsigned at = 1;
	int done = 0;

	while (conf_next_token(text, len, &pos, &at, &tk) &&
	    tk.tk_line <= line) {
		if (n > 0 && first[n - 1].tk_line == tk.tk_line)
			continue;
		if ((p = reallocarray(first, n + 1, sizeof(*p))) == NULL)
			break;	/* the lines found so far are tried */
		first = p;
		first[n++] = tk;
	}
	while (n > 0 && !done)
		done = blank_line(text, len, first[--n]);
	free(first);
	return done;
}

int
conf_recover(char *text, size_t len, unsigned line, const char *name)
{
	struct conf_token tk;
	size_t pos = 0;
	unsigned at = 1;

	if (name != NULL)
		while (token_on(text, len, &pos, &at, line, &tk))
			if (is_name(text, &tk, name)) {
				blank_unknown(text, len, &tk);
				return 1;
			}
	return blank_back(text, len, line);
}
