/*
 * Fuzz harness for the metrics service's HTTP request reader
 * (src/services/metrics_request.c): any bytes, as a scraper or a hostile
 * client could send them.  Nothing may crash or read past the input, and
 * the verdicts must hang together:
 *   - one of 200, 404, 400 or "more";
 *   - a byte no request may hold (or a bare CR) means 400, whatever else;
 *   - 200 and 404 come only for a GET or HEAD request line in HTTP/1.0
 *     or 1.1, and only once the blank line is in (HEAD only with HEAD);
 *   - a verdict, once given, stays (the reader acts on the first one):
 *     each longer prefix gets the same, but for 400 where a byte no
 *     request may hold came since -- checked on every prefix of a
 *     short input.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "services/metrics_request.h"

/* A byte no request may hold, or a CR followed by something but LF. */
static int
has_bad_byte(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n') || data[i] == 0x7f ||
		    (data[i] == '\r' && i + 1 < size && data[i + 1] != '\n'))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	int head = -1, code, first = METRICS_MORE, h;
	size_t n;

	code = metrics_request_judge(buf, size, &head);
	fuzz_check(code == METRICS_MORE || code == 200 || code == 404 ||
	    code == 400, "one of the four verdicts");
	fuzz_check(head == 0 || head == 1, "head is set");
	if (has_bad_byte(data, size))
		fuzz_check(code == 400, "a control byte is refused");
	if (code == 200 || code == 404) {
		fuzz_check(size >= 4 && (memcmp(buf, "GET ", 4) == 0 ||
		    memcmp(buf, "HEAD ", 5) == 0), "GET or HEAD only");
		fuzz_check(head == (memcmp(buf, "HEAD ", 5) == 0),
		    "head for HEAD alone");
		fuzz_check(memchr(buf, '\n', size) != NULL,
		    "a verdict of success has a whole line");
	}
	/* Every prefix of a short input, after the first verdict. */
	for (n = 0; size <= 512 && n <= size; n++) {
		code = metrics_request_judge(buf, n, &h);
		if (first == METRICS_MORE)
			first = code;
		else
			fuzz_check(code == first || (code == 400 &&
			    has_bad_byte(data, n)),
			    "a verdict, once given, stays");
	}
	return 0;
}
