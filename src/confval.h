/*
 * Internal to the configuration module (config.c parses with libconfuse,
 * confval.c turns the parsed tree into struct config and checks it): the
 * state of one load.  Nothing outside those two files includes this, so
 * no libconfuse type escapes the module.
 */
#ifndef SPAWND_CONFVAL_H
#define SPAWND_CONFVAL_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include <confuse.h>

#include "config.h"
#include "confstrip.h"

/* An integer the parse callback already reported as malformed. */
#define CONF_BADINT	LONG_MIN

/* Where one value was read. */
struct conf_pos {
	const cfg_opt_t	*cp_opt;	/* the option in its section's copy */
	unsigned	 cp_index;	/* index of the value in a list */
	unsigned	 cp_line;
};

/* An error kept until the load is over. */
struct conf_msg {
	unsigned	 cm_line;
	size_t		 cm_seq;	/* keeps equal lines in order */
	char		*cm_text;	/* "FILE:LINE: message" */
};

/* One load in progress. */
struct conf_ctx {
	const char	*cx_file;	/* name used in messages */
	const char	*cx_cwd;	/* relative paths are joined to it */
	conf_report_fn	*cx_report;
	void		*cx_arg;
	int		 cx_errors;	/* found so far */
	struct conf_msg	*cx_msgs;	/* reported when the load is over */
	size_t		 cx_nmsgs;
	struct conf_pos	*cx_pos;	/* line of every value read */
	size_t		 cx_npos;
	struct conf_layout cx_layout;	/* section lines, last line */
	uid_t		 cx_uid;	/* of the global user */
	gid_t		 cx_gid;	/* of the global group */
};

/* Count an error; "FILE:LINE: message" is reported later, by line. */
void conf_error(struct conf_ctx *cx, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Line of value index of option name in sec, or fallback if unset. */
unsigned conf_line(const struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned index, unsigned fallback);

/*
 * Fill cf from the parsed tree cfg, reporting every error through cx.
 * cf may be half filled on errors; conf_free() copes.
 */
void conf_convert(struct conf_ctx *cx, cfg_t *cfg, struct config *cf);

/*
 * Ceilings of the integer options, checked by -t like everything else.
 * max_children sizes the parent's slot table, scanned on every fork and
 * reap: 4096 children keep that scan a few microseconds.
 */
#define CONF_MAX_CHILDREN	4096
#define CONF_MAX_DNS_TIMEOUT	60		/* seconds */
#define CONF_MAX_GRACE		3600		/* seconds */
#define CONF_MAX_TIMEOUT	86400		/* idle_timeout, seconds */
#define CONF_MAX_RATE		1000000		/* per second */
#define CONF_NAME_MAX		127		/* a service name's bytes */

#endif
