/*
 * A proxied connection in its child: the PROXY header read under
 * proxy_timeout, before the service writes a byte; allow/deny applied
 * to the real client it names -- by the child itself, or, for a service
 * with per_source, by the parent, which alone knows the other children
 * and keeps the refusal lines to their rate.
 *
 * The child and the parent talk over a SOCK_SEQPACKET pair made for
 * this child at fork: one struct proxied_report up, one byte down
 * (PROXIED_SERVE or PROXIED_REFUSE).  The parent only ever reads when
 * poll() says the report is there, and its one-byte answer fits an
 * empty socket buffer, so it never blocks on a child.
 */
#ifndef SPAWND_CHILD_PROXIED_H
#define SPAWND_CHILD_PROXIED_H

#include <sys/socket.h>

struct svc_client;

/* The report: the real client, or why there is none. */
struct proxied_report {
	int			 pr_ok;		/* 1: a header; 0: refused */
	struct sockaddr_storage	 pr_client;	/* the real client (pr_ok) */
	socklen_t		 pr_clientlen;
	char			 pr_why[64];	/* !pr_ok: "timeout", "v2: ..." */
	size_t			 pr_svc;	/* its service (index) */
	struct sockaddr_storage	 pr_proxy;	/* the connection's peer */
	socklen_t		 pr_proxylen;
};

#define PROXIED_SERVE	'y'
#define PROXIED_REFUSE	'n'

/*
 * Read the header on fd for the service of cl and make its client the
 * client of cl: cl_peer, cl_via (the proxy's address, with the header's
 * UNIQUE_ID) -- or end the child without a byte to the client.  With
 * per_source, report_pair is the child's end of its pair with the
 * parent (closed on return); without, refusals_wr is the refusals
 * channel (parent/reports.h), on which the child reports what it
 * refuses itself.  -1 for both: the child then logs its refusals.
 */
void proxied_read(struct svc_client *cl, int fd, int report_pair,
    int refusals_wr);

#endif
