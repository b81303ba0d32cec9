/*
 * Internal to the configuration module: the files its include globs
 * name, each loaded as more service sections with its own FILE:LINE.
 */
#ifndef SPAWND_CONFIG_CONF_INCLUDE_H
#define SPAWND_CONFIG_CONF_INCLUDE_H

#include <stddef.h>

#include <confuse.h>

struct conf_ctx;
struct conf_source;
struct config;

/*
 * The files of the main file's include globs (cfg, parsed through cx),
 * sorted, each loaded into cf as more service sections -- or, with
 * given (a reload's new image), the n sources given instead of what
 * the globs find now.  Errors are counted in cx.
 */
void conf_include(struct conf_ctx *cx, cfg_t *cfg, struct config *cf,
    const struct conf_source *given, size_t n);


#endif
