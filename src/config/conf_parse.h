/*
 * Internal to the configuration module: the libconfuse schema of
 * spawnd.conf(5) and the parse of one text with it.
 */
#ifndef SPAWND_CONFIG_CONF_PARSE_H
#define SPAWND_CONFIG_CONF_PARSE_H

#include <stddef.h>

#include <confuse.h>

struct conf_ctx;

/*
 * Blank out comments and parse what is left.  Returns the tree (for
 * cfg_free), or NULL with the errors reported through cx.  Every value
 * read has its line noted in cx (see conf_line).  services_only: an
 * included file, which holds service sections and nothing else.
 */
cfg_t *conf_parse(struct conf_ctx *cx, const char *text, size_t len,
    int services_only);

#endif
