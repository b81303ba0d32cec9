/*
 * Braces, checked before libconfuse parses (see conf_braces.h).  The
 * scan follows the openings: '{' after '=' (or "+=") opens a list,
 * any other '{' a section.  A list holds only values and commas, so an
 * '=' or a section header inside one means its '}' is missing before
 * the option or header seen there; a header of a top-level section
 * (service) inside a section means the same of every section open.
 * The '}' is added just before that word, on its line, so that every
 * line keeps its number.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf_braces.h"
#include "config/conf_strip.h"

/* Deeper than spawnd's schema can be: the scan gives up mending. */
#define BRACES_DEPTH	16

/* Something open: a section or a list. */
struct brace_open {
	struct conf_token bo_what;	/* its option or section name */
	struct conf_token bo_title;	/* a section's title (len 0: none) */
	int		 bo_list;
};

/* The scan of one text. */
struct braces {
	struct conf_ctx	*br_cx;
	const char	*br_text;
	char		*br_out;	/* the text, stray braces blanked */
	size_t		 br_len;
	size_t		*br_add;	/* offsets where a '}' goes, in order */
	size_t		 br_nadd;
	struct brace_open br_open[BRACES_DEPTH];
	size_t		 br_depth;
	struct conf_token br_prev[3];	/* the last tokens, [0] latest */
	size_t		 br_nprev;
	int		 br_nomem;
};

static int
is_punct(const struct braces *br, const struct conf_token *tk, char c)
{
	return tk->tk_kind == CONF_TOK_PUNCT && br->br_text[tk->tk_pos] == c;
}

/* Is the word tk the name of a top-level section of the schema? */
static int
is_section(const struct braces *br, const cfg_opt_t *opts,
    const struct conf_token *tk)
{
	for (; opts->name != NULL; opts++)
		if (opts->type == CFGT_SEC &&
		    strlen(opts->name) == tk->tk_len &&
		    memcmp(opts->name, br->br_text + tk->tk_pos,
		    tk->tk_len) == 0)
			return 1;
	return 0;
}

/* The innermost open thing gets its '}' at offset at. */
static void
braces_close(struct braces *br, size_t at, unsigned line)
{
	const struct brace_open *bo = &br->br_open[--br->br_depth];
	size_t *p;
	char where[64];

	if (line == 0)
		snprintf(where, sizeof(where), "at the end of the file");
	else
		snprintf(where, sizeof(where), "before line %u", line);
	conf_error(br->br_cx, bo->bo_what.tk_line, "%s '%.*s%s%.*s' opened "
	    "here is never closed (a '}' is missing %s)", bo->bo_list ?
	    "list" : "section", (int)bo->bo_what.tk_len,
	    br->br_text + bo->bo_what.tk_pos, bo->bo_title.tk_len ? " " : "",
	    (int)bo->bo_title.tk_len, br->br_text + bo->bo_title.tk_pos,
	    where);
	if ((p = reallocarray(br->br_add, br->br_nadd + 1, sizeof(*p))) ==
	    NULL) {
		br->br_nomem = 1;
		return;
	}
	br->br_add = p;
	br->br_add[br->br_nadd++] = at;
}

/* '{' (tk): a list or a section opens. */
static void
braces_open(struct braces *br, const cfg_opt_t *opts,
    const struct conf_token *tk)
{
	const struct conf_token *p0 = &br->br_prev[0], *p1 = &br->br_prev[1];
	struct brace_open bo;
	size_t n = br->br_nprev;

	memset(&bo, 0, sizeof(bo));
	bo.bo_what = *tk;
	if (n > 1 && is_punct(br, p0, '=')) {
		bo.bo_list = 1;
		bo.bo_what = n > 2 && is_punct(br, p1, '+') ? br->br_prev[2] : *p1;
	} else if (n > 1 && p0->tk_kind == CONF_TOK_WORD &&
	    p1->tk_kind == CONF_TOK_WORD) {
		bo.bo_what = *p1;
		bo.bo_title = *p0;
	} else if (n > 0 && p0->tk_kind == CONF_TOK_WORD)
		bo.bo_what = *p0;
	if (!bo.bo_list && br->br_depth > 0 &&
	    bo.bo_what.tk_kind == CONF_TOK_WORD &&
	    is_section(br, opts, &bo.bo_what))
		while (br->br_depth > 0)
			braces_close(br, bo.bo_what.tk_pos, bo.bo_what.tk_line);
	else if (!bo.bo_list && br->br_depth > 0 &&
	    br->br_open[br->br_depth - 1].bo_list)
		braces_close(br, bo.bo_what.tk_pos, bo.bo_what.tk_line);
	if (br->br_depth == BRACES_DEPTH) {
		br->br_nomem = 1;	/* not spawnd's schema: stop mending */
		return;
	}
	br->br_open[br->br_depth++] = bo;
}

/* One token. */
static void
braces_token(struct braces *br, const cfg_opt_t *opts,
    const struct conf_token *tk)
{
	const struct conf_token *p0 = &br->br_prev[0], *p1 = &br->br_prev[1];
	const struct conf_token *name;

	if (is_punct(br, tk, '{'))
		braces_open(br, opts, tk);
	else if (is_punct(br, tk, '}') && br->br_depth == 0) {
		conf_error(br->br_cx, tk->tk_line, "unexpected '}': no "
		    "section or list is open here");
		br->br_out[tk->tk_pos] = ' ';
		return;		/* as if it were not there */
	} else if (is_punct(br, tk, '}'))
		br->br_depth--;
	else if (is_punct(br, tk, '=') && br->br_depth > 0 &&
	    br->br_open[br->br_depth - 1].bo_list && br->br_nprev > 0) {
		/* "name =" or "name +=": the list ended before name. */
		name = br->br_nprev > 1 && is_punct(br, p0, '+') ? p1 : p0;
		braces_close(br, name->tk_pos, name->tk_line);
	}
	memmove(br->br_prev + 1, br->br_prev, 2 * sizeof(*tk));
	br->br_prev[0] = *tk;
	br->br_nprev++;
}

/* The mended text: br_out with a '}' at each br_add offset. */
static char *
braces_mended(const struct braces *br, size_t *newlen)
{
	size_t i, from = 0, n = 0;
	char *out;

	if ((out = malloc(br->br_len + br->br_nadd + 1)) == NULL)
		return NULL;
	for (i = 0; i < br->br_nadd; i++) {
		memcpy(out + n, br->br_out + from, br->br_add[i] - from);
		n += br->br_add[i] - from;
		from = br->br_add[i];
		out[n++] = '}';
	}
	memcpy(out + n, br->br_out + from, br->br_len - from);
	n += br->br_len - from;
	out[n] = '\0';
	*newlen = n;
	return out;
}

char *
conf_braces(struct conf_ctx *cx, const char *text, size_t len,
    const cfg_opt_t *opts, size_t *newlen)
{
	struct conf_token tk;
	struct braces br;
	size_t pos = 0, end = 0;
	unsigned line = 1;
	char *out = NULL;

	memset(&br, 0, sizeof(br));
	br.br_cx = cx;
	br.br_text = text;
	br.br_len = len;
	if ((br.br_out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(br.br_out, text, len);
	br.br_out[len] = '\0';
	while (!br.br_nomem && conf_next_token(text, len, &pos, &line, &tk)) {
		braces_token(&br, opts, &tk);
		end = tk.tk_pos + tk.tk_len;
	}
	while (!br.br_nomem && br.br_depth > 0)
		braces_close(&br, end, 0);
	if (br.br_nomem) {
		/* Unmended: libconfuse reports what it finds. */
		br.br_nadd = 0;
		memcpy(br.br_out, text, len);
	}
	out = braces_mended(&br, newlen);
	free(br.br_out);
	free(br.br_add);
	if (out == NULL)
		errno = ENOMEM;
	return out;
}
