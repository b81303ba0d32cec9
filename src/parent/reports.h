/*
 * The parent's side of proxied connections (child/proxied.h) of a
 * service with per_source, which only the parent can count: a pair of
 * sockets per such child, its end watched by the loop until the child's
 * report arrives, the real client then admitted or refused (allow/deny,
 * per_source) and answered with one byte.  Without per_source the
 * child decides alone and the parent does nothing more per connection.
 */
#ifndef SPAWND_PARENT_REPORTS_H
#define SPAWND_PARENT_REPORTS_H

struct child;
struct config;
struct server;

/*
 * How many reports may be awaited at once under cf (0: no proxied
 * service with per_source).
 */
unsigned reports_capacity(const struct config *cf);

/*
 * Before forking a child of a proxied service: make its pair.  Returns
 * the child's end (the parent's is kept for reports_watch), or -1 with
 * errno, unlogged, when there is none: the connection is then refused,
 * since no per_source could be counted for it.
 */
int reports_pair(struct server *srv, int *parent_end);

/*
 * After the fork, or for a child handed over by a reload: watch
 * parent_end for child ch's report.
 */
void reports_watch(struct server *srv, struct child *ch, int parent_end);

/* The fd child ch's report is awaited on; -1: none is. */
int reports_fd(const struct server *srv, const struct child *ch);

/*
 * Report i (0-based, after the listeners' pollfds) is readable: answer
 * it and stop watching.  gone: its child has exited -- a report still
 * queued (a bad header) is logged all the same.
 */
void reports_answer(struct server *srv, unsigned i, int gone);

/*
 * The refusals channel: one datagram socket pair for the children of
 * every proxied service without per_source, which decide alone but
 * report what they refuse, so that the parent logs (at its rate) and
 * counts every refusal.  Open when cf has such a service; 0 or -1.
 */
int reports_channel_open(struct server *srv);
void reports_channel_close(struct server *srv);

/* The channel is readable: log and count what it holds. */
void reports_channel_read(struct server *srv);

/* Stop watching for child ch's report (none awaited: nothing). */
void reports_forget(struct server *srv, struct child *ch);

#endif
