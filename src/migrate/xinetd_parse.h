/*
 * The text of one xinetd.conf(5) file, parsed into its entries:
 * "defaults" and "service NAME" sections of "ATTRIBUTE OP VALUE..."
 * lines, and the "include FILE" and "includedir DIR" lines.  Pure: no
 * file is opened and no name looked up here (xinetd_read.c follows the
 * includes, migrate_map.c gives the attributes their meaning), so that
 * a fuzz harness can drive it with any bytes.
 */
#ifndef SPAWND_MIGRATE_XINETD_PARSE_H
#define SPAWND_MIGRATE_XINETD_PARSE_H

#include <stddef.h>

/* The assignment operators of xinetd.conf(5). */
enum xop {
	XOP_SET,		/* = */
	XOP_ADD,		/* += */
	XOP_SUB,		/* -= */
};

/* One "ATTRIBUTE OP VALUE..." line of a section. */
struct xattr {
	char		 *xa_name;
	enum xop	  xa_op;
	char		**xa_values;	/* the blank-separated words; may be none */
	size_t		  xa_nvalues;
	unsigned	  xa_line;
};

enum xkind {
	XK_DEFAULTS,		/* defaults { ... } */
	XK_SERVICE,		/* service NAME { ... } */
	XK_INCLUDE,		/* include FILE */
	XK_INCLUDEDIR,		/* includedir DIR */
};

/* One entry of a file, in the file's order. */
struct xentry {
	enum xkind	 xe_kind;
	char		*xe_name;	/* the service's name, or the path */
	unsigned	 xe_line;	/* of the keyword */
	struct xattr	*xe_attrs;	/* sections only */
	size_t		 xe_nattrs;
};

struct xfile {
	struct xentry	*xf_entries;
	size_t		 xf_nentries;
};

/*
 * Parse len bytes of text, named file in messages, into xf (which the
 * caller frees with xinetd_free, also after a failure).  0, or -1 with
 * "FILE:LINE: message" in err; -1 with errno ENOMEM and "out of memory"
 * when an allocation failed.
 */
int xinetd_parse(const char *text, size_t len, const char *file,
    struct xfile *xf, char *err, size_t errlen);

void xinetd_free(struct xfile *xf);

#endif
