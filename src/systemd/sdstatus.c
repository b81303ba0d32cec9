/*
 * STATUS= (see sdstatus.h).  One datagram a second at most, only under
 * systemd ($NOTIFY_SOCKET), only after events: an idle daemon sends
 * nothing and sleeps as before.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/netio.h"
#include "base/refusal.h"
#include "board/stats.h"
#include "systemd/notify.h"
#include "systemd/sdstatus.h"

/* n with a comma every three digits: 48210 -> "48,210". */
static void
sdstatus_number(char *buf, size_t len, unsigned long long n)
{
	char digits[32];
	size_t nd, i, o = 0;

	nd = (size_t)snprintf(digits, sizeof(digits), "%llu", n);
	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

void
sdstatus_line(char *buf, size_t len, unsigned long long children,
    unsigned long long connections, unsigned long long refused)
{
	char a[32], b[32], c[32];

	sdstatus_number(a, sizeof(a), children);
	sdstatus_number(b, sizeof(b), connections);
	sdstatus_number(c, sizeof(c), refused);
	snprintf(buf, len, "%s %s, %s %s, %s refused", a,
	    children == 1 ? "child" : "children", b,
	    connections == 1 ? "connection" : "connections", c);
}

void
sdstatus_touch(struct sdstatus *sd)
{
	sd->sd_due = 1;
}

int
sdstatus_tick(struct sdstatus *sd)
{
	const struct stats_board *sb = stats_board();
	unsigned long long children = 0, connections = 0, refused = 0;
	char line[160], msg[180];
	int64_t now = netio_now_ms();
	size_t i, r;

	if (!sd->sd_due || sb == NULL || !notify_enabled())
		return -1;
	if (sd->sd_sent != 0 && now - sd->sd_sent < 1000)
		return (int)(1000 - (now - sd->sd_sent));
	for (i = 0; i < sb->sb_nservices; i++) {
		children += sb->sb_services[i].ss_children;
		connections += sb->sb_services[i].ss_connections;
		for (r = 0; r < REFUSAL_NREASONS; r++)
			refused += sb->sb_services[i].ss_refused[r];
	}
	sdstatus_line(line, sizeof(line), children, connections, refused);
	snprintf(msg, sizeof(msg), "STATUS=%s", line);
	if (notify_send(msg) == -1)
		log_warn("notifying systemd");
	sd->sd_sent = now;
	sd->sd_due = 0;
	return -1;
}
