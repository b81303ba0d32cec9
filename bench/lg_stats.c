/*
 * loadgen's latency samples.  Every sample is kept up to LG_MAX_SAMPLES
 * (8 MiB); past that a uniform reservoir sample (Vitter's algorithm R)
 * stands for the whole run, so memory stays bounded on long runs while
 * the percentiles stay unbiased.  The maximum is tracked over every
 * sample, kept or not.
 */
#include <stdlib.h>

#include "loadgen.h"

int
lg_stats_init(struct lg_stats *st, uint64_t max_conns)
{
	st->st_cap = LG_MAX_SAMPLES;
	if (max_conns != 0 && max_conns < st->st_cap)
		st->st_cap = (size_t)max_conns;
	st->st_ns = calloc(st->st_cap, sizeof(*st->st_ns));
	st->st_n = 0;
	st->st_seen = 0;
	st->st_max_ns = 0;
	st->st_rng = 0x9e3779b97f4a7c15ULL;	/* any nonzero seed */
	return st->st_ns == NULL ? -1 : 0;
}

/* xorshift64: plenty for choosing reservoir slots. */
static uint64_t
lg_stats_rand(struct lg_stats *st)
{
	st->st_rng ^= st->st_rng << 13;
	st->st_rng ^= st->st_rng >> 7;
	st->st_rng ^= st->st_rng << 17;
	return st->st_rng;
}

void
lg_stats_add(struct lg_stats *st, uint64_t ns)
{
	uint64_t j;

	st->st_seen++;
	if (ns > st->st_max_ns)
		st->st_max_ns = ns;
	if (st->st_n < st->st_cap) {
		st->st_ns[st->st_n++] = ns;
		return;
	}
	j = lg_stats_rand(st) % st->st_seen;
	if (j < st->st_cap)
		st->st_ns[j] = ns;
}

static int
lg_stats_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t
lg_stats_pct(struct lg_stats *st, double pct)
{
	double want;
	size_t rank;

	if (st->st_n == 0)
		return 0;
	/* Sorting an already sorted array is cheap; callers ask twice. */
	qsort(st->st_ns, st->st_n, sizeof(*st->st_ns), lg_stats_cmp);
	/* Nearest rank: the smallest sample with pct% at or below it. */
	want = pct / 100.0 * (double)st->st_n;
	rank = (size_t)want;
	if ((double)rank < want)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > st->st_n)
		rank = st->st_n;
	return st->st_ns[rank - 1];
}

void
lg_stats_free(struct lg_stats *st)
{
	free(st->st_ns);
	st->st_ns = NULL;
	st->st_n = 0;
}
