/*
 * Included files (see conf_include.h): xinetd's includedir and a
 * package's drop-in, as globs.  A glob that matches nothing is fine; a
 * file that matches and cannot be read, or holds anything but service
 * sections, is an error in it, at its line.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/conf_convert.h"
#include "config/conf_diag.h"
#include "config/conf_include.h"
#include "config/conf_source.h"
#include "config/conf_parse.h"
#include "config/conf_watch.h"
#include "config/config.h"

/*
 * One included file's text (st: where a glob found it; NULL: given):
 * its service sections, its own FILE:LINE.
 */
static void
conf_include_text(struct conf_ctx *main, struct config *cf, const char *path,
    const char *text, size_t len, unsigned line, const struct stat *st)
{
	struct conf_source *cs;
	struct conf_ctx cx;
	cfg_t *cfg;

	if ((cs = conf_source_add(cf, path, text, len)) == NULL) {
		conf_error(main, line, "include: %s: %s", path,
		    strerror(errno));
		return;
	}
	cs->cs_kind = CONF_SOURCE_INCLUDE;
	if (st != NULL) {
		cs->cs_dev = st->st_dev;
		cs->cs_ino = st->st_ino;
	}
	memset(&cx, 0, sizeof(cx));
	cx.cx_file = cs->cs_path;
	cx.cx_types = main->cx_types;
	cx.cx_cwd = main->cx_cwd;
	cx.cx_report = main->cx_report;
	cx.cx_arg = main->cx_arg;
	cx.cx_uid = main->cx_uid;	/* the global user's, for defaults */
	cx.cx_gid = main->cx_gid;
	if ((cfg = conf_parse(&cx, cs->cs_text, cs->cs_len, 1)) != NULL) {
		conf_convert_services(&cx, cfg, cf);
		cfg_free(cfg);
	}
	conf_flush(&cx);
	conf_pos_free(&cx);
	conf_layout_free(&cx.cx_layout);
	main->cx_errors += cx.cx_errors;
}

/*
 * glob(3)'s word on a directory it could not read: a missing one is an
 * empty drop-in directory (a package took it away), anything else (no
 * permission, an I/O error) is kept for an error.  One load at a time.
 */
static int conf_glob_errno;
static char conf_glob_path[PATH_MAX];

static int
conf_glob_error(const char *path, int err)
{
	if (err != ENOENT && err != ENOTDIR && conf_glob_errno == 0) {
		conf_glob_errno = err;
		snprintf(conf_glob_path, sizeof(conf_glob_path), "%s", path);
	}
	return 0;
}

/*
 * pattern made absolute: a relative one is taken from the start
 * directory, whose own *, ? and [ must not act as wildcards.
 */
static int
conf_glob_pattern(char *full, size_t size, const char *cwd,
    const char *pattern)
{
	size_t n = 0;

	if (pattern[0] != '/') {
		for (; *cwd != '\0' && n + 2 < size; cwd++) {
			if (strchr("*?[\\", *cwd) != NULL)
				full[n++] = '\\';
			full[n++] = *cwd;
		}
		if (n + 1 < size && (n == 0 || full[n - 1] != '/'))
			full[n++] = '/';
	}
	if (n + strlen(pattern) + 1 > size)
		return -1;
	memcpy(full + n, pattern, strlen(pattern) + 1);
	return 0;
}

/* Is the file at st one of cf's sources already (two globs found it)? */
static int
conf_included(const struct config *cf, const struct stat *st)
{
	size_t i;

	for (i = 1; i < cf->cf_nsources; i++)
		if (cf->cf_sources[i].cs_ino == st->st_ino &&
		    cf->cf_sources[i].cs_dev == st->st_dev)
			return 1;
	return 0;
}

/* Every file one glob (full: made absolute) finds, sorted, read and loaded. */
static void
conf_include_glob(struct conf_ctx *cx, struct config *cf,
    const char *pattern, const char *full, unsigned line)
{
	char *text, why[PATH_MAX + 256];
	struct stat st;
	glob_t g;
	size_t i, len;
	int rc;

	conf_glob_errno = 0;
	rc = glob(full, 0, conf_glob_error, &g);
	if (conf_glob_errno != 0)
		conf_error(cx, line, "include \"%s\": %s: %s", pattern,
		    conf_glob_path, strerror(conf_glob_errno));
	if (rc == GLOB_NOMATCH || rc == GLOB_ABORTED)
		return;		/* an empty (or missing) drop-in directory */
	if (rc != 0) {
		conf_error(cx, line, "include \"%s\": out of memory", pattern);
		globfree(&g);
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];

		if (stat(path, &st) == -1) {
			conf_error(cx, line, "include \"%s\": %s: %s", pattern,
			    path, strerror(errno));
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			conf_error(cx, line, "include \"%s\": %s: not a "
			    "regular file", pattern, path);
			continue;
		}
		if (conf_unsafe(path, &st, why, sizeof(why))) {
			conf_error(cx, line, "include \"%s\": %s", pattern, why);
			continue;
		}
		if (conf_included(cf, &st))
			continue;	/* loaded once, where a glob first found it */
		if ((text = conf_read(path, &len)) == NULL) {
			conf_error(cx, line, "include \"%s\": %s: cannot read: "
			    "%s", pattern, path, strerror(errno));
			continue;
		}
		conf_include_text(cx, cf, path, text, len, line, &st);
		free(text);
	}
	globfree(&g);
}

void
conf_include(struct conf_ctx *cx, cfg_t *cfg, struct config *cf,
    const struct conf_source *given, size_t n)
{
	unsigned i, line, count = cfg_size(cfg, "include");
	char full[PATH_MAX * 2];
	const char *pattern;

	for (i = 0; i < count; i++) {
		pattern = cfg_getnstr(cfg, "include", i);
		line = conf_line(cx, cfg, "include", i, 1);
		if (conf_glob_pattern(full, sizeof(full), cx->cx_cwd,
		    pattern) == -1) {
			conf_error(cx, line, "include \"%s\": path too long",
			    pattern);
			continue;
		}
		if (conf_watch_add(cf, CONF_SOURCE_INCLUDE, full) == -1)
			conf_error(cx, line, "include \"%s\": %s", pattern,
			    strerror(errno));
		if (given == NULL)
			conf_include_glob(cx, cf, pattern, full, line);
	}
	for (i = 0; given != NULL && i < n; i++)
		if (given[i].cs_kind == CONF_SOURCE_INCLUDE)
			conf_include_text(cx, cf, given[i].cs_path,
			    given[i].cs_text, given[i].cs_len,
			    conf_line(cx, cfg, "include", 0, 1), NULL);
}
