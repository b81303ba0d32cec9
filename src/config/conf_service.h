/*
 * Internal to the configuration module: one "service NAME { ... }"
 * section turned into a struct svc_conf.
 */
#ifndef SPAWND_CONFIG_CONF_SERVICE_H
#define SPAWND_CONFIG_CONF_SERVICE_H

#include <confuse.h>

struct conf_ctx;
struct config;
struct svc_conf;

/*
 * Marks a listen address that did not parse: it keeps its slot, so
 * that slot i is still value i of the list (for line numbers), and the
 * overlap check skips it.
 */
#define CONF_BADADDR	(-1)

/*
 * Convert section sec into sc (the globals of cf already converted);
 * returns nonzero if it had errors, all of them reported.
 */
int conf_service(struct conf_ctx *cx, const struct config *cf, cfg_t *sec,
    struct svc_conf *sc);

#endif
