/*
 * metrics: the board (parent/stats.h) for Prometheus.  A minimal
 * HTTP/1.1 responder: one request per connection, its request line and
 * headers read to the blank line within METRICS_REQUEST_MAX bytes (and
 * the core's idle_timeout, a total deadline); GET or HEAD of /metrics
 * gets the text exposition format 0.0.4, another path 404, anything
 * else 400 -- at once, as soon as a bad byte or a bad request line is
 * read.  Then the connection is closed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "parent/stats.h"
#include "services/metrics_text.h"
#include "services/service.h"
#include "services/textbuf.h"

/* A request line and headers: what any scraper sends fits many times. */
#define METRICS_REQUEST_MAX	8192

/*
 * 200 (with the page), 404 or 400 for the request in req: exactly
 * "METHOD SP TARGET SP HTTP/1.x", as RFC 9112 writes a request line.
 */
static int
metrics_route(const char *req, int *head)
{
	size_t line = strcspn(req, "\r\n"), m = strcspn(req, " ");
	const char *target = req + m + 1, *version;
	size_t t;

	if (m >= line || m == 0)
		return 400;
	t = strcspn(target, " ");
	version = target + t + 1;
	if (m + 1 + t >= line || t == 0 || (size_t)(version - req) + 8 != line ||
	    (strncmp(version, "HTTP/1.1", 8) != 0 &&
	    strncmp(version, "HTTP/1.0", 8) != 0))
		return 400;
	*head = m == 4 && strncmp(req, "HEAD", 4) == 0;
	if (!*head && !(m == 3 && strncmp(req, "GET", 3) == 0))
		return 400;
	if ((t == 8 && strncmp(target, "/metrics", 8) == 0) ||
	    (t > 8 && strncmp(target, "/metrics?", 9) == 0))
		return 200;
	return 404;
}

/*
 * A byte no request line or header field may hold (RFC 9112, RFC 9110
 * section 5.5): NUL and the other controls but HTAB, CR and LF, and DEL.
 */
static int
metrics_bad_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

/*
 * Read up to the blank line that ends the headers.  Returns the length
 * read, 0 for end of file or an error, -1 for a request to answer 400
 * at once: too long, a byte no request may hold, or a request line
 * that is bad already (no need to wait for the headers).
 */
static ssize_t
metrics_read_request(int fd, char *buf, size_t cap)
{
	size_t have = 0, from, i;
	ssize_t n;
	int head;

	while (have < cap - 1) {
		n = read(fd, buf + have, cap - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		for (i = have; i < have + (size_t)n; i++)
			if (metrics_bad_byte((unsigned char)buf[i]))
				return -1;
		/* The blank line may straddle reads: look from 3 bytes back. */
		from = have > 3 ? have - 3 : 0;
		have += (size_t)n;
		buf[have] = '\0';
		if (strchr(buf, '\n') != NULL && metrics_route(buf, &head) == 400)
			return -1;
		if (strstr(buf + from, "\r\n\r\n") != NULL ||
		    strstr(buf + from, "\n\n") != NULL)
			return (ssize_t)have;
	}
	return -1;
}

static int
metrics_respond(int fd, const struct config *cf, int code, int head)
{
	static const char *const texts[] = { "OK", "Not Found", "Bad Request" };
	const char *text = code == 200 ? texts[0] : code == 404 ? texts[1] :
	    texts[2];
	struct textbuf body = { 0 }, all = { 0 };
	int rc;

	if (code == 200)
		metrics_page(&body, stats_board(), cf);
	else
		textbuf_printf(&body, "%d %s\n", code, text);
	textbuf_printf(&all, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", code, text,
	    code == 200 ? "text/plain; version=0.0.4; charset=utf-8" :
	    "text/plain; charset=utf-8", body.tb_len,
	    head || body.tb_text == NULL ? "" : body.tb_text);
	rc = body.tb_failed || all.tb_failed ||
	    netio_write_all(fd, all.tb_text, all.tb_len) == -1;
	textbuf_free(&body);
	textbuf_free(&all);
	return rc;
}

static int
metrics_stream(int fd, const struct svc_client *cl)
{
	char req[METRICS_REQUEST_MAX];
	ssize_t n;
	int head = 0, code;

	n = metrics_read_request(fd, req, sizeof(req));
	if (n == 0)
		return 0;	/* the client left before asking */
	code = n == -1 ? 400 : metrics_route(req, &head);
	if (metrics_respond(fd, cl->cl_conf, code, head) != 0) {
		log_debug("%s: writing the reply: %s", cl->cl_svc->sc_name,
		    strerror(errno));
		return 1;
	}
	return 0;
}

const struct service svc_metrics = {
	.sv_type = "metrics",
	.sv_stream = metrics_stream,
	.sv_fork_default = 1,
	.sv_board = 1,
};
