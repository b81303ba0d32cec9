/*
 * A TCP or UDP port as an admin writes it: a number, or a service name
 * of services(5).  Pure apart from that lookup: no logging, no exits.
 */
#ifndef SPAWND_NET_PORT_H
#define SPAWND_NET_PORT_H

#include <stddef.h>

/*
 * text is decimal 1..65535 (no sign, blank or base prefix), or a
 * service name ("daytime", letters first) that getservbyname(3) knows
 * for proto ("tcp" or "udp"; NULL: numbers only).  Sets *port (host
 * order) and returns 0, or returns -1 with a message in err that quotes
 * text.
 */
int port_parse(const char *text, const char *proto, unsigned short *port,
    char *err, size_t errlen);

#endif
