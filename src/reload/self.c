/*
 * Who we are, for re-executing ourselves (see self.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/path.h"
#include "handover/handover.h"
#include "reload/self.h"

/* Find argv[0] the way the shell did, so a reload runs the same file. */
static int
self_locate(struct self *se, const char *argv0)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX];

	if (strchr(argv0, '/') != NULL)
		return path_join(se->se_path, sizeof(se->se_path),
		    se->se_startdir, argv0);
	while (path != NULL && *path != '\0') {
		size_t len = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)len, len ? path : ".");
		if (path_join(se->se_path, sizeof(se->se_path), dir, argv0) == 0 &&
		    se->se_path[0] == '/' && access(se->se_path, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	errno = ENOENT;
	return -1;
}

int
self_init(struct self *se, const struct handover *ho, char **argv,
    const char *config, const char *pidfile, char *err, size_t errlen)
{
	memset(se, 0, sizeof(*se));
	se->se_argv = argv;
	se->se_config = config;
	se->se_pidfile = pidfile;
	se->se_reexec = ho->ho_present;
	if (ho->ho_present && ho->ho_startdir[0] == '/')
		memcpy(se->se_startdir, ho->ho_startdir, sizeof(se->se_startdir));
	else if (getcwd(se->se_startdir, sizeof(se->se_startdir)) == NULL) {
		snprintf(err, errlen, "getcwd: %s", strerror(errno));
		return EX_OSERR;
	}
	if (self_locate(se, argv[0]) == -1) {
		snprintf(err, errlen, "cannot locate my own binary \"%s\": %s",
		    argv[0], strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

int
self_pidfile(const struct self *se, const char *pidfile, char *out,
    size_t outlen)
{
	return path_join(out, outlen, se->se_startdir,
	    se->se_pidfile != NULL ? se->se_pidfile : pidfile);
}
