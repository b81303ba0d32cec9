/*
 * Fortune cookies for the services, from fortune_file or from an
 * external fortune_command (cookie_command.c), and the checks both get
 * at configuration time.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buildtree.h"
#include "base/program.h"
#include "child/privileges.h"
#include "config/config.h"
#include "services/cookie.h"
#include "services/cookie_command.h"
#include "services/fortune_file.h"
#include "services/fortune_offsets.h"
#include "services/fortune_random.h"

static int
cookie_check_command(const struct svc_conf *sc, char *err, size_t errlen)
{
	const char *cmd = sc->sc_fortune_command;
	char *argv[PROGRAM_ARGS + 1], *buf;
	int argc, rc = -1;

	if ((buf = strdup(cmd)) == NULL) {
		snprintf(err, errlen, "fortune_command: %s", strerror(errno));
		return -1;
	}
	argc = program_split(buf, argv);
	if (argc == -1)
		snprintf(err, errlen, "fortune_command: more than %d words",
		    PROGRAM_ARGS);
	else if (argc == 0 || argv[0][0] != '/')
		snprintf(err, errlen, "fortune_command \"%s\": the program "
		    "must be an absolute path", cmd);
	else if (access(argv[0], X_OK) == -1)
		snprintf(err, errlen, "fortune_command %s: %s", argv[0],
		    strerror(errno));
	else
		rc = privileges_check_access(sc, "fortune_command", argv[0],
		    X_OK, err, errlen);
	free(buf);
	return rc;
}

/*
 * What cookie_check leaves in sc_data: the cookies a datagram may get,
 * and where the stream children find theirs.
 */
struct cookie_store {
	struct fortune_set	 cs_dgram;	/* empty without datagrams */
	struct fortune_offsets	 cs_offsets;	/* empty with a fortune_command */
};

static void
cookie_store_free(struct cookie_store *cs)
{
	fortune_set_free(&cs->cs_dgram);
	fortune_offsets_free(&cs->cs_offsets);
	free(cs);
}

/*
 * The build tree's binary, run with a configuration of its own before
 * "make install": the compiled-in cookie file is not there yet.  Say
 * where the cookies are (the installed binary has no such hint: its
 * package put the file there).
 */
static void
cookie_hint_uninstalled(const char *file, char *err, size_t errlen)
{
	char src[PATH_MAX];
	size_t len = strlen(err);

	if (strcmp(file, PKGDATADIR "/fortunes") != 0 ||
	    access(file, F_OK) == 0 || errno != ENOENT ||
	    buildtree_srcdir(src, sizeof(src)) == -1)
		return;
	snprintf(err + len, errlen - len, " (not installed yet: set "
	    "fortune_file = \"%s/etc/fortunes\", or make install)", src);
}

int
cookie_check(struct svc_conf *sc, int dgram, char *err, size_t errlen)
{
	struct cookie_store *cs;
	int command;
	long n;

	sc->sc_data = NULL;
	command = sc->sc_fortune_command != NULL &&
	    sc->sc_fortune_command[0] != '\0';
	if (command) {
		if (cookie_check_command(sc, err, errlen) == -1)
			return -1;
		if (!dgram)
			return 0;
	}
	if (sc->sc_fortune_file == NULL || sc->sc_fortune_file[0] == '\0') {
		snprintf(err, errlen, "missing fortune file (fortune_file "
		    "is empty)");
		return -1;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		snprintf(err, errlen, "loading fortunes: %s", strerror(errno));
		return -1;
	}
	/*
	 * Streams read the file in the child: only where each cookie is
	 * (fortune_pick decides, per connection, whether a strfile index
	 * says otherwise).
	 */
	n = fortune_load(sc->sc_fortune_file, FORTUNE_DGRAM_MAX,
	    dgram ? &cs->cs_dgram : NULL, command ? NULL : &cs->cs_offsets,
	    err, errlen);
	if (n == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie",
		    sc->sc_fortune_file);
	else if (n > 0 && dgram && cs->cs_dgram.fs_count == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie of at "
		    "most %d bytes for datagram replies", sc->sc_fortune_file,
		    FORTUNE_DGRAM_MAX);
	else if (n > 0 && privileges_check_access(sc, "fortune file",
	    sc->sc_fortune_file, R_OK, err, errlen) == 0) {
		sc->sc_data = cs;
		return 0;
	}
	if (n < 0)
		cookie_hint_uninstalled(sc->sc_fortune_file, err, errlen);
	cookie_store_free(cs);
	return -1;
}

void
cookie_release(struct svc_conf *sc)
{
	if (sc->sc_data != NULL)
		cookie_store_free(sc->sc_data);
	sc->sc_data = NULL;
}

size_t
cookie_dgram(const struct svc_conf *sc, char *buf, size_t cap)
{
	const struct cookie_store *cs = sc->sc_data;
	const struct fortune_set *fs;
	size_t k;

	if (cs == NULL || cs->cs_dgram.fs_count == 0)
		return 0;
	fs = &cs->cs_dgram;
	k = fortune_random(fs->fs_count);
	if (fs->fs_len[k] > cap)
		return 0;
	memcpy(buf, fs->fs_text[k], fs->fs_len[k]);
	return fs->fs_len[k];
}

char *
cookie_get(const struct svc_conf *sc, size_t *lenp, char *err, size_t errlen)
{
	if (sc->sc_fortune_command != NULL && sc->sc_fortune_command[0] != '\0')
		return cookie_command_run(sc->sc_fortune_command, lenp, err,
		    errlen);
	const struct cookie_store *cs = sc->sc_data;

	return fortune_pick(sc->sc_fortune_file, cs != NULL ? &cs->cs_offsets :
	    NULL, lenp, err, errlen);
}

int
cookie_check_stream(struct svc_conf *sc, const struct config *cf, char *err,
    size_t errlen)
{
	(void)cf;
	return cookie_check(sc, 0, err, errlen);
}
