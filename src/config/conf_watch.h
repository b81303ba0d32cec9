/*
 * Internal to the configuration module: recording what watch_config
 * watches (config.h: struct conf_watch) as a load finds it.
 */
#ifndef SPAWND_CONFIG_CONF_WATCH_H
#define SPAWND_CONFIG_CONF_WATCH_H

#include <stddef.h>

struct config;

/* Add glob (absolute, as glob(3) takes it) of kind to cf's watched. */
int conf_watch_add(struct config *cf, int kind, const char *glob);

/*
 * path with glob(3)'s wildcards and backslash escaped, into out (size
 * bytes).  Returns 0, or -1 (ENAMETOOLONG) when it does not fit.
 */
int conf_glob_literal(char *out, size_t size, const char *path);

#endif
