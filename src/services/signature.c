/*
 * signature: perlipc's "Named Pipes" example.  A FIFO (listen_fifo),
 * say ~/.signature, that hands every program reading it the signature
 * line and one fortune cookie, "\n" line ends, then end of file.
 *
 * One long-lived child, the writer, serves it (parent/writers.c starts
 * it, and again if it dies).  Opening a FIFO for writing waits for a
 * reader; the writer then writes the whole text and closes, which is
 * the reader's end of file.  Before it opens again it waits for that
 * reader to close its end (inotify's IN_CLOSE_NOWRITE): opened again at
 * once, it would find the same reader still there, and a reader that
 * had not yet read its end of file would read a second signature.
 * perlipc sleeps two seconds instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "net/listen.h"
#include "services/cookie.h"
#include "services/service.h"

/* How many readers closed the FIFO among the events waiting on watch. */
static unsigned
signature_closes(int watch)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	unsigned n = 0;
	ssize_t got;
	size_t len;
	char *p;

	while ((got = read(watch, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + got; p += sizeof(*ev) + len) {
			ev = (const struct inotify_event *)(void *)p;
			len = ev->len;
			n += (ev->mask & IN_CLOSE_NOWRITE) != 0;
		}
	return n;
}

/*
 * After a signature: until its reader has closed the FIFO (closes: the
 * closes seen since it was opened), at most limit seconds (0: no limit).
 * A reader that holds it open longer shares the next writes with the
 * next reader.
 */
static void
signature_wait_close(int watch, unsigned closes, unsigned limit)
{
	struct pollfd pfd = { .fd = watch, .events = POLLIN };
	int64_t deadline = netio_now_ms() + (int64_t)limit * 1000;

	closes += signature_closes(watch);
	while (closes == 0 && (limit == 0 || netio_left_ms(deadline) > 0)) {
		if (poll(&pfd, 1, limit == 0 ? -1 : netio_left_ms(deadline)) ==
		    -1 && errno != EINTR)
			return;
		closes += signature_closes(watch);
	}
}

/* The signature line and a cookie, into the FIFO (fd open for writing). */
static int
signature_write(int fd, const struct svc_conf *sc)
{
	char err[512], *cookie, *head;
	size_t clen = 0, hlen = strlen(sc->sc_signature);
	int rc = 0;

	if ((cookie = cookie_get(sc, &clen, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", sc->sc_name, err);
		clen = 0;
		rc = 1;
	}
	if ((head = malloc(hlen + 1)) == NULL) {
		free(cookie);
		return 1;
	}
	memcpy(head, sc->sc_signature, hlen);
	if (hlen > 0)
		head[hlen++] = '\n';
	/* A reader that stops reading costs idle_timeout, not the writer. */
	alarm(sc->sc_idle_timeout);
	if (netio_write_head_text(fd, head, hlen, cookie, clen,
	    NETIO_LF) == -1) {
		log_debug("%s: writing to a reader: %s", sc->sc_name,
		    strerror(errno));
		rc = 1;
	}
	alarm(0);
	free(head);
	free(cookie);
	return rc;
}

static int
signature_fifo(int fd, const struct svc_conf *sc)
{
	char self[64];
	sigset_t term;
	int out, watch;
	unsigned closes;

	/* The FIFO the parent made, whatever is at its path now. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    inotify_add_watch(watch, self, IN_CLOSE_NOWRITE) == -1) {
		log_warn("%s: watching %s", sc->sc_name, sc->sc_fifo);
		return 1;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	for (;;) {
		(void)signature_closes(watch);	/* those are old news */
		/*
		 * SIGTERM (a stop, a reload that replaces this writer) ends
		 * it here, and only here: no reader has a piece of a text.
		 */
		if (sigprocmask(SIG_UNBLOCK, &term, NULL) == -1)
			return 1;
		out = open(self, O_WRONLY | O_CLOEXEC);
		if (sigprocmask(SIG_BLOCK, &term, NULL) == -1)
			return 1;
		if (out == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: opening %s", sc->sc_name, sc->sc_fifo);
			return 1;
		}
		(void)signature_write(out, sc);
		closes = signature_closes(watch);
		if (close(out) == -1)
			log_warn("%s: closing %s", sc->sc_name, sc->sc_fifo);
		signature_wait_close(watch, closes, sc->sc_idle_timeout);
	}
}

/* The cookies must be there; listen_fifo's file a FIFO, or not yet. */
static int
signature_check(struct svc_conf *sc, const struct config *cf, char *err,
    size_t errlen)
{
	char why[PATH_MAX + 256];
	struct stat st;

	/* Checked again when it is made; -t says so too. */
	if (sc->sc_fifo != NULL &&
	    listen_dir_safe(sc->sc_fifo, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "listen_fifo: %s", why);
		return -1;
	}
	if (sc->sc_fifo != NULL && lstat(sc->sc_fifo, &st) == 0 &&
	    !S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "listen_fifo \"%s\": exists and is not "
		    "a FIFO (spawnd does not remove it)", sc->sc_fifo);
		return -1;
	}
	return cookie_check_stream(sc, cf, err, errlen);
}

const struct service svc_signature = {
	.sv_type = "signature",
	.sv_fifo = signature_fifo,
	.sv_props = SV_FORK | SV_OWN_TIMEOUT,
	.sv_check = signature_check,
	.sv_release = cookie_release,
};
