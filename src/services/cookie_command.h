/*
 * Running fortune_command for one cookie, in a service's child (already
 * unprivileged), with its stdout on a pipe: the child needs the output
 * to fix its line ends for TCP, and a pipe lets it bound both the size
 * of the output and the time the program may take.
 */
#ifndef SPAWND_SERVICES_COOKIE_COMMAND_H
#define SPAWND_SERVICES_COOKIE_COMMAND_H

#include <stddef.h>

/* The most output taken from fortune_command. */
#define COOKIE_CMD_MAX		(64 * 1024)
/* How long fortune_command may take before it is killed. */
#define COOKIE_CMD_TIMEOUT	10	/* seconds */

/*
 * Run cmd and return its output (malloc'd, NUL-terminated, ending in
 * "\n"), at most COOKIE_CMD_MAX bytes and COOKIE_CMD_TIMEOUT seconds;
 * *lenp gets its length.  NULL with a message in err.
 */
char *cookie_command_run(const char *cmd, size_t *lenp, char *err,
    size_t errlen);

#endif
