/*
 * A minimal TAP producer for the C unit tests, so that the automake
 * harness counts every check, not every program.
 */
#ifndef SPAWND_TAP_H
#define SPAWND_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
}

/* Compare two strings, printing both on failure. */
#define is_str(got, want, ...) do {					\
	const char *tap_g = (got), *tap_w = (want);			\
	int tap_p = tap_g && tap_w && strcmp(tap_g, tap_w) == 0;	\
	ok(tap_p, __VA_ARGS__);						\
	if (!tap_p)							\
		printf("#   got  \"%s\"\n#   want \"%s\"\n",		\
		    tap_g ? tap_g : "(null)", tap_w ? tap_w : "(null)");\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
