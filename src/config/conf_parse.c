/*
 * Parsing with libconfuse.  Comments are blanked out first (conf_strip.c),
 * braces checked and mended (conf_braces.c), then the schema of
 * spawnd.conf(5) reads the rest.  libconfuse stops at its first error: the
 * statement is blanked out (conf_recover.c) and the text parsed again,
 * so that every error of a file is reported in one run.
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
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <confuse.h>

#include "config/conf_braces.h"
#include "config/conf_diag.h"
#include "config/conf_parse.h"
#include "config/conf_recover.h"
#include "config/conf_strip.h"
#include "config/conf_suggest.h"
#include "config/conf_value.h"

/*
 * The load being parsed.  libconfuse's error and parse callbacks get no
 * user pointer, and its lexer is global state anyway, so one parse at a
 * time is all it allows; this is set only around cfg_parse_buf().
 */
static struct conf_ctx *conf_parsing;

/* Where and why libconfuse stopped, in the parse being done. */
static struct conf_stop {
	unsigned	cs_line;	/* 0: it has not */
	char		cs_msg[768];
	char		cs_name[128];	/* an unknown option's name, or "" */
} conf_stopped;

/*
 * libconfuse's own messages: syntax errors, unknown options.  It stops
 * at the first; conf_parse_text() notes it and parses again past it.
 */
static void conf_cfg_error(cfg_t *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
conf_cfg_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct conf_stop *st = &conf_stopped;
	const char *name;
	va_list	 copy;
	int	 n = 0;

	if (conf_parsing == NULL || st->cs_line != 0)
		return;
	st->cs_line = cfg->line > 0 ? (unsigned)cfg->line : 1;
	if (strcmp(fmt, "no such option '%s'") == 0) {
		va_copy(copy, ap);
		name = va_arg(copy, const char *);
		va_end(copy);
		snprintf(st->cs_name, sizeof(st->cs_name), "%s", name);
		conf_suggest_option(cfg, name, st->cs_msg, sizeof(st->cs_msg));
		return;
	}
	if (cfg->title != NULL)
		n = snprintf(st->cs_msg, sizeof(st->cs_msg), "%s \"%.256s\": ",
		    cfg->name, cfg->title);
	if (n < 0 || (size_t)n >= sizeof(st->cs_msg))
		n = 0;
	vsnprintf(st->cs_msg + n, sizeof(st->cs_msg) - n, fmt, ap);
}

/* ---- parse callbacks: note where each value is, check its type */

static unsigned
conf_note(cfg_t *sec, cfg_opt_t *opt)
{
	unsigned line = sec->line > 0 ? (unsigned)sec->line : 1;

	/*
	 * libconfuse has added the value's slot before calling us.
	 * Without memory, errors about this value get a fallback line.
	 */
	if (conf_parsing != NULL && opt->nvalues > 0)
		(void)conf_pos_note(conf_parsing, opt, opt->nvalues - 1, line);
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

/* A size in bytes, with K, M, G or T as conf_bytes() reads it. */
static int
conf_cb_bytes(cfg_t *sec, cfg_opt_t *opt, const char *value, void *result)
{
	unsigned	 line = conf_note(sec, opt);
	long		 v;

	if (conf_bytes(value, &v) == -1) {
		if (conf_parsing != NULL)
			conf_error(conf_parsing, line, "%s: invalid size \"%s\" "
			    "(bytes, or a number with K, M, G or T)",
			    opt->name, value);
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

/*
 * The schema of spawnd.conf(5); cfg_init() copies the arrays.  An
 * included file (services_only) holds service sections and nothing else.
 */
static cfg_t *
conf_schema(int services_only)
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
		CFG_INT_CB("rate_per_minute", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("datagram_rate", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("idle_timeout", 300, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("max_lifetime", 0, CFGF_NONE, conf_cb_int),
		CFG_STR_LIST_CB("allow", NULL, CFGF_NONE, conf_cb_str),
		CFG_STR_LIST_CB("deny", NULL, CFGF_NONE, conf_cb_str),
		/* Unset (no default) means: as the global option says. */
		CFG_STR_CB("user", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("group", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("socket_mode", "0666", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("fortune_file", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("fortune_command", "", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("listen_fifo", "", CFGF_NONE, conf_cb_str),
		CFG_STR_CB("signature", "", CFGF_NONE, conf_cb_str),
		/* Unset means: as the service type does by default. */
		CFG_BOOL_CB("fork", cfg_false, CFGF_NODEFAULT, conf_cb_bool),
		/* "PROGRAM ARGS..." or {"PROGRAM", "ARG", ...} */
		CFG_STR_LIST_CB("exec", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_CB("exec_argv0", NULL, CFGF_NODEFAULT, conf_cb_str),
		CFG_STR_LIST_CB("env", NULL, CFGF_NONE, conf_cb_str),
		CFG_BOOL_CB("wait", cfg_false, CFGF_NODEFAULT, conf_cb_bool),
		CFG_INT_CB("rlimit_cpu", 0, CFGF_NONE, conf_cb_int),
		CFG_INT_CB("rlimit_as", 0, CFGF_NONE, conf_cb_bytes),
		CFG_INT_CB("rlimit_nofile", 0, CFGF_NONE, conf_cb_int),
		CFG_STR_CB("proxy_protocol", "off", CFGF_NONE, conf_cb_str),
		CFG_STR_LIST_CB("proxy_from", NULL, CFGF_NONE, conf_cb_str),
		CFG_INT_CB("proxy_timeout", 3, CFGF_NONE, conf_cb_int),
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
		CFG_STR_LIST_CB("include", NULL, CFGF_NONE, conf_cb_str),
		CFG_STR_CB("inetd_conf", "", CFGF_NONE, conf_cb_str),
		CFG_BOOL_CB("watch_config", cfg_true, CFGF_NONE,
		    conf_cb_bool),
		CFG_SEC("service", service_opts,
		    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END()
	};
	cfg_opt_t included_opts[] = {
		CFG_SEC("service", service_opts,
		    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END()
	};

	return cfg_init(services_only ? included_opts : opts, CFGF_NONE);
}

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
 * Parse text (len bytes, comment-free, braces mended), again after each
 * error libconfuse stops at, with the statement it stopped at blanked
 * out, up to CONF_MAX_ERRORS times.  Each parse's callbacks report its
 * values again, so those of a parse that stopped are taken back.
 * Returns the tree of the first parse that went to the end, or NULL.
 */
static cfg_t *
conf_parse_text(struct conf_ctx *cx, char *text, size_t len,
    int services_only)
{
	unsigned n, last = cx->cx_layout.ly_lines;
	size_t nmsgs;
	cfg_t *cfg;
	int errors, again;

	for (n = 1; ; n++) {
		if ((cfg = conf_schema(services_only)) == NULL) {
			conf_error(cx, 1, "setting up the parser: %s",
			    strerror(errno));
			return NULL;
		}
		cfg_set_error_function(cfg, conf_cfg_error);
		memset(&conf_stopped, 0, sizeof(conf_stopped));
		nmsgs = cx->cx_nmsgs;
		errors = cx->cx_errors;
		conf_pos_reset(cx);	/* they were the last tree's */
		conf_parsing = cx;
		if (cfg_parse_buf(cfg, text) == CFG_SUCCESS) {
			conf_parsing = NULL;
			return cfg;
		}
		conf_parsing = NULL;
		/*
		 * Stopped without a word (an option named "" or "${UNSET}"):
		 * the top level's line is where, or the section's header.
		 */
		if (conf_stopped.cs_line == 0)
			conf_stopped.cs_line = cfg->line > 0 ?
			    (unsigned)cfg->line : last;
		cfg_free(cfg);
		if (conf_stopped.cs_line > last)
			conf_stopped.cs_line = last;
		again = n < CONF_MAX_ERRORS && conf_recover(text, len,
		    conf_stopped.cs_line, conf_stopped.cs_name[0] != '\0' ?
		    conf_stopped.cs_name : NULL);
		if (again)
			conf_forget(cx, nmsgs, errors);
		conf_error(cx, conf_stopped.cs_line, "%s",
		    conf_stopped.cs_msg[0] != '\0' ? conf_stopped.cs_msg :
		    "cannot parse the configuration");
		if (!again) {
			if (n == CONF_MAX_ERRORS)
				conf_error(cx, conf_stopped.cs_line, "too many "
				    "errors: the rest of the file is not read");
			return NULL;
		}
	}
}

/*
 * Blank out comments, mend braces and parse what is left, on past every
 * error.  Returns the tree (also when there were errors: their values
 * are checked too), or NULL when nothing could be parsed, with the
 * errors reported.
 */
cfg_t *
conf_parse(struct conf_ctx *cx, const char *text, size_t len,
    int services_only)
{
	const char	*nul;
	char		*clean, *mended = NULL;
	cfg_t		*cfg = NULL, *schema = NULL;
	size_t		 mlen;

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
	if (cx->cx_layout.ly_open_line != 0) {
		conf_error(cx, cx->cx_layout.ly_open_line, "unterminated %s",
		    cx->cx_layout.ly_open_what);
		goto out;
	}
	if ((schema = conf_schema(services_only)) == NULL ||
	    (mended = conf_braces(cx, clean, len, schema->opts,
	    &mlen)) == NULL) {
		conf_error(cx, 1, "setting up the parser: %s", strerror(errno));
		goto out;
	}
	if ((cfg = conf_parse_text(cx, mended, mlen, services_only)) != NULL) {
		/* Section lines as libconfuse saw them, blanked ones gone. */
		conf_layout_free(&cx->cx_layout);
		if (conf_layout_scan(mended, mlen, &cx->cx_layout) == -1)
			conf_error(cx, 1, "reading the configuration: %s",
			    strerror(errno));
	}
out:
	if (schema != NULL)
		cfg_free(schema);
	free(mended);
	free(clean);
	return cfg;
}
