/*
 * The service interface.  The core knows services only through the
 * table in service.c: one entry per type, each implemented in its own
 * file under services/ (with its helpers beside it).  The core owns
 * accept, fork, privilege drop, limits, logging of the connection and
 * _exit; a service only speaks its protocol.
 */
#ifndef SPAWND_SERVICES_SERVICE_H
#define SPAWND_SERVICES_SERVICE_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct config;
struct svc_conf;

/* What a stream handler knows about its client. */
struct svc_client {
	const struct config	*cl_conf;
	const struct svc_conf	*cl_svc;
	struct sockaddr_storage	 cl_peer;
	socklen_t		 cl_peerlen;
	char			 cl_addr[INET6_ADDRSTRLEN]; /* numeric; "" for Unix */
	unsigned		 cl_port;
	char			 cl_name[256];	/* confirmed host name, else cl_addr;
						   only [A-Za-z0-9.-] */
	char			 cl_via[INET6_ADDRSTRLEN]; /* behind a proxy: its
						   address; "" for a direct client */
	char			 cl_unique_id[520]; /* the header's UNIQUE_ID,
						   odd bytes as \\xNN; "" if none */
};

/*
 * A type's properties (sv_props), each one thing the core does
 * differently for it.
 */
/* "fork" when the configuration says nothing. */
#define SV_FORK		0x01
/* listen_datagram allowed. */
#define SV_DATAGRAM	0x02
/*
 * sv_stream applies idle_timeout itself (as idle time); otherwise the
 * core arms alarm(idle_timeout) as a total deadline.
 */
#define SV_OWN_TIMEOUT	0x04
/*
 * idle_timeout does not apply at all: the child becomes a program whose
 * traffic the core cannot see (exec), and a working session must never
 * be cut at a fixed age.  Only max_lifetime, kept by the parent, bounds
 * it.
 */
#define SV_NO_IDLE	0x08
/*
 * The core bounds each read and write on the client socket at
 * idle_timeout (SO_RCVTIMEO, SO_SNDTIMEO: they fail with EAGAIN)
 * instead of the total deadline: for services that talk until the
 * client closes.
 */
#define SV_IDLE_SOCKET	0x10
/*
 * SIGTERM (spawnd's shutdown, a restart) waits until the child has
 * replied and exited: for a child that only writes one short reply, so
 * a client already accepted still gets its answer (SIGKILL after
 * shutdown_grace and the idle_timeout alarm still end it).
 */
#define SV_TERM_WAITS	0x20
/*
 * The child never reads from the client: a PROXY header is then read
 * without a peek (what follows it is dropped).
 */
#define SV_NEVER_READS	0x40
/*
 * The child reads the parent's status board (board/stats.h): it keeps
 * it, read-only; other children unmap it.
 */
#define SV_BOARD	0x80

struct service {
	const char	*sv_type;	/* "hello", "time", ... */

	/*
	 * Serve one client on the connected socket fd, in a child that has
	 * already dropped privileges.  Returns the child's exit status.
	 * The core closes fd and exits.  NULL for a service that has only
	 * an inline reply: when it forks, the child sends that reply.
	 */
	int		(*sv_stream)(int fd, const struct svc_client *cl);

	/*
	 * Build an inline reply into buf (at most cap bytes) and return its
	 * length.  Runs in the parent, for every datagram and for accepted
	 * streams of a service that does not fork, so it must never block.
	 * NULL if the type has no inline form.
	 */
	size_t		(*sv_reply)(const struct svc_conf *sc, char *buf, size_t cap);

	/*
	 * Optional: answer one datagram in place, in the parent, without
	 * blocking.  buf holds the request's len bytes (cap bytes in all;
	 * len > cap: a longer datagram, only its first cap bytes are in
	 * buf); returns the length of the reply written over it (0: an
	 * empty datagram), -1 for no reply.  Without it, every datagram
	 * gets what sv_reply builds (if anything).
	 */
	ssize_t		(*sv_dgram)(const struct svc_conf *sc, char *buf,
			    size_t len, size_t cap);

	/*
	 * Optional, for wait = true (inetd's wait services): serve on the
	 * listening socket fd itself, in a child that has already dropped
	 * privileges; the parent watches the socket again once the child
	 * has exited.  Returns the child's exit status.
	 */
	int		(*sv_wait)(int fd, const struct svc_conf *sc);
	/*
	 * Optional, for a service of listen_fifo (type signature): serve
	 * every reader of the FIFO, fd an O_PATH descriptor of it, in a
	 * long-lived child that has already dropped privileges; it returns
	 * (its exit status) only on failure or after SIGTERM.
	 */
	int		(*sv_fifo)(int fd, const struct svc_conf *sc);

	unsigned	 sv_props;	/* what the type is: SV_* below */

	/*
	 * Optional: validate type-specific settings and prepare data the
	 * parent will need (sc->sc_data); called by the config loader, so
	 * "spawnd -t" runs it too.  Returns 0, or -1 with a message in err.
	 */
	int		(*sv_check)(struct svc_conf *sc, const struct config *cf,
			    char *err, size_t errlen);
	/* Optional: free what sv_check prepared. */
	void		(*sv_release)(struct svc_conf *sc);
};

/*
 * Every type, NULL-terminated: what the configuration loader is given
 * (config/config.h) to look a section's type up in.
 */
extern const struct service *const svc_types[];

#endif
