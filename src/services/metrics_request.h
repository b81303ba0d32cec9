/*
 * The metrics service's HTTP request, judged from its bytes so far:
 * pure, so that tests/fuzz/fuzz_metrics.c can feed it anything.
 */
#ifndef SPAWND_SERVICES_METRICS_REQUEST_H
#define SPAWND_SERVICES_METRICS_REQUEST_H

#include <stddef.h>

/* Not a status code: the request is not complete yet. */
#define METRICS_MORE	0

/*
 * The answer to the request in buf (len bytes, any bytes): 200 (GET or
 * HEAD of /metrics, *head set for HEAD), 404 (another path), 400, or
 * METRICS_MORE until the blank line that ends the headers.  400 comes
 * as soon as it is certain: a byte no request may hold (NUL, another
 * control but HTAB, CR and LF, DEL), a CR not followed by LF, or a
 * request line that is bad already, so that a bad client never waits
 * out the idle timeout.
 */
int metrics_request_judge(const char *buf, size_t len, int *head);

#endif
