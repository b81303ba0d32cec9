/*
 * Why a client was turned away: one vocabulary from the admission's
 * verdict to the "refused" log line, the board's counters, the status
 * page's columns and the metrics' reason label.  Each reason has one
 * word, written the same in all of them (spawnd(8), "LOG MESSAGES").
 * A leaf: parent, children and services all read it.
 */
#ifndef SPAWND_BASE_REFUSAL_H
#define SPAWND_BASE_REFUSAL_H

/*
 * The order is the board's and the reload hand-over's (one counter per
 * reason, in this order): a new reason goes last, before
 * REFUSAL_NREASONS.
 */
enum refusal {
	REFUSAL_ACL,		/* "acl": allow/deny */
	REFUSAL_MAX_INSTANCES,	/* "max_instances": this service */
	REFUSAL_PER_SOURCE,	/* "per_source": this client's address */
	REFUSAL_RATE,		/* "rate" (or datagram_rate): this second */
	REFUSAL_MAX_CHILDREN,	/* "max_children": all services together */
	REFUSAL_PROXY,		/* "proxy": not a proxy_from, or no header */
	REFUSAL_NREASONS,
	/* Not a refusal: admission's verdict for a client it admits. */
	REFUSAL_NONE = REFUSAL_NREASONS
};

/* The word of reason r ("acl", "per_source", ...); "?" for none. */
const char *refusal_word(enum refusal r);

#endif
