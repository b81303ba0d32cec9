/*
 * metrics: the board (board/stats.h) for Prometheus.  A minimal
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
#include "base/textbuf.h"
#include "board/stats.h"
#include "config/config.h"
#include "services/metrics_request.h"
#include "services/metrics_text.h"
#include "services/service.h"

/* A request line and headers: what any scraper sends fits many times. */
#define METRICS_REQUEST_MAX	8192

/*
 * Read until the request can be judged (metrics_request.h): its status,
 * with *head; 0 for end of file or an error; 400 for one too long.
 */
static int
metrics_read_request(int fd, char *buf, size_t cap, int *head)
{
	size_t have = 0;
	ssize_t n;
	int code;

	while (have < cap) {
		n = read(fd, buf + have, cap - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		have += (size_t)n;
		if ((code = metrics_request_judge(buf, have, head)) !=
		    METRICS_MORE)
			return code;
	}
	return 400;
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
	int head = 0, code;

	code = metrics_read_request(fd, req, sizeof(req), &head);
	if (code == 0)
		return 0;	/* the client left before asking */
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
	.sv_props = SV_FORK | SV_BOARD,
};
