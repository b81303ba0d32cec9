/*
 * Internal to the configuration module: the inetd_conf file, each line a
 * service "SERVICE/PROTO", and a line spawnd cannot serve skipped with
 * its reason, so that one package's line never takes the others down.
 */
#ifndef SPAWND_CONFIG_CONF_INETD_H
#define SPAWND_CONFIG_CONF_INETD_H

#include <stddef.h>

#include <confuse.h>

struct conf_ctx;
struct conf_source;
struct config;

/*
 * The main file's inetd_conf (cfg, parsed through cx) loaded into cf:
 * its text kept among cf's sources, each line translated
 * (inetd_line.h) and loaded as a service section, a line that fails
 * reported "FILE:LINE: message (line skipped)" and left out.  Those
 * reports are not errors of cx.  given (a reload's new image): the
 * sources given, the inetd one among them, instead of the file.
 */
void conf_inetd(struct conf_ctx *cx, cfg_t *cfg, struct config *cf,
    const struct conf_source *given, size_t n);

#endif
