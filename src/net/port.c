/*
 * Ports by number or by name.  A name is looked up when the
 * configuration is read, never later: the parent must not block, and a
 * running daemon must not change ports because /etc/services changed.
 * With the usual nsswitch.conf ("services: files" or "db files") the
 * lookup reads a local file and asks no server.
 */
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/port.h"

/* services(5) names: letters first, then letters, digits, "-", "_". */
#define PORT_NAME_MAX	64

static int
port_is_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= PORT_NAME_MAX && isalpha((unsigned char)s[0]) &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

static int
port_by_name(const char *name, const char *proto, unsigned short *port,
    char *err, size_t errlen)
{
	struct servent *se;

	if (proto == NULL) {
		snprintf(err, errlen, "bad port \"%s\" (a number here)", name);
		return -1;
	}
	if ((se = getservbyname(name, proto)) == NULL ||
	    ntohs((unsigned short)se->s_port) == 0) {
		snprintf(err, errlen, "unknown service name \"%s\" (not in "
		    "/etc/services for %s)", name, proto);
		return -1;
	}
	*port = ntohs((unsigned short)se->s_port);
	return 0;
}

int
port_parse(const char *text, const char *proto, unsigned short *port,
    char *err, size_t errlen)
{
	size_t digits = strspn(text, "0123456789");
	unsigned long v;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	else
		errlen = 0;
	if (port_is_name(text))
		return port_by_name(text, proto, port, err, errlen);
	/* Digits only, so no sign, blank or "0x"; an overflow is ULONG_MAX. */
	if (digits == 0 || text[digits] != '\0' ||
	    (v = strtoul(text, NULL, 10)) == 0 || v > 65535) {
		snprintf(err, errlen, "bad port \"%s\"", text);
		return -1;
	}
	*port = (unsigned short)v;
	return 0;
}
