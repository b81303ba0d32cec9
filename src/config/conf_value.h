/*
 * Internal to the configuration module: one value of the parsed tree
 * turned into what struct config holds, checked, with its line in the
 * error when it is wrong.
 */
#ifndef SPAWND_CONFIG_CONF_VALUE_H
#define SPAWND_CONFIG_CONF_VALUE_H

#include <stddef.h>

#include <confuse.h>

struct cidr;
struct conf_ctx;

/*
 * Integer option name of sec, which must lie in [min, max]; where is
 * the line to blame when it is unset, who prefixes the message.
 */
unsigned conf_uint(struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned min, unsigned max, unsigned where, const char *who);

/* The same for an unsigned long (rlimit_as, in bytes). */
unsigned long conf_ulong(struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned long min, unsigned long max, unsigned where, const char *who);

/*
 * A size in bytes: a decimal number, or one with a K, M, G or T (either
 * case) for 2^10, 2^20, 2^30, 2^40: "64M" is 67108864.  Returns 0 with
 * the size in *v, or -1 if text is malformed or overflows a long.
 * Ranges are the caller's to check.
 */
int conf_bytes(const char *text, long *v);

/* strdup, the failure reported at line. */
char *conf_strdup(struct conf_ctx *cx, const char *s, unsigned line);

/*
 * A malloc'd copy of path made absolute against the start directory,
 * or NULL with the error reported; who and name start the message.
 */
char *conf_path(struct conf_ctx *cx, const char *path, unsigned line,
    const char *who, const char *name);

/*
 * The id of a user (group zero) or group name, or of a number, into
 * *id.  Returns 0, or -1 with the error reported.
 */
int conf_id(struct conf_ctx *cx, int group, const char *name, unsigned line,
    const char *who, unsigned long *id);

/*
 * The CIDR list option name of sec into a malloc'd *cis of *ncis
 * blocks; each one that does not parse is reported at its own line.
 */
void conf_cidrs(struct conf_ctx *cx, cfg_t *sec, const char *name,
    struct cidr **cis, size_t *ncis, const char *who);

#endif
