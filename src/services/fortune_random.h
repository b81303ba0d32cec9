/*
 * Uniform random choices for the fortune services, drawn from
 * getrandom(), so each process gets its own randomness and no PRNG
 * state is inherited over fork.
 */
#ifndef SPAWND_SERVICES_FORTUNE_RANDOM_H
#define SPAWND_SERVICES_FORTUNE_RANDOM_H

#include <stddef.h>

/* Uniform random integer in [0, n), n > 0. */
size_t fortune_random(size_t n);

#endif
