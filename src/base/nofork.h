/*
 * Memory a fork() leaves out: the parent's own tables (its children,
 * counters, pollfds, listeners).  A child never touches them, so there
 * is no reason for every fork to copy their page table entries and make
 * their pages copy-on-write, which would cost the parent a page fault
 * (and a page copy) for each table it writes while a child is alive.
 * Each allocation is a mapping of its own marked MADV_DONTFORK.
 */
#ifndef SPAWND_BASE_NOFORK_H
#define SPAWND_BASE_NOFORK_H

#include <stddef.h>

/*
 * n zeroed elements of size bytes, not inherited by children.  NULL with
 * errno (ENOMEM also when n * size overflows).  n = 0 gives one element.
 */
void *nofork_calloc(size_t n, size_t size);

/* Free what nofork_calloc() gave; NULL is fine. */
void nofork_free(void *p);

#endif
