/*
 * Configuration loading: comments are blanked out (confstrip.c), the
 * libconfuse schema of DESIGN section 4 parses the rest, and every value
 * is converted into the plain structs of config.h and checked.  Each
 * problem is reported as "FILE:LINE: message" and checking goes on, so
 * that "spawnd -t" shows all of them at once.
 *
 * Line numbers: libconfuse 3.3 remembers no line per option, only the
 * lexer's current line in the cfg_t being parsed (a section's "line"
 * ends up at its closing brace).  So every option has a parse callback
 * that notes the line of each value as libconfuse reads it, and section
 * headers come from conf_layout_scan().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <confuse.h>

#include "config.h"
#include "confstrip.h"
#include "confval.h"
#include "log.h"
#include "service.h"

/*
 * The load being parsed.  libconfuse's error and parse callbacks get no
 * user pointer, and its lexer is global state anyway, so one parse at a
 * time is all it allows; this is set only around cfg_parse_buf().
 */
static struct conf_ctx *conf_parsing;

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

static int
conf_msg_cmp(const void *a, const void *b)
{
	const struct conf_msg	*x = a, *y = b;

	if (x->cm_line != y->cm_line)
		return x->cm_line < y->cm_line ? -1 : 1;
	return x->cm_seq < y->cm_seq ? -1 : x->cm_seq > y->cm_seq;
}

/* Report the kept errors in line order and forget them. */
static void
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

/* libconfuse's own messages: syntax errors, unknown options. */
static void conf_cfg_error(cfg_t *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
conf_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char	msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (conf_parsing != NULL)
		conf_error(conf_parsing, cfg->line > 0 ? (unsigned)cfg->line : 1,
		    "%s", msg);
}

/* ---- parse callbacks: note where each value is, check its type */

static unsigned
conf_note(cfg_t *sec, cfg_opt_t *opt)
{
	struct conf_ctx	*cx = conf_parsing;
	struct conf_pos	*p;
	unsigned	 line, index;
	size_t		 i;

	line = sec->line > 0 ? (unsigned)sec->line : 1;
	if (cx == NULL || opt->nvalues == 0)
		return line;
	/* libconfuse has added the value's slot before calling us. */
	index = opt->nvalues - 1;
	for (i = 0; i < cx->cx_npos; i++) {
		p = &cx->cx_pos[i];
		if (p->cp_opt == opt && p->cp_index == index) {
			p->cp_line = line;
			return line;
		}
	}
	/* Without memory, errors about this value get a fallback line. */
	p = reallocarray(cx->cx_pos, cx->cx_npos + 1, sizeof(*p));
	if (p != NULL) {
		cx->cx_pos = p;
		p[cx->cx_npos].cp_opt = opt;
		p[cx->cx_npos].cp_index = index;
		p[cx->cx_npos++].cp_line = line;
	}
	return line;
}

static int
conf_cb_str(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	conf_note(sec, opt);
	*(const char **)result = value;
	return 0;
}

/*
 * Decimal only (libconfuse would read "010" as octal 8).  A malformed
 * number is reported here, but parsing goes on so that later errors
 * are found too.
 */
static int
conf_cb_int(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	unsigned	 line = conf_note(sec, opt);
	char		*end;
	long		 v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (end == value || *end != '\0' || errno == ERANGE ||
	    v == CONF_BADINT) {
		if (conf_parsing != NULL)
			conf_error(conf_parsing, line, "%s: invalid integer "
			    "value \"%s\"", opt->name, value);
		v = CONF_BADINT;
	}
	*(long *)result = v;
	return 0;
}

static int
conf_cb_bool(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	unsigned	line = conf_note(sec, opt);
	int		b;

	if ((b = cfg_parse_boolean(value)) == -1) {
		if (conf_parsing != NULL)
			conf_error(conf_parsing, line, "%s: invalid boolean "
			    "value \"%s\" (true/false, yes/no, on/off)",
			    opt->name, value);
		b = 0;
	}
	*(int *)result = b;
	return 0;
}

/* The schema of DESIGN section 4; cfg_init() copies the arrays. */
static cfg_t *
conf_schema(void)
{
	cfg_opt_t service_opts[] = {
		CFG_STR_CB("type", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_BOOL_CB("enabled", cfg_true, CFGF_NONE, conf_cb_bool),
		CFG_STR_LIST_CB("listen_stream", NULL, CFGF_NONE, conf_cb_str),
		CFG_STR_LIST_CB("listen_datagram", NULL, CFGF_NONE,
		    conf_cb_str),
		CFG_INT_CB("max_instances", 64, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("per_source", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("rate", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("datagram_rate", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("idle_timeout", 300, CFGF_NONE, conf_cb_int),
		CFG_STR_LIST_CB("allow", NULL, CFGF_NONE, conf_cb_str),
		CFG_STR_LIST_CB("deny", NULL, CFGF_NONE, conf_cb_str),
		/* Unset (no default) means: as the global option says. */
		CFG_STR_CB("user", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("group", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("socket_mode", "0666", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("fortune_file", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("fortune_command", "", CFGF_NONE, conf_cb_str),
		/* Unset means: as the service type does by default. */
		CFG_BOOL_CB("fork", cfg_false, CFGF_NODEFAULT, conf_cb_bool),
		CFG_BOOL_CB("log_connections", cfg_true, CFGF_NONE,
		    conf_cb_bool),
		CFG_END()
	};
	cfg_opt_t opts[] = {
		CFG_STR_CB("pidfile", RUNSTATEDIR "/spawnd.pid", CFGF_NONE,
		    conf_cb_str),
		CFG_STR_CB("user", "nobody", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("group", "nogroup", CFGF_NONE, conf_cb_str),
		CFG_INT_CB("max_children", 256, CFGF_NONE, conf_cb_int),
		CFG_STR_CB("log_target", "syslog", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("syslog_facility", "daemon", CFGF_NONE,
		    conf_cb_str),
		CFG_BOOL_CB("resolve_names", cfg_true, CFGF_NONE,
		    conf_cb_bool),
		CFG_INT_CB("dns_timeout", 2, CFGF_NONE, conf_cb_int),
		CFG_STR_CB("fortune_file", PKGDATADIR "/fortunes", CFGF_NONE,
		    conf_cb_str),
		CFG_STR_CB("motd_file", "/etc/motd", CFGF_NONE, conf_cb_str),
		CFG_INT_CB("shutdown_grace", 10, CFGF_NONE, conf_cb_int),
		CFG_SEC("service", service_opts,
		    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END()
	};

	return cfg_init(opts, CFGF_NONE);
}

/* ---- values, with the line they came from */

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

/* ---- reading and parsing */

static unsigned
conf_count_newlines(const char *text, size_t len)
{
	unsigned	n = 0;

	while (len-- > 0)
		if (*text++ == '\n')
			n++;
	return n;
}

/*
 * The whole file in a malloc'd buffer, or NULL with errno (EFBIG past
 * CONF_FILE_MAX: libconfuse's lexer is quadratic in a line's length, and
 * the parent itself loads the file on a reload).
 */
static char *
conf_read(const char *path, size_t *lenp)
{
	char	*buf = NULL, *p;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			if ((p = realloc(buf, cap)) == NULL)
				goto fail;
			buf = p;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
		if (len > CONF_FILE_MAX) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

/*
 * Blank out comments and parse what is left.  Returns the tree, or NULL
 * with the errors reported.
 */
static cfg_t *
conf_parse(struct conf_ctx *cx, const char *text, size_t len)
{
	const char	*nul;
	char		*clean;
	cfg_t		*cfg = NULL;
	int		 rc;

	/* libconfuse would silently stop reading at a NUL byte. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		conf_error(cx, 1 + conf_count_newlines(text, nul - text),
		    "NUL byte in the configuration");
		return NULL;
	}
	if ((clean = conf_strip_comments(text, len)) == NULL ||
	    conf_layout_scan(clean, len, &cx->cx_layout) == -1) {
		conf_error(cx, 1, "reading the configuration: %s",
		    strerror(errno));
		goto out;
	}
	if (cx->cx_layout.cl_open_line != 0) {
		conf_error(cx, cx->cx_layout.cl_open_line, "unterminated %s",
		    cx->cx_layout.cl_open_what);
		goto out;
	}
	if ((cfg = conf_schema()) == NULL) {
		conf_error(cx, 1, "setting up the parser: %s", strerror(errno));
		goto out;
	}
	cfg_set_error_function(cfg, conf_cfg_error);
	conf_parsing = cx;
	rc = cfg_parse_buf(cfg, clean);
	conf_parsing = NULL;
	if (rc != CFG_SUCCESS) {
		if (cx->cx_errors == 0)
			conf_error(cx, cx->cx_layout.cl_lines, "cannot parse "
			    "the configuration");
		cfg_free(cfg);
		cfg = NULL;
	}
out:
	free(clean);
	return cfg;
}

/* Parse, convert and check text; returns the number of errors. */
static int
conf_text(struct config *cf, const char *text, size_t len, const char *file,
    const char *cwd, conf_report_fn *report, void *arg)
{
	struct conf_ctx	 cx;
	cfg_t		*cfg;

	memset(cf, 0, sizeof(*cf));
	memset(&cx, 0, sizeof(cx));
	cx.cx_file = file;
	cx.cx_cwd = cwd;
	cx.cx_report = report;
	cx.cx_arg = arg;
	/* On failure conf_parse() has reported why. */
	if ((cfg = conf_parse(&cx, text, len)) != NULL) {
		conf_convert(&cx, cfg, cf);
		cfg_free(cfg);
	}
	conf_flush(&cx);
	free(cx.cx_pos);
	conf_layout_free(&cx.cx_layout);
	if (cx.cx_errors > 0)
		conf_free(cf);
	return cx.cx_errors;
}

int
conf_load(struct config *cf, const char *path, const char *cwd,
    conf_report_fn *report, void *arg)
{
	char	*text, msg[1024];
	size_t	 len;
	int	 n;

	memset(cf, 0, sizeof(*cf));
	if ((text = conf_read(path, &len)) == NULL && errno == EFBIG) {
		snprintf(msg, sizeof(msg), "%s: more than %d bytes: too large "
		    "for a configuration file", path, CONF_FILE_MAX);
		if (report != NULL)
			report(arg, msg);
		return -1;
	}
	if (text == NULL) {
		snprintf(msg, sizeof(msg), "%s: cannot read: %s", path,
		    strerror(errno));
		if (report != NULL)
			report(arg, msg);
		return -1;
	}
	n = conf_text(cf, text, len, path, cwd, report, arg);
	free(text);
	if (n == 0 && (cf->cf_file = strdup(path)) == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(errno));
		if (report != NULL)
			report(arg, msg);
		conf_free(cf);
		n = 1;
	}
	return n;
}

/*
 * The built-in configuration of DESIGN section 5, for trying spawnd
 * from the build tree as any user: loopback only, unprivileged ports.
 * It is configuration text that goes through the same parser and checks
 * as a file, so it cannot drift from the schema.  Relative paths are
 * joined to the start directory as in any file: the Unix socket is
 * ./catsock and the pidfile ./spawnd.pid, because an ordinary user
 * cannot write the RUNSTATEDIR default.  Everything else has the
 * defaults of DESIGN section 4.
 */
static const char conf_builtin_text[] =
    "pidfile = \"./spawnd.pid\"\n"
    "service hello {\n"
    "\ttype = \"hello\"\n"
    "\tlisten_stream = {\"127.0.0.1:2345\", \"[::1]:2345\"}\n"
    "}\n"
    "service fortune {\n"
    "\ttype = \"fortune\"\n"
    "\tlisten_stream = {\"127.0.0.1:2346\", \"[::1]:2346\"}\n"
    "\tlisten_datagram = {\"127.0.0.1:2346\"}\n"
    "}\n"
    "service time {\n"
    "\ttype = \"time\"\n"
    "\tlisten_stream = {\"127.0.0.1:2347\", \"[::1]:2347\"}\n"
    "\tlisten_datagram = {\"127.0.0.1:2347\"}\n"
    "}\n"
    "service daytime {\n"
    "\ttype = \"daytime\"\n"
    "\tlisten_stream = {\"127.0.0.1:2348\", \"[::1]:2348\"}\n"
    "\tlisten_datagram = {\"127.0.0.1:2348\"}\n"
    "}\n"
    "service command {\n"
    "\ttype = \"command\"\n"
    "\tlisten_stream = {\"127.0.0.1:9000\", \"[::1]:9000\"}\n"
    "}\n"
    "service catsock {\n"
    "\ttype = \"catsock\"\n"
    "\tlisten_stream = {\"./catsock\"}\n"
    "}\n";

/*
 * Before "make install" the cookie file is not in PKGDATADIR yet; the
 * built-in configuration then reads the one in the source tree, so that
 * "./dev run" works from a fresh clone.
 */
int
conf_builtin(struct config *cf, const char *cwd, conf_report_fn *report,
    void *arg)
{
	char text[sizeof(conf_builtin_text) + PATH_MAX + 32];
	int n = 0;

#ifdef SOURCE_FORTUNES
	if (access(PKGDATADIR "/fortunes", R_OK) == -1)
		n = snprintf(text, sizeof(text), "fortune_file = \"%s\"\n",
		    SOURCE_FORTUNES);
#endif
	if (n < 0 || (size_t)n >= sizeof(text) - sizeof(conf_builtin_text))
		n = 0;
	memcpy(text + n, conf_builtin_text, sizeof(conf_builtin_text));
	return conf_text(cf, text, (size_t)n + sizeof(conf_builtin_text) - 1,
	    "(built-in)", cwd, report, arg);
}
