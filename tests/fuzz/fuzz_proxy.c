/*
 * Fuzz harness for the PROXY protocol reader (src/net/proxy.c).  Any
 * bytes, as a load balancer or a hostile client could send them:
 * nothing may crash or read past the input, and the verdicts must hang
 * together -- a header found is within the input and the limits, each
 * shorter prefix of it asks for more, it reads the same alone, and
 * "more" is never said of an input at the size limit.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "net/proxy.h"

#define ANY	(PROXY_ACCEPT_V1 | PROXY_ACCEPT_V2)

static void
check_done(const uint8_t *data, const struct proxy_header *ph, size_t size)
{
	struct proxy_header again;
	const char *why;
	size_t n;

	fuzz_check(ph->ph_len >= 16 || ph->ph_version == 1,
	    "a v2 header has its 16 fixed bytes");
	fuzz_check(ph->ph_len <= size, "the header lies within the input");
	fuzz_check(ph->ph_version == 1 ? ph->ph_len <= PROXY_V1_MAX :
	    ph->ph_version == 2 && ph->ph_len <= PROXY_MAX_HEADER,
	    "the header is within its version's limit");
	fuzz_check(ph->ph_unique_id_len <= PROXY_UNIQUE_ID_MAX,
	    "UNIQUE_ID within 128 bytes");
	fuzz_check(ph->ph_local || ph->ph_src.ss_family == AF_INET ||
	    ph->ph_src.ss_family == AF_INET6, "an address, or local");
	fuzz_check(proxy_parse(data, ph->ph_len, ANY, &again, &why) ==
	    PROXY_DONE && again.ph_len == ph->ph_len,
	    "the header alone reads the same");
	/* Quadratic: short headers only, which are most of them. */
	for (n = 0; ph->ph_len <= 256 && n < ph->ph_len; n++)
		fuzz_check(proxy_parse(data, n, ANY, &again, &why) ==
		    PROXY_MORE, "every shorter prefix asks for more");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_header ph;
	const char *why = NULL;
	enum proxy_result r;
	int accept;

	for (accept = 1; accept <= ANY; accept++) {
		r = proxy_parse(data, size, accept, &ph, &why);
		fuzz_check(r == PROXY_DONE || r == PROXY_MORE || r == PROXY_BAD,
		    "one of the three verdicts");
		if (r == PROXY_BAD)
			fuzz_check(why != NULL && why[0] != '\0',
			    "a refusal says why");
		if (r == PROXY_MORE)
			fuzz_check(size < PROXY_MAX_HEADER,
			    "no header needs more than PROXY_MAX_HEADER bytes");
		if (r == PROXY_DONE && accept == ANY)
			check_done(data, &ph, size);
		if (r == PROXY_DONE)
			fuzz_check(ph.ph_version == 1 ? (accept & 1) :
			    (accept & 2), "only an accepted version is read");
	}
	return 0;
}
