/*
 * A per-second (or per-minute: count time() / 60) rate window: the rate
 * limits of admission, the datagram rate, and the refusal log's ten
 * lines a second all count in one.
 */
#ifndef SPAWND_BASE_RATE_H
#define SPAWND_BASE_RATE_H

#include <time.h>

/* How much of a per-second rate this second has used. */
struct rate_window {
	time_t			 rw_second;	/* the second rw_used counts */
	unsigned		 rw_used;
};

/* Has rw used up rate (0: no limit) at second now? */
int rate_full(const struct rate_window *rw, unsigned rate, time_t now);

/* Count one admitted client, datagram or log line in rw at second now. */
void rate_take(struct rate_window *rw, time_t now);

#endif
