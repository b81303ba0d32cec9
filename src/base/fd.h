/*
 * Flags of file descriptors passed from one image to the next.
 */
#ifndef SPAWND_BASE_FD_H
#define SPAWND_BASE_FD_H

/* Set (on nonzero) or clear FD_CLOEXEC.  Returns 0 or -1 with errno. */
int fd_set_cloexec(int fd, int on);

/* Set O_NONBLOCK.  Returns 0 or -1 with errno. */
int fd_set_nonblock(int fd);

/* Clear O_NONBLOCK.  Returns 0 or -1 with errno. */
int fd_set_blocking(int fd);

#endif
