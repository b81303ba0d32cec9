/*
 * Comment removal for configuration text, and the positions libconfuse
 * 3.3 does not report.  Debian's libconfuse 3.3 adds two to every later
 * line number for each "#" or "//" comment line (one for a block
 * comment), rejects a comment inside a {...} list, and silently takes
 * an unterminated block comment as running to the end of the file.  So
 * the configuration loader blanks comments out here, keeping every
 * newline, and hands libconfuse text whose line numbers are the file's.
 *
 * Strings follow libconfuse's lexer (lexer.l) so that they keep their
 * meaning: in "..." a backslash escapes the next byte (a newline too,
 * which continues the string) and ${NAME} is an environment
 * substitution that runs to the next "}"; in '...' a backslash escapes
 * the next byte; outside strings ${...} at the start of a word is one
 * token.  One rule is deliberately simpler than libconfuse's: "//"
 * starts a comment anywhere outside quotes, also inside an unquoted
 * word (libconfuse keeps a//b as one word), so values holding "//" or
 * "#" must be quoted.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf_strip.h"

/* Bytes that end an unquoted word in libconfuse's lexer. */
#define CONF_WORD_STOP	" \t\r\n#\"'={}()+,*"

/*
 * If text[i] starts an environment substitution "${...}" that is
 * closed, return the index just past its "}", else i.
 */
static size_t
conf_skip_env(const char *text, size_t len, size_t i)
{
	const char	*close;

	if (i + 1 >= len || text[i] != '$' || text[i + 1] != '{')
		return i;
	close = memchr(text + i + 2, '}', len - i - 2);
	return close == NULL ? i : (size_t)(close - text) + 1;
}

/*
 * text[i] is an opening quote: return the index just past the closing
 * one, or 0 when the string is unterminated.
 */
static size_t
conf_skip_string(const char *text, size_t len, size_t i)
{
	char	 quote = text[i];
	size_t	 next;

	for (i++; i < len; i++) {
		if (text[i] == '\\') {
			i++;
		} else if (text[i] == quote) {
			return i + 1;
		} else if (quote == '"' &&
		    (next = conf_skip_env(text, len, i)) != i) {
			i = next - 1;
		}
	}
	return 0;
}

/* Nonzero if position i is where a new token may start. */
static int
conf_token_start(const char *text, size_t i)
{
	return i == 0 || strchr(CONF_WORD_STOP, text[i - 1]) != NULL;
}

/*
 * If a comment starts at text[i], return the index of its end (the
 * newline of a line comment, or just past the closing of a block
 * comment) and blank it in out; return i otherwise.  An unterminated
 * block comment is left alone for the loader to report.
 */
static size_t
conf_skip_comment(const char *text, size_t len, size_t i, char *out)
{
	const char	*nl;
	size_t		 end, k;

	if (text[i] == '#' ||
	    (text[i] == '/' && i + 1 < len && text[i + 1] == '/')) {
		nl = memchr(text + i, '\n', len - i);
		end = nl == NULL ? len : (size_t)(nl - text);
	} else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
		for (end = i + 2; end + 1 < len; end++)
			if (text[end] == '*' && text[end + 1] == '/')
				break;
		if (end + 1 >= len)
			return i;
		end += 2;
	} else
		return i;
	for (k = i; k < end; k++)
		if (out[k] != '\n')
			out[k] = ' ';
	return end;
}

char *
conf_strip_comments(const char *text, size_t len)
{
	char	*out;
	size_t	 i, next;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, text, len);
	out[len] = '\0';
	for (i = 0; i < len; ) {
		if (text[i] == '"' || text[i] == '\'') {
			if ((next = conf_skip_string(text, len, i)) == 0)
				break;	/* unterminated: the loader reports it */
		} else if (conf_token_start(text, i) &&
		    (next = conf_skip_env(text, len, i)) != i)
			;
		else if ((next = conf_skip_comment(text, len, i, out)) == i)
			next = i + 1;
		i = next;
	}
	return out;
}

/* ---- layout of comment-free text */

/* What the layout scanner remembers of a recent token. */
struct conf_tok {
	int		ct_word;	/* a string: quoted, unquoted or ${...} */
	unsigned	ct_line;
};

static unsigned
conf_count_lines(const char *text, size_t from, size_t to)
{
	unsigned	n = 0;

	for (; from < to; from++)
		if (text[from] == '\n')
			n++;
	return n;
}

static int
conf_layout_add(struct conf_layout *ly, unsigned line)
{
	unsigned	*p;

	p = reallocarray(ly->ly_sections, ly->ly_nsections + 1, sizeof(*p));
	if (p == NULL)
		return -1;
	ly->ly_sections = p;
	ly->ly_sections[ly->ly_nsections++] = line;
	return 0;
}

size_t
conf_token(const char *text, size_t len, size_t i, int *kind)
{
	size_t	 end;

	*kind = CONF_TOK_WORD;
	if (text[i] == '"' || text[i] == '\'') {
		if ((end = conf_skip_string(text, len, i)) == 0)
			*kind = CONF_TOK_OPEN;
		return end == 0 ? 0 : end - i;
	}
	if (conf_token_start(text, i) &&
	    (end = conf_skip_env(text, len, i)) != i)
		return end - i;
	if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
		*kind = CONF_TOK_OPEN;
		return 0;
	}
	*kind = CONF_TOK_PUNCT;
	if (strchr("{}=,()+", text[i]) != NULL)
		return 1;
	*kind = CONF_TOK_NONE;
	if (strchr(CONF_WORD_STOP, text[i]) != NULL)
		return 0;
	end = i + strcspn(text + i, CONF_WORD_STOP);
	*kind = CONF_TOK_WORD;
	return end - i;
}

int
conf_next_token(const char *text, size_t len, size_t *pos, unsigned *line,
    struct conf_token *tk)
{
	size_t	 n;
	int	 kind;

	for (; *pos < len; *pos += n ? n : 1) {
		n = conf_token(text, len, *pos, &kind);
		if (kind == CONF_TOK_OPEN)
			return 0;
		if (n == 0) {
			if (text[*pos] == '\n')
				(*line)++;
			continue;
		}
		tk->tk_pos = *pos;
		tk->tk_len = n;
		tk->tk_line = *line;
		tk->tk_kind = kind;
		*line += conf_count_lines(text, *pos, *pos + n);
		*pos += n;
		return 1;
	}
	return 0;
}

/*
 * Length of the token at text[i] (0 for blanks and bytes the lexer
 * ignores); sets *word for strings.  Stops the scan (returns 0 with
 * ly_open_line set) at an unterminated string or comment.
 */
static size_t
conf_layout_token(const char *text, size_t len, size_t i, unsigned line,
    int *word, struct conf_layout *ly)
{
	size_t	 n;
	int	 kind;

	n = conf_token(text, len, i, &kind);
	*word = kind == CONF_TOK_WORD;
	if (kind == CONF_TOK_OPEN) {
		ly->ly_open_line = line;
		ly->ly_open_what = text[i] == '/' ? "comment" : "string";
	}
	return n;
}

int
conf_layout_scan(const char *text, size_t len, struct conf_layout *ly)
{
	struct conf_tok	 prev[2] = { { 0, 0 }, { 0, 0 } };
	size_t		 i, n;
	unsigned	 line = 1, depth = 0;
	int		 word;

	memset(ly, 0, sizeof(*ly));
	for (i = 0; i < len && ly->ly_open_line == 0; i += n ? n : 1) {
		n = conf_layout_token(text, len, i, line, &word, ly);
		if (n == 0) {
			if (text[i] == '\n')
				line++;
			continue;
		}
		/* A top-level section header is "name title {". */
		if (!word && text[i] == '{' && depth++ == 0 &&
		    prev[0].ct_word && prev[1].ct_word &&
		    conf_layout_add(ly, prev[1].ct_line) == -1) {
			conf_layout_free(ly);
			errno = ENOMEM;
			return -1;
		}
		if (!word && text[i] == '}' && depth > 0)
			depth--;
		prev[1] = prev[0];
		prev[0].ct_word = word;
		prev[0].ct_line = line;
		line += conf_count_lines(text, i, i + n);
	}
	ly->ly_lines = conf_count_lines(text, 0, len) + 1;
	if (len > 0 && text[len - 1] == '\n' && ly->ly_lines > 1)
		ly->ly_lines--;
	return 0;
}

void
conf_layout_free(struct conf_layout *ly)
{
	free(ly->ly_sections);
	memset(ly, 0, sizeof(*ly));
}
