/*
 * inetd.conf served as well (see conf_inetd.h).  Other programs write
 * that file (update-inetd, for the packages that depend on an
 * inet-superserver), so a line is judged on its own: translated into a
 * service section, parsed and checked as any section would be, with its
 * own line number, and skipped if anything is wrong with it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"
#include "config/conf_convert.h"
#include "config/conf_diag.h"
#include "config/conf_inetd.h"
#include "config/conf_source.h"
#include "config/conf_parse.h"
#include "config/conf_watch.h"
#include "config/config.h"
#include "config/inetd_line.h"

/* Where a skipped line's messages go: the load's own report. */
struct conf_skip {
	conf_report_fn	*sk_report;
	void		*sk_arg;
};

static void
conf_inetd_skipped(void *arg, const char *line)
{
	const struct conf_skip *sk = arg;
	char buf[1200];

	snprintf(buf, sizeof(buf), "%.1100s (line skipped)", line);
	if (sk->sk_report != NULL)
		sk->sk_report(sk->sk_arg, buf);
}

/*
 * The section of line lineno: parsed where it stands (as many newlines
 * before it), checked against every service before it, dropped again
 * with its messages if anything is wrong.
 */
static void
conf_inetd_service(const struct conf_ctx *main, struct config *cf,
    const char *file, unsigned lineno, const char *section,
    struct conf_skip *sk)
{
	size_t before = cf->cf_nservices, len = strlen(section);
	struct conf_ctx cx;
	char *text;

	memset(&cx, 0, sizeof(cx));
	cx.cx_file = file;
	cx.cx_types = main->cx_types;
	cx.cx_cwd = main->cx_cwd;
	cx.cx_report = conf_inetd_skipped;
	cx.cx_arg = sk;
	cx.cx_uid = main->cx_uid;
	cx.cx_gid = main->cx_gid;
	if ((text = malloc(lineno + len)) == NULL) {
		conf_error(&cx, lineno, "%s", strerror(errno));
	} else {
		cfg_t *cfg;

		memset(text, '\n', lineno - 1);
		memcpy(text + lineno - 1, section, len + 1);
		if ((cfg = conf_parse(&cx, text, lineno - 1 + len, 1)) != NULL) {
			conf_convert_services(&cx, cfg, cf);
			cfg_free(cfg);
		}
		free(text);
	}
	if (cx.cx_errors > 0)
		while (cf->cf_nservices > before)
			conf_service_free(&cf->cf_services[--cf->cf_nservices]);
	while (before < cf->cf_nservices)
		cf->cf_services[before++].sc_inetd_line = lineno;
	conf_flush(&cx);
	conf_pos_free(&cx);
	conf_layout_free(&cx.cx_layout);
}

/* Every line of the file's text. */
static void
conf_inetd_lines(const struct conf_ctx *main, struct config *cf,
    const struct conf_source *cs, struct conf_skip *sk)
{
	char defaddr[INETD_ADDR_MAX] = "", line[4096], out[8192], err[512];
	const char *p = cs->cs_text, *end = cs->cs_text + cs->cs_len, *nl;
	unsigned lineno = 0;
	size_t n;

	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n >= sizeof(line)) {
			snprintf(err, sizeof(err), "%s:%u: line too long",
			    cs->cs_path, lineno);
			conf_inetd_skipped(sk, err);
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		switch (inetd_translate(line, defaddr, out, sizeof(out), err,
		    sizeof(err))) {
		case INETD_SERVICE:
			conf_inetd_service(main, cf, cs->cs_path, lineno, out,
			    sk);
			break;
		case INETD_BAD: {
			char msg[1024];

			snprintf(msg, sizeof(msg), "%s:%u: %s", cs->cs_path,
			    lineno, err);
			conf_inetd_skipped(sk, msg);
			break;
		}
		default:
			break;
		}
	}
}

/* The whole file is not served: said as a skipped line is, not counted. */
static void
conf_inetd_file_skipped(const struct conf_ctx *cx, const char *msg)
{
	if (cx->cx_report != NULL)
		cx->cx_report(cx->cx_arg, msg);
}

/* conf_unsafe() for the file at path, as a skip message in msg. */
static int
conf_inetd_unsafe(const char *path, char *msg, size_t size)
{
	char why[PATH_MAX + 256];
	struct stat st;

	if (stat(path, &st) == -1 || !conf_unsafe(path, &st, why, sizeof(why)))
		return 0;
	snprintf(msg, size, "%s (nothing of it served)", why);
	return 1;
}

void
conf_inetd(struct conf_ctx *cx, cfg_t *cfg, struct config *cf,
    const struct conf_source *given, size_t n)
{
	struct conf_skip sk = { cx->cx_report, cx->cx_arg };
	const char *option = cfg_getstr(cfg, "inetd_conf");
	const struct conf_source *from = NULL;
	struct conf_source *cs;
	char full[PATH_MAX], *text = NULL, msg[PATH_MAX + 512];
	char escaped[PATH_MAX * 2];
	size_t i, len = 0;

	if (option == NULL || option[0] == '\0')
		return;
	if (path_join(full, sizeof(full), cx->cx_cwd, option) == -1) {
		conf_error(cx, conf_line(cx, cfg, "inetd_conf", 0, 1),
		    "inetd_conf \"%s\": path too long", option);
		return;
	}
	if (conf_glob_literal(escaped, sizeof(escaped), full) == -1 ||
	    conf_watch_add(cf, CONF_SOURCE_INETD, escaped) == -1)
		conf_error(cx, conf_line(cx, cfg, "inetd_conf", 0, 1),
		    "inetd_conf \"%s\": %s", option, strerror(errno));
	for (i = 0; given != NULL && i < n; i++)
		if (given[i].cs_kind == CONF_SOURCE_INETD)
			from = &given[i];
	if (given != NULL && from == NULL)
		return;		/* the image before had none to serve */
	if (from == NULL && (text = conf_read(full, &len)) == NULL) {
		/* No file is no service; the package makes one. */
		if (errno != ENOENT) {
			snprintf(msg, sizeof(msg), "%s: cannot read: %s "
			    "(nothing of it served)", full, strerror(errno));
			conf_inetd_file_skipped(cx, msg);
		}
		return;
	}
	if (from == NULL && conf_inetd_unsafe(full, msg, sizeof(msg))) {
		conf_inetd_file_skipped(cx, msg);
		free(text);
		return;
	}
	/*
	 * A NUL would cut its line short (and cannot travel in a reload's
	 * hand-over): as another control byte, it has the line skipped.
	 */
	for (i = 0; text != NULL && i < len; i++)
		if (text[i] == '\0')
			text[i] = '\x01';
	cs = conf_source_add(cf, full, from != NULL ? from->cs_text : text,
	    from != NULL ? from->cs_len : len);
	free(text);
	if (cs == NULL) {
		conf_error(cx, conf_line(cx, cfg, "inetd_conf", 0, 1),
		    "inetd_conf: %s", strerror(errno));
		return;
	}
	cs->cs_kind = CONF_SOURCE_INETD;
	conf_inetd_lines(cx, cf, cs, &sk);
}
