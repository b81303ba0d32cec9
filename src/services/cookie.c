/*
 * Fortune cookies for the services, from fortune_file or from an
 * external fortune_command (cookie_command.c), and the checks both get
 * at configuration time.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child/privileges.h"
#include "child/program.h"
#include "config/config.h"
#include "services/cookie.h"
#include "services/cookie_command.h"
#include "services/fortune_file.h"
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

int
cookie_check(struct svc_conf *sc, int dgram, char *err, size_t errlen)
{
	struct fortune_set *fs = NULL;
	long n;

	sc->sc_data = NULL;
	if (sc->sc_fortune_command != NULL && sc->sc_fortune_command[0] != '\0') {
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
	if (dgram && (fs = malloc(sizeof(*fs))) == NULL) {
		snprintf(err, errlen, "loading fortunes: %s", strerror(errno));
		return -1;
	}
	n = fortune_load(sc->sc_fortune_file, FORTUNE_DGRAM_MAX, fs, err,
	    errlen);
	if (n == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie",
		    sc->sc_fortune_file);
	else if (n > 0 && fs != NULL && fs->fs_count == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie of at "
		    "most %d bytes for datagram replies", sc->sc_fortune_file,
		    FORTUNE_DGRAM_MAX);
	else if (n > 0 && privileges_check_access(sc, "fortune file",
	    sc->sc_fortune_file, R_OK, err, errlen) == 0) {
		sc->sc_data = fs;
		return 0;
	}
	if (fs != NULL) {
		fortune_set_free(fs);
		free(fs);
	}
	return -1;
}

void
cookie_release(struct svc_conf *sc)
{
	struct fortune_set *fs = sc->sc_data;

	if (fs != NULL) {
		fortune_set_free(fs);
		free(fs);
		sc->sc_data = NULL;
	}
}

size_t
cookie_dgram(const struct svc_conf *sc, char *buf, size_t cap)
{
	const struct fortune_set *fs = sc->sc_data;
	size_t k;

	if (fs == NULL || fs->fs_count == 0)
		return 0;
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
	return fortune_pick(sc->sc_fortune_file, lenp, err, errlen);
}

int
cookie_check_stream(struct svc_conf *sc, const struct config *cf, char *err,
    size_t errlen)
{
	(void)cf;
	return cookie_check(sc, 0, err, errlen);
}
