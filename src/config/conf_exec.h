/*
 * Internal to the configuration module: the options of programs run
 * for clients -- exec, env, wait -- and the resource limits of a
 * service's children.
 */
#ifndef SPAWND_CONFIG_CONF_EXEC_H
#define SPAWND_CONFIG_CONF_EXEC_H

#include <confuse.h>

struct conf_ctx;
struct svc_conf;

/*
 * Convert and check them into sc (whose type is known, or NULL after an
 * error); who starts the messages.
 */
void conf_exec(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who);

#endif
