/*
 * Unit tests for what watch_config watches (src/config/conf_watch.c):
 * the globs and inetd_conf's path recorded, escaped as glob(3) takes
 * them, also when nothing matches yet; and conf_changed() -- a file
 * edited, new, removed; inetd_conf made, edited, removed; a file two
 * globs (or a link) reach is no change; spawnd.conf itself is not
 * looked at.  Files are written to a mkdtemp directory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "services/service.h"
#include "tap.h"

static char	tmpdir[PATH_MAX];
static char	conffile[PATH_MAX + 32];
static int	nmsgs;

static void
collect(void *ctx, const char *line)
{
	(void)ctx;
	printf("#   reported: %s\n", line);
	nmsgs++;
}

static void put(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Write tmpdir/name. */
static void
put(const char *name, const char *fmt, ...)
{
	char path[PATH_MAX + 64];
	va_list ap;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(99);
	}
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	if (fclose(fp) == EOF) {
		perror(path);
		exit(99);
	}
}

static void
drop(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	(void)unlink(path);
}

/* tmpdir/name, for comparing with what conf_changed() says. */
static const char *
at(const char *name)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* Does conf_changed() say name (NULL: nothing) changed? */
static int
changed_is(const struct config *cf, const char *name)
{
	char path[PATH_MAX];
	int rc = conf_changed(cf, path, sizeof(path));

	if (name == NULL) {
		if (rc != 0)
			printf("#   changed: %s\n", path);
		return rc == 0;
	}
	if (rc != 1 || strcmp(path, at(name)) != 0)
		printf("#   changed: %d %s, want %s\n", rc, rc ? path : "",
		    at(name));
	return rc == 1 && strcmp(path, at(name)) == 0;
}

static int
load(struct config *cf)
{
	nmsgs = 0;
	return conf_load(cf, svc_types, conffile, tmpdir, collect, NULL);
}

static void
test_recorded(void)
{
	struct config cf;

	put("spawnd.conf", "include = {\"d/*.conf\", \"none-*.conf\"}\n"
	    "inetd_conf = \"in[etd].conf\"\n"
	    "service h { type = \"hello\" listen_stream = {\"127.0.0.1:1\"} }\n");
	ok(load(&cf) == 0, "a configuration with include and inetd_conf loads");
	ok(cf.cf_watch_config == 1, "watch_config is on by default");
	ok(cf.cf_nwatched == 3, "both globs and inetd_conf are watched, "
	    "matching nothing yet (%zu)", cf.cf_nwatched);
	if (cf.cf_nwatched == 3) {
		char want[PATH_MAX + 64];

		snprintf(want, sizeof(want), "%s/d/*.conf", tmpdir);
		is_str(cf.cf_watched[0].cw_glob, want, "a relative glob "
		    "is made absolute");
		ok(cf.cf_watched[0].cw_kind == CONF_SOURCE_INCLUDE,
		    "its kind is include");
		snprintf(want, sizeof(want), "%s/in\\[etd].conf", tmpdir);
		is_str(cf.cf_watched[2].cw_glob, want, "inetd_conf's path "
		    "has its wildcards escaped");
		ok(cf.cf_watched[2].cw_kind == CONF_SOURCE_INETD,
		    "its kind is inetd");
	}
	ok(changed_is(&cf, NULL), "nothing changed right after the load");
	conf_free(&cf);
	put("spawnd.conf", "watch_config = false\n"
	    "service h { type = \"hello\" listen_stream = {\"127.0.0.1:1\"} }\n");
	ok(load(&cf) == 0 && cf.cf_watch_config == 0 && cf.cf_nwatched == 0,
	    "watch_config = false, and nothing to watch");
	conf_free(&cf);
}

static void
test_changed(void)
{
	struct config cf;
	char path[PATH_MAX + 64], link[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/d", tmpdir);
	if (mkdir(path, 0755) == -1) {
		perror(path);
		exit(99);
	}
	put("spawnd.conf", "include = {\"d/*.conf\", \"d/a.*\"}\n"
	    "inetd_conf = \"inetd.conf\"\n"
	    "service h { type = \"hello\" listen_stream = {\"127.0.0.1:1\"} }\n");
	put("d/a.conf", "service a { type = \"time\" "
	    "listen_stream = {\"127.0.0.1:2\"} }\n");
	put("inetd.conf", "# nothing yet\n");
	ok(load(&cf) == 0, "loads with a drop-in and an inetd.conf");
	ok(changed_is(&cf, NULL), "a file two globs find is loaded once, "
	    "and is no change");
	snprintf(link, sizeof(link), "%s/d/b.conf", tmpdir);
	snprintf(path, sizeof(path), "%s/d/a.conf", tmpdir);
	if (symlink(path, link) == -1) {
		perror(link);
		exit(99);
	}
	ok(changed_is(&cf, NULL), "a link to a loaded file is no change");
	drop("d/b.conf");
	put("spawnd.conf", "# edited\n");
	ok(changed_is(&cf, NULL), "spawnd.conf itself is not compared");
	put("d/a.conf", "service a { type = \"daytime\" "
	    "listen_stream = {\"127.0.0.1:2\"} }\n");
	ok(changed_is(&cf, "d/a.conf"), "an edited drop-in");
	put("d/a.conf", "service a { type = \"time\" "
	    "listen_stream = {\"127.0.0.1:2\"} }\n");
	ok(changed_is(&cf, NULL), "the same text written again is no change");
	put("d/c.conf", "\n");
	ok(changed_is(&cf, "d/c.conf"), "a new drop-in");
	drop("d/c.conf");
	put("d/c.conf.dpkg-new", "\n");
	ok(changed_is(&cf, NULL), "a name no glob matches is no change");
	drop("d/c.conf.dpkg-new");
	drop("d/a.conf");
	ok(changed_is(&cf, "d/a.conf"), "a drop-in removed");
	put("d/a.conf", "service a { type = \"time\" "
	    "listen_stream = {\"127.0.0.1:2\"} }\n");
	put("inetd.conf", "# nothing yet, edited\n");
	ok(changed_is(&cf, "inetd.conf"), "an edited inetd.conf");
	drop("inetd.conf");
	ok(changed_is(&cf, "inetd.conf"), "inetd.conf removed");
	conf_free(&cf);
	put("spawnd.conf", "inetd_conf = \"inetd.conf\"\n"
	    "service h { type = \"hello\" listen_stream = {\"127.0.0.1:1\"} }\n");
	ok(load(&cf) == 0, "loads with inetd.conf not there");
	ok(changed_is(&cf, NULL), "still not there is no change");
	put("inetd.conf", "\n");
	ok(changed_is(&cf, "inetd.conf"), "inetd.conf made");
	conf_free(&cf);
	drop("inetd.conf");
	drop("d/a.conf");
	snprintf(path, sizeof(path), "%s/d", tmpdir);
	(void)rmdir(path);
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/spawnd-test-watch.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) == -1) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(conffile, sizeof(conffile), "%s/spawnd.conf", tmpdir);
	test_recorded();
	test_changed();
	unlink(conffile);
	rmdir(tmpdir);
	return tap_done();
}
