/*
 * The writers of listen_fifo services (type signature): one long-lived
 * child per FIFO, which serves every reader itself (services/signature.c).
 * The parent makes the FIFO, starts the writer, starts another when it
 * dies -- a second later at the soonest, later while it keeps dying --
 * and removes the FIFO at the end.  A reload keeps the FIFO and adopts
 * the writer; if the service's settings changed, the writer is asked to
 * go (SIGTERM, which it acts on only between readers) and the next one
 * starts once it has: two writers would share a reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/fnv.h"
#include "base/log.h"
#include "base/netio.h"
#include "board/stats.h"
#include "child/child.h"
#include "config/config.h"
#include "handover/handover.h"
#include "net/fifo.h"
#include "parent/lifetime.h"
#include "parent/server.h"
#include "parent/writers.h"
#include "services/service.h"

#define WRITER_FIRST_MS		1000	/* a dead writer's first restart */
#define WRITER_MAX_MS		60000	/* while it keeps dying */
#define WRITER_STEADY_MS	10000	/* lived this long: it was fine */

/* A string and its NUL (NULL as ""), into h. */
static uint64_t
writers_fnv_str(uint64_t h, const char *s)
{
	return fnv_add(h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

uint64_t
writers_tag(const struct svc_conf *sc)
{
	uint64_t h = FNV_START;

	h = writers_fnv_str(h, sc->sc_fifo);
	h = writers_fnv_str(h, sc->sc_signature);
	h = writers_fnv_str(h, sc->sc_fortune_file);
	h = writers_fnv_str(h, sc->sc_fortune_command);
	h = fnv_add(h, &sc->sc_uid, sizeof(sc->sc_uid));
	h = fnv_add(h, &sc->sc_gid, sizeof(sc->sc_gid));
	h = fnv_add(h, &sc->sc_socket_mode, sizeof(sc->sc_socket_mode));
	h = fnv_add(h, &sc->sc_idle_timeout, sizeof(sc->sc_idle_timeout));
	return h != 0 ? h : 1;	/* 0 stands for "replace it" */
}

/* Service svc's writer is to start at due (netio_now_ms()). */
static void
writers_due_at(struct server *srv, size_t svc, int64_t due)
{
	srv->srv_counts[svc].sn_writer_due_ms = due;
	if (srv->srv_writers_due_ms == 0 || due < srv->srv_writers_due_ms)
		srv->srv_writers_due_ms = due;
}

/* A writer of the image before us, for service svc: kept or retired. */
static void
writers_adopt(struct server *srv, const struct inherited_child *ic, size_t svc)
{
	struct svc_count *sn = &srv->srv_counts[svc];
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	sn->sn_writer = ic->ic_pid;
	sn->sn_writer_started_ms = netio_now_ms();
	if (ic->ic_writer_tag == writers_tag(sc))
		return;
	sn->sn_writer_retiring = 1;
	if (kill(ic->ic_pid, SIGTERM) == -1 && errno != ESRCH)
		log_warn("%s: asking writer %ld to go", sc->sc_name,
		    (long)ic->ic_pid);
}

void
writers_adopt_all(struct server *srv, const struct handover *ho)
{
	const struct config *cf = srv->srv_conf;
	size_t i;

	for (i = 0; i < ho->ho_nchildren && i < srv->srv_nslots; i++) {
		const struct inherited_child *ic = &ho->ho_children[i];
		const struct child *ch = &srv->srv_children[i];

		if (ic->ic_writer && ch->ch_pid == ic->ic_pid &&
		    ch->ch_svc != SIZE_MAX &&
		    cf->cf_services[ch->ch_svc].sc_enabled &&
		    cf->cf_services[ch->ch_svc].sc_fifo != NULL)
			writers_adopt(srv, ic, ch->ch_svc);
		else if (ic->ic_writer && ch->ch_pid == ic->ic_pid &&
		    kill(ic->ic_pid, SIGTERM) == -1 && errno != ESRCH)
			log_warn("asking writer %ld to go", (long)ic->ic_pid);
	}
}

/* Ask service svc's writer to go: the next starts once it has. */
static void
writers_retire(struct server *srv, size_t svc, const char *why)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];

	if (sn->sn_writer == 0 || sn->sn_writer_retiring)
		return;
	log_info("%s: %s; asking writer %ld to go", sc->sc_name, why,
	    (long)sn->sn_writer);
	sn->sn_writer_retiring = 1;
	if (kill(sn->sn_writer, SIGTERM) == -1 && errno != ESRCH)
		log_warn("%s: asking writer %ld to go", sc->sc_name,
		    (long)sn->sn_writer);
}

/*
 * Make service svc's FIFO (keep: the one there, if any).  A writer
 * serving a FIFO that was removed serves nobody: a new one was made,
 * and the writer is replaced.
 */
static int
writers_make(struct server *srv, size_t svc, int keep)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	struct stat st;
	char err[512];
	int gone;

	gone = lstat(sc->sc_fifo, &st) == -1 && errno == ENOENT;
	sn->sn_fifo_fd = fifo_make(sc->sc_fifo, sc->sc_socket_mode,
	    sc->sc_uid, sc->sc_gid, keep, err, sizeof(err));
	if (sn->sn_fifo_fd == -1) {
		log_warnx("%s: %s (not served)", sc->sc_name, err);
		return -1;
	}
	if (gone)
		writers_retire(srv, svc, "its FIFO was removed, and made anew");
	return 0;
}

void
writers_unlink_unserved(const struct server *srv, const struct config *next)
{
	const struct config *cf = srv->srv_conf;
	size_t i, j;

	for (i = 0; srv->srv_counts != NULL && i < cf->cf_nservices; i++) {
		const char *path = cf->cf_services[i].sc_fifo;

		if (srv->srv_counts[i].sn_fifo_fd == -1 || path == NULL)
			continue;
		for (j = 0; j < next->cf_nservices; j++)
			if (next->cf_services[j].sc_enabled &&
			    next->cf_services[j].sc_fifo != NULL &&
			    strcmp(next->cf_services[j].sc_fifo, path) == 0)
				break;
		if (j < next->cf_nservices)
			continue;
		/* Readers would wait there for a writer that never comes. */
		if (fifo_unlink(path) == -1)
			log_warn("%s: unlink", path);
		else
			log_info("%s: not served after the reload; removed",
			    path);
	}
}

void
writers_remake_missing(struct server *srv)
{
	const struct config *cf = srv->srv_conf;
	struct stat st;
	size_t j;

	for (j = 0; srv->srv_counts != NULL && j < cf->cf_nservices; j++) {
		struct svc_count *sn = &srv->srv_counts[j];

		if (sn->sn_fifo_fd == -1 ||
		    lstat(cf->cf_services[j].sc_fifo, &st) == 0 ||
		    errno != ENOENT)
			continue;
		(void)close(sn->sn_fifo_fd);
		sn->sn_fifo_fd = -1;
		if (writers_make(srv, j, 1) == -1)
			writers_retire(srv, j, "its FIFO is gone");
	}
}

void
writers_start(struct server *srv, int reloaded)
{
	const struct config *cf = srv->srv_conf;
	size_t j;

	for (j = 0; j < cf->cf_nservices; j++) {
		const struct svc_conf *sc = &cf->cf_services[j];
		struct svc_count *sn = &srv->srv_counts[j];

		if (!sc->sc_enabled || sc->sc_fifo == NULL)
			continue;
		/* A reload's: readers may be waiting on the one there. */
		if (writers_make(srv, j, reloaded) == -1)
			continue;
		log_info("server started on %s %s (FIFO)", sc->sc_name,
		    sc->sc_fifo);
		if (sn->sn_writer == 0)
			writers_due_at(srv, j, netio_now_ms());
	}
}

/* Fork service svc's writer now. */
static void
writers_fork(struct server *srv, size_t svc)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	int fd = sn->sn_fifo_fd;	/* the child cannot see srv */
	struct child *ch = server_free_slot(srv);
	pid_t pid;

	if (ch == NULL) {
		log_warnx("%s: no child slot for its writer; trying again in "
		    "a second", sc->sc_name);
		writers_due_at(srv, svc, netio_now_ms() + WRITER_FIRST_MS);
		return;
	}
	if ((pid = fork()) == 0)
		child_serve_fifo(sc, fd);
	if (pid == -1) {
		log_warn("%s: fork for its writer; trying again in a second",
		    sc->sc_name);
		writers_due_at(srv, svc, netio_now_ms() + WRITER_FIRST_MS);
		return;
	}
	memset(ch, 0, sizeof(*ch));
	ch->ch_pid = pid;
	ch->ch_svc = svc;
	/* Its age, for the board; max_lifetime leaves a writer alone. */
	lifetime_begin(srv, ch, lifetime_now_ms());
	srv->srv_live++;
	sn->sn_live++;
	sn->sn_writer = pid;
	sn->sn_writer_started_ms = netio_now_ms();
	stats_child_begin((unsigned)(ch - srv->srv_children), pid, svc,
	    time(NULL), NULL);
	log_info("begat %ld for %s (the writer of %s)", (long)pid, sc->sc_name,
	    sc->sc_fifo);
}

void
writers_run(struct server *srv)
{
	int64_t now = netio_now_ms(), next = 0;
	size_t i;

	if (srv->srv_writers_due_ms == 0 || srv->srv_writers_due_ms > now)
		return;
	for (i = 0; i < srv->srv_conf->cf_nservices; i++) {
		struct svc_count *sn = &srv->srv_counts[i];

		if (sn->sn_writer_due_ms == 0)
			continue;
		if (sn->sn_writer_due_ms > now) {
			if (next == 0 || sn->sn_writer_due_ms < next)
				next = sn->sn_writer_due_ms;
			continue;
		}
		sn->sn_writer_due_ms = 0;
		if (sn->sn_writer == 0 && sn->sn_fifo_fd != -1)
			writers_fork(srv, i);
		if (sn->sn_writer_due_ms != 0 &&
		    (next == 0 || sn->sn_writer_due_ms < next))
			next = sn->sn_writer_due_ms;
	}
	srv->srv_writers_due_ms = next;
}

int
writers_poll_ms(const struct server *srv)
{
	return srv->srv_writers_due_ms == 0 ? -1 :
	    netio_left_ms(srv->srv_writers_due_ms);
}

void
writers_gone(struct server *srv, size_t svc, pid_t pid, int status)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	int64_t now = netio_now_ms();

	if (sn->sn_writer != pid)
		return;
	sn->sn_writer = 0;
	if (sn->sn_writer_retiring || sn->sn_fifo_fd == -1) {
		sn->sn_writer_retiring = 0;
		writers_due_at(srv, svc, now);
		return;
	}
	if (now - sn->sn_writer_started_ms >= WRITER_STEADY_MS ||
	    sn->sn_writer_backoff_ms == 0)
		sn->sn_writer_backoff_ms = WRITER_FIRST_MS;
	else if (sn->sn_writer_backoff_ms < WRITER_MAX_MS / 2)
		sn->sn_writer_backoff_ms *= 2;
	else
		sn->sn_writer_backoff_ms = WRITER_MAX_MS;
	log_warnx("%s: its writer %ld %s; another in %u s", sc->sc_name,
	    (long)pid, WIFSIGNALED(status) ? "was killed" : "exited",
	    sn->sn_writer_backoff_ms / 1000);
	writers_due_at(srv, svc, now + sn->sn_writer_backoff_ms);
}

void
writers_close(struct server *srv, int unlink_fifos)
{
	const struct config *cf = srv->srv_conf;
	size_t i;

	for (i = 0; srv->srv_counts != NULL && i < cf->cf_nservices; i++) {
		struct svc_count *sn = &srv->srv_counts[i];

		if (sn->sn_fifo_fd == -1)
			continue;
		if (close(sn->sn_fifo_fd) == -1)
			log_warn("%s: closing its FIFO", cf->cf_services[i].sc_name);
		sn->sn_fifo_fd = -1;
		if (unlink_fifos && fifo_unlink(cf->cf_services[i].sc_fifo) == -1)
			log_warn("%s: unlink", cf->cf_services[i].sc_fifo);
	}
}

void
writers_unlink(const struct server *srv)
{
	const struct config *cf = srv->srv_conf;
	size_t i;

	for (i = 0; srv->srv_counts != NULL && i < cf->cf_nservices; i++)
		if (srv->srv_counts[i].sn_fifo_fd != -1 &&
		    fifo_unlink(cf->cf_services[i].sc_fifo) == -1)
			log_warn("%s: unlink", cf->cf_services[i].sc_fifo);
}

void
writers_release(const struct server *srv)
{
	const struct config *cf = srv->srv_conf;
	char self[64];
	size_t i;
	int fd;

	for (i = 0; srv->srv_counts != NULL && i < cf->cf_nservices; i++) {
		if (srv->srv_counts[i].sn_fifo_fd == -1)
			continue;
		/* Opened and closed: a reader waiting in open() reads EOF. */
		snprintf(self, sizeof(self), "/proc/self/fd/%d",
		    srv->srv_counts[i].sn_fifo_fd);
		if ((fd = open(self, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) != -1)
			(void)close(fd);
	}
}
