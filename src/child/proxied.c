/*
 * The PROXY header in the child (see proxied.h).  The header is peeked
 * at, never read past: whatever follows it is the client's and stays
 * in the socket for the service.  Everything peeked while the header
 * is incomplete belongs to it, so that much is consumed at once and
 * only the last piece is measured out.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/netio.h"
#include "child/proxied.h"
#include "config/config.h"
#include "net/cidr.h"
#include "net/peer.h"
#include "net/proxy.h"
#include "services/service.h"

/* The parent answers at once; more than this means it is gone or stuck. */
#define PROXIED_ANSWER_MS	2000

/* Wait until fd is readable or the deadline passes; -1: why says. */
static int
proxied_wait(int fd, int64_t deadline, const char **why)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, netio_left_ms(deadline));
	while (n == -1 && errno == EINTR);
	if (n == 0)
		*why = "timeout";
	else if (n == -1)
		*why = strerror(errno);
	return n > 0 ? 0 : -1;
}

/* Consume len bytes that a peek has shown to be there. */
static int
proxied_consume(int fd, unsigned char *buf, size_t len, const char **why)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)len) {
		*why = n == -1 ? strerror(errno) : "short read";
		return -1;
	}
	return 0;
}

/*
 * The whole header into *ph, the client's own bytes left unread -- but
 * for a service that never reads them (SV_NEVER_READS), which saves the
 * peek: what follows the header is read with it, and dropped.
 */
static int
proxied_header(int fd, const struct svc_conf *sc, struct proxy_header *ph,
    const char **why)
{
	unsigned char buf[PROXY_MAX_HEADER];
	int64_t deadline = netio_now_ms() + 1000 * (int64_t)sc->sc_proxy_timeout;
	int peek = (sc->sc_type->sv_props & SV_NEVER_READS) != 0 ? 0 : MSG_PEEK;
	size_t have = 0;

	for (;;) {
		ssize_t n;

		if (have == sizeof(buf)) {
			*why = "header too long";
			return -1;
		}
		n = recv(fd, buf + have, sizeof(buf) - have,
		    peek | MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			if (proxied_wait(fd, deadline, why) == -1)
				return -1;
			continue;
		}
		if (n <= 0) {
			*why = n == 0 ? "closed before the header" :
			    strerror(errno);
			return -1;
		}
		switch (proxy_parse(buf, have + (size_t)n, sc->sc_proxy, ph,
		    why)) {
		case PROXY_DONE:
			return peek == 0 ? 0 : proxied_consume(fd, buf + have,
			    ph->ph_len - have, why);
		case PROXY_MORE:
			if (peek != 0 &&
			    proxied_consume(fd, buf + have, (size_t)n, why) == -1)
				return -1;
			have += (size_t)n;
			break;
		case PROXY_BAD:
			return -1;
		}
	}
}

/* The proxy's address, and the header's UNIQUE_ID made printable. */
static void
proxied_via(struct svc_client *cl, const struct sockaddr_storage *proxy,
    socklen_t proxylen, const struct proxy_header *ph)
{
	char *at = cl->cl_unique_id;
	char *end = cl->cl_unique_id + sizeof(cl->cl_unique_id);
	size_t i;

	peer_format((const struct sockaddr *)proxy, proxylen, cl->cl_via,
	    sizeof(cl->cl_via));
	/* 4 bytes an escape, 128 bytes at most: it always fits. */
	for (i = 0; i < ph->ph_unique_id_len && end - at > 4; i++) {
		unsigned char c = ph->ph_unique_id[i];

		if (c > 0x20 && c < 0x7f && c != '\\')
			*at++ = (char)c;
		else
			at += snprintf(at, (size_t)(end - at), "\\x%02x", c);
	}
	*at = '\0';
}

/*
 * proxied_ask(): the parent's end is closed (a new image that could not
 * take it over, or a daemon shutting down).
 */
#define PROXIED_NO_PARENT	(-1)
/* proxied_ask(): the parent is there but says nothing. */
#define PROXIED_NO_ANSWER	(-2)

/* The parent's verdict on the report. */
static int
proxied_ask(int report_pair, const struct proxied_report *pr)
{
	const char *why = NULL;
	ssize_t n;
	char answer;

	if (report_pair == -1 || send(report_pair, pr, sizeof(*pr),
	    MSG_NOSIGNAL) != (ssize_t)sizeof(*pr))
		return PROXIED_NO_PARENT;
	if (!pr->pr_ok)
		return PROXIED_REFUSE;	/* the parent logs it */
	if (proxied_wait(report_pair, netio_now_ms() + PROXIED_ANSWER_MS,
	    &why) == -1)
		return PROXIED_NO_ANSWER;
	n = recv(report_pair, &answer, 1, MSG_DONTWAIT);
	if (n == 1)
		return answer;
	/* End of file: nobody holds the parent's end any more. */
	return n == 0 || errno == ECONNRESET ? PROXIED_NO_PARENT :
	    PROXIED_NO_ANSWER;
}

/*
 * A refusal decided here: to the parent over the refusals channel (it
 * logs and counts it), else -- no channel, or its buffer full -- logged
 * here.
 */
static int
proxied_refuse_alone(const struct svc_conf *sc, const struct proxied_report *pr,
    int channel)
{
	/* Blocking for a second at most (SO_SNDTIMEO): the parent drains it. */
	if (channel != -1 && send(channel, pr, sizeof(*pr), MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(*pr))
		return PROXIED_REFUSE;
	if (!pr->pr_ok)
		peer_log_refusal(sc->sc_name,
		    (const struct sockaddr *)&pr->pr_proxy, pr->pr_proxylen,
		    REFUSAL_PROXY, pr->pr_why, 0);
	else
		peer_log_refusal(sc->sc_name,
		    (const struct sockaddr *)&pr->pr_client, pr->pr_clientlen,
		    REFUSAL_ACL, NULL, 0);
	return PROXIED_REFUSE;
}

/* No parent to decide (or no need): allow/deny here. */
static int
proxied_decide_alone(const struct svc_conf *sc, const struct proxied_report *pr,
    int channel)
{
	if (pr->pr_ok && cidr_permits(sc->sc_allow, sc->sc_nallow, sc->sc_deny,
	    sc->sc_ndeny, (const struct sockaddr *)&pr->pr_client))
		return PROXIED_SERVE;
	return proxied_refuse_alone(sc, pr, channel);
}

void
proxied_read(struct svc_client *cl, int fd, int report_pair, int refusals_wr)
{
	const struct svc_conf *sc = cl->cl_svc;
	struct proxied_report pr = { 0 };
	struct proxy_header ph = { 0 };
	const char *why = "";
	int answer;

	if (proxied_header(fd, sc, &ph, &why) == 0) {
		pr.pr_ok = 1;
		pr.pr_client = ph.ph_local ? cl->cl_peer : ph.ph_src;
		pr.pr_clientlen = ph.ph_local ? cl->cl_peerlen : ph.ph_srclen;
		peer_unmap(&pr.pr_client, &pr.pr_clientlen);
	} else
		snprintf(pr.pr_why, sizeof(pr.pr_why), "%s", why);
	pr.pr_svc = (size_t)(sc - cl->cl_conf->cf_services);
	pr.pr_proxy = cl->cl_peer;
	pr.pr_proxylen = cl->cl_peerlen;
	/*
	 * per_source: report_pair is this child's pair, and only the parent
	 * can count; else the channel, and allow/deny are decided here.
	 */
	if (sc->sc_per_source == 0)
		answer = proxied_decide_alone(sc, &pr, refusals_wr);
	else if ((answer = proxied_ask(report_pair, &pr)) == PROXIED_NO_PARENT ||
	    answer == PROXIED_NO_ANSWER) {
		if (!pr.pr_ok)
			answer = proxied_refuse_alone(sc, &pr, -1);
		else {
			/* A limit nobody could check is no limit: refuse. */
			peer_log_refusal(sc->sc_name,
			    (const struct sockaddr *)&pr.pr_client,
			    pr.pr_clientlen, REFUSAL_PER_SOURCE,
			    answer == PROXIED_NO_ANSWER ?
			    "no answer from the parent" :
			    "no parent to count it", 1);
			answer = PROXIED_REFUSE;
		}
	}
	/* The channel stays (close-on-exec): a close saved per child. */
	if (report_pair != -1)
		(void)close(report_pair);
	if (answer != PROXIED_SERVE)
		_exit(0);	/* closed without a byte; the refusal is logged */
	if (!ph.ph_local) {
		proxied_via(cl, &cl->cl_peer, cl->cl_peerlen, &ph);
		cl->cl_peer = pr.pr_client;
		cl->cl_peerlen = pr.pr_clientlen;
	}
}
