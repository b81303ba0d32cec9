/*
 * Dropping root in a child, before the first byte of a client is read.
 */
#ifndef SPAWND_CHILD_PRIVILEGES_H
#define SPAWND_CHILD_PRIVILEGES_H

struct svc_conf;

/*
 * Become the service's user, group and supplementary groups (looked up
 * at configuration time), and make sure root cannot be regained.  A
 * no-op when not running as root.  Returns 0, or -1 with errno and
 * the step that failed in *what (errno 0 when root could be regained:
 * no call failed, the drop just did not hold).
 */
int privileges_drop(const struct svc_conf *sc, const char **what);

#endif
