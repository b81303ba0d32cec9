/*
 * The one line "systemctl status spawnd" shows (sd_notify STATUS=):
 * "12 children, 48,210 connections, 3 refused", from the board, sent
 * at most once a second and only when it changed.
 */
#ifndef SPAWND_SYSTEMD_SDSTATUS_H
#define SPAWND_SYSTEMD_SDSTATUS_H

#include <stddef.h>
#include <stdint.h>

struct sdstatus {
	int		 sd_due;	/* the line is out of date */
	int64_t		 sd_sent;	/* when it was last sent, netio_now_ms() */
};

/* Something happened: the line may be out of date. */
void sdstatus_touch(struct sdstatus *sd);

/*
 * At the top of the loop: send the line if it is out of date and a
 * second has passed since the last.  Returns the milliseconds until an
 * update still due may go (the loop wakes then), -1 when none is due.
 */
int sdstatus_tick(struct sdstatus *sd);

/* The line for the board's numbers into buf (for the tests too). */
void sdstatus_line(char *buf, size_t len, unsigned long long children,
    unsigned long long connections, unsigned long long refused);

#endif
