/*
 * systemd's readiness protocol (sd_notify(3)), spoken directly: one
 * datagram to $NOTIFY_SOCKET.  No libsystemd needed.
 */
#ifndef SPAWND_SYSTEMD_NOTIFY_H
#define SPAWND_SYSTEMD_NOTIFY_H

#include <stddef.h>

/*
 * Send state ("READY=1", "STOPPING=1", ...) if NOTIFY_SOCKET is set.
 * Returns 0 (also when not under systemd) or -1 with errno.
 */
int notify_send(const char *state);

/* Is there a $NOTIFY_SOCKET to send to? */
int notify_enabled(void);

/* The most fds one message carries (the kernel's SCM_MAX_FD is 253). */
#define NOTIFY_FDS_MAX	64

/* The same with nfds fds (FDSTORE=1): at most NOTIFY_FDS_MAX. */
int notify_send_fds(const char *state, const int *fds, size_t nfds);

/*
 * Does the unit keep an fd store for us?  systemd 254 and later say so
 * in $FDSTORE (FileDescriptorStoreMax=); for 252 the unit sets it.
 */
int notify_fdstore(void);

#endif
