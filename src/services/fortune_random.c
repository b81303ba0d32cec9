/*
 * Random integers without modulo bias.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "services/fortune_random.h"

/* Mix a 64-bit value (splitmix64's finalizer). */
static uint64_t
fortune_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static uint64_t
fortune_rand64(void)
{
	struct timespec mono, real;
	uint64_t r;
	ssize_t n;

	/*
	 * GRND_NONBLOCK: the parent draws for datagram replies and must not
	 * wait for the entropy pool early at boot.  Only then (or without
	 * getrandom) the clocks and the PID stand in; a fortune needs no
	 * more than that.
	 */
	do
		n = getrandom(&r, sizeof(r), GRND_NONBLOCK);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return fortune_mix((uint64_t)mono.tv_nsec ^ ((uint64_t)real.tv_sec << 20) ^
	    fortune_mix((uint64_t)real.tv_nsec ^ ((uint64_t)getpid() << 32)));
}

size_t
fortune_random(size_t n)
{
	uint64_t r, limit;

	/* Reject the top partial range so every index is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		r = fortune_rand64();
	while (r >= limit);
	return (size_t)(r % n);
}

