/*
 * The command line: spawnd(8) SYNOPSIS and OPTIONS, the usage --help
 * prints, and one "spawnd: " form for every usage error (exit 64).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/version.h"
#include "config/config.h"
#include "daemon/options.h"

static const char optstring[] = "fc:p:tlrdVh";
static const struct option longopts[] = {
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "config",		required_argument,	NULL, 'c' },
	{ "pidfile",		required_argument,	NULL, 'p' },
	{ "test-config",	no_argument,		NULL, 't' },
	{ "list",		no_argument,		NULL, 'l' },
	{ "reload",		no_argument,		NULL, 'r' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: spawnd [-f] [-c FILE] [-p PIDFILE] [-t [-l] | -r] [-d] [-V] [-h]\n"
	    "  -f, --foreground    stay in the foreground, log to stderr\n"
	    "  -c, --config FILE   configuration file (default %s; when it\n"
	    "                      does not exist, the build tree's binary\n"
	    "                      runs a built-in one)\n"
	    "  -p, --pidfile FILE  overrides the configuration's pidfile\n"
	    "  -t, --test-config   check the configuration and exit\n"
	    "  -l, --list          with -t: then one line per service:\n"
	    "                      NAME TYPE ADDRESSES USER:GROUP [disabled]\n"
	    "                      [OPTION=VALUE...] (see spawnd(8))\n"
	    "  -r, --reload        check it, have the running spawnd (the\n"
	    "                      pidfile's) reload it, wait for the outcome:\n"
	    "                      exit 0 reloaded, 1 refused (the reason on\n"
	    "                      stderr), 69 not running\n"
	    "  -d, --debug         log debug messages too\n"
	    "  -V, --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n",
	    CONF_DEFAULT_PATH);
}

/*
 * getopt's own messages (opterr = 0) would start with argv[0], as
 * "build/src/spawnd: invalid option"; ours all start "spawnd: ".
 * optopt is the option getopt stopped at: 0 for an unknown long one,
 * one of ours when its argument is missing or not allowed.
 */
static void __attribute__((noreturn))
option_error(char **argv)
{
	const char *arg = argv[optind - 1], *ours;

	ours = optopt != 0 ? strchr(optstring, optopt) : NULL;
	if (ours == NULL && optopt != 0)
		fprintf(stderr, "spawnd: unknown option -%c\n", optopt);
	else if (ours == NULL)
		fprintf(stderr, "spawnd: unknown option %.*s\n",
		    (int)strcspn(arg, "="), arg);
	else if (ours[1] == ':' && strncmp(arg, "--", 2) == 0)
		fprintf(stderr, "spawnd: option %s needs an argument\n", arg);
	else if (ours[1] == ':')
		fprintf(stderr, "spawnd: option -%c needs an argument\n",
		    optopt);
	else
		fprintf(stderr, "spawnd: option %.*s takes no argument\n",
		    (int)strcspn(arg, "="), arg);
	usage(stderr);
	exit(EX_USAGE);
}

void
parse_options(int argc, char **argv, struct options *op)
{
	int ch;

	memset(op, 0, sizeof(*op));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': op->op_foreground = 1; break;
		case 'c': op->op_config = optarg; break;
		case 'p': op->op_pidfile = optarg; break;
		case 't': op->op_test = 1; break;
		case 'l': op->op_list = 1; break;
		case 'r': op->op_reload = 1; break;
		case 'd': op->op_debug = 1; break;
		case 'V':
			printf("spawnd %s\n", spawnd_version);
			exit(EX_OK);
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			option_error(argv);
		}
	}
	if (op->op_test && op->op_reload) {
		fprintf(stderr, "spawnd: -t and -r exclude each other\n");
		usage(stderr);
		exit(EX_USAGE);
	}
	if (optind != argc) {
		fprintf(stderr, "spawnd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		exit(EX_USAGE);
	}
	if (op->op_list && !op->op_test) {
		fprintf(stderr, "spawnd: -l lists what -t checks: use -t -l\n");
		usage(stderr);
		exit(EX_USAGE);
	}
}
