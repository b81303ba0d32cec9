/*
 * The listeners into systemd's fd store (see fdstore.h).  Each service
 * sends two messages: FDSTOREREMOVE drops what the store holds under
 * its name (an address the configuration no longer has), FDSTORE puts
 * its sockets back.  systemd keeps a copy of each: closing ours at exit
 * leaves the socket listening, and its file in place.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "config/config.h"
#include "daemon/notify.h"
#include "parent/fdstore.h"
#include "parent/server.h"

/* FDNAME=: printable, no ":" (the separator of $LISTEN_FDNAMES). */
static int
fdstore_name_ok(const char *name)
{
	const char *p;

	for (p = name; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return 0;
	return p != name;
}

static void
fdstore_service(struct server *srv, size_t svc)
{
	const char *name = srv->srv_conf->cf_services[svc].sc_name;
	int fds[NOTIFY_FDS_MAX];
	size_t which[NOTIFY_FDS_MAX];
	char state[64 + CONF_NAME_MAX];
	size_t i, n = 0;

	for (i = 0; i < srv->srv_nlisteners && n < NOTIFY_FDS_MAX; i++)
		if (srv->srv_listeners[i].li_svc == svc &&
		    srv->srv_listeners[i].li_fd != -1) {
			which[n] = i;
			fds[n++] = srv->srv_listeners[i].li_fd;
		}
	if (n == 0)
		return;
	if (!fdstore_name_ok(name)) {
		log_warnx("%s: not kept in systemd's fd store: its name is not "
		    "a valid FDNAME (printable, no spaces or \":\")", name);
		return;
	}
	snprintf(state, sizeof(state), "FDSTOREREMOVE=1\nFDNAME=%s", name);
	if (notify_send(state) == -1)
		log_warn("%s: clearing systemd's fd store", name);
	snprintf(state, sizeof(state), "FDSTORE=1\nFDNAME=%s", name);
	if (notify_send_fds(state, fds, n) == -1) {
		log_warn("%s: sockets into systemd's fd store", name);
		return;
	}
	for (i = 0; i < n; i++)
		srv->srv_listeners[which[i]].li_stored = 1;
}

void
fdstore_sync(struct server *srv)
{
	size_t i;

	if (!notify_fdstore())
		return;
	for (i = 0; i < srv->srv_conf->cf_nservices; i++)
		if (srv->srv_conf->cf_services[i].sc_enabled)
			fdstore_service(srv, i);
}
