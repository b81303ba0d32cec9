/*
 * What watch_config watches (config.h: struct conf_watch), recorded as a
 * load meets the include globs and inetd_conf, and whether the files
 * found there now still hold what was loaded (conf_changed).  Watching
 * itself is the parent's (parent/watch.c); this file only knows paths
 * and texts.
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

#include "config/conf_source.h"
#include "config/conf_watch.h"
#include "config/config.h"

int
conf_watch_add(struct config *cf, int kind, const char *glob)
{
	struct conf_watch *cw;

	cw = reallocarray(cf->cf_watched, cf->cf_nwatched + 1, sizeof(*cw));
	if (cw == NULL)
		return -1;
	cf->cf_watched = cw;
	cw += cf->cf_nwatched;
	if ((cw->cw_glob = strdup(glob)) == NULL)
		return -1;
	cw->cw_kind = kind;
	cf->cf_nwatched++;
	return 0;
}

int
conf_glob_literal(char *out, size_t size, const char *path)
{
	size_t n = 0;

	for (; *path != '\0'; path++) {
		if (n + 3 > size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (strchr("*?[\\", *path) != NULL)
			out[n++] = '\\';
		out[n++] = *path;
	}
	out[n] = '\0';
	return 0;
}

/* The source of kind whose path is path, or NULL. */
static const struct conf_source *
conf_source_at(const struct config *cf, int kind, const char *path)
{
	size_t i;

	for (i = 0; i < cf->cf_nsources; i++)
		if (cf->cf_sources[i].cs_kind == kind &&
		    cf->cf_sources[i].cs_path != NULL &&
		    strcmp(cf->cf_sources[i].cs_path, path) == 0)
			return &cf->cf_sources[i];
	return NULL;
}

/*
 * Does path hold cs's text?  -1: it cannot be read (errno).  NULs count
 * as the \x01 conf_inetd() makes of them.
 */
static int
conf_same_text(const struct conf_source *cs, const char *path)
{
	char *text;
	size_t len, i;
	int same;

	if ((text = conf_read(path, &len)) == NULL)
		return -1;
	for (i = 0; cs->cs_kind == CONF_SOURCE_INETD && i < len; i++)
		if (text[i] == '\0')
			text[i] = '\x01';
	same = len == cs->cs_len && memcmp(text, cs->cs_text, len) == 0;
	free(text);
	return same;
}

/*
 * Is the file at path an included source under another name (two globs,
 * or a link, reach it: it was loaded once)?
 */
static int
conf_included_elsewhere(const struct config *cf, const char *path)
{
	struct stat st, sst;
	size_t i;

	if (stat(path, &st) == -1)
		return 0;
	for (i = 0; i < cf->cf_nsources; i++)
		if (cf->cf_sources[i].cs_kind == CONF_SOURCE_INCLUDE &&
		    stat(cf->cf_sources[i].cs_path, &sst) == 0 &&
		    sst.st_dev == st.st_dev && sst.st_ino == st.st_ino)
			return 1;
	return 0;
}

/* A file one include glob finds now that is new or edited. */
static const char *
conf_glob_changed(const struct config *cf, const char *pattern, glob_t *g)
{
	const struct conf_source *cs;
	size_t i;

	/* Cannot tell (out of memory, a directory unreadable): no news. */
	if (glob(pattern, 0, NULL, g) != 0)
		return NULL;
	for (i = 0; i < g->gl_pathc; i++) {
		cs = conf_source_at(cf, CONF_SOURCE_INCLUDE, g->gl_pathv[i]);
		if (cs != NULL ? conf_same_text(cs, g->gl_pathv[i]) != 1 :
		    !conf_included_elsewhere(cf, g->gl_pathv[i]))
			return g->gl_pathv[i];
	}
	return NULL;
}

/* inetd_conf (pattern: its path, escaped) new, gone or edited? */
static int
conf_inetd_changed(const struct config *cf, const char *pattern,
    char *path, size_t size)
{
	const struct conf_source *cs;
	char literal[PATH_MAX], *text, why[PATH_MAX + 256];
	struct stat st;
	size_t n = 0, len;
	int changed;

	for (; *pattern != '\0' && n + 1 < sizeof(literal); pattern++) {
		if (*pattern == '\\' && pattern[1] != '\0')
			pattern++;
		literal[n++] = *pattern;
	}
	literal[n] = '\0';
	if ((cs = conf_source_at(cf, CONF_SOURCE_INETD, literal)) != NULL)
		changed = conf_same_text(cs, literal) != 1;
	else if ((text = conf_read(literal, &len)) != NULL) {
		free(text);
		/* There now, and was not then -- unless it is not loaded. */
		changed = stat(literal, &st) == 0 &&
		    !conf_unsafe(literal, &st, why, sizeof(why));
	} else
		changed = 0;	/* still missing (or still unreadable) */
	if (changed)
		snprintf(path, size, "%s", literal);
	return changed;
}

int
conf_changed(const struct config *cf, char *path, size_t size)
{
	const struct conf_watch *cw;
	const char *found;
	struct stat st;
	glob_t g;
	size_t i;

	for (i = 0; i < cf->cf_nwatched; i++) {
		cw = &cf->cf_watched[i];
		if (cw->cw_kind == CONF_SOURCE_INETD) {
			if (conf_inetd_changed(cf, cw->cw_glob, path, size))
				return 1;
			continue;
		}
		memset(&g, 0, sizeof(g));
		found = conf_glob_changed(cf, cw->cw_glob, &g);
		if (found != NULL)
			snprintf(path, size, "%s", found);
		globfree(&g);
		if (found != NULL)
			return 1;
	}
	/* An included file that is gone. */
	for (i = 0; i < cf->cf_nsources; i++)
		if (cf->cf_sources[i].cs_kind == CONF_SOURCE_INCLUDE &&
		    stat(cf->cf_sources[i].cs_path, &st) == -1 &&
		    errno == ENOENT) {
			snprintf(path, size, "%s", cf->cf_sources[i].cs_path);
			return 1;
		}
	return 0;
}
