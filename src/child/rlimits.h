/*
 * The resource limits of a service's children (rlimit_cpu, rlimit_as,
 * rlimit_nofile), set in the child just before the privilege drop --
 * while it may still raise a hard limit -- so that they bind the
 * service's user and whatever program it runs.
 */
#ifndef SPAWND_CHILD_RLIMITS_H
#define SPAWND_CHILD_RLIMITS_H

struct svc_conf;

/*
 * Set every configured limit, soft and hard alike (an unprivileged
 * process cannot raise it again; rlimit_cpu's hard limit is one
 * second more, so that the program gets SIGXCPU first).  Returns 0,
 * or -1 with errno and the limit that failed in *what.
 */
int rlimits_apply(const struct svc_conf *sc, const char **what);

#endif
