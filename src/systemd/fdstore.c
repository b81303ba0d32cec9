/*
 * The listeners into systemd's fd store (see fdstore.h).  Each service
 * sends two messages: FDSTOREREMOVE drops what the store holds under
 * its name (an address the configuration no longer has), FDSTORE puts
 * its sockets back.  systemd keeps a copy of each: closing ours at exit
 * leaves the socket listening, and its file in place.
 */
#include <stdio.h>

#include "base/log.h"
#include "systemd/fdstore.h"
#include "systemd/notify.h"

/* FDNAME= (and a service name) at most: systemd's limit. */
#define FDSTORE_NAME_MAX 255

/* FDNAME=: printable, no ":" (the separator of $LISTEN_FDNAMES). */
static int
fdstore_name_ok(const char *name)
{
	const char *p;

	for (p = name; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return 0;
	return p != name && p - name <= FDSTORE_NAME_MAX;
}

int
fdstore_keep(const char *name, const int *fds, size_t n)
{
	char state[64 + FDSTORE_NAME_MAX];

	if (!notify_fdstore() || n == 0)
		return 0;
	if (!fdstore_name_ok(name)) {
		log_warnx("%s: not kept in systemd's fd store: its name is not "
		    "a valid FDNAME (printable, no spaces or \":\")", name);
		return 0;
	}
	snprintf(state, sizeof(state), "FDSTOREREMOVE=1\nFDNAME=%s", name);
	if (notify_send(state) == -1)
		log_warn("%s: clearing systemd's fd store", name);
	snprintf(state, sizeof(state), "FDSTORE=1\nFDNAME=%s", name);
	if (notify_send_fds(state, fds, n) == -1) {
		log_warn("%s: sockets into systemd's fd store", name);
		return -1;
	}
	return 1;
}

void
fdstore_forget(const char *name)
{
	char state[64 + FDSTORE_NAME_MAX];

	if (!notify_fdstore() || !fdstore_name_ok(name))
		return;
	snprintf(state, sizeof(state), "FDSTOREREMOVE=1\nFDNAME=%s", name);
	if (notify_send(state) == -1)
		log_warn("%s: out of systemd's fd store", name);
}
