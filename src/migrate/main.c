/*
 * spawnd-migrate: xinetd's configuration as spawnd.conf service
 * sections on standard output (spawnd-migrate(8)).  Reads the files
 * named, or xinetd.conf, with what they include; exits 0 when every
 * attribute was converted, 1 when something was not (each such
 * attribute a "# not converted:" line of the output), 66 when a file
 * cannot be read and 78 when one is not xinetd's syntax, with the
 * message "FILE:LINE: ..." on standard error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/textbuf.h"
#include "base/version.h"
#include "migrate/migrate_print.h"
#include "migrate/xinetd_read.h"

/* xinetd's, wherever spawnd itself is installed. */
#define DEFAULT_XINETD_CONF	"/etc/xinetd.conf"

static const char optstring[] = "hV";
static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: spawnd-migrate [-hV] [FILE...]\n"
	    "Print xinetd's services as spawnd.conf service sections.\n"
	    "FILE is an xinetd.conf, with its includedir and defaults, or a\n"
	    "file of /etc/xinetd.d (default: %s).\n"
	    "  -h, --help     this text\n"
	    "  -V, --version  the version\n"
	    "Exit status: 0 everything converted; 1 something was not (see\n"
	    "the \"# not converted:\" lines); 66 a file cannot be read;\n"
	    "78 a file is not xinetd's syntax (FILE:LINE on stderr).\n",
	    DEFAULT_XINETD_CONF);
}

/* stdout, all of it: 0, or -1. */
static int
write_out(const struct textbuf *tb)
{
	if (tb->tb_len > 0 && fwrite(tb->tb_text, 1, tb->tb_len, stdout) !=
	    tb->tb_len)
		return -1;
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const char *const fallback[] = { DEFAULT_XINETD_CONF };
	const char *const *files = fallback;
	struct textbuf out = { NULL, 0, 0, 0 };
	enum xread_status st = XREAD_OK;
	struct xconf xc;
	char err[1024];
	unsigned notes = 0;
	int ch, nfiles = 1, i, rc;

	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("spawnd-migrate %s\n", spawnd_version);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		files = (const char *const *)argv + optind;
		nfiles = argc - optind;
	}
	memset(&xc, 0, sizeof(xc));
	for (i = 0; i < nfiles && st == XREAD_OK; i++)
		st = xconf_read(&xc, files[i], err, sizeof(err));
	if (st != XREAD_OK) {
		fprintf(stderr, "spawnd-migrate: %s\n", err);
		xconf_free(&xc);
		return st == XREAD_MISSING ? EX_NOINPUT : EX_CONFIG;
	}
	rc = migrate_print(&out, &xc, &notes);
	xconf_free(&xc);
	if (rc == -1) {
		fprintf(stderr, "spawnd-migrate: out of memory\n");
		textbuf_free(&out);
		return EX_OSERR;
	}
	rc = write_out(&out);
	textbuf_free(&out);
	if (rc == -1) {
		perror("spawnd-migrate: standard output");
		return EX_IOERR;
	}
	return notes > 0 ? 1 : 0;
}
