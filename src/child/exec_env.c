/*
 * The minimal environment of programs run for clients: see exec_env.h.
 */
#include <string.h>
#include <unistd.h>

#include "child/exec_env.h"

extern char **environ;

/* The first "NAME=..." of the environment, or NULL. */
static char *
exec_env_find(const char *name)
{
	size_t len = strlen(name);
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e;
	return NULL;
}

void
exec_env_minimal(char *envp[EXEC_ENV_MAX])
{
	static char path[] = "PATH=" EXEC_ENV_PATH;
	static const char *const kept[] = { "LANG", "TZ" };
	size_t n = 0, i;
	char *e;

	envp[n++] = path;
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if ((e = exec_env_find(kept[i])) != NULL)
			envp[n++] = e;
	envp[n] = NULL;
}
