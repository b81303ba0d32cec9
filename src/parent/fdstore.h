/*
 * systemd's fd store (DESIGN section 12): with FileDescriptorStoreMax=
 * in the unit, every listening socket is handed to systemd as well,
 * named after its service, so that a restart finds its sockets alive --
 * the kernel queues connections while no spawnd runs -- and adopts them
 * from $LISTEN_FDS by name, as it adopts a socket unit's.
 */
#ifndef SPAWND_PARENT_FDSTORE_H
#define SPAWND_PARENT_FDSTORE_H

struct server;

/*
 * If the unit keeps a store: replace, service by service, what it holds
 * under the service's name with srv's listeners.  Failures are logged;
 * serving goes on without the store.
 */
void fdstore_sync(struct server *srv);

#endif
