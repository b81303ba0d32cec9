/*
 * Listeners and children in the hand-over (see state.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/nofork.h"
#include "base/sig.h"
#include "board/stats.h"
#include "config/config.h"
#include "handover/handover.h"
#include "handover/handover_write.h"
#include "net/addr.h"
#include "parent/lifetime.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/writers.h"
#include "reload/prebind.h"
#include "reload/state.h"

static size_t
state_find_service(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->cf_nservices; i++)
		if (strcmp(cf->cf_services[i].sc_name, name) == 0)
			return i;
	return SIZE_MAX;
}

int
state_adopt_children(struct server *srv, const struct handover *ho)
{
	int64_t now = lifetime_now_ms();
	size_t i;

	if (ho->ho_nchildren > srv->srv_nslots) {
		struct child *more = nofork_calloc(ho->ho_nchildren,
		    sizeof(struct child));

		if (more == NULL)
			return -1;
		/* Nothing to copy yet: the slots are filled below. */
		nofork_free(srv->srv_children);
		srv->srv_children = more;
		srv->srv_nslots = (unsigned)ho->ho_nchildren;
	}
	for (i = 0; i < ho->ho_nchildren; i++) {
		const struct inherited_child *ic = &ho->ho_children[i];
		struct child *ch = &srv->srv_children[i];

		ch->ch_pid = ic->ic_pid;
		ch->ch_peer = ic->ic_peer;
		/* A service gone from the configuration still counts in total. */
		ch->ch_svc = state_find_service(srv->srv_conf, ic->ic_service);
		if (ch->ch_svc != SIZE_MAX)
			srv->srv_counts[ch->ch_svc].sn_live++;
		srv->srv_live++;
		/*
		 * Its age goes on, and so does its SIGTERM's grace: a reload
		 * never lengthens a session, nor a program's end.
		 */
		lifetime_adopt(srv, ch, ic->ic_started_ms != 0 &&
		    ic->ic_started_ms <= now ? ic->ic_started_ms : now,
		    ic->ic_ending, ic->ic_ending_ms <= now ?
		    ic->ic_ending_ms : now);
	}
	/*
	 * A child that exited while we were re-executing sent a SIGCHLD
	 * that resetting its action to SIG_DFL discarded: look once.
	 */
	if (ho->ho_nchildren > 0)
		srv->srv_signals |= SIG_GOT_CHLD;
	return 0;
}

/* The board's counters, service by service, named. */
static int
state_hand_over_stats(const struct config *cf, int memfd)
{
	const struct stats_board *sb = stats_board();
	uint64_t values[HANDOVER_COUNTS_MAX];
	size_t i, n;

	if (sb == NULL)
		return 0;
	if (handover_add_board(memfd, (int64_t)sb->sb_head->sh_started,
	    sb->sb_head->sh_reloads_ok, sb->sb_head->sh_reloads_refused) == -1)
		return -1;
	for (i = 0; i < cf->cf_nservices; i++) {
		n = stats_export(i, values, HANDOVER_COUNTS_MAX);
		if (n > 0 && handover_add_counts(memfd, values, n,
		    cf->cf_services[i].sc_name) == -1)
			return -1;
	}
	return 0;
}

void
state_adopt_stats(const struct server *srv, const struct handover *ho,
    int reloaded)
{
	int64_t now_ms = lifetime_now_ms();
	time_t now = time(NULL);
	size_t i, svc;

	if (stats_board() == NULL)
		return;
	if (ho->ho_board)
		stats_restore((time_t)ho->ho_started, ho->ho_reloads_ok,
		    ho->ho_reloads_refused);
	if (reloaded)
		stats_reload_done();
	for (i = 0; i < ho->ho_ncounts; i++) {
		svc = state_find_service(srv->srv_conf, ho->ho_counts[i].ik_service);
		if (svc != SIZE_MAX)
			stats_import(svc, ho->ho_counts[i].ik_values,
			    ho->ho_counts[i].ik_nvalues);
	}
	/* The children it handed over, with the age they had. */
	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (ch->ch_pid != 0)
			stats_child_begin((unsigned)i, ch->ch_pid, ch->ch_svc,
			    now - (time_t)((now_ms - ch->ch_started_ms) / 1000),
			    (const struct sockaddr *)&ch->ch_peer);
	}
}

int
state_hand_over(const struct server *srv, const struct prebound *pb,
    size_t npb, int memfd)
{
	const struct config *cf = srv->srv_conf;
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		if (li->li_fd == -1)
			continue;
		if (handover_add_listener(memfd, li->li_fd, li->li_socktype,
		    li->li_addr->la_text) == -1 || (li->li_held != 0 &&
		    handover_add_held(memfd, li->li_fd, li->li_held) == -1) ||
		    handover_add_name(memfd, li->li_fd,
		    cf->cf_services[li->li_svc].sc_name) == -1)
			return -1;
	}
	for (i = 0; i < npb; i++)
		if (handover_add_listener(memfd, pb[i].pb_fd,
		    pb[i].pb_socktype, pb[i].pb_addr->la_text) == -1)
			return -1;
	if (state_hand_over_stats(cf, memfd) == -1)
		return -1;
	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (ch->ch_pid == 0)
			continue;
		if (handover_add_child(memfd, ch->ch_pid,
		    (const struct sockaddr *)&ch->ch_peer,
		    ch->ch_svc == SIZE_MAX ? "-" :
		    cf->cf_services[ch->ch_svc].sc_name) == -1 ||
		    handover_add_started(memfd, ch->ch_pid,
		    ch->ch_started_ms) == -1 || (ch->ch_ending != 0 &&
		    handover_add_ending(memfd, ch->ch_pid, ch->ch_ending,
		    ch->ch_ending_ms) == -1))
			return -1;
		if (ch->ch_svc != SIZE_MAX &&
		    srv->srv_counts[ch->ch_svc].sn_writer == ch->ch_pid &&
		    handover_add_writer(memfd, ch->ch_pid,
		    srv->srv_counts[ch->ch_svc].sn_writer_retiring ? 0 :
		    writers_tag(&cf->cf_services[ch->ch_svc])) == -1)
			return -1;
		/* Its report, still to come, goes to the next image. */
		if (ch->ch_report != 0 && handover_add_report(memfd,
		    reports_fd(srv, ch), ch->ch_pid) == -1)
			return -1;
	}
	return 0;
}

void
state_hand_over_undo(const struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++)
		(void)handover_restore_cloexec(srv->srv_listeners[i].li_fd);
	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid != 0 &&
		    srv->srv_children[i].ch_report != 0)
			(void)handover_restore_cloexec(reports_fd(srv,
			    &srv->srv_children[i]));
}

void
state_adopt_reports(struct server *srv, struct handover *ho)
{
	size_t i;

	for (i = 0; i < ho->ho_nchildren && i < srv->srv_nslots; i++) {
		struct inherited_child *ic = &ho->ho_children[i];
		struct child *ch = &srv->srv_children[i];
		const struct svc_conf *sc;

		if (ic->ic_report == -1 || ch->ch_pid != ic->ic_pid ||
		    ch->ch_svc == SIZE_MAX)
			continue;
		sc = &srv->srv_conf->cf_services[ch->ch_svc];
		/*
		 * Not taken (per_source gone from the service, no room):
		 * handover_free() closes it, and the child refuses its client.
		 */
		if (sc->sc_proxy == 0 || sc->sc_per_source == 0 ||
		    srv->srv_nreports == srv->srv_reports_max)
			continue;
		reports_watch(srv, ch, ic->ic_report);
		ic->ic_report = -1;
	}
}
