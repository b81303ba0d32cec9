/*
 * Signals.  The parent keeps HUP, TERM, INT and CHLD blocked from start
 * to exit and reads them from sig_fd, which the loop polls with the
 * listeners: sig_take() says which came, the loop acts on them at one
 * known point, and no wake-up is lost.  No handler is installed, and no
 * flag lives in memory a child shares (each write there after a fork
 * would cost the parent a page copy).
 */
#ifndef SPAWND_BASE_SIG_H
#define SPAWND_BASE_SIG_H

#include <signal.h>

/* What sig_take() found, as bits. */
#define SIG_GOT_HUP	0x1
#define SIG_GOT_TERM	0x2		/* SIGTERM or SIGINT */
#define SIG_GOT_CHLD	0x4

/* The signalfd of those signals (sig_open()); -1: not open yet. */
extern int sig_fd;

/*
 * For a new child of a parent set up by sig_setup(): every default
 * disposition back but SIGPIPE's (still ignored), and an empty mask.
 */
int sig_reset(void);

/*
 * The same, but with SIGTERM left blocked (keep_term nonzero): a child
 * that finishes its reply first.  0 or -1.
 */
int sig_reset_keep_term(int keep_term);

/*
 * Every disposition back to its default (an exec keeps SIG_IGN ones);
 * the libc-reserved signals cannot change and are left as they are.
 * Returns 0 or -1 with errno.
 */
int sig_defaults(void);

/*
 * For the parent, first thing at start: restore default dispositions,
 * replace whatever mask exec handed us by exactly HUP, TERM, INT, CHLD
 * and ALRM blocked (a signal that arrived during a reload's exec stays
 * pending until sig_fd reads it, never meets a default action; a stray
 * SIGALRM stays pending for good), ignore SIGPIPE.  Returns 0 or -1 with
 * errno.
 */
int sig_setup(void);

/*
 * Open sig_fd (close-on-exec, non-blocking) for the blocked signals;
 * after the start-up's fd clean-up, so that it survives.  0 or -1.
 */
int sig_open(void);

/* sig_fd is readable: drain it; the SIG_GOT_* bits of what it held. */
unsigned sig_take(void);

#endif
