/*
 * Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c) and their corpus
 * replayer (replay.c).  A broken invariant aborts: libFuzzer keeps the
 * input as a crash, the replayer's TAP output stops with the message.
 */
#ifndef SPAWND_FUZZ_H
#define SPAWND_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The libFuzzer entry point each harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, (what));			\
		abort();						\
	}								\
} while (0)

#endif
