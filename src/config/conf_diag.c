/*
 * Errors and line numbers of one configuration load.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/conf_diag.h"

/*
 * Errors are kept and reported sorted by line once the load is over,
 * the way a compiler lists them; without memory for that, at once.
 */
void
conf_error(struct conf_ctx *cx, unsigned line, const char *fmt, ...)
{
	struct conf_msg	*m;
	char		 raw[1024], buf[1024];
	va_list		 ap;
	int		 n;

	n = snprintf(raw, sizeof(raw), "%s:%u: ", cx->cx_file, line);
	if (n < 0 || (size_t)n >= sizeof(raw))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(raw + n, sizeof(raw) - n, fmt, ap);
	va_end(ap);
	/*
	 * Messages quote the file's text (values, and libconfuse's tokens,
	 * which can span lines): escape control bytes so that each error
	 * stays one line, on a terminal as in the log.
	 */
	log_escape(buf, sizeof(buf), raw);
	cx->cx_errors++;
	m = reallocarray(cx->cx_msgs, cx->cx_nmsgs + 1, sizeof(*m));
	if (m != NULL) {
		cx->cx_msgs = m;
		m += cx->cx_nmsgs;
		m->cm_line = line;
		m->cm_seq = cx->cx_nmsgs;
		if ((m->cm_text = strdup(buf)) != NULL) {
			cx->cx_nmsgs++;
			return;
		}
	}
	if (cx->cx_report != NULL)
		cx->cx_report(cx->cx_arg, buf);
}

void
conf_forget(struct conf_ctx *cx, size_t nmsgs, int errors)
{
	while (cx->cx_nmsgs > nmsgs)
		free(cx->cx_msgs[--cx->cx_nmsgs].cm_text);
	cx->cx_errors = errors;
}

static int
conf_msg_cmp(const void *a, const void *b)
{
	const struct conf_msg	*x = a, *y = b;

	if (x->cm_line != y->cm_line)
		return x->cm_line < y->cm_line ? -1 : 1;
	return x->cm_seq < y->cm_seq ? -1 : x->cm_seq > y->cm_seq;
}

void
conf_flush(struct conf_ctx *cx)
{
	size_t	i;

	if (cx->cx_nmsgs > 0)
		qsort(cx->cx_msgs, cx->cx_nmsgs, sizeof(*cx->cx_msgs),
		    conf_msg_cmp);
	for (i = 0; i < cx->cx_nmsgs; i++) {
		if (cx->cx_report != NULL)
			cx->cx_report(cx->cx_arg, cx->cx_msgs[i].cm_text);
		free(cx->cx_msgs[i].cm_text);
	}
	free(cx->cx_msgs);
	cx->cx_msgs = NULL;
	cx->cx_nmsgs = 0;
}

/* ---- the line of each value: cx_pos, found through cx_slots */

/*
 * The slot of (opt, index): the one that holds it, or the free one
 * where it would go.  cx_nslots must be nonzero.
 */
static size_t
conf_pos_slot(const struct conf_ctx *cx, const cfg_opt_t *opt,
    unsigned index)
{
	uint64_t h = (uint64_t)(uintptr_t)opt ^
	    (uint64_t)index * 0x9e3779b97f4a7c15ULL;
	size_t mask = cx->cx_nslots - 1, i;
	const struct conf_pos *p;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	for (i = (size_t)h & mask; cx->cx_slots[i] != 0; i = (i + 1) & mask) {
		p = &cx->cx_pos[cx->cx_slots[i] - 1];
		if (p->cp_opt == opt && p->cp_index == index)
			break;
	}
	return i;
}

/*
 * Room for one more value: the slots at most half full, and the array
 * as long as half of them, both doubled when full (one realloc per
 * value would copy the array each time under a sanitizer's allocator).
 */
static int
conf_pos_grow(struct conf_ctx *cx)
{
	struct conf_pos *p;
	size_t *slots, i, n = cx->cx_nslots;

	if (2 * (cx->cx_npos + 1) <= n)
		return 0;
	n = n == 0 ? 64 : 2 * n;
	if ((p = reallocarray(cx->cx_pos, n / 2, sizeof(*p))) == NULL)
		return -1;
	cx->cx_pos = p;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	free(cx->cx_slots);
	cx->cx_slots = slots;
	cx->cx_nslots = n;
	for (i = 0; i < cx->cx_npos; i++)
		slots[conf_pos_slot(cx, p[i].cp_opt, p[i].cp_index)] = i + 1;
	return 0;
}

int
conf_pos_note(struct conf_ctx *cx, const cfg_opt_t *opt, unsigned index,
    unsigned line)
{
	size_t i;

	if (cx->cx_nslots > 0 && cx->cx_slots[i = conf_pos_slot(cx, opt,
	    index)] != 0) {
		cx->cx_pos[cx->cx_slots[i] - 1].cp_line = line;
		return 0;
	}
	if (conf_pos_grow(cx) == -1)
		return -1;
	cx->cx_pos[cx->cx_npos].cp_opt = opt;
	cx->cx_pos[cx->cx_npos].cp_index = index;
	cx->cx_pos[cx->cx_npos].cp_line = line;
	cx->cx_slots[conf_pos_slot(cx, opt, index)] = ++cx->cx_npos;
	return 0;
}

void
conf_pos_reset(struct conf_ctx *cx)
{
	cx->cx_npos = 0;
	if (cx->cx_nslots > 0)
		memset(cx->cx_slots, 0, cx->cx_nslots * sizeof(*cx->cx_slots));
}

void
conf_pos_free(struct conf_ctx *cx)
{
	free(cx->cx_pos);
	free(cx->cx_slots);
	cx->cx_pos = NULL;
	cx->cx_slots = NULL;
	cx->cx_npos = cx->cx_nslots = 0;
}

unsigned
conf_line(const struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned index, unsigned fallback)
{
	const cfg_opt_t	*opt = cfg_getopt(sec, name);
	size_t		 i;

	if (opt == NULL || cx->cx_nslots == 0 ||
	    (i = cx->cx_slots[conf_pos_slot(cx, opt, index)]) == 0)
		return fallback;
	return cx->cx_pos[i - 1].cp_line;
}
