/*
 * Configuration: the libconfuse schema of spawnd.conf(5) turned into
 * plain structs.  The parser validates everything it can before the
 * daemon binds a socket, so that "spawnd -t" and a reload find the same
 * errors.  This is the module's only public header: no libconfuse type
 * escapes src/config/.
 */
#ifndef SPAWND_CONFIG_CONFIG_H
#define SPAWND_CONFIG_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/addr.h"
#include "net/cidr.h"

struct service;

/* One "service NAME { ... }" section. */
struct svc_conf {
	char			*sc_name;	/* section title */
	const struct service	*sc_type;	/* entry of the service table */
	int			 sc_enabled;
	const char		*sc_file;	/* the file it is in (owned by
						   the config's sources) */
	unsigned		 sc_inetd_line;	/* its line of inetd_conf; 0: not
						   from there (a bind that fails
						   skips it, as a bad line) */
	unsigned		 sc_line;	/* where the section starts */
	struct listen_addr	*sc_stream;	/* listen_stream */
	unsigned		*sc_stream_line; /* the line of each */
	size_t			 sc_nstream;
	struct listen_addr	*sc_dgram;	/* listen_datagram */
	unsigned		*sc_dgram_line;
	size_t			 sc_ndgram;
	char			*sc_fifo;	/* listen_fifo, absolute; NULL:
						   none (type signature's) */
	char			*sc_signature;	/* its first line; "" for none */
	unsigned		 sc_max_instances; /* 0: only max_children */
	unsigned		 sc_per_source;	/* 0: unlimited */
	unsigned		 sc_rate;	/* connections per second; 0: unlimited */
	unsigned		 sc_rate_minute; /* per minute (inetd's nowait.N) */
	unsigned		 sc_datagram_rate; /* datagrams answered per second */
	unsigned		 sc_idle_timeout; /* seconds */
	unsigned		 sc_max_lifetime; /* seconds a child may live, kept
						   by the parent; 0: no limit */
	struct cidr		*sc_allow;	/* empty: everyone */
	size_t			 sc_nallow;
	struct cidr		*sc_deny;	/* deny wins over allow */
	size_t			 sc_ndeny;
	char			*sc_user;	/* global value unless overridden */
	char			*sc_group;
	uid_t			 sc_uid;	/* resolved from sc_user */
	gid_t			 sc_gid;	/* resolved from sc_group */
	gid_t			*sc_groups;	/* supplementary groups of sc_user,
						   looked up once (NSS is costly
						   in every child) */
	int			 sc_ngroups;
	mode_t			 sc_socket_mode; /* Unix socket files */
	char			*sc_fortune_file; /* global unless overridden */
	char			*sc_fortune_command; /* NULL: read the file */
	char			*sc_exec;	/* type exec: the command line, for
						   messages (words quoted as the
						   configuration writes them) */
	char			**sc_exec_argv;	/* what runs: the path, then the
						   arguments; NULL-terminated, one
						   block */
	char			*sc_exec_argv0;	/* its argv[0], when not the path
						   (inetd.conf's); NULL: the path */
	char			**sc_env;	/* env: "NAME=VALUE" each */
	size_t			 sc_nenv;
	int			 sc_wait;	/* exec: a child takes the listening
						   socket itself (inetd's wait) */
	unsigned		 sc_rlimit_cpu;	/* seconds; 0: unlimited */
	unsigned long		 sc_rlimit_as;	/* bytes; 0: unlimited */
	unsigned		 sc_rlimit_nofile; /* 0: as inherited */
	int			 sc_proxy;	/* proxy_protocol: PROXY_ACCEPT_V1
						   and/or _V2 of net/proxy.h;
						   0: off */
	struct cidr		*sc_proxy_from;	/* who may send a header */
	size_t			 sc_nproxy_from;
	unsigned		 sc_proxy_timeout; /* seconds for the header */
	int			 sc_fork;	/* stream: fork a child per client */
	int			 sc_log_connections;
	void			*sc_data;	/* prepared by the type's sv_check */
};

enum log_target { LOG_TARGET_SYSLOG, LOG_TARGET_STDERR };

/*
 * A file the configuration was loaded from, and its very text: a
 * reload's new image loads these, not what the files hold by then.
 */
/* What a source is (cs_kind). */
#define CONF_SOURCE_MAIN	0	/* spawnd.conf, or the built-in text */
#define CONF_SOURCE_INCLUDE	1	/* a file an include glob found */
#define CONF_SOURCE_INETD	2	/* the inetd_conf file */

struct conf_source {
	int			 cs_kind;	/* CONF_SOURCE_* */
	char			*cs_path;	/* NULL: the built-in text */
	char			*cs_text;
	size_t			 cs_len;
	dev_t			 cs_dev;	/* an included file, as a glob */
	ino_t			 cs_ino;	/* found it; 0: not known */
};

/*
 * What watch_config watches: an include glob, or inetd_conf's path,
 * made absolute as glob(3) takes it (a literal path's wildcards and the
 * start directory's are escaped).  Kept even when nothing matches yet:
 * a file may appear there later.
 */
struct conf_watch {
	int			 cw_kind;	/* CONF_SOURCE_INCLUDE or _INETD */
	char			*cw_glob;
};

struct config {
	const char		*cf_file;	/* NULL: the built-in default;
						   else cf_sources[0].cs_path */
	struct conf_source	*cf_sources;	/* the main text first, then
						   each included file */
	size_t			 cf_nsources;
	int			 cf_watch_config; /* reload when a watched file
						   changes */
	struct conf_watch	*cf_watched;	/* the include globs, inetd_conf */
	size_t			 cf_nwatched;
	char			*cf_pidfile;
	char			*cf_user;
	char			*cf_group;
	unsigned		 cf_max_children;
	enum log_target		 cf_log_target;
	int			 cf_syslog_facility; /* LOG_DAEMON, ... */
	int			 cf_resolve_names;
	unsigned		 cf_dns_timeout;  /* seconds */
	char			*cf_fortune_file;
	char			*cf_motd_file;
	unsigned		 cf_shutdown_grace; /* seconds */
	struct svc_conf		*cf_services;	/* every section, enabled or not */
	size_t			 cf_nservices;
};

/*
 * Receives each error as one complete line "FILE:LINE: message" (no
 * newline); ctx is the caller's.
 */
typedef void conf_report_fn(void *ctx, const char *line);

/*
 * Load and validate path.  types is the table of service types a
 * section's "type" names (services/service.h: svc_types; the caller
 * hands it down, so that the configuration depends on no service).  cwd is the directory spawnd was started in
 * (relative Unix socket paths are joined to it).  On success returns 0
 * and fills cf; otherwise reports every error it found through report
 * and returns the number of errors (cf is left empty).  -1 means the
 * file could not be read (also reported).
 */
int conf_load(struct config *cf, const struct service *const *types,
    const char *path, const char *cwd, conf_report_fn *report, void *ctx);

/*
 * Load sources[0] and, as its include globs would find them, the
 * included files sources[1..n-1], from their texts, not from the disk:
 * a reload's new image loads exactly what the image before it checked.
 * A source's path NULL: the built-in configuration.  Returns as
 * conf_load().
 */
int conf_load_sources(struct config *cf, const struct service *const *types,
    const struct conf_source *sources, size_t n, const char *cwd,
    conf_report_fn *report, void *ctx);

/*
 * The built-in default configuration (spawnd(8), "FILES"); in a build
 * tree, the source tree's cookies while none are installed.
 */
int conf_builtin(struct config *cf, const struct service *const *types,
    const char *cwd, conf_report_fn *report, void *ctx);

void conf_free(struct config *cf);

/*
 * -c's file, else the default file (CONF_DEFAULT_PATH), else -- when
 * that does not exist -- the built-in configuration if this binary is a
 * build tree's (base/buildtree.h), an error (-1) if it is installed.  A
 * relative path is joined to cwd.  Returns as conf_load().
 */
int conf_load_chosen(struct config *cf, const struct service *const *types,
    const char *path, const char *cwd, conf_report_fn *report, void *ctx);

/*
 * Do the files cf's include globs and inetd_conf find now differ from
 * the sources cf was loaded from (a file new, gone or edited)?  Returns
 * 1 and the first such path in path (size bytes), or 0.  A reload's new
 * image asks, so that an edit made while the image before it was
 * checking is not missed.
 */
int conf_changed(const struct config *cf, char *path, size_t size);

/* How many sockets the enabled services of cf ask for. */
size_t conf_count_listeners(const struct config *cf);

#define CONF_DEFAULT_PATH	SYSCONFDIR "/spawnd.conf"

/* The largest configuration file read (1 MiB). */
#define CONF_FILE_MAX	(1024 * 1024)

/*
 * Ceilings of the integer options, checked by -t like everything else.
 * max_children sizes the parent's slot table, scanned on every fork and
 * reap: 4096 children keep that scan a few microseconds.
 */
#define CONF_MAX_CHILDREN	4096
#define CONF_MAX_DNS_TIMEOUT	60		/* seconds */
#define CONF_MAX_GRACE		3600		/* seconds */
#define CONF_MAX_TIMEOUT	86400		/* idle_timeout, seconds */
#define CONF_MAX_LIFETIME	2592000		/* max_lifetime, seconds (30 days) */
#define CONF_MAX_RATE		1000000		/* per second */
#define CONF_NAME_MAX		127		/* a service name's bytes */
#define CONF_MAX_RLIMIT_CPU	86400		/* seconds */
#define CONF_MIN_RLIMIT_AS	(1UL << 20)	/* bytes: less cannot exec */
#define CONF_MAX_RLIMIT_AS	((1ULL << 46) > ULONG_MAX ? ULONG_MAX : \
				 (unsigned long)(1ULL << 46))	/* bytes */
#define CONF_MAX_RLIMIT_NOFILE	1048576		/* the kernel's nr_open */
#define CONF_MAX_ENV		64		/* env entries */
#define CONF_MAX_PROXY_TIMEOUT	60		/* seconds */

#endif
