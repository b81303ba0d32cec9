/*
 * Internal to the configuration module: proxy_protocol, proxy_from and
 * proxy_timeout, for stream services that sit behind a load balancer
 * (spawnd.conf(5), "Behind a load balancer").
 */
#ifndef SPAWND_CONFIG_CONF_PROXY_H
#define SPAWND_CONFIG_CONF_PROXY_H

#include <confuse.h>

struct conf_ctx;
struct svc_conf;

/*
 * Convert and check them into sc (whose type is known, or NULL after an
 * error); who starts the messages.
 */
void conf_proxy(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who);

#endif
