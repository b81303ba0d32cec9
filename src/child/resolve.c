/*
 * Bounded reverse DNS.  getnameinfo() has no timeout of its own and a
 * resolver can hang far longer than a client will wait, so the lookup
 * runs in a thread and the caller waits for it on a condition variable
 * with a deadline.  On time-out the thread is detached and abandoned:
 * this only ever runs in a short-lived child, whose exit ends it.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "child/resolve.h"

struct lookup {
	pthread_mutex_t		lk_lock;
	pthread_cond_t		lk_done_cv;
	int			lk_done;
	int			lk_ok;
	struct sockaddr_storage	lk_peer;
	socklen_t		lk_peerlen;
	char			lk_name[NI_MAXHOST];
};

/* Only host-name characters; anything else makes the name unusable. */
static int
resolve_name_clean(const char *name)
{
	const char *p;

	if (*name == '\0' || *name == '.' || *name == '-')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

static int
resolve_same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr,
	    sizeof(struct in6_addr)) == 0;
}

/* Forward confirmation: does name map back to the peer's address? */
static int
resolve_confirm(const char *name, const struct sockaddr *peer)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int found = 0;

	hints.ai_family = peer->sa_family;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && !found; ai = ai->ai_next)
		found = resolve_same_addr(ai->ai_addr, peer);
	freeaddrinfo(res);
	return found;
}

static void *
resolve_thread(void *arg)
{
	struct lookup *lk = arg;
	char name[NI_MAXHOST];
	int ok;

	ok = getnameinfo((struct sockaddr *)&lk->lk_peer, lk->lk_peerlen,
	    name, sizeof(name), NULL, 0, NI_NAMEREQD) == 0 &&
	    resolve_name_clean(name) &&
	    resolve_confirm(name, (struct sockaddr *)&lk->lk_peer);
	pthread_mutex_lock(&lk->lk_lock);
	if (ok)
		memcpy(lk->lk_name, name, sizeof(name));
	lk->lk_ok = ok;
	lk->lk_done = 1;
	pthread_cond_signal(&lk->lk_done_cv);
	pthread_mutex_unlock(&lk->lk_lock);
	return NULL;
}

int
resolve_name(const struct sockaddr *peer, socklen_t peerlen,
    unsigned timeout, char *name, size_t namelen)
{
	/* Static: an abandoned thread may still write into it. */
	static struct lookup lk = {
		.lk_lock = PTHREAD_MUTEX_INITIALIZER,
		.lk_done_cv = PTHREAD_COND_INITIALIZER,
	};
	struct timespec deadline;
	pthread_t tid;
	int rc = 0, ok;

	if ((peer->sa_family != AF_INET && peer->sa_family != AF_INET6) ||
	    peerlen > sizeof(lk.lk_peer))
		return -1;
	memcpy(&lk.lk_peer, peer, peerlen);
	lk.lk_peerlen = peerlen;
	if (pthread_create(&tid, NULL, resolve_thread, &lk) != 0)
		return -1;
	pthread_detach(tid);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout;
	pthread_mutex_lock(&lk.lk_lock);
	while (!lk.lk_done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&lk.lk_done_cv, &lk.lk_lock,
		    &deadline);
	ok = lk.lk_done && lk.lk_ok && strlen(lk.lk_name) < namelen;
	if (ok)
		strcpy(name, lk.lk_name);
	pthread_mutex_unlock(&lk.lk_lock);
	return ok ? 0 : -1;
}
