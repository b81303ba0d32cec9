/*
 * Dropping root in a child, before the first byte of a client is read.
 */
#ifndef SPAWND_CHILD_PRIVILEGES_H
#define SPAWND_CHILD_PRIVILEGES_H

#include <stddef.h>

struct svc_conf;

/*
 * Become the service's user, group and supplementary groups (looked up
 * at configuration time), and make sure root cannot be regained.  A
 * no-op when not running as root.  Returns 0, or -1 with errno and
 * the step that failed in *what (errno 0 when root could be regained:
 * no call failed, the drop just did not hold).
 */
int privileges_drop(const struct svc_conf *sc, const char **what);

/*
 * May the service's user access path with mode (R_OK, X_OK)?  Checked
 * at configuration time, when running as root, as that user in a
 * throwaway child; what names path in the message.  Returns 0 (also
 * when nothing can be proved: not root, or the child could not switch
 * users), or -1 with a message in err.
 */
int privileges_check_access(const struct svc_conf *sc, const char *what,
    const char *path, int mode, char *err, size_t errlen);

#endif
