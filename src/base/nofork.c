/*
 * Parent-only memory: one anonymous mapping per allocation, its length
 * kept in front of what the caller gets, marked MADV_DONTFORK.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "base/nofork.h"

/* Room for the length, keeping the caller's memory max_align_t-aligned. */
#define NOFORK_HEADER	sizeof(max_align_t)

void *
nofork_calloc(size_t n, size_t size)
{
	size_t len;
	char *p;

	if (n == 0)
		n = 1;
	if (size != 0 && n > (SIZE_MAX - NOFORK_HEADER) / size) {
		errno = ENOMEM;
		return NULL;
	}
	len = NOFORK_HEADER + n * size;
	/* Anonymous mappings come zeroed. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_DONTFORK) == -1) {
		int saved = errno;

		(void)munmap(p, len);
		errno = saved;
		return NULL;
	}
	*(size_t *)(void *)p = len;
	return p + NOFORK_HEADER;
}

void
nofork_free(void *p)
{
	char *start;

	if (p == NULL)
		return;
	start = (char *)p - NOFORK_HEADER;
	(void)munmap(start, *(size_t *)(void *)start);
}
