/*
 * Internal to the configuration module: from the parsed libconfuse tree
 * to struct config.
 */
#ifndef SPAWND_CONFIG_CONF_CONVERT_H
#define SPAWND_CONFIG_CONF_CONVERT_H

#include <confuse.h>

struct conf_ctx;
struct config;
struct svc_conf;

/*
 * Fill cf from the parsed tree cfg of the main file, reporting every
 * error through cx.  cf may be half filled on errors; conf_free() copes.
 */
void conf_convert(struct conf_ctx *cx, cfg_t *cfg, struct config *cf);

/*
 * The service sections of cfg (a file parsed through cx, whose cx_file
 * cf keeps) added to cf's, each checked, and checked against those
 * before them: names, colliding addresses.
 */
void conf_convert_services(struct conf_ctx *cx, cfg_t *cfg,
    struct config *cf);

/*
 * Free what one service section holds (and what its type's sv_check
 * prepared); the section is zeroed.
 */
void conf_service_free(struct svc_conf *sc);

#endif
