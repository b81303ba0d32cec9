/*
 * Single values of the parsed tree: integers within their ceilings,
 * strings, paths made absolute, user and group names, CIDR lists.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf_diag.h"
#include "config/conf_value.h"
#include "config/idlookup.h"
#include "net/cidr.h"

/*
 * An integer option that must lie in [min, max].  The ceilings (see
 * config.h) keep every value one a running daemon can live with: a
 * slot table it can allocate and scan, a grace period that does not
 * wrap when counted in 50 ms steps, timeouts alarm() takes.
 */
unsigned long
conf_ulong(struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned long min, unsigned long max, unsigned where, const char *who)
{
	long	v = cfg_getint(sec, name);

	if (v == CONF_BADINT)		/* already reported */
		return min;
	if (v < 0 || (unsigned long)v < min || (unsigned long)v > max) {
		conf_error(cx, conf_line(cx, sec, name, 0, where),
		    "%s%s = %ld: must be from %lu to %lu", who, name, v, min,
		    max);
		return min;
	}
	return (unsigned long)v;
}

int
conf_bytes(const char *text, long *v)
{
	static const char units[] = "KMGT";
	const char	*unit;
	char		*end;
	unsigned	 shift;
	long		 n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (end == text || errno == ERANGE || n == CONF_BADINT)
		return -1;
	if (*end == '\0') {
		*v = n;
		return 0;
	}
	if (end[1] != '\0' || n < 0 ||
	    (unit = strchr(units, toupper((unsigned char)*end))) == NULL)
		return -1;
	shift = 10 * (unsigned)(unit - units + 1);
	if (n > LONG_MAX >> shift)
		return -1;
	*v = n << shift;
	return 0;
}

unsigned
conf_uint(struct conf_ctx *cx, cfg_t *sec, const char *name, unsigned min,
    unsigned max, unsigned where, const char *who)
{
	return (unsigned)conf_ulong(cx, sec, name, min, max, where, who);
}

char *
conf_strdup(struct conf_ctx *cx, const char *s, unsigned line)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		conf_error(cx, line, "%s", strerror(errno));
	return p;
}

/*
 * A copy of path, made absolute against the start directory: spawnd
 * chdirs to "/" when it daemonizes.  "./" prefixes are dropped.
 */
char *
conf_path(struct conf_ctx *cx, const char *path, unsigned line,
    const char *who, const char *name)
{
	const char	*cwd = cx->cx_cwd;
	size_t		 len;
	char		*p;

	if (path[0] == '\0') {
		conf_error(cx, line, "%s%s must not be empty", who, name);
		return NULL;
	}
	if (path[0] == '/')
		return conf_strdup(cx, path, line);
	if (cwd == NULL || cwd[0] != '/') {
		conf_error(cx, line, "%s%s \"%s\": a relative path needs "
		    "the start directory", who, name, path);
		return NULL;
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	len = strlen(cwd) + strlen(path) + 2;
	if ((p = malloc(len)) == NULL) {
		conf_error(cx, line, "%s", strerror(errno));
		return NULL;
	}
	snprintf(p, len, "%s%s%s", cwd,
	    cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
	return p;
}

/*
 * A user (group nonzero: a group) name, or a number, to its id.  errno
 * after a failed getpwnam(3) is 0 or one of these when the name merely
 * does not exist.
 */
int
conf_id(struct conf_ctx *cx, int group, const char *name, unsigned line,
    const char *who, unsigned long *id)
{
	const char	*what = group ? "group" : "user";
	int		 found = idl_name(group, name, id);

	if (found == 1)
		return 0;
	if (found == -1 || (errno != 0 && errno != ENOENT && errno != ESRCH &&
	    errno != EBADF && errno != EPERM)) {
		conf_error(cx, line, "%slooking up %s \"%s\": %s", who, what,
		    name, strerror(errno));
		return -1;
	}
	if (name[0] != '\0' && strspn(name, "0123456789") == strlen(name) &&
	    strlen(name) < 10) {
		*id = strtoul(name, NULL, 10);
		return 0;
	}
	conf_error(cx, line, "%sunknown %s \"%s\"", who, what, name);
	return -1;
}

void
conf_cidrs(struct conf_ctx *cx, cfg_t *sec, const char *name,
    struct cidr **cis, size_t *ncis, const char *who)
{
	unsigned	 i, n = cfg_size(sec, name);
	char		 err[512];

	if (n == 0)
		return;
	if ((*cis = calloc(n, sizeof(**cis))) == NULL) {
		conf_error(cx, conf_line(cx, sec, name, 0, 1), "%s",
		    strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char	*text = cfg_getnstr(sec, name, i);

		if (cidr_parse(text, &(*cis)[*ncis], err, sizeof(err)) == 0)
			(*ncis)++;
		else
			conf_error(cx, conf_line(cx, sec, name, i, 1),
			    "%s%s \"%s\": %s", who, name, text, err);
	}
}
