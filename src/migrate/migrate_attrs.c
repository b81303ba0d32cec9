/*
 * Settling a service's attributes over the defaults section (see
 * migrate_attrs.h), as xinetd.conf(5) describes it: in the defaults
 * section "=" adds as "+=" does, and a service's list attribute starts
 * from the defaults' values.
 */
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_attrs.h"

/* xinetd's attributes of the defaults section that services inherit. */
static const char *const inherited[] = {
	"only_from", "no_access", "log_on_success", "log_on_failure",
	"passenv", "log_type", "bind", "per_source", "instances", "cps",
	"groups", "umask", "banner", "banner_success", "banner_fail",
	"max_load", "v6only", "access_times",
};

static const char *const lists[] = {
	"only_from", "no_access", "log_on_success", "log_on_failure",
	"passenv", "env",
};

static int
in_table(const char *const *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i], name) == 0)
			return 1;
	return 0;
}

static const char *
canonical(const char *name)
{
	return strcmp(name, "interface") == 0 ? "bind" : name;
}

int
mattrs_inherited(const char *name)
{
	return in_table(inherited, sizeof(inherited) / sizeof(*inherited),
	    canonical(name));
}

int
mattrs_is_list(const char *name)
{
	return in_table(lists, sizeof(lists) / sizeof(*lists), name);
}

static struct mattr *
find(struct mattrs *mx, const char *name)
{
	size_t i;

	for (i = 0; i < mx->mx_n; i++)
		if (!mx->mx_attrs[i].ma_ignored &&
		    strcmp(mx->mx_attrs[i].ma_name, name) == 0)
			return &mx->mx_attrs[i];
	return NULL;
}

const struct mattr *
mattrs_get(const struct mattrs *mx, const char *name)
{
	return find((struct mattrs *)mx, name);
}

static struct mattr *
add(struct mattrs *mx, const struct xattr *xa, const char *file, int ignored)
{
	struct mattr *grown, *ma;

	grown = realloc(mx->mx_attrs, (mx->mx_n + 1) * sizeof(*grown));
	if (grown == NULL)
		return NULL;
	mx->mx_attrs = grown;
	ma = &grown[mx->mx_n++];
	memset(ma, 0, sizeof(*ma));
	ma->ma_name = canonical(xa->xa_name);
	ma->ma_src = xa;
	ma->ma_file = file;
	ma->ma_ignored = ignored;
	return ma;
}

/*
 * Values of xa into ma: set (replace), added, or taken out.  A list is
 * a set (a value is in it once); another attribute's values are words
 * in their order, repeats and all (server_args).
 */
static int
apply(struct mattr *ma, const struct xattr *xa, enum xop op)
{
	int list = mattrs_is_list(ma->ma_name);
	const char **grown;
	size_t i, j;

	if (op == XOP_SET)
		ma->ma_nvalues = 0;
	for (i = 0; i < xa->xa_nvalues; i++) {
		for (j = 0; list && j < ma->ma_nvalues &&
		    strcmp(ma->ma_values[j], xa->xa_values[i]) != 0; j++)
			;
		if (op == XOP_SUB && j < ma->ma_nvalues) {
			memmove(&ma->ma_values[j], &ma->ma_values[j + 1],
			    (ma->ma_nvalues - j - 1) * sizeof(*grown));
			ma->ma_nvalues--;
		} else if (op != XOP_SUB && (!list || j == ma->ma_nvalues)) {
			grown = realloc(ma->ma_values, (ma->ma_nvalues + 1) *
			    sizeof(*grown));
			if (grown == NULL)
				return -1;
			ma->ma_values = grown;
			ma->ma_values[ma->ma_nvalues++] = xa->xa_values[i];
		}
	}
	ma->ma_src = xa;
	return 0;
}

/*
 * One line of the service, or of the defaults section (from_defaults):
 * there "=" adds, and a second value of a single-valued attribute is
 * not the service's concern (xinetd reports it once, for the defaults).
 */
static int
settle_one(struct mattrs *mx, const struct xattr *xa, const char *file,
    int from_defaults)
{
	const char *name = canonical(xa->xa_name);
	struct mattr *ma = find(mx, name);
	int list = mattrs_is_list(name);
	enum xop op = from_defaults && xa->xa_op == XOP_SET ? XOP_ADD :
	    xa->xa_op;

	if (!list && from_defaults && (ma != NULL || op != XOP_ADD))
		return 0;
	if (!list && !from_defaults && (op != XOP_SET || (ma != NULL &&
	    !ma->ma_default)))
		/* xinetd: "attribute already set", "operator cannot be used" */
		return (ma = add(mx, xa, file, 1)) == NULL ? -1 :
		    apply(ma, xa, XOP_SET);
	if (ma == NULL && (ma = add(mx, xa, file, 0)) == NULL)
		return -1;
	if (!list)
		op = XOP_SET;	/* the service's own value over the default */
	ma->ma_file = file;
	ma->ma_default = from_defaults;
	return apply(ma, xa, op);
}

int
mattrs_settle(struct mattrs *mx, const struct xentry *svc, const char *file,
    const struct xentry *defaults, const char *deffile)
{
	size_t i;

	memset(mx, 0, sizeof(*mx));
	for (i = 0; defaults != NULL && i < defaults->xe_nattrs; i++) {
		const struct xattr *xa = &defaults->xe_attrs[i];

		if (mattrs_inherited(xa->xa_name) &&
		    settle_one(mx, xa, deffile, 1) == -1)
			return -1;
	}
	for (i = 0; i < svc->xe_nattrs; i++)
		if (settle_one(mx, &svc->xe_attrs[i], file, 0) == -1)
			return -1;
	return 0;
}

void
mattrs_free(struct mattrs *mx)
{
	size_t i;

	for (i = 0; i < mx->mx_n; i++)
		free(mx->mx_attrs[i].ma_values);
	free(mx->mx_attrs);
	memset(mx, 0, sizeof(*mx));
}
