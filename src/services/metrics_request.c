/*
 * The metrics service's request (see metrics_request.h): exactly
 * "METHOD SP TARGET SP HTTP/1.x" as RFC 9112 writes a request line,
 * then header lines up to a blank one, which are not looked at beyond
 * their bytes.
 */
#include <string.h>

#include "services/metrics_request.h"

/* RFC 9112 section 3, RFC 9110 section 5.5: no NUL, no bare controls. */
static int
metrics_bad_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

/* The request line, line bytes long (its CR, if any, not counted). */
static int
metrics_route(const char *req, size_t line, int *head)
{
	const char *sp = memchr(req, ' ', line), *target, *version;
	size_t m, t;

	if (sp == NULL || sp == req)
		return 400;
	m = (size_t)(sp - req);
	target = sp + 1;
	sp = memchr(target, ' ', line - m - 1);
	if (sp == NULL || sp == target)
		return 400;
	t = (size_t)(sp - target);
	version = sp + 1;
	if ((size_t)(version - req) + 8 != line ||
	    (memcmp(version, "HTTP/1.1", 8) != 0 &&
	    memcmp(version, "HTTP/1.0", 8) != 0))
		return 400;
	*head = m == 4 && memcmp(req, "HEAD", 4) == 0;
	if (!*head && !(m == 3 && memcmp(req, "GET", 3) == 0))
		return 400;
	if ((t == 8 && memcmp(target, "/metrics", 8) == 0) ||
	    (t > 8 && memcmp(target, "/metrics?", 9) == 0))
		return 200;
	return 404;
}

/* Where the headers end (after the blank line); NULL: not yet. */
static const char *
metrics_headers_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return buf + i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return buf + i + 3;
	}
	return NULL;
}

int
metrics_request_judge(const char *buf, size_t len, int *head)
{
	const char *nl;
	size_t i, line;
	int code;

	*head = 0;
	/* A CR must end a line (RFC 9112 section 2.2: no bare CR). */
	for (i = 0; i < len; i++)
		if (metrics_bad_byte((unsigned char)buf[i]) ||
		    (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n'))
			return 400;
	if ((nl = memchr(buf, '\n', len)) == NULL)
		return METRICS_MORE;
	/* The line ends at its CRLF (or LF): every CR is before an LF. */
	line = (size_t)(nl - buf);
	if (line > 0 && buf[line - 1] == '\r')
		line--;
	code = metrics_route(buf, line, head);
	if (code == 400 || metrics_headers_end(buf, len) != NULL)
		return code;
	*head = 0;
	return METRICS_MORE;
}
