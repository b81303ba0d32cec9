/*
 * systemd's readiness protocol (sd_notify(3)), spoken directly: one
 * datagram to $NOTIFY_SOCKET.  No libsystemd needed.
 */
#ifndef SPAWND_DAEMON_NOTIFY_H
#define SPAWND_DAEMON_NOTIFY_H

/*
 * Send state ("READY=1", "STOPPING=1", ...) if NOTIFY_SOCKET is set.
 * Returns 0 (also when not under systemd) or -1 with errno.
 */
int notify_send(const char *state);

#endif
