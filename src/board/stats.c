/*
 * The board (see stats.h): a sealed memfd laid out as the header, the
 * services, then the children's table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board/stats.h"
#include "config/config.h"

static struct stats_board stats_geometry;
static void *stats_map;
static size_t stats_size;
static int stats_fd = -1;

static struct stats_service *stats_service(size_t svc);

/* The board, if this process has it mapped; else NULL. */
static inline struct stats_board *
stats_mapped(void)
{
	return stats_map != NULL ? &stats_geometry : NULL;
}

/* Where the parts are in the mapping at map. */
static void
stats_place(char *map, size_t nservices, size_t nslots)
{
	size_t head = (sizeof(struct stats_head) + 63) & ~(size_t)63;

	stats_geometry.sb_head = (struct stats_head *)(void *)map;
	stats_geometry.sb_services = (struct stats_service *)(void *)(map + head);
	stats_geometry.sb_children = (struct stats_child *)(void *)(map + head +
	    nservices * sizeof(struct stats_service));
	stats_geometry.sb_nservices = nservices;
	stats_geometry.sb_nslots = nslots;
	stats_map = map;
}

int
stats_open(const struct config *cf, unsigned nslots)
{
	size_t head = (sizeof(struct stats_head) + 63) & ~(size_t)63;
	size_t size = head + cf->cf_nservices * sizeof(struct stats_service) +
	    nslots * sizeof(struct stats_child);
	char *map;
	int fd, saved;

	fd = memfd_create("spawnd-board", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1)
		return -1;
	/*
	 * Writable here only: the seals come after the parent's mapping,
	 * and every mapping made later (the readers') is read-only for good.
	 */
	if (ftruncate(fd, (off_t)size) == -1 ||
	    (map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) == MAP_FAILED)
		goto fail;
	if (madvise(map, size, MADV_DONTFORK) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_FUTURE_WRITE | F_SEAL_SEAL) == -1) {
		saved = errno;
		(void)munmap(map, size);
		errno = saved;
		goto fail;
	}
	stats_close();
	/* A new memfd is zeroed: every counter starts at 0. */
	stats_fd = fd;
	stats_place(map, cf->cf_nservices, nslots);
	stats_geometry.sb_head->sh_started = time(NULL);
	stats_size = size;
	return 0;

fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}

const struct stats_board *
stats_board(void)
{
	return stats_mapped();
}

int
stats_child_prepare(int reader)
{
	char *map;

	/* The parent's mapping did not come along (MADV_DONTFORK). */
	stats_map = NULL;
	if (!reader || stats_fd == -1)
		return 0;
	map = mmap(NULL, stats_size, PROT_READ, MAP_SHARED, stats_fd, 0);
	if (map == MAP_FAILED)
		return -1;
	stats_place(map, stats_geometry.sb_nservices, stats_geometry.sb_nslots);
	return 0;
}

void
stats_close(void)
{
	if (stats_map != NULL)
		(void)munmap(stats_map, stats_size);
	if (stats_fd != -1)
		(void)close(stats_fd);
	stats_fd = -1;
	stats_map = NULL;
}

void
stats_child_peer(unsigned slot, const struct sockaddr *peer)
{
	struct stats_board *sb = stats_mapped();
	struct stats_child *sch;

	if (sb == NULL || slot >= sb->sb_nslots)
		return;
	sch = &sb->sb_children[slot];
	memset(&sch->sch_peer, 0, sizeof(sch->sch_peer));
	if (peer == NULL)
		sch->sch_peer.family = AF_UNSPEC;
	else if (peer->sa_family == AF_INET)
		memcpy(&sch->sch_peer.v4, peer, sizeof(sch->sch_peer.v4));
	else if (peer->sa_family == AF_INET6)
		memcpy(&sch->sch_peer.v6, peer, sizeof(sch->sch_peer.v6));
	else
		sch->sch_peer.family = peer->sa_family;
}

void
stats_child_begin(unsigned slot, pid_t pid, size_t svc, time_t now,
    const struct sockaddr *peer)
{
	struct stats_board *sb = stats_mapped();
	struct stats_child *sch;

	if (sb == NULL || slot >= sb->sb_nslots)
		return;
	sch = &sb->sb_children[slot];
	sch->sch_pid = pid;
	sch->sch_svc = (uint32_t)svc;
	sch->sch_started = now;
	stats_child_peer(slot, peer);
	if (svc < sb->sb_nservices)
		sb->sb_services[svc].ss_children++;
}

void
stats_child_end(unsigned slot, size_t svc, int status, int at_lifetime)
{
	struct stats_board *sb = stats_mapped();
	struct stats_service *ss;

	if (sb == NULL)
		return;
	if (slot < sb->sb_nslots)
		sb->sb_children[slot].sch_pid = 0;
	if ((ss = stats_service(svc)) == NULL)
		return;
	if (ss->ss_children > 0)
		ss->ss_children--;
	if (at_lifetime)
		ss->ss_exits[STATS_EXIT_LIFETIME]++;
	else if (WIFSIGNALED(status))
		ss->ss_exits[STATS_EXIT_SIGNAL]++;
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		ss->ss_exits[STATS_EXIT_ERROR]++;
	else
		ss->ss_exits[STATS_EXIT_OK]++;
}

/* Service svc's counters, or NULL (no board, or a service removed). */
static struct stats_service *
stats_service(size_t svc)
{
	struct stats_board *sb = stats_mapped();

	if (sb == NULL || svc >= sb->sb_nservices)
		return NULL;
	return &sb->sb_services[svc];
}

void
stats_connection(size_t svc)
{
	struct stats_service *ss = stats_service(svc);

	if (ss != NULL)
		ss->ss_connections++;
}

void
stats_refused(size_t svc, enum refusal r)
{
	struct stats_service *ss = stats_service(svc);

	if (ss != NULL && r < REFUSAL_NREASONS)
		ss->ss_refused[r]++;
}

void
stats_datagram(size_t svc)
{
	struct stats_service *ss = stats_service(svc);

	if (ss != NULL)
		ss->ss_datagrams++;
}

void
stats_dropped(size_t svc, enum stats_drop d)
{
	struct stats_service *ss = stats_service(svc);

	if (ss != NULL && d < STATS_NDROPS)
		ss->ss_dropped[d]++;
}

void
stats_reload_done(void)
{
	struct stats_board *sb = stats_mapped();

	if (sb != NULL)
		sb->sb_head->sh_reloads_ok++;
}

void
stats_restore(time_t started, uint64_t reloads_ok, uint64_t reloads_refused)
{
	struct stats_board *sb = stats_mapped();

	if (sb == NULL)
		return;
	sb->sb_head->sh_started = started;
	sb->sb_head->sh_reloads_ok = reloads_ok;
	sb->sb_head->sh_reloads_refused = reloads_refused;
}

void
stats_reload_refused(void)
{
	struct stats_board *sb = stats_mapped();

	if (sb != NULL)
		sb->sb_head->sh_reloads_refused++;
}

/*
 * The order of a service's counters in the reload hand-over.  New ones
 * go at the end: an image reads as many as it knows and were written.
 * So the exits at max_lifetime, which came last, follow the drops.
 */
static uint64_t *
stats_value(struct stats_service *ss, size_t i)
{
	if (i == 0)
		return &ss->ss_connections;
	i--;
	if (i < REFUSAL_NREASONS)
		return &ss->ss_refused[i];
	i -= REFUSAL_NREASONS;
	if (i < STATS_EXIT_LIFETIME)
		return &ss->ss_exits[i];
	i -= STATS_EXIT_LIFETIME;
	if (i == 0)
		return &ss->ss_datagrams;
	i--;
	if (i < STATS_NDROPS)
		return &ss->ss_dropped[i];
	i -= STATS_NDROPS;
	return i == 0 ? &ss->ss_exits[STATS_EXIT_LIFETIME] : NULL;
}

size_t
stats_export(size_t svc, uint64_t *values, size_t max)
{
	struct stats_service *ss = stats_service(svc);
	uint64_t *v;
	size_t n;

	if (ss == NULL)
		return 0;
	for (n = 0; n < max && (v = stats_value(ss, n)) != NULL; n++)
		values[n] = *v;
	return n;
}

void
stats_import(size_t svc, const uint64_t *values, size_t n)
{
	struct stats_service *ss = stats_service(svc);
	uint64_t *v;
	size_t i;

	if (ss == NULL)
		return;
	for (i = 0; i < n && (v = stats_value(ss, i)) != NULL; i++)
		*v = values[i];
}
