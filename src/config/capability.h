/*
 * What a configured service does and can do, read from its section and
 * its type: whether it forks, and so what it can count and which limits
 * bind it (the metrics it exports, the settings "spawnd -t -l" shows).
 * Apart from the table of types (service.c), which every type's file is
 * in: a type may ask this of a service.
 */
#ifndef SPAWND_CONFIG_CAPABILITY_H
#define SPAWND_CONFIG_CAPABILITY_H

struct svc_conf;

/*
 * Does service sc fork a child per client?  Its configuration says so,
 * it reads a PROXY header (never in the parent), or it has no inline
 * form.
 */
int svc_forks(const struct svc_conf *sc);

#define SVC_CAN_CONNECT		0x1	/* the parent accepts its connections
					   (listen_stream, not wait) */
#define SVC_CAN_FORK		0x2	/* a child per connection */
#define SVC_CAN_CHILDREN	0x4	/* children of any kind: per
					   connection, wait, a FIFO's writer */
#define SVC_CAN_DATAGRAM	0x8	/* the parent answers its datagrams
					   (listen_datagram, not wait) */
#define SVC_CAN_PROXY		0x10	/* proxy_protocol: "proxy" refusals */
#define SVC_CAN_IDLE		0x20	/* children that idle_timeout ends
					   (not an exec program's) */

/* What sc can do: SVC_CAN_* bits. */
unsigned svc_can(const struct svc_conf *sc);

#endif
