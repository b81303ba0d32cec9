/*
 * The writers of listen_fifo services (type signature): the FIFO made,
 * one long-lived child serving it, started again when it dies.
 */
#ifndef SPAWND_PARENT_WRITERS_H
#define SPAWND_PARENT_WRITERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config;
struct handover;
struct server;
struct svc_conf;

/*
 * The writers of the image before us, among the children adopted from
 * ho: each kept if its settings are its service's now, else asked to go
 * (the next one starts once it has).
 */
void writers_adopt_all(struct server *srv, const struct handover *ho);

/*
 * Make every enabled listen_fifo service's FIFO (reloaded: keep the one
 * there, readers may wait on it) and have its writer start, unless one
 * was adopted.
 */
void writers_start(struct server *srv, int reloaded);

/*
 * Before a reload's exec: remove the FIFOs that next does not serve (a
 * path changed, a service disabled or gone), else readers would wait
 * there for ever.
 */
void writers_unlink_unserved(const struct server *srv,
    const struct config *next);

/* The exec failed: make anew the FIFOs that are gone, writers replaced. */
void writers_remake_missing(struct server *srv);

/* Start the writers that are due. */
void writers_run(struct server *srv);

/* Milliseconds until a writer is due (0: now), or -1: none. */
int writers_poll_ms(const struct server *srv);

/* A child of service svc was reaped: if it was its writer, plan the next. */
void writers_gone(struct server *srv, size_t svc, pid_t pid, int status);

/*
 * What a writer's settings come to, for the hand-over: the next image
 * keeps a writer whose tag its own settings give.  Never 0.
 */
uint64_t writers_tag(const struct svc_conf *sc);

/* A stop: remove the FIFOs (their descriptors stay open). */
void writers_unlink(const struct server *srv);

/*
 * A stop, once the writers are gone: a reader still waiting for one in
 * open() would wait for ever; it reads an end of file instead.
 */
void writers_release(const struct server *srv);

/* Close the FIFOs' descriptors; unlink_fifos: remove them (a stop). */
void writers_close(struct server *srv, int unlink_fifos);

#endif
