/*
 * "did you mean ...?": the known name nearest to a misspelt one, for
 * unknown options and service types.
 */
#ifndef SPAWND_CONFIG_CONF_SUGGEST_H
#define SPAWND_CONFIG_CONF_SUGGEST_H

#include <stddef.h>

#include <confuse.h>

/* The search for the name nearest to sg_name. */
struct conf_suggest {
	const char	*sg_name;	/* what the file says */
	const char	*sg_best;	/* nearest close candidate, or NULL */
	size_t		 sg_bestlen;
	unsigned	 sg_dist;	/* its distance */
};

void conf_suggest_init(struct conf_suggest *sg, const char *name);

/* Weigh one candidate (len bytes, not NUL-terminated). */
void conf_suggest_try(struct conf_suggest *sg, const char *cand, size_t len);

/* Weigh every word of a space-separated list. */
void conf_suggest_words(struct conf_suggest *sg, const char *words);

/*
 * "; did you mean 'NAME'?" (quote: the quote character) into buf, or ""
 * when no candidate was close.  Returns buf.
 */
const char *conf_suggest_text(const struct conf_suggest *sg, char quote,
    char *buf, size_t size);

/*
 * libconfuse's "no such option" for name, met in cfg (the top level or
 * a section), as spawnd says it: "[service "NAME": ]unknown option
 * 'name'", with the nearest of cfg's options, or at the top level the
 * section whose option it is (or is nearest to), into msg.
 */
void conf_suggest_option(cfg_t *cfg, const char *name, char *msg,
    size_t size);

#endif
