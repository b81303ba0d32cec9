/*
 * Internal to the configuration module: the texts a configuration is
 * loaded from (its sources, config.h).
 */
#ifndef SPAWND_CONFIG_CONF_SOURCE_H
#define SPAWND_CONFIG_CONF_SOURCE_H

#include <stddef.h>

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

struct stat;
/*
 * Run as root, would loading the file at path (st) hand its services --
 * programs run as any user -- to whoever else can write it, or its
 * directories?  Then 1, and why says so; else 0.
 */
int conf_unsafe(const char *path, const struct stat *st, char *why,
    size_t size);

#endif
