/*
 * FNV-1a, 64 bits (see fnv.h).
 */
#include "base/fnv.h"

uint64_t
fnv_add(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len-- > 0)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}
