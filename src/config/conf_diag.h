/*
 * Internal to the configuration module: the state of one load, and the
 * two things every part of it needs -- errors kept as "FILE:LINE:
 * message" until the load is over, and the line each value came from.
 * Nothing outside src/config/ includes this, so no libconfuse type
 * escapes the module.
 */
#ifndef SPAWND_CONFIG_CONF_DIAG_H
#define SPAWND_CONFIG_CONF_DIAG_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include <confuse.h>

#include "config/conf_strip.h"
#include "config/config.h"

/* An integer the parse callback already reported as malformed. */
#define CONF_BADINT	LONG_MIN

/* Parse errors before "too many errors" (values are checked past it). */
#define CONF_MAX_ERRORS	100

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
	const struct service *const *cx_types; /* the table of types */
	const char	*cx_file;	/* name used in messages */
	const char	*cx_cwd;	/* relative paths are joined to it */
	conf_report_fn	*cx_report;
	void		*cx_arg;
	int		 cx_errors;	/* found so far */
	struct conf_msg	*cx_msgs;	/* reported when the load is over */
	size_t		 cx_nmsgs;
	struct conf_pos	*cx_pos;	/* line of every value read */
	size_t		 cx_npos;
	size_t		*cx_slots;	/* hash of cx_pos: index + 1, 0 free */
	size_t		 cx_nslots;	/* 0, or a power of two */
	struct conf_layout cx_layout;	/* section lines, last line */
	uid_t		 cx_uid;	/* of the global user */
	gid_t		 cx_gid;	/* of the global group */
};

/* Count an error; "FILE:LINE: message" is reported later, by line. */
void conf_error(struct conf_ctx *cx, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Take back the errors counted since cx_nmsgs was nmsgs and cx_errors
 * was errors (a parse that is done again).
 */
void conf_forget(struct conf_ctx *cx, size_t nmsgs, int errors);

/*
 * Note that value index of opt was read on line (again: the line is
 * replaced).  Found through a hash: a file's values are many, and each
 * is noted once per parse.  Returns 0, or -1 without memory.
 */
int conf_pos_note(struct conf_ctx *cx, const cfg_opt_t *opt, unsigned index,
    unsigned line);

/* Forget every value's line (a new parse); free them. */
void conf_pos_reset(struct conf_ctx *cx);
void conf_pos_free(struct conf_ctx *cx);

/* Line of value index of option name in sec, or fallback if unset. */
unsigned conf_line(const struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned index, unsigned fallback);

/* Report the kept errors in line order and forget them. */
void conf_flush(struct conf_ctx *cx);

#endif
