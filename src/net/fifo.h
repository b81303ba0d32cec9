/*
 * The FIFO of a listen_fifo service (type signature): made with the same
 * care as a Unix socket file, owned by the user its writer runs as.
 */
#ifndef SPAWND_NET_FIFO_H
#define SPAWND_NET_FIFO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The FIFO at path, exactly mode, owned by uid:gid.  Made anew: a FIFO
 * already there (a spawnd's that died) is replaced, any other file is
 * an error and is never removed.  keep (a reload's image, whose adopted
 * writer may be waiting on it): a FIFO already there is kept and its
 * mode and owner set.  Returns an O_PATH descriptor of it (close-on-
 * exec), or -1 with a message in err.
 */
int fifo_make(const char *path, mode_t mode, uid_t uid, gid_t gid, int keep,
    char *err, size_t errlen);

/* Remove the FIFO at path, if a FIFO is what is there.  0 or -1. */
int fifo_unlink(const char *path);

#endif
