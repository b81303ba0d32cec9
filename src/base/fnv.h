/*
 * FNV-1a, 64 bits: a fingerprint of a few bytes, to tell two things
 * apart (a waiting datagram from the next; a FIFO writer's settings from
 * the new ones).  Not a defence against anyone who picks the bytes.
 */
#ifndef SPAWND_BASE_FNV_H
#define SPAWND_BASE_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV_START	0xcbf29ce484222325ULL

/* h carried on over the len bytes at p (start with FNV_START). */
uint64_t fnv_add(uint64_t h, const void *p, size_t len);

#endif
