/*
 * The words of the refusal reasons (see refusal.h).
 */
#include "base/refusal.h"

/* Indexed by enum refusal. */
static const char *const refusal_words[REFUSAL_NREASONS] = {
	[REFUSAL_ACL]		= "acl",
	[REFUSAL_MAX_INSTANCES]	= "max_instances",
	[REFUSAL_PER_SOURCE]	= "per_source",
	[REFUSAL_RATE]		= "rate",
	[REFUSAL_MAX_CHILDREN]	= "max_children",
	[REFUSAL_PROXY]		= "proxy",
};

const char *
refusal_word(enum refusal r)
{
	return (unsigned)r < REFUSAL_NREASONS ? refusal_words[r] : "?";
}
