/*
 * Internal to the configuration module: the texts a configuration is
 * loaded from (its sources), and the files its include globs name, each
 * loaded as more service sections with its own FILE:LINE.
 */
#ifndef SPAWND_CONFIG_CONF_INCLUDE_H
#define SPAWND_CONFIG_CONF_INCLUDE_H

#include <stddef.h>

#include <confuse.h>

struct conf_ctx;
struct conf_source;
struct config;

/*
 * The whole file in a malloc'd buffer, or NULL with errno (EFBIG past
 * CONF_FILE_MAX: libconfuse's lexer is quadratic in a line's length, and
 * the parent itself loads the file on a reload).
 */
char *conf_read(const char *path, size_t *lenp);

/*
 * Keep a copy of path (NULL: the built-in text) and text among cf's
 * sources.  Returns the copy, or NULL with errno.
 */
struct conf_source *conf_source_add(struct config *cf, const char *path,
    const char *text, size_t len);

/*
 * The files of the main file's include globs (cfg, parsed through cx),
 * sorted, each loaded into cf as more service sections -- or, with
 * given (a reload's new image), the n sources given instead of what
 * the globs find now.  Errors are counted in cx.
 */
void conf_include(struct conf_ctx *cx, cfg_t *cfg, struct config *cf,
    const struct conf_source *given, size_t n);

#endif
