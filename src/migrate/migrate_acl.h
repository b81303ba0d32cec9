/*
 * One value of xinetd's only_from or no_access as the CIDR blocks of
 * spawnd's allow and deny: "10.0.0.0/8" and "2001:db8::/32" as they
 * are, a single address as itself, an IPv4 address ending in zeros as
 * the block its zeros leave open ("192.168.1.0" is 192.168.1.0/24,
 * "0.0.0.0" every IPv4 address), and the factorized form
 * "192.168.{1,2}" as one block per number.  Host, domain and network
 * names have no block: spawnd matches numbers only.  Pure.
 */
#ifndef SPAWND_MIGRATE_MIGRATE_ACL_H
#define SPAWND_MIGRATE_MIGRATE_ACL_H

#include <stddef.h>

/* Room for one block's text. */
#define MACL_BLOCK_MAX	64

/* The blocks of value into out (at most max): how many, or -1. */
int macl_blocks(const char *value, char (*out)[MACL_BLOCK_MAX], size_t max);

#endif
