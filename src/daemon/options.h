/*
 * The command line of spawnd (spawnd(8) OPTIONS): parsed into struct
 * options; -V, -h and bad usage end the process here.
 */
#ifndef SPAWND_DAEMON_OPTIONS_H
#define SPAWND_DAEMON_OPTIONS_H

struct options {
	const char	*op_config;	/* -c; NULL: default path or built-in */
	const char	*op_pidfile;	/* -p; NULL: the config's */
	int		 op_foreground;	/* -f */
	int		 op_test;	/* -t */
	int		 op_list;	/* -l, with -t: the services */
	int		 op_debug;	/* -d */
	int		 op_reload;	/* -r */
};

/*
 * argv into *op.  Exits 0 after -V or -h, 64 with the usage on stderr
 * after an unknown option, a missing argument, an extra word, -t with -r
 * or -l without -t.
 */
void parse_options(int argc, char **argv, struct options *op);

#endif
