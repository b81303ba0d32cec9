/*
 * Time as the services speak it.
 */
#include <time.h>

#include "base/strput.h"
#include "services/timefmt.h"

size_t
timefmt_date(char *buf, size_t cap, time_t t)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct strput sp;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	/*
	 * strftime("%a %b %e %H:%M:%S %Y") in the C locale (spawnd never
	 * sets one), written out: hello, daytime and catsock children call
	 * this, and strftime() is a large part of libc for a child to
	 * fault in.  %e pads the day with a space, as Perl's scalar
	 * localtime does.  Years of other than four digits go to strftime.
	 */
	if (tm.tm_year < 1000 - 1900 || tm.tm_year > 9999 - 1900 ||
	    tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return strftime(buf, cap, "%a %b %e %H:%M:%S %Y", &tm);
	strput_init(&sp, buf, cap);
	strput_str(&sp, days[tm.tm_wday]);
	strput_str(&sp, " ");
	strput_str(&sp, months[tm.tm_mon]);
	strput_str(&sp, " ");
	strput_uint(&sp, (unsigned long)tm.tm_mday, 2, ' ');
	strput_str(&sp, " ");
	strput_uint(&sp, (unsigned long)tm.tm_hour, 2, '0');
	strput_str(&sp, ":");
	strput_uint(&sp, (unsigned long)tm.tm_min, 2, '0');
	strput_str(&sp, ":");
	strput_uint(&sp, (unsigned long)tm.tm_sec, 2, '0');
	strput_str(&sp, " ");
	strput_uint(&sp, (unsigned long)tm.tm_year + 1900, 4, '0');
	return strput_end(&sp);
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
