/*
 * File descriptor chores: the flags of descriptors passed from one
 * image to the next, closing on an error path.
 */
#ifndef SPAWND_BASE_FD_H
#define SPAWND_BASE_FD_H

/* Set (on nonzero) or clear FD_CLOEXEC.  Returns 0 or -1 with errno. */
int fd_set_cloexec(int fd, int on);

/* Set O_NONBLOCK.  Returns 0 or -1 with errno. */
int fd_set_nonblock(int fd);

/* Clear O_NONBLOCK.  Returns 0 or -1 with errno. */
int fd_set_blocking(int fd);

/*
 * Close fd on an error path: errno stays the error being reported, not
 * close(2)'s.  Returns -1, for "return fd_close_failed(fd);".
 */
int fd_close_failed(int fd);

#endif
