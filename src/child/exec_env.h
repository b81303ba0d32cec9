/*
 * The environment of a program that a child runs for a client (today
 * fortune_command): a fixed PATH, and LANG and TZ when the daemon has
 * them, nothing else.  The daemon's own environment is root's or
 * systemd's (HOME=/root, NOTIFY_SOCKET, JOURNAL_STREAM, INVOCATION_ID,
 * whatever an admin exported before starting it) and is none of the
 * program's business; NOTIFY_SOCKET would even let it speak for the
 * daemon to systemd.
 */
#ifndef SPAWND_CHILD_EXEC_ENV_H
#define SPAWND_CHILD_EXEC_ENV_H

#define EXEC_ENV_PATH	"/usr/local/bin:/usr/bin:/bin"
#define EXEC_ENV_MAX	4	/* PATH, LANG, TZ and the closing NULL */

/*
 * Fill envp (EXEC_ENV_MAX slots) for execve(2).  The strings belong to
 * the process environment and stay valid until it changes.
 */
void exec_env_minimal(char *envp[EXEC_ENV_MAX]);

#endif
