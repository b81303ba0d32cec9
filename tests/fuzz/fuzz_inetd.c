/*
 * Fuzz harness for the inetd.conf line translator (config/inetd_line.c):
 * any bytes, as a package's maintainer script or a hostile local admin
 * could write them into /etc/inetd.conf.  Each line of the input is
 * translated in turn, the default address carried from one to the next
 * as the loader does.  Nothing may crash or overrun, and a service's
 * section must be one line: "service 'NAME/PROTO' { ... }", every quote
 * inside a (single-quoted) string escaped, so that the section cannot
 * smuggle a second one, or an option, into the configuration.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config/inetd_line.h"
#include "fuzz.h"

/* Quotes balance and braces outside strings: exactly one { and one }. */
static void
check_section(const char *out)
{
	size_t i, len = strlen(out), open = 0, close = 0;
	int quoted = 0;

	fuzz_check(strncmp(out, "service '", 9) == 0, "a service section");
	fuzz_check(len >= 2 && strcmp(out + len - 2, " }") == 0,
	    "the section ends the line");
	fuzz_check(strchr(out, '\n') == NULL && strchr(out, '\r') == NULL,
	    "one line");
	for (i = 0; i < len; i++) {
		if (quoted && out[i] == '\\') {
			fuzz_check(i + 1 < len, "an escape at the end");
			i++;
			continue;
		}
		if (out[i] == '\'')
			quoted = !quoted;
		else if (!quoted && out[i] == '{')
			open++;
		else if (!quoted && out[i] == '}')
			close++;
	}
	fuzz_check(!quoted, "every string closed");
	fuzz_check(close == open && open >= 2 && open <= 3,
	    "the section's braces and its lists' only");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char defaddr[INETD_ADDR_MAX] = "", line[5000], out[8192], err[512];
	size_t at = 0, n;
	const uint8_t *nl;
	enum inetd_kind k;

	while (at < size) {
		nl = memchr(data + at, '\n', size - at);
		n = nl != NULL ? (size_t)(nl - (data + at)) : size - at;
		if (n < sizeof(line)) {
			memcpy(line, data + at, n);
			line[n] = '\0';
			/* A NUL ends the line early, as the loader reads it. */
			k = inetd_translate(line, defaddr, out, sizeof(out),
			    err, sizeof(err));
			fuzz_check(k == INETD_NOTHING || k == INETD_ADDRESS ||
			    k == INETD_SERVICE || k == INETD_BAD,
			    "one of the four kinds");
			fuzz_check(memchr(defaddr, '\0', INETD_ADDR_MAX) !=
			    NULL, "the default address is a string");
			if (k == INETD_SERVICE)
				check_section(out);
			if (k == INETD_BAD)
				fuzz_check(err[0] != '\0', "a skip says why");
		}
		at += n + 1;
	}
	return 0;
}
