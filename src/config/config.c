/*
 * Configuration loading: the text (a file, or the built-in default) is
 * parsed (conf_parse.c), every value converted into the plain structs
 * of config.h and checked (conf_convert.c, conf_service.c).  Each
 * problem is reported as "FILE:LINE: message" and checking goes on, so
 * that "spawnd -t" shows all of them at once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <confuse.h>

#include "base/buildtree.h"
#include "base/path.h"
#include "config/conf_convert.h"
#include "config/conf_diag.h"
#include "config/conf_include.h"
#include "config/conf_inetd.h"
#include "config/conf_parse.h"
#include "config/conf_source.h"
#include "config/config.h"

/* Enabled services, of every file. */
static size_t
conf_enabled(const struct config *cf)
{
	size_t i, n = 0;

	for (i = 0; i < cf->cf_nservices; i++)
		n += cf->cf_services[i].sc_enabled != 0;
	return n;
}

/*
 * Parse, convert and check the main text (file NULL: the built-in one)
 * and the files it includes (given: their sources as a reload's hand-over
 * has them; NULL: what the globs find).  Returns the number of errors.
 */
static int
conf_text(struct config *cf, const struct service *const *types,
    const char *file, const char *text, size_t len,
    const struct conf_source *given, size_t ngiven, const char *cwd,
    conf_report_fn *report, void *arg)
{
	const struct conf_source *cs;
	struct conf_ctx	 cx = { .cx_types = types, .cx_cwd = cwd,
			    .cx_report = report, .cx_arg = arg,
			    .cx_file = file != NULL ? file : "(built-in)" };
	cfg_t		*cfg;

	memset(cf, 0, sizeof(*cf));
	if ((cs = conf_source_add(cf, file, text, len)) == NULL)
		conf_error(&cx, 1, "keeping the text: %s", strerror(errno));
	/* On failure conf_parse() has reported why. */
	else if ((cfg = conf_parse(&cx, text, len, 0)) != NULL) {
		/* The services and the config keep the source's copy. */
		cf->cf_file = cs->cs_path;
		if (cs->cs_path != NULL)
			cx.cx_file = cs->cs_path;
		conf_convert(&cx, cfg, cf);
		/* This file's errors first, then each included file's. */
		conf_flush(&cx);
		conf_include(&cx, cfg, cf, given, ngiven);
		conf_inetd(&cx, cfg, cf, given, ngiven);
		/*
		 * An inetd.conf may have nothing on yet: packages add it.
		 * After other errors, the services may be what they took.
		 */
		if (cx.cx_errors == 0 && conf_enabled(cf) == 0 &&
		    (cfg_getstr(cfg, "inetd_conf") ==
		    NULL || cfg_getstr(cfg, "inetd_conf")[0] == '\0'))
			conf_error(&cx, cx.cx_layout.ly_lines,
			    "no enabled service");
		cfg_free(cfg);
	}
	conf_flush(&cx);
	conf_pos_free(&cx);
	conf_layout_free(&cx.cx_layout);
	if (cx.cx_errors > 0)
		conf_free(cf);
	return cx.cx_errors;
}

int
conf_load_sources(struct config *cf, const struct service *const *types,
    const struct conf_source *sources, size_t n, const char *cwd,
    conf_report_fn *report, void *arg)
{
	return conf_text(cf, types, sources[0].cs_path, sources[0].cs_text,
	    sources[0].cs_len, sources + 1, n - 1, cwd, report, arg);
}

int
conf_load(struct config *cf, const struct service *const *types,
    const char *path, const char *cwd, conf_report_fn *report, void *arg)
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
	n = conf_text(cf, types, path, text, len, NULL, 0, cwd, report, arg);
	free(text);
	return n;
}

/*
 * The built-in configuration, for trying spawnd from the build tree as
 * any user (spawnd(8), "Built-in default configuration"): loopback
 * only, unprivileged ports.
 * It is configuration text that goes through the same parser and checks
 * as a file, so it cannot drift from the schema.  Relative paths are
 * joined to the start directory as in any file: the Unix socket is
 * ./catsock and the pidfile ./spawnd.pid, because an ordinary user
 * cannot write the RUNSTATEDIR default.  Everything else has the
 * defaults of spawnd.conf(5).
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
 * built-in configuration of a build tree's binary then reads the one in
 * the source tree, so that "./dev run" works from a fresh clone.
 */
int
conf_builtin(struct config *cf, const struct service *const *types,
    const char *cwd, conf_report_fn *report,
    void *arg)
{
	char text[sizeof(conf_builtin_text) + PATH_MAX + 32], src[PATH_MAX];
	int n = 0;

	if (access(PKGDATADIR "/fortunes", R_OK) == -1 &&
	    buildtree_srcdir(src, sizeof(src)) == 0)
		n = snprintf(text, sizeof(text), "fortune_file = \"%s/etc/"
		    "fortunes\"\n", src);
	if (n < 0 || (size_t)n >= sizeof(text) - sizeof(conf_builtin_text))
		n = 0;
	memcpy(text + n, conf_builtin_text, sizeof(conf_builtin_text));
	return conf_text(cf, types, NULL, text, (size_t)n + sizeof(conf_builtin_text)
	    - 1, NULL, 0, cwd, report, arg);
}

/*
 * No file at the default path: the built-in configuration, but only for
 * the binary of a build tree.  An installed spawnd that ran it would
 * serve a developer's loopback services, and make ./catsock in "/".
 */
static int
conf_no_default(struct config *cf, const struct service *const *types,
    const char *cwd, conf_report_fn *report, void *arg)
{
	char src[PATH_MAX], msg[PATH_MAX + 160];

	if (buildtree_srcdir(src, sizeof(src)) == 0)
		return conf_builtin(cf, types, cwd, report, arg);
	memset(cf, 0, sizeof(*cf));
	snprintf(msg, sizeof(msg), "%s: %s (the built-in configuration is "
	    "only for trying spawnd from its build tree)", CONF_DEFAULT_PATH,
	    strerror(ENOENT));
	if (report != NULL)
		report(arg, msg);
	return -1;
}

int
conf_load_chosen(struct config *cf, const struct service *const *types,
    const char *path, const char *cwd, conf_report_fn *report, void *arg)
{
	char full[PATH_MAX];
	struct stat st;

	if (path == NULL && stat(CONF_DEFAULT_PATH, &st) == -1 &&
	    errno == ENOENT)
		return conf_no_default(cf, types, cwd, report, arg);
	if (path_join(full, sizeof(full), cwd,
	    path != NULL ? path : CONF_DEFAULT_PATH) == -1) {
		memset(cf, 0, sizeof(*cf));
		if (report != NULL)
			report(arg, "configuration path too long");
		return 1;
	}
	return conf_load(cf, types, full, cwd, report, arg);
}

size_t
conf_count_listeners(const struct config *cf)
{
	size_t i, n = 0;

	for (i = 0; i < cf->cf_nservices; i++)
		if (cf->cf_services[i].sc_enabled)
			n += cf->cf_services[i].sc_nstream +
			    cf->cf_services[i].sc_ndgram;
	return n;
}

/*
 * Safe on a zeroed or half-filled config, and twice.  sv_release runs
 * for each service whose sv_check left data in sc_data.
 */
void
conf_free(struct config *cf)
{
	size_t	i;

	for (i = 0; i < cf->cf_nservices; i++)
		conf_service_free(&cf->cf_services[i]);
	free(cf->cf_services);
	for (i = 0; i < cf->cf_nsources; i++) {
		free(cf->cf_sources[i].cs_path);
		free(cf->cf_sources[i].cs_text);
	}
	free(cf->cf_sources);
	for (i = 0; i < cf->cf_nwatched; i++)
		free(cf->cf_watched[i].cw_glob);
	free(cf->cf_watched);
	free(cf->cf_pidfile);
	free(cf->cf_user);
	free(cf->cf_group);
	free(cf->cf_fortune_file);
	free(cf->cf_motd_file);
	memset(cf, 0, sizeof(*cf));
}
