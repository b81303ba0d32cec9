/*
 * Signal flags.  HUP, TERM, INT and CHLD stay blocked all the time and
 * arrive through a signalfd that the loop polls with the listeners, so
 * there is no handler at all: no signal frame on the parent's stack, no
 * interrupted system call, and every signal is seen at one known point
 * of the loop (see sig.h).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/sig.h"

int sig_fd = -1;

/* A child's masks, made once by sig_setup(): nothing, or only SIGTERM. */
static sigset_t sig_child_none, sig_child_term;

/* What the parent takes through sig_fd; blocked from start to exit. */
static void
sig_watched(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGCHLD);
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
 * sig_setup() already put every disposition back at start and installed
 * no handler, so a child only has to unblock: one call, with a mask made
 * before the fork.  SIGPIPE stays ignored: a client that vanishes
 * mid-reply must cost the child an EPIPE, not its life.
 */
int
sig_reset(void)
{
	return sig_reset_keep_term(0);
}

int
sig_reset_keep_term(int keep_term)
{
	/*
	 * The parent forks with SIGTERM blocked: set in one step, a SIGTERM
	 * that came in between stays pending, never delivered.
	 */
	return sigprocmask(SIG_SETMASK, keep_term ? &sig_child_term :
	    &sig_child_none, NULL);
}

int
sig_setup(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t block;

	sig_watched(&block);
	/*
	 * The parent has no use for SIGALRM (children arm alarm() for their
	 * deadlines, after sig_reset()): a stray one must not end it, so it
	 * stays blocked too, at its default action, which its children want.
	 */
	sigaddset(&block, SIGALRM);
	/* Block first: a HUP pending since a reload's exec waits for sig_fd. */
	if (sigprocmask(SIG_SETMASK, &block, NULL) == -1 || sig_defaults() == -1)
		return -1;
	sigemptyset(&sig_child_none);
	sigemptyset(&sig_child_term);
	sigaddset(&sig_child_term, SIGTERM);
	sigemptyset(&ign.sa_mask);
	return sigaction(SIGPIPE, &ign, NULL);
}

int
sig_open(void)
{
	sigset_t watched;

	sig_watched(&watched);
	if (sig_fd == -1 &&
	    (sig_fd = signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		return -1;
	return 0;
}

unsigned
sig_take(void)
{
	struct signalfd_siginfo si;
	unsigned got = 0;

	/* Signals of one kind merge while pending: a few reads at most. */
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			got |= SIG_GOT_HUP;
			break;
		case SIGTERM:
		case SIGINT:
			got |= SIG_GOT_TERM;
			break;
		case SIGCHLD:
			got |= SIG_GOT_CHLD;
			break;
		}
	}
	return got;
}
