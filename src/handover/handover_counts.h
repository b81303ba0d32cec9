/*
 * The per-service counters in the reload hand-over (handover.h lists the
 * records): "counts N V1 ... VN SERVICE", read by the new image.
 */
#ifndef SPAWND_HANDOVER_HANDOVER_COUNTS_H
#define SPAWND_HANDOVER_HANDOVER_COUNTS_H

struct handover;

/*
 * The rest of a "counts" record (after its word) into ho_counts.  A
 * malformed record is skipped (counters are not worth a failed reload);
 * -1 only when memory runs out.
 */
int handover_counts_line(struct handover *ho, char *rest);

#endif
