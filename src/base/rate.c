/*
 * Rate windows (see rate.h).
 */
#include "base/rate.h"

int
rate_full(const struct rate_window *rw, unsigned rate, time_t now)
{
	return rate != 0 && rw->rw_second == now && rw->rw_used >= rate;
}

void
rate_take(struct rate_window *rw, time_t now)
{
	if (rw->rw_second != now) {
		rw->rw_second = now;
		rw->rw_used = 0;
	}
	rw->rw_used++;
}
