/*
 * The parent's state across a reload: what the old image writes into the
 * hand-over (listeners, prebound sockets, live children) and the new
 * image's adoption of the children.
 */
#ifndef SPAWND_RELOAD_STATE_H
#define SPAWND_RELOAD_STATE_H

#include <stddef.h>

struct handover;
struct prebound;
struct server;

/*
 * Describe listeners (ours and the npb prebound ones) and children into
 * a hand-over memfd and let the listeners survive exec.  Returns 0 or
 * -1 with errno.
 */
int state_hand_over(const struct server *srv, const struct prebound *pb,
    size_t npb, int memfd);

/* Undo state_hand_over's fd flags after a failed exec. */
void state_hand_over_undo(const struct server *srv);

/*
 * Count and watch the children a reload handed over, as if we had
 * forked them.  Returns 0 or -1 with errno.
 */
int state_adopt_children(struct server *srv, const struct handover *ho);

/*
 * Once the listeners and the refusals channel are open: the PROXY
 * reports those children still owe (per_source), awaited as if we had
 * made their pairs; those the configuration no longer wants are left
 * for handover_free() to close, and their children refuse.
 */
void state_adopt_reports(struct server *srv, struct handover *ho);

/*
 * Once the board is made (board/stats.h): the counters of the image
 * before us, by service name, and the rows of the children adopted;
 * reloaded: count this reload as done.
 */
void state_adopt_stats(const struct server *srv, const struct handover *ho,
    int reloaded);

#endif
