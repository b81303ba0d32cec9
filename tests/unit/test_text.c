/*
 * Unit tests for the stdio-free text of the fork path: strput
 * (src/base/strput.c), the date (src/services/timefmt.c) against
 * strftime(3), the hello line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/strput.h"
#include "services/hello.h"
#include "services/timefmt.h"
#include "tap.h"

static void
test_strput(void)
{
	char buf[16], tiny[6];
	struct strput sp;
	size_t n;

	strput_init(&sp, buf, sizeof(buf));
	strput_str(&sp, "up ");
	strput_uint(&sp, 7, 2, ' ');
	strput_str(&sp, ":");
	strput_uint(&sp, 5, 2, '0');
	strput_str(&sp, ":");
	strput_uint(&sp, 0, 0, '0');
	n = strput_end(&sp);
	is_str(buf, "up  7:05:0", "strings, padded and plain numbers");
	ok(n == 10, "its length (%zu)", n);
	strput_init(&sp, buf, sizeof(buf));
	strput_uint(&sp, 18446744073709551615UL, 0, '0');
	(void)strput_end(&sp);
	is_str(buf, "", "20 digits do not fit in 16 bytes: nothing, not a part");
	strput_init(&sp, tiny, sizeof(tiny));
	strput_str(&sp, "123456");
	ok(strput_end(&sp) == 0 && tiny[0] == '\0',
	    "the NUL needs its byte: 6 characters in 6 bytes do not fit");
	strput_init(&sp, tiny, sizeof(tiny));
	strput_str(&sp, "12345");
	ok(strput_end(&sp) == 5 && strcmp(tiny, "12345") == 0, "5 do");
}

/* timefmt_date() says what strftime() says, over a spread of times. */
static void
test_date(void)
{
	char mine[64], libc[64];
	time_t t, worst = 0;
	struct tm tm;
	size_t a, b;
	int bad = 0, i;

	/* Every day of a few years, at changing hours, and both edges. */
	for (i = 0; i < 4 * 366 + 2; i++) {
		t = (time_t)1700000000 + (time_t)i * 86400 + (time_t)i * 3607 % 86400;
		if (i == 4 * 366)
			t = 0;
		if (i == 4 * 366 + 1)
			t = (time_t)253402300799LL;	/* 9999-12-31 23:59:59 UTC */
		a = timefmt_date(mine, sizeof(mine), t);
		localtime_r(&t, &tm);
		b = strftime(libc, sizeof(libc), "%a %b %e %H:%M:%S %Y", &tm);
		if (a != b || strcmp(mine, libc) != 0) {
			bad++;
			worst = t;
		}
	}
	ok(bad == 0, "the date equals strftime's at 1463 times (%d differ, "
	    "e.g. %lld)", bad, (long long)worst);
	t = (time_t)1764547200;	/* 2025-12-01 00:00:00 UTC */
	ok(timefmt_date(mine, 24, t) == 0, "24 bytes are too few for 24 "
	    "characters and the NUL");
	ok(timefmt_date(mine, 25, t) == 24, "25 are enough");
}

static void
test_hello(void)
{
	char line[128], date[64];
	size_t n;

	n = svc_hello_line(line, sizeof(line), "127.0.0.1");
	(void)timefmt_date(date, sizeof(date), time(NULL));
	ok(n == strlen(line) && n == 13 + 9 + 11 + strlen(date) + 2,
	    "the hello line's length (%zu)", n);
	ok(strncmp(line, "Hello there, 127.0.0.1, it's now ", 33) == 0 &&
	    strcmp(line + n - 2, "\r\n") == 0, "and its bytes: %s", line);
	ok(svc_hello_line(line, 40, "127.0.0.1") == 0,
	    "no room: no line at all");
}

int
main(void)
{
	/* The same zone for both sides, with a real offset. */
	setenv("TZ", "America/Sao_Paulo", 1);
	tzset();
	test_strput();
	test_date();
	test_hello();
	return tap_done();
}
