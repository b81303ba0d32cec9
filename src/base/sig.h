/*
 * Signals.  The handlers only set the flags below; the main loop blocks
 * the signals everywhere except inside ppoll(), so every signal is seen
 * at one known point and no wake-up is lost.
 */
#ifndef SPAWND_BASE_SIG_H
#define SPAWND_BASE_SIG_H

#include <signal.h>

extern volatile sig_atomic_t sig_got_hup;
extern volatile sig_atomic_t sig_got_term;	/* SIGTERM or SIGINT */
extern volatile sig_atomic_t sig_got_chld;

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
 * replace whatever mask exec handed us by exactly HUP, TERM, INT and
 * CHLD blocked (a signal that arrived during a reload's exec stays
 * pending and is handled by the loop, not by a default action), ignore
 * SIGPIPE and SIGALRM and install the flag-setting handlers.
 * *wait_mask receives the mask to use inside ppoll(): nothing blocked.
 */
int sig_setup(sigset_t *wait_mask);

/*
 * ppoll() runs the handler of a pending signal only when it returns
 * EINTR: while a listener is always ready it returns the fd instead, and
 * reaping, reload and shutdown would wait for a quiet moment.  Called
 * after each busy ppoll(), this lets pending signals in (one sigpending()
 * when there are none).
 */
void sig_deliver_pending(const sigset_t *wait_mask);

#endif
