/*
 * systemd socket activation, as sd_listen_fds(3) describes it: the
 * sockets from fd 3 on, their names in $LISTEN_FDNAMES, for us only
 * when $LISTEN_PID is our PID.
 */
#ifndef SPAWND_SYSTEMD_ACTIVATION_H
#define SPAWND_SYSTEMD_ACTIVATION_H

#include <stddef.h>

/* systemd passes activated sockets from fd 3 on (sd_listen_fds(3)). */
#define ACTIVATION_FDS_START 3

/*
 * Hand each socket systemd passed us to take(arg, fd, name) -- name ""
 * when it has none, the fd close-on-exec and non-blocking already --,
 * then unset the variables.  Nothing when they are not ours.  Returns
 * 0, or -1 with a message in err when take or making an fd ready fails.
 */
int activation_take(int (*take)(void *arg, int fd, const char *name),
    void *arg, char *err, size_t errlen);

#endif
