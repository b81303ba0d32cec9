/*
 * Time as the services speak it.
 */
#include <time.h>

#include "services/timefmt.h"

size_t
timefmt_date(char *buf, size_t cap, time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	/* %e pads the day with a space, as Perl's scalar localtime does. */
	return strftime(buf, cap, "%a %b %e %H:%M:%S %Y", &tm);
}

uint32_t
timefmt_rfc868(time_t t)
{
	/*
	 * RFC 868 counts from 1900-01-01 00:00 UTC; the Unix epoch is
	 * 2208988800 seconds later (70 years, 17 of them leap years).
	 * The protocol's 32 bits wrap in 2036: reduce modulo 2^32 so the
	 * count keeps going the way RFC 868 clients expect.
	 */
	return (uint32_t)((int64_t)t + INT64_C(2208988800));
}
