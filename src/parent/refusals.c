/*
 * Refusal lines, rate-limited per service (see refusals.h).
 */
#include <time.h>

#include "base/log.h"
#include "base/rate.h"
#include "board/stats.h"
#include "config/config.h"
#include "net/peer.h"
#include "parent/refusals.h"
#include "parent/server.h"

static void
refusal_log_more(const struct svc_conf *sc, struct svc_count *sn)
{
	log_info("refused %u more on %s (over %d lines a second, not logged "
	    "one by one)", sn->sn_refusals_unlogged, sc->sc_name,
	    REFUSALS_LOGGED_PER_SECOND);
	sn->sn_refusals_unlogged = 0;
}

void
refusal_log_unlogged(struct server *srv, int all)
{
	time_t now = time(NULL);
	size_t i;
	int left = 0;

	for (i = 0; i < srv->srv_conf->cf_nservices; i++) {
		struct svc_count *sn = &srv->srv_counts[i];

		if (sn->sn_refusals_unlogged == 0)
			continue;
		if (all || sn->sn_refusal_log.rw_second != now)
			refusal_log_more(&srv->srv_conf->cf_services[i], sn);
		else
			left = 1;
	}
	srv->srv_refusals_unlogged = left;
}

void
refusal_log(struct server *srv, size_t svc, const struct sockaddr *peer,
    socklen_t peerlen, enum refusal reason, const char *detail)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	struct rate_window *rw = &sn->sn_refusal_log;
	time_t now = time(NULL);

	stats_refused(svc, reason);
	/* A new second: the last one's unlogged refusals are summed up. */
	if (rw->rw_second != now && sn->sn_refusals_unlogged > 0)
		refusal_log_more(sc, sn);
	if (rate_full(rw, REFUSALS_LOGGED_PER_SECOND, now)) {
		sn->sn_refusals_unlogged++;
		srv->srv_refusals_unlogged = 1;
		return;
	}
	rate_take(rw, now);
	peer_log_refusal(sc->sc_name, peer, peerlen, reason, detail, 0);
}
