/*
 * Signals.  The handlers only set the flags below; the main loop blocks
 * the signals everywhere except inside ppoll(), so every signal is seen
 * at one known point and no wake-up is lost.
 */
#ifndef SPAWND_SIG_H
#define SPAWND_SIG_H

#include <signal.h>

extern volatile sig_atomic_t sig_got_hup;
extern volatile sig_atomic_t sig_got_term;	/* SIGTERM or SIGINT */
extern volatile sig_atomic_t sig_got_chld;
extern volatile sig_atomic_t sig_got_alrm;

/* Empty the mask and restore every default disposition (exec inherits both). */
int sig_reset(void);

/*
 * Install the handlers, ignore SIGPIPE, and block HUP, TERM, INT, CHLD
 * and ALRM.  *wait_mask receives the mask to use inside ppoll().
 */
int sig_setup(sigset_t *wait_mask);

#endif
