/*
 * One xinetd service's attributes as xinetd settles them: the defaults
 * section's values where the service sets none, list attributes
 * (only_from, no_access, log_on_success, log_on_failure, passenv, env)
 * built up from the defaults by the service's "=", "+=" and "-=", the
 * first "=" of any other attribute.  "interface" is "bind".
 */
#ifndef SPAWND_MIGRATE_MIGRATE_ATTRS_H
#define SPAWND_MIGRATE_MIGRATE_ATTRS_H

#include <stddef.h>

#include "migrate/xinetd_parse.h"

/* An attribute with its settled values. */
struct mattr {
	const char		 *ma_name;	/* "bind" for "interface" */
	const char		**ma_values;	/* into the parsed entries */
	size_t			  ma_nvalues;
	const struct xattr	 *ma_src;	/* the line that set it last */
	const char		 *ma_file;	/* the file of that line */
	int			  ma_ignored;	/* xinetd ignores this line */
	int			  ma_default;	/* from the defaults section */
};

struct mattrs {
	struct mattr	*mx_attrs;	/* in the order first set */
	size_t		 mx_n;
};

/*
 * Settle service svc (of file) over defaults (NULL: none, else of
 * deffile).  A repeated single-valued attribute, or "+=" / "-=" on one,
 * is an attribute of its own with ma_ignored set, as xinetd warns and
 * ignores it.  0, or -1 when out of memory (mx is freed either way by
 * mattrs_free).
 */
int mattrs_settle(struct mattrs *mx, const struct xentry *svc,
    const char *file, const struct xentry *defaults, const char *deffile);

/* The settled attribute name (not an ignored one), or NULL. */
const struct mattr *mattrs_get(const struct mattrs *mx, const char *name);

/* Whether a service inherits name from the defaults section. */
int mattrs_inherited(const char *name);

/* Whether name is a list attribute, which "+=" and "-=" may change. */
int mattrs_is_list(const char *name);

void mattrs_free(struct mattrs *mx);

#endif
