/*
 * UCSPI variables (see exec_ucspi.h), as ucspi-tcp's tcpserver names
 * them, so that programs written for tcpserver run unchanged.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* struct ucred */
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/peer.h"
#include "services/exec_ucspi.h"
#include "services/service.h"

static void ucspi_add(struct ucspi_env *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
ucspi_add(struct ucspi_env *ue, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (ue->ue_count == UCSPI_VARS_MAX)
		return;		/* cannot happen: UCSPI_VARS_MAX counts them */
	text = ue->ue_text[ue->ue_count];
	va_start(ap, fmt);
	vsnprintf(text, sizeof(ue->ue_text[0]), fmt, ap);
	va_end(ap);
	ue->ue_vars[ue->ue_count++] = text;
	ue->ue_vars[ue->ue_count] = NULL;
}

static int
ucspi_unix(struct ucspi_env *ue, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	ucspi_add(ue, "PROTO=UNIX");
	ucspi_add(ue, "UNIXREMOTEUID=%ld", (long)cred.uid);
	ucspi_add(ue, "UNIXREMOTEGID=%ld", (long)cred.gid);
	ucspi_add(ue, "UNIXREMOTEPID=%ld", (long)cred.pid);
	return 0;
}

int
ucspi_env(struct ucspi_env *ue, const struct svc_client *cl, int fd)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	char addr[INET6_ADDRSTRLEN];
	unsigned port;

	memset(ue, 0, sizeof(*ue));
	if (cl->cl_peer.ss_family == AF_UNIX)
		return ucspi_unix(ue, fd);
	if (getsockname(fd, (struct sockaddr *)&local, &len) == -1)
		return -1;
	/* The peer is unmapped already: an IPv6 peer is a true one. */
	ucspi_add(ue, "PROTO=%s",
	    cl->cl_peer.ss_family == AF_INET6 ? "TCP6" : "TCP");
	ucspi_add(ue, "TCPREMOTEIP=%s", cl->cl_addr);
	ucspi_add(ue, "TCPREMOTEPORT=%u", cl->cl_port);
	port = peer_format((struct sockaddr *)&local, len, addr, sizeof(addr));
	ucspi_add(ue, "TCPLOCALIP=%s", addr);
	ucspi_add(ue, "TCPLOCALPORT=%u", port);
	if (strcmp(cl->cl_name, cl->cl_addr) != 0)
		ucspi_add(ue, "TCPREMOTEHOST=%s", cl->cl_name);
	/* Behind a proxy the TCPREMOTE* are the real client's. */
	if (cl->cl_via[0] != '\0')
		ucspi_add(ue, "PROXYREMOTEIP=%s", cl->cl_via);
	return 0;
}
