/*
 * A whole xinetd configuration as the text of spawnd.conf service
 * sections: each service converted (migrate_map.h), a stream and a
 * datagram service of one name with the same settings (xinetd's tcp and
 * udp "echo", told apart by their id) joined into one section, as
 * spawnd serves both from one; every section named uniquely.
 */
#ifndef SPAWND_MIGRATE_MIGRATE_PRINT_H
#define SPAWND_MIGRATE_MIGRATE_PRINT_H

#include "base/textbuf.h"
#include "migrate/xinetd_read.h"

/*
 * Append the sections of xc to out and count in *notes what was not
 * converted (0: everything was).  0, or -1 when out of memory.
 */
int migrate_print(struct textbuf *out, const struct xconf *xc,
    unsigned *notes);

#endif
