/*
 * Reading an xinetd configuration's files (see xinetd_read.h).  As
 * xinetd does: an "include" is read where it stands; an "includedir"
 * reads every regular file of the directory whose name holds no '.'
 * and does not end in '~', in the C locale's order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/xinetd_read.h"

/* Includes nested deeper than this are taken for a loop. */
#define XREAD_DEPTH	16

struct xsource {
	char		*xs_path;
	struct xfile	 xs_file;
};

/* Where a message is about: "FILE:LINE: " or nothing for the top. */
struct xwhere {
	const char	*xw_file;
	unsigned	 xw_line;
};

static enum xread_status
xread_fail(enum xread_status st, const struct xwhere *at, char *err,
    size_t errlen, const char *path, const char *what)
{
	if (at->xw_file != NULL)
		snprintf(err, errlen, "%s:%u: %s: %s", at->xw_file,
		    at->xw_line, path, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
	return st;
}

/* The whole of a regular file, NUL-terminated; NULL with errno. */
static char *
xread_text(const char *path, size_t *len)
{
	struct stat st;
	char *text = NULL;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > XREAD_MAX_SIZE) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	*len = 0;
	while (*len <= (size_t)st.st_size) {
		n = read(fd, text + *len, (size_t)st.st_size + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	if (*len > (size_t)st.st_size) {
		errno = EFBIG;	/* it grew while read */
		goto fail;
	}
	text[*len] = '\0';
	close(fd);
	return text;
fail:
	saved = errno;
	free(text);
	close(fd);
	errno = saved;
	return NULL;
}

static enum xread_status xread_file(struct xconf *, const char *,
    const struct xwhere *, int, char *, size_t);

/* An "includedir": its files, sorted, each read in turn. */
static int
xread_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
xread_wanted(const char *dir, const char *name)
{
	struct stat st;
	char path[4096];
	size_t len = strlen(name);

	if (strchr(name, '.') != NULL || len == 0 || name[len - 1] == '~')
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return 0;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static enum xread_status
xread_dir(struct xconf *xc, const char *dir, const struct xwhere *at,
    int depth, char *err, size_t errlen)
{
	enum xread_status st = XREAD_OK;
	char **names = NULL, **grown, path[4096];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return xread_fail(XREAD_MISSING, at, err, errlen, dir,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!xread_wanted(dir, de->d_name))
			continue;
		if ((grown = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (grown[n] = strdup(de->d_name)) == NULL) {
			names = grown != NULL ? grown : names;
			st = xread_fail(XREAD_BAD, at, err, errlen, dir,
			    "out of memory");
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (st == XREAD_OK && n > 0)
		qsort(names, n, sizeof(*names), xread_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (st == XREAD_OK)
			st = xread_file(xc, path, at, depth, err, errlen);
		free(names[i]);
	}
	free(names);
	return st;
}

/* The entries of a file just parsed: services, defaults, includes. */
static enum xread_status
xread_entries(struct xconf *xc, const char *file, const struct xfile *xf,
    int depth, char *err, size_t errlen)
{
	const struct xentry *xe;
	struct xservice *grown;
	struct xwhere at = { file, 0 };
	size_t i;

	for (i = 0; i < xf->xf_nentries; i++) {
		enum xread_status st = XREAD_OK;

		xe = &xf->xf_entries[i];
		at.xw_line = xe->xe_line;
		if (xe->xe_kind == XK_INCLUDE)
			st = xread_file(xc, xe->xe_name, &at, depth + 1, err,
			    errlen);
		else if (xe->xe_kind == XK_INCLUDEDIR)
			st = xread_dir(xc, xe->xe_name, &at, depth + 1, err,
			    errlen);
		else if (xe->xe_kind == XK_DEFAULTS && xc->xc_defaults != NULL) {
			snprintf(err, errlen, "%s:%u: a second defaults section "
			    "(the first is at %s:%u)", file,
			    xe->xe_line, xc->xc_defaults_file,
			    xc->xc_defaults->xe_line);
			st = XREAD_BAD;
		} else if (xe->xe_kind == XK_DEFAULTS) {
			xc->xc_defaults = xe;
			xc->xc_defaults_file = file;
		} else {
			grown = realloc(xc->xc_services, (xc->xc_nservices + 1) *
			    sizeof(*grown));
			if (grown == NULL)
				return xread_fail(XREAD_BAD, &at, err, errlen,
				    xe->xe_name, "out of memory");
			xc->xc_services = grown;
			grown[xc->xc_nservices].xv_entry = xe;
			grown[xc->xc_nservices++].xv_file = file;
		}
		if (st != XREAD_OK)
			return st;
	}
	return XREAD_OK;
}

static enum xread_status
xread_file(struct xconf *xc, const char *path, const struct xwhere *at,
    int depth, char *err, size_t errlen)
{
	struct xsource *grown, *xs;
	struct xfile xf;
	size_t len;
	char *text;
	int rc;

	if (depth > XREAD_DEPTH)
		return xread_fail(XREAD_BAD, at, err, errlen, path, "included "
		    "more than 16 deep (an include loop?)");
	if ((text = xread_text(path, &len)) == NULL)
		return xread_fail(XREAD_MISSING, at, err, errlen, path,
		    errno == EINVAL ? "not a regular file" : errno == EFBIG ?
		    "larger than 1 MiB" : strerror(errno));
	grown = realloc(xc->xc_sources, (xc->xc_nsources + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(text);
		return xread_fail(XREAD_BAD, at, err, errlen, path,
		    "out of memory");
	}
	xc->xc_sources = grown;
	xs = &grown[xc->xc_nsources];
	memset(xs, 0, sizeof(*xs));
	if ((xs->xs_path = strdup(path)) == NULL) {
		free(text);
		return xread_fail(XREAD_BAD, at, err, errlen, path,
		    "out of memory");
	}
	xc->xc_nsources++;
	rc = xinetd_parse(text, len, xs->xs_path, &xs->xs_file, err, errlen);
	free(text);
	if (rc == -1)
		return XREAD_BAD;
	/*
	 * A copy of the entries' handle: an include below adds sources, and
	 * xs may move; the entries and the path stay where they are.
	 */
	xf = xs->xs_file;
	return xread_entries(xc, xs->xs_path, &xf, depth, err, errlen);
}

enum xread_status
xconf_read(struct xconf *xc, const char *path, char *err, size_t errlen)
{
	struct xwhere top = { NULL, 0 };

	err[0] = '\0';
	return xread_file(xc, path, &top, 0, err, errlen);
}

void
xconf_free(struct xconf *xc)
{
	size_t i;

	for (i = 0; i < xc->xc_nsources; i++) {
		xinetd_free(&xc->xc_sources[i].xs_file);
		free(xc->xc_sources[i].xs_path);
	}
	free(xc->xc_sources);
	free(xc->xc_services);
	memset(xc, 0, sizeof(*xc));
}
