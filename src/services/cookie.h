/*
 * Where a service's fortune cookies come from: the output of
 * fortune_command when one is configured (run in the child, argv split
 * on spaces, no shell), else a cookie of fortune_file.  Shared by the
 * fortune, catsock and command services.
 */
#ifndef SPAWND_SERVICES_COOKIE_H
#define SPAWND_SERVICES_COOKIE_H

#include <stddef.h>

struct config;
struct svc_conf;

/*
 * For sv_check, in the parent at configuration time.  fortune_command,
 * when set, must be an absolute path to an executable; fortune_file
 * must be a readable fortune file holding a cookie (checked whenever the
 * command is unset or datagrams are served).  With dgram set, the
 * cookies that fit one datagram are loaded into sc->sc_data so that
 * the parent never reads a file per request.  Returns 0, or -1 with a
 * message in err.
 */
int cookie_check(struct svc_conf *sc, int dgram, char *err, size_t errlen);

/*
 * The sv_check of a service that serves cookies on streams only
 * (catsock, command): cookie_check without datagrams.
 */
int cookie_check_stream(struct svc_conf *sc, const struct config *cf,
    char *err, size_t errlen);

/* For sv_release: free what cookie_check loaded. */
void cookie_release(struct svc_conf *sc);

/*
 * In a child: one cookie, malloc'd and NUL-terminated, ending in a line
 * end ("\n" or "\r\n"; callers convert).  NULL with a message in err.
 */
char *cookie_get(const struct svc_conf *sc, size_t *lenp, char *err,
    size_t errlen);

/*
 * In the parent, for a datagram: a preloaded cookie (CRLF line ends, at
 * most FORTUNE_DGRAM_MAX bytes) chosen uniformly, copied into buf.
 * Returns its length; 0 if there is none or it does not fit cap.
 */
size_t cookie_dgram(const struct svc_conf *sc, char *buf, size_t cap);

#endif
