/*
 * The environment an exec service's program learns its client from:
 * the UCSPI variables tcpserver sets (spawnd.conf(5), "Service types",
 * exec).
 */
#ifndef SPAWND_SERVICES_EXEC_UCSPI_H
#define SPAWND_SERVICES_EXEC_UCSPI_H

#include <netinet/in.h>
#include <stddef.h>

struct svc_client;

#define UCSPI_VARS_MAX	7	/* PROTO, five TCP ones and PROXYREMOTEIP */

struct ucspi_env {
	char	 ue_text[UCSPI_VARS_MAX][sizeof("TCPREMOTEHOST=") + 256];
	char	*ue_vars[UCSPI_VARS_MAX + 1];	/* NULL-terminated */
	size_t	 ue_count;
};

/*
 * The variables of client cl, connected on fd: PROTO=TCP or TCP6 with
 * TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP, TCPLOCALPORT and, when its
 * name was resolved and confirmed, TCPREMOTEHOST; or PROTO=UNIX with
 * UNIXREMOTEUID, UNIXREMOTEGID and UNIXREMOTEPID from the kernel.
 * Returns 0, or -1 with errno (getsockname, SO_PEERCRED).
 */
int ucspi_env(struct ucspi_env *ue, const struct svc_client *cl, int fd);

#endif
