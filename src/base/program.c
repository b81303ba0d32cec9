/*
 * What a program run for a client starts with (see program.h).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base/program.h"
#include "base/sig.h"

extern char **environ;

int
program_split(char *buf, char **argv)
{
	char *word, *save = NULL;
	int argc = 0;

	for (word = strtok_r(buf, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (argc == PROGRAM_ARGS)
			return -1;
		argv[argc++] = word;
	}
	argv[argc] = NULL;
	return argc;
}

/* The first "NAME=..." of the environment, or NULL. */
static char *
program_env_find(const char *name)
{
	size_t len = strlen(name);
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e;
	return NULL;
}

void
program_env_minimal(char *envp[PROGRAM_ENV_MAX])
{
	static char path[] = "PATH=" PROGRAM_PATH;
	static const char *const kept[] = { "LANG", "TZ" };
	size_t n = 0, i;
	char *e;

	envp[n++] = path;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if ((e = program_env_find(kept[i])) != NULL)
			envp[n++] = e;
	envp[n] = NULL;
}

int
program_signals(void)
{
	sigset_t none;

	if (sig_defaults() == -1)
		return -1;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}
