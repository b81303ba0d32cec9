/*
 * Errors and line numbers of one configuration load.
 */
#include <stdarg.h>
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

unsigned
conf_line(const struct conf_ctx *cx, cfg_t *sec, const char *name,
    unsigned index, unsigned fallback)
{
	const cfg_opt_t	*opt = cfg_getopt(sec, name);
	size_t		 i;

	for (i = 0; opt != NULL && i < cx->cx_npos; i++)
		if (cx->cx_pos[i].cp_opt == opt &&
		    cx->cx_pos[i].cp_index == index)
			return cx->cx_pos[i].cp_line;
	return fallback;
}
