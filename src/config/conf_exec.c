/*
 * exec, env, wait and rlimit_*.  exec, env and wait belong to type exec
 * only; the resource limits apply to every child of any type (inline
 * answers have none).  That the program exists and the service's user
 * may run it is the exec type's own check (services/exec.c), made once
 * the rest of the section is sound.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/program.h"
#include "config/conf_diag.h"
#include "config/conf_exec.h"
#include "config/conf_value.h"
#include "config/config.h"
#include "services/service.h"

/*
 * The client's variables (spawnd.conf(5), "Service types", exec): set
 * by spawnd, never by env.
 */
static const char *const conf_ucspi_names[] = {
	"PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP", "TCPLOCALPORT",
	"TCPREMOTEHOST", "UNIXREMOTEUID", "UNIXREMOTEGID", "UNIXREMOTEPID",
	"PROXYREMOTEIP",
};

/* "NAME=VALUE" with a shell-style NAME; NULL if fine, else why not. */
static const char *
conf_env_bad(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t len, i;

	if (eq == NULL || eq == entry)
		return "not NAME=VALUE";
	len = (size_t)(eq - entry);
	if (isdigit((unsigned char)entry[0]))
		return "a name cannot start with a digit";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)entry[i]) && entry[i] != '_')
			return "a name is letters, digits and _";
	for (i = 0; i < sizeof(conf_ucspi_names) / sizeof(*conf_ucspi_names);
	    i++)
		if (strlen(conf_ucspi_names[i]) == len &&
		    strncmp(entry, conf_ucspi_names[i], len) == 0)
			return "spawnd sets this variable for each client";
	return NULL;
}

/* Does an entry before it set the same name as entry? */
static int
conf_env_twice(const struct svc_conf *sc, const char *entry)
{
	size_t len = strcspn(entry, "="), i;

	for (i = 0; i < sc->sc_nenv; i++)
		if (strncmp(sc->sc_env[i], entry, len + 1) == 0)
			return 1;
	return 0;
}

static void
conf_exec_env(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	unsigned i, n = cfg_size(sec, "env");
	const char *why;

	if (n == 0)
		return;
	if (n > CONF_MAX_ENV) {
		conf_error(cx, conf_line(cx, sec, "env", 0, sc->sc_line),
		    "%senv: more than %d entries", who, CONF_MAX_ENV);
		return;
	}
	if ((sc->sc_env = calloc(n, sizeof(*sc->sc_env))) == NULL) {
		conf_error(cx, sc->sc_line, "%senv: %s", who, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char *entry = cfg_getnstr(sec, "env", i);
		unsigned line = conf_line(cx, sec, "env", i, sc->sc_line);

		if ((why = conf_env_bad(entry)) == NULL &&
		    conf_env_twice(sc, entry))
			why = "the same name twice";
		if (why != NULL)
			conf_error(cx, line, "%senv \"%s\": %s", who, entry,
			    why);
		else if ((sc->sc_env[sc->sc_nenv] = conf_strdup(cx, entry,
		    line)) != NULL)
			sc->sc_nenv++;
	}
}

/*
 * words[0..n) as one block: the NULL-terminated pointer array, then the
 * strings it points to.  One free() releases it all.
 */
static char **
conf_exec_pack(struct conf_ctx *cx, char *const *words, size_t n,
    unsigned line)
{
	size_t	 size = (n + 1) * sizeof(char *), i;
	char	**argv, *at;

	for (i = 0; i < n; i++)
		size += strlen(words[i]) + 1;
	if ((argv = malloc(size)) == NULL) {
		conf_error(cx, line, "exec: %s", strerror(errno));
		return NULL;
	}
	at = (char *)(argv + n + 1);
	for (i = 0; i < n; i++) {
		argv[i] = at;
		at = stpcpy(at, words[i]) + 1;
	}
	argv[n] = NULL;
	return argv;
}

/*
 * The words as one line, for messages and listings: a word that is
 * empty or holds a blank or a quote is written as a quoted string of
 * the configuration, so that nothing reads as another argv.
 */
static char *
conf_exec_join(struct conf_ctx *cx, char *const *words, unsigned line)
{
	size_t	 size = 1, i;
	char	*text, *at;

	for (i = 0; words[i] != NULL; i++)
		size += 2 * strlen(words[i]) + 3;
	if ((text = malloc(size)) == NULL) {
		conf_error(cx, line, "exec: %s", strerror(errno));
		return NULL;
	}
	at = text;
	for (i = 0; words[i] != NULL; i++) {
		const char *w = words[i];
		int quote = w[0] == '\0' || strpbrk(w, " \t\"\\") != NULL;

		if (i > 0)
			*at++ = ' ';
		if (quote)
			*at++ = '"';
		for (; *w != '\0'; w++) {
			if (quote && (*w == '"' || *w == '\\'))
				*at++ = '\\';
			*at++ = *w;
		}
		if (quote)
			*at++ = '"';
	}
	*at = '\0';
	return text;
}

/*
 * The program and its arguments: exec = "PROGRAM ARGS..." split on
 * blanks (a list of one is the same), or a list of two or more words
 * taken as they are, blanks and all.  The first is an absolute path;
 * whether that file can be run is the type's check, as the service's
 * user.
 */
static void
conf_exec_line(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	unsigned n = cfg_size(sec, "exec"), i;
	unsigned line = conf_line(cx, sec, "exec", 0, sc->sc_line);
	char *argv[PROGRAM_ARGS + 1], *words = NULL;
	int argc;

	if (n == 0) {
		conf_error(cx, sc->sc_line, "%stype exec needs exec = "
		    "\"PROGRAM ARGS...\"", who);
		return;
	}
	if (n == 1) {
		if ((words = conf_strdup(cx, cfg_getnstr(sec, "exec", 0),
		    line)) == NULL)
			return;
		argc = program_split(words, argv);
	} else {
		argc = n > PROGRAM_ARGS ? -1 : (int)n;
		for (i = 0; argc > 0 && i < n; i++)
			argv[i] = cfg_getnstr(sec, "exec", i);
	}
	if (argc == -1)
		conf_error(cx, line, "%sexec: more than %d words", who,
		    PROGRAM_ARGS);
	else if (argc == 0 || argv[0][0] != '/')
		conf_error(cx, line, "%sexec \"%s\": the program must be an "
		    "absolute path", who, argc == 0 ? "" : argv[0]);
	else if ((sc->sc_exec_argv = conf_exec_pack(cx, argv, (size_t)argc,
	    line)) != NULL)
		sc->sc_exec = conf_exec_join(cx, sc->sc_exec_argv, line);
	free(words);
}

/* What wait = true allows, and what datagrams need. */
static void
conf_exec_wait(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	sc->sc_wait = cfg_size(sec, "wait") > 0 && cfg_getbool(sec, "wait");
	if (sc->sc_ndgram > 0 && !sc->sc_wait)
		conf_error(cx, conf_line(cx, sec, "listen_datagram", 0,
		    sc->sc_line), "%slisten_datagram needs wait = true: the "
		    "program reads the datagrams itself", who);
	if (sc->sc_wait && (sc->sc_nallow > 0 || sc->sc_ndeny > 0 ||
	    sc->sc_per_source > 0))
		conf_error(cx, conf_line(cx, sec, "wait", 0, sc->sc_line),
		    "%swait = true: allow, deny and per_source cannot apply, "
		    "the program receives its clients itself", who);
}

/* An option only type exec takes, set on another type. */
static void
conf_exec_only(struct conf_ctx *cx, cfg_t *sec, const struct svc_conf *sc,
    const char *name, const char *who)
{
	if (cfg_size(sec, name) > 0)
		conf_error(cx, conf_line(cx, sec, name, 0, sc->sc_line),
		    "%s%s: only for type exec", who, name);
}

static void
conf_exec_limits(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	sc->sc_rlimit_cpu = conf_uint(cx, sec, "rlimit_cpu", 0,
	    CONF_MAX_RLIMIT_CPU, sc->sc_line, who);
	sc->sc_rlimit_nofile = conf_uint(cx, sec, "rlimit_nofile", 0,
	    CONF_MAX_RLIMIT_NOFILE, sc->sc_line, who);
	/* Fewer than 0-2 plus what the dynamic loader opens cannot exec. */
	if (sc->sc_rlimit_nofile > 0 && sc->sc_rlimit_nofile < 8)
		conf_error(cx, conf_line(cx, sec, "rlimit_nofile", 0,
		    sc->sc_line), "%srlimit_nofile = %u: 0 or at least 8",
		    who, sc->sc_rlimit_nofile);
	sc->sc_rlimit_as = conf_ulong(cx, sec, "rlimit_as", 0,
	    CONF_MAX_RLIMIT_AS, sc->sc_line, who);
	if (sc->sc_rlimit_as > 0 && sc->sc_rlimit_as < CONF_MIN_RLIMIT_AS)
		conf_error(cx, conf_line(cx, sec, "rlimit_as", 0, sc->sc_line),
		    "%srlimit_as = %lu: 0 or at least %lu bytes", who,
		    sc->sc_rlimit_as, CONF_MIN_RLIMIT_AS);
}

void
conf_exec(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	conf_exec_limits(cx, sec, sc, who);
	if (sc->sc_type == NULL)
		return;		/* its error is reported */
	if (strcmp(sc->sc_type->sv_type, "exec") != 0) {
		conf_exec_only(cx, sec, sc, "exec", who);
		conf_exec_only(cx, sec, sc, "exec_argv0", who);
		conf_exec_only(cx, sec, sc, "env", who);
		conf_exec_only(cx, sec, sc, "wait", who);
		return;
	}
	conf_exec_line(cx, sec, sc, who);
	if (cfg_getstr(sec, "exec_argv0") != NULL)
		sc->sc_exec_argv0 = conf_strdup(cx, cfg_getstr(sec,
		    "exec_argv0"), conf_line(cx, sec, "exec_argv0", 0,
		    sc->sc_line));
	conf_exec_env(cx, sec, sc, who);
	conf_exec_wait(cx, sec, sc, who);
}
