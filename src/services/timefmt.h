/*
 * The two time formats the services speak.
 */
#ifndef SPAWND_SERVICES_TIMEFMT_H
#define SPAWND_SERVICES_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Perl's scalar localtime, e.g. "Fri Nov 27 09:05:03 2026" (24 bytes). */
#define TIMEFMT_DATE_LEN 24

/*
 * Write t as Perl's scalar localtime into buf (cap >= 25), NUL-terminated.
 * Returns the length, 0 on failure.
 */
size_t timefmt_date(char *buf, size_t cap, time_t t);

/* RFC 868: seconds since 1900-01-01 00:00 UTC, modulo 2^32. */
uint32_t timefmt_rfc868(time_t t);

#endif
