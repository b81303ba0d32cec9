/*
 * The nearest known name to a misspelt one: the edit distance of
 * Damerau (optimal string alignment: an insertion, a deletion, a
 * substitution or two neighbours swapped each count one), case
 * ignored.  A candidate is offered only when it is close: at most two
 * edits, and fewer than half of the name's letters, so that "rate" does
 * not suggest "wait".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <confuse.h>

#include "config/conf_suggest.h"

/* Longer names are never close to a known one: none is this long. */
#define SUGGEST_MAX	40

static unsigned
min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

static int
same(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* Optimal string alignment distance of a (la bytes) and b (lb bytes). */
static unsigned
suggest_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	size_t i, j;

	for (i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + !same(a[i - 1], b[j - 1]));
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

void
conf_suggest_init(struct conf_suggest *sg, const char *name)
{
	memset(sg, 0, sizeof(*sg));
	sg->sg_name = name;
}

void
conf_suggest_try(struct conf_suggest *sg, const char *cand, size_t len)
{
	size_t n = strlen(sg->sg_name);
	unsigned d;

	if (n > SUGGEST_MAX || len > SUGGEST_MAX || len == 0)
		return;
	d = suggest_distance(sg->sg_name, n, cand, len);
	if (d > 2 || 2 * d >= n)
		return;
	if (sg->sg_best == NULL || d < sg->sg_dist) {
		sg->sg_best = cand;
		sg->sg_bestlen = len;
		sg->sg_dist = d;
	}
}

void
conf_suggest_words(struct conf_suggest *sg, const char *words)
{
	size_t n;

	for (; *words != '\0'; words += n) {
		words += strspn(words, " ");
		n = strcspn(words, " ");
		if (n > 0)
			conf_suggest_try(sg, words, n);
	}
}

const char *
conf_suggest_text(const struct conf_suggest *sg, char quote, char *buf,
    size_t size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (sg->sg_best != NULL)
		snprintf(buf, size, "; did you mean %c%.*s%c?", quote,
		    (int)sg->sg_bestlen, sg->sg_best, quote);
	return buf;
}

/*
 * At the top level, an option of a section (service): said so, or the
 * one nearest to name.
 */
static void
suggest_section_option(cfg_t *cfg, const char *name, char *hint,
    size_t size)
{
	const cfg_opt_t *o, *sub, *in = NULL;
	struct conf_suggest sg;
	char near[160];

	conf_suggest_init(&sg, name);
	for (o = cfg->opts; o->name != NULL; o++)
		for (sub = o->type == CFGT_SEC ? o->subopts : NULL;
		    sub != NULL && sub->name != NULL; sub++) {
			if (strcmp(sub->name, name) == 0) {
				snprintf(hint, size, " (an option of %s "
				    "sections)", o->name);
				return;
			}
			conf_suggest_try(&sg, sub->name, strlen(sub->name));
			if (sg.sg_best == sub->name)
				in = o;
		}
	if (in != NULL)
		snprintf(hint, size, "%s (an option of %s sections)",
		    conf_suggest_text(&sg, '\'', near, sizeof(near)),
		    in->name);
}

void
conf_suggest_option(cfg_t *cfg, const char *name, char *msg, size_t size)
{
	struct conf_suggest sg;
	const cfg_opt_t *o;
	char who[320] = "", hint[192];

	conf_suggest_init(&sg, name);
	for (o = cfg->opts; o->name != NULL; o++)
		conf_suggest_try(&sg, o->name, strlen(o->name));
	conf_suggest_text(&sg, '\'', hint, sizeof(hint));
	if (cfg->title != NULL)
		snprintf(who, sizeof(who), "%s \"%.256s\": ", cfg->name,
		    cfg->title);
	else if (hint[0] == '\0')
		suggest_section_option(cfg, name, hint, sizeof(hint));
	snprintf(msg, size, "%sunknown option '%s'%s", who, name, hint);
}
