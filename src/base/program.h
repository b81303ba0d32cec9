/*
 * Programs a child runs for a client (fortune_command, the exec
 * services): their argv, split on blanks without a shell, their
 * minimal environment and the signal state they start in.
 *
 * The daemon's own environment is root's or systemd's (HOME=/root,
 * NOTIFY_SOCKET, JOURNAL_STREAM, INVOCATION_ID, whatever an admin
 * exported before starting it) and is none of the program's business;
 * NOTIFY_SOCKET would even let it speak for the daemon to systemd.
 */
#ifndef SPAWND_BASE_PROGRAM_H
#define SPAWND_BASE_PROGRAM_H

#define PROGRAM_PATH	"/usr/local/bin:/usr/bin:/bin"
#define PROGRAM_ARGS	32	/* words of a command line */
#define PROGRAM_ENV_MAX	4	/* PATH, LANG, TZ and the closing NULL */

/*
 * Split a command line on spaces and tabs into argv (at most
 * PROGRAM_ARGS words, NULL-terminated), in place in buf.  No shell, no
 * quoting.  Returns the word count, or -1 if there are too many.
 */
int program_split(char *buf, char **argv);

/*
 * fortune_command's environment into envp (PROGRAM_ENV_MAX slots): the
 * fixed PATH, and LANG and TZ when the daemon has them.  The strings
 * belong to the process environment and stay valid until it changes.
 */
void program_env_minimal(char *envp[PROGRAM_ENV_MAX]);

/*
 * Just before execve(2): every signal at its default action (ours
 * ignores SIGPIPE, and ignored dispositions survive an exec) and none
 * blocked.  A pending alarm stays: it is the child's deadline (a
 * fortune_command's; an exec program's child arms none).  Returns
 * 0 or -1 with errno.
 */
int program_signals(void);

#endif
