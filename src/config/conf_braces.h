/*
 * Braces checked before libconfuse reads the text: a section or a list
 * whose '}' is missing is reported at the line it opened (libconfuse
 * would stop at the next section, or silently close it at the end of
 * the file), a '}' that closes nothing at its own line, and the text is
 * mended so that parsing can go on.
 */
#ifndef SPAWND_CONFIG_CONF_BRACES_H
#define SPAWND_CONFIG_CONF_BRACES_H

#include <stddef.h>

#include <confuse.h>

#include "config/conf_diag.h"

/*
 * text (len bytes, comment-free, every string terminated) with each
 * missing '}' added on the line where it is missed and each stray one
 * blanked, each reported in cx; opts is the top level of the schema
 * (a header naming one of its sections starts a new top-level section).
 * Returns a malloc'd text (*newlen bytes, NUL-terminated) with the same
 * lines, or NULL with errno (ENOMEM).
 */
char *conf_braces(struct conf_ctx *cx, const char *text, size_t len,
    const cfg_opt_t *opts, size_t *newlen);

#endif
