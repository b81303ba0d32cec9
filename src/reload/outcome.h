/*
 * A reload's outcome, published for whoever asked for the reload
 * (spawnd -r, and so systemctl reload): a small file beside the
 * pidfile, named as the pidfile with its ".pid" replaced by ".reload"
 * (".reload" appended to any other name), holding one line:
 *
 *	SEQ started		a first start (SEQ 0)
 *	SEQ checking		reload attempt SEQ has begun
 *	SEQ reloaded		attempt SEQ is done: the new image serves
 *	SEQ refused REASON	attempt SEQ was refused; REASON as in the
 *				"reload refused: REASON; ..." log line
 *
 * SEQ grows by one with every attempt, whatever started it (SIGHUP,
 * watch_config), and crosses the re-exec in the hand-over.  The daemon
 * replaces the file with rename(2), so a reader sees a whole line,
 * never a part; it removes the file at a clean exit, with the pidfile.
 */
#ifndef SPAWND_RELOAD_OUTCOME_H
#define SPAWND_RELOAD_OUTCOME_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

enum outcome_state {
	OUTCOME_STARTED,
	OUTCOME_CHECKING,
	OUTCOME_RELOADED,
	OUTCOME_REFUSED
};

/* The longest line written or read, REASON included. */
#define OUTCOME_LINE_MAX	1024

struct reload_outcome {
	char		ro_path[PATH_MAX];	/* "": none (path too long) */
	uint64_t	ro_seq;			/* the last attempt's number */
};

/* The outcome file of pidfile, into out.  0, or -1 if too long. */
int outcome_path(const char *pidfile, char *out, size_t outlen);

/*
 * Write "SEQ STATE[ REASON]" (ro_seq) into ro's file: a temporary file
 * beside it, renamed over it.  Control bytes in reason become '?', so
 * the line stays one line.  0, or -1 with errno.
 */
int outcome_write(const struct reload_outcome *ro, enum outcome_state state,
    const char *reason);

/* Remove ro's file (a clean exit, or the pidfile moved). */
void outcome_remove(const struct reload_outcome *ro);

/*
 * Parse one such line (the trailing newline optional) into *seq,
 * *state and reason (REASON, "" for the other states).  0, or -1 if the
 * text is not one well-formed line.  Pure.
 */
int outcome_parse(const char *text, uint64_t *seq, enum outcome_state *state,
    char *reason, size_t reasonlen);

#endif
