/*
 * systemd's fd store (spawnd(8), "Sockets from systemd"): with
 * FileDescriptorStoreMax= in the unit, every listening socket is handed
 * to systemd as well, named after its service, so that a restart finds
 * its sockets alive -- the kernel queues connections while no spawnd
 * runs -- and adopts them from $LISTEN_FDS by name, as it adopts a
 * socket unit's.
 */
#ifndef SPAWND_SYSTEMD_FDSTORE_H
#define SPAWND_SYSTEMD_FDSTORE_H

#include <stddef.h>

/*
 * If the unit keeps a store: replace what it holds under name with the
 * n sockets fds.  Returns 1 if they are stored; 0 if there is no store,
 * n is 0, or name cannot be an FDNAME (logged); -1 on failure (logged).
 */
int fdstore_keep(const char *name, const int *fds, size_t n);

/*
 * Out of the store, if there is one, with whatever name holds.  A name
 * that cannot be an FDNAME (a blank, a ":", a control byte: a newline
 * would start another field of the message) is never sent: nothing was
 * stored under it, since fdstore_keep() refuses it too.
 */
void fdstore_forget(const char *name);

#endif
