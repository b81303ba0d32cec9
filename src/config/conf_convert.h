/*
 * Internal to the configuration module: from the parsed libconfuse tree
 * to struct config.
 */
#ifndef SPAWND_CONFIG_CONF_CONVERT_H
#define SPAWND_CONFIG_CONF_CONVERT_H

#include <confuse.h>

struct conf_ctx;
struct config;

/*
 * Fill cf from the parsed tree cfg, reporting every error through cx.
 * cf may be half filled on errors; conf_free() copes.
 */
void conf_convert(struct conf_ctx *cx, cfg_t *cfg, struct config *cf);

#endif
