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
#define COOKIE_CMD_ARGS		32

/*
 * Split a command on spaces and tabs into argv (at most COOKIE_CMD_ARGS
 * words, NULL-terminated), in place in buf.  No shell, no quoting.
 * Returns the word count, or -1 if there are too many.
 */
int cookie_command_split(char *buf, char **argv);

/*
 * Run cmd and return its output (malloc'd, NUL-terminated, ending in
 * "\n"), at most COOKIE_CMD_MAX bytes and COOKIE_CMD_TIMEOUT seconds;
 * *lenp gets its length.  NULL with a message in err.
 */
char *cookie_command_run(const char *cmd, size_t *lenp, char *err,
    size_t errlen);

#endif
