/*
 * Before a reload: the addresses the next configuration adds are bound
 * by this image, while it still serves, so that one it cannot get
 * refuses the reload (the new image could only exit).  They travel to
 * the new image in the hand-over.
 */
#ifndef SPAWND_RELOAD_PREBIND_H
#define SPAWND_RELOAD_PREBIND_H

#include <stddef.h>

struct config;
struct listen_addr;
struct server;

/* A listener a reload opened for the next configuration. */
struct prebound {
	int			 pb_fd;		/* -1 until bound (see pb_replaces) */
	int			 pb_socktype;
	const struct listen_addr *pb_addr;	/* points into that config */
	size_t			 pb_replaces;	/* SIZE_MAX, or the listener of
						   ours that overlaps it and
						   goes: bound in its place
						   just before the exec */
};

/*
 * Open every listener of next that srv does not hold yet.  Returns 0
 * with the new sockets in *pbp (*np of them), or -1 with a message in
 * err.
 */
int prebind_open(const struct server *srv, const struct config *next,
    struct prebound **pbp, size_t *np, char *err, size_t errlen);

/* Close the sockets of a reload that did not happen, remove their files. */
void prebind_close(struct prebound *pb, size_t n);

/*
 * Just before the exec: close each listener a prebound address replaces
 * (serving who is queued on it first) and bind that address.  Returns
 * 0, or -1 with a message in err after putting back what it closed.
 */
int prebind_swap(struct server *srv, struct prebound *pb, size_t n,
    char *err, size_t errlen);

/* After a failed exec: undo prebind_swap(). */
void prebind_unswap(struct server *srv, struct prebound *pb, size_t n);

#endif
