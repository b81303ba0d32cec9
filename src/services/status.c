/*
 * status: what the parent is doing, for nc and telnet.  It speaks
 * first and closes: a header line, one line per enabled service (type,
 * live children, connections, refusals by reason, addresses), then one
 * line per live child (PID, service, client, age).  Read from the board the parent
 * publishes (board/stats.h); the child only reads it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/netio.h"
#include "base/refusal.h"
#include "base/textbuf.h"
#include "base/version.h"
#include "board/stats.h"
#include "config/conf_list.h"
#include "config/config.h"
#include "net/peer.h"
#include "services/service.h"

/* "ADDR:PORT", "[V6]:PORT", "local" or "-" (a wait child). */
static void
status_client(const struct stats_child *sch, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned port;

	if (sch->sch_peer.family == AF_INET || sch->sch_peer.family == AF_INET6) {
		port = peer_format((const struct sockaddr *)&sch->sch_peer,
		    sizeof(sch->sch_peer), addr, sizeof(addr));
		snprintf(buf, len, "%s%s%s:%u",
		    strchr(addr, ':') != NULL ? "[" : "", addr,
		    strchr(addr, ':') != NULL ? "]" : "", port);
	} else if (sch->sch_peer.family == AF_UNIX)
		(void)peer_text((const struct sockaddr *)&sch->sch_peer,
		    sizeof(sch->sch_peer), buf, len);
	else
		snprintf(buf, len, "-");	/* a wait service's child */
}

/*
 * A service name as the log writes it: a name may hold any byte but NUL,
 * and a newline in it would split the table (as metrics escapes it).
 */
static const char *
status_name(const struct config *cf, size_t svc, char *buf, size_t len)
{
	return log_escape(buf, len, cf->cf_services[svc].sc_name);
}

/* Where it listens, as "spawnd -t -l" writes it (config/conf_list.h). */
static void
status_addrs(struct textbuf *tb, const struct svc_conf *sc)
{
	char word[CONF_LIST_ADDR_MAX];
	size_t i, n = conf_list_naddrs(sc);

	for (i = 0; i < n; i++)
		textbuf_printf(tb, "%s%s", i > 0 ? "," : " ",
		    conf_list_addr(sc, i, word, sizeof(word)));
	if (n == 0)
		textbuf_printf(tb, " -");
}

/* A line per enabled service; a disabled one serves nothing to count. */
static void
status_services(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	char name[512];
	size_t i, r;

	textbuf_printf(tb, "%-16s %-9s %8s %12s", "service", "type",
	    "children", "connections");
	for (r = 0; r < REFUSAL_NREASONS; r++)
		textbuf_printf(tb, " %s", refusal_word((enum refusal)r));
	textbuf_printf(tb, " addresses\r\n");
	for (i = 0; i < sb->sb_nservices && i < cf->cf_nservices; i++) {
		const struct stats_service *ss = &sb->sb_services[i];
		const struct svc_conf *sc = &cf->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		textbuf_printf(tb, "%-16s %-9s %8" PRIu32 " %12" PRIu64,
		    status_name(cf, i, name, sizeof(name)), sc->sc_type->sv_type,
		    ss->ss_children, ss->ss_connections);
		for (r = 0; r < REFUSAL_NREASONS; r++)
			textbuf_printf(tb, " %*" PRIu64,
			    (int)strlen(refusal_word((enum refusal)r)),
			    ss->ss_refused[r]);
		status_addrs(tb, sc);
		textbuf_printf(tb, "\r\n");
	}
}

static void
status_children(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf, time_t now)
{
	char client[INET6_ADDRSTRLEN + 16], name[512];
	size_t i;

	textbuf_printf(tb, "%-8s %-16s %-40s %s\r\n", "pid", "service",
	    "client", "age");
	for (i = 0; i < sb->sb_nslots; i++) {
		const struct stats_child *sch = &sb->sb_children[i];

		if (sch->sch_pid == 0)
			continue;
		status_client(sch, client, sizeof(client));
		textbuf_printf(tb, "%-8ld %-16s %-40s %lld\r\n", (long)sch->sch_pid,
		    sch->sch_svc < sb->sb_nservices ?
		    status_name(cf, sch->sch_svc, name, sizeof(name)) : "-", client,
		    (long long)(now - sch->sch_started));
	}
}

static int
status_stream(int fd, const struct svc_client *cl)
{
	const struct stats_board *sb = stats_board();
	struct textbuf tb = { 0 };
	time_t now = time(NULL);
	int rc = 0;

	if (sb == NULL) {
		textbuf_printf(&tb, "no status: the parent has no board\r\n");
	} else {
		textbuf_printf(&tb, "spawnd %s, up %lld s, reloads: %" PRIu64
		    " done, %" PRIu64 " refused\r\n", spawnd_version,
		    (long long)(now - sb->sb_head->sh_started),
		    sb->sb_head->sh_reloads_ok, sb->sb_head->sh_reloads_refused);
		status_services(&tb, sb, cl->cl_conf);
		status_children(&tb, sb, cl->cl_conf, now);
	}
	if (tb.tb_failed || netio_write_all(fd, tb.tb_text, tb.tb_len) == -1) {
		log_debug("%s: writing the status: %s", cl->cl_svc->sc_name,
		    tb.tb_failed ? "out of memory" : strerror(errno));
		rc = 1;
	}
	textbuf_free(&tb);
	return rc;
}

const struct service svc_status = {
	.sv_type = "status",
	.sv_stream = status_stream,
	.sv_props = SV_FORK | SV_TERM_WAITS | SV_NEVER_READS | SV_BOARD,
};
