/*
 * The writing side of the reload hand-over (handover.h has the format).
 */
#ifndef SPAWND_HANDOVER_HANDOVER_WRITE_H
#define SPAWND_HANDOVER_HANDOVER_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>


/*
 * Writing side.  handover_create() returns a memfd (not close-on-exec)
 * after the header line; the other calls append records to it.
 */
int handover_create(const char *startdir, int pidfile_fd, const char *pidfile);
int handover_add_listener(int memfd, int fd, int socktype, const char *text);
int handover_add_held(int memfd, int fd, pid_t pid);
int handover_add_writer(int memfd, pid_t pid, uint64_t tag);
int handover_add_name(int memfd, int fd, const char *service);
int handover_add_board(int memfd, int64_t started, uint64_t reloads_ok,
    uint64_t reloads_refused);
int handover_add_reload(int memfd, uint64_t seq);
int handover_add_counts(int memfd, const uint64_t *values, size_t n,
    const char *service);
int handover_add_child(int memfd, pid_t pid, const struct sockaddr *peer,
    const char *service);
/* After child pid's record: its PROXY report pair's parent end, fd. */
int handover_add_report(int memfd, int fd, pid_t pid);
/* After child pid's record: its start, in ms of CLOCK_MONOTONIC. */
int handover_add_started(int memfd, pid_t pid, int64_t started_ms);
/* After it: how far its end at max_lifetime went (step LIFETIME_*). */
int handover_add_ending(int memfd, pid_t pid, int step, int64_t ms);

/*
 * After a failed exec: mark fd close-on-exec again (the pidfile's, every
 * listener's and report's), and close the memfd with handover_cancel().
 */
int handover_restore_cloexec(int fd);
void handover_cancel(int memfd);

#endif
