/*
 * What a configuration serves, one line per service, for "spawnd -t -l"
 * (spawnd.8 describes the format); and each address as the word the
 * list and the status service (services/status.c) write.
 */
#ifndef SPAWND_CONFIG_CONF_LIST_H
#define SPAWND_CONFIG_CONF_LIST_H

#include <stddef.h>
#include <stdio.h>

struct config;
struct svc_conf;

/* Room for one address word (a Unix path escaped whole, and its kind). */
#define CONF_LIST_ADDR_MAX	512

/* How many addresses sc binds: listen_stream, listen_datagram, a FIFO. */
size_t conf_list_naddrs(const struct svc_conf *sc);

/*
 * Address i of sc (i < conf_list_naddrs) as one word: "tcp:ADDR",
 * "udp:ADDR", "unix:PATH", "unix-dgram:PATH" or "fifo:PATH", ADDR as the
 * log writes it ("*:PORT" for every address); a blank, a comma, a
 * backslash or a byte outside printable ASCII as "\xNN".  Returns buf.
 */
const char *conf_list_addr(const struct svc_conf *sc, size_t i, char *buf,
    size_t len);

/*
 * Every service of cf, enabled or not, in the configuration's order:
 * NAME TYPE ADDRESSES USER:GROUP, then "disabled" and OPTION=VALUE words
 * for what is set, columns aligned.  Returns 0, or -1 with errno when
 * out cannot be written.
 */
int conf_list_print(FILE *out, const struct config *cf);

#endif
