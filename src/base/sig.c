/*
 * Signal flags.  The handlers are one assignment each; everything else
 * happens in the main loop, which keeps these signals blocked except
 * while it sleeps in ppoll() (sshd's pattern: no lost wake-up, no work
 * in a handler).
 */
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <stddef.h>
#include <time.h>

#include "base/sig.h"

volatile sig_atomic_t sig_got_hup;
volatile sig_atomic_t sig_got_term;
volatile sig_atomic_t sig_got_chld;

static void
sig_on_hup(int signo)
{
	(void)signo;
	sig_got_hup = 1;
}

static void
sig_on_term(int signo)
{
	(void)signo;
	sig_got_term = 1;
}

static void
sig_on_chld(int signo)
{
	(void)signo;
	sig_got_chld = 1;
}

int
sig_defaults(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	int signo;

	sigemptyset(&sa.sa_mask);
	for (signo = 1; signo < NSIG; signo++) {
		/* SIGKILL, SIGSTOP and the libc-reserved ones refuse: fine. */
		if (sigaction(signo, &sa, NULL) == -1 && errno != EINVAL)
			return -1;
	}
	return 0;
}

/*
 * sig_setup() already put every other disposition back at start, so a
 * child only has to undo the handlers the parent installed: five calls,
 * not sixty-four, in every child.  SIGPIPE stays ignored: a client that
 * vanishes mid-reply must cost the child an EPIPE, not its life.
 */
int
sig_reset(void)
{
	return sig_reset_keep_term(0);
}

int
sig_reset_keep_term(int keep_term)
{
	static const int changed[] = {
		SIGHUP, SIGTERM, SIGINT, SIGCHLD, SIGALRM
	};
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(changed) / sizeof(changed[0]); i++)
		if (sigaction(changed[i], &sa, NULL) == -1)
			return -1;
	sigemptyset(&none);
	/*
	 * The parent forks with SIGTERM blocked: set in one step, a SIGTERM
	 * that came in between stays pending, never delivered.
	 */
	if (keep_term)
		sigaddset(&none, SIGTERM);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}

static int
sig_install(int signo, void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	/*
	 * No SA_RESTART: a signal must wake ppoll().  SIGCHLD for stopped
	 * children is noise.
	 */
	sa.sa_flags = signo == SIGCHLD ? SA_NOCLDSTOP : 0;
	return sigaction(signo, &sa, NULL);
}

int
sig_setup(sigset_t *wait_mask)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	/* Block first: a pending HUP must wait for its handler. */
	if (sigprocmask(SIG_SETMASK, &block, NULL) == -1 || sig_defaults() == -1)
		return -1;
	sigemptyset(wait_mask);
	sigemptyset(&ign.sa_mask);
	/*
	 * The parent has no use for SIGALRM (children arm alarm() for their
	 * deadlines, after sig_reset()): a stray one must not end it.
	 */
	if (sigaction(SIGPIPE, &ign, NULL) == -1 ||
	    sigaction(SIGALRM, &ign, NULL) == -1 ||
	    sig_install(SIGHUP, sig_on_hup) == -1 ||
	    sig_install(SIGTERM, sig_on_term) == -1 ||
	    sig_install(SIGINT, sig_on_term) == -1 ||
	    sig_install(SIGCHLD, sig_on_chld) == -1)
		return -1;
	return 0;
}

void
sig_deliver_pending(const sigset_t *wait_mask)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pending;

	if (sigpending(&pending) == -1)
		return;
	if (sigismember(&pending, SIGCHLD) || sigismember(&pending, SIGHUP) ||
	    sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT))
		(void)ppoll(NULL, 0, &zero, wait_mask);
}
