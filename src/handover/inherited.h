/*
 * The listening sockets this image was passed, by a reload or by
 * systemd, and how the listeners of the configuration take them.
 */
#ifndef SPAWND_HANDOVER_INHERITED_H
#define SPAWND_HANDOVER_INHERITED_H

#include <stddef.h>
#include <sys/types.h>

struct handover;
struct listen_addr;
struct svc_conf;

/*
 * Record fd as an inherited listener of ho, asking the kernel what it
 * is bound to.  Returns 0 or -1 with errno.
 */
int inherited_add_fd(struct handover *ho, int fd);

/*
 * systemd socket activation: fds 3.. as sd_listen_fds(3) describes,
 * when $LISTEN_PID is ours (the variables are unset then).  Returns 0,
 * or -1 with a message in err.
 */
int inherited_activation(struct handover *ho, char *err, size_t errlen);

/*
 * Take the inherited listener for address la (socktype) of service sc,
 * or return -1: one named after sc first, then any, bound to la.
 * The caller owns the returned fd; *ours says whether a reload of ours
 * passed it (else systemd did), *held which wait child of the image
 * before us still serves on it (0: none).
 */
int inherited_take_listener(struct handover *ho, int socktype,
    const struct listen_addr *la, const struct svc_conf *sc, int *ours,
    pid_t *held);

/*
 * Close every listener nobody took; the socket files of our own Unix
 * listeners (not systemd's) are unlinked, and a wait child still
 * serving such a listener gets SIGTERM.  One from systemd is logged
 * (unless it duplicates one taken) and leaves systemd's fd store.
 */
void inherited_close_unused(struct handover *ho);

#endif
