/*
 * The hello line, which the fortune service sends too.
 */
#ifndef SPAWND_SERVICES_HELLO_H
#define SPAWND_SERVICES_HELLO_H

#include <stddef.h>

/*
 * "Hello there, NAME, it's now DATE\r\n" into buf (NUL-terminated);
 * returns its length, or 0 if it does not fit.
 */
size_t svc_hello_line(char *buf, size_t cap, const char *name);

#endif
