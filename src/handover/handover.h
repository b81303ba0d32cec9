/*
 * The reload hand-over.  Before a SIGHUP re-exec the old image writes
 * its state into a memfd whose number travels in $SPAWND_HANDOVER; the
 * listening sockets and the pidfile's fd stay open across execve(), so
 * the kernel keeps queueing connections and no client is refused, and
 * the new image adopts them together with the table of live children.
 *
 * The memfd holds text lines, one record each:
 *
 *	spawnd-handover 1
 *	startdir PATH			cwd at the very first start
 *	pidfile FD PATH			locked pidfile
 *	listen FD stream|datagram ADDRESS   ADDRESS as in the log (la_text)
 *	held FD PID			the listener FD is wait child PID's
 *	name FD SERVICE			the listener FD is SERVICE's
 *	child PID PEER SERVICE		PEER numeric or "-" (Unix)
 *	started PID MS			child PID's fork, in ms of
 *					CLOCK_MONOTONIC (max_lifetime)
 *	ending PID STEP MS		child PID's end at max_lifetime:
 *					STEP 1 SIGTERM sent at MS, 2
 *					SIGKILL too (parent/lifetime.h)
 *	report FD PID			child PID's PROXY report awaited on
 *					FD (per_source; after its child)
 *	configfile PATH			the configuration's file (none:
 *					the built-in one)
 *	config TEXT			the configuration's very text, as
 *					the old image checked it
 *	includefile PATH		a file it included, in order
 *	include TEXT			that file's very text
 *	inetdfile PATH			its inetd_conf file
 *	inetd TEXT			that file's very text
 *	board STARTED RELOADS_OK RELOADS_REFUSED   the counters' header
 *	counts N V1 ... VN SERVICE	a service's counters (reload/state.c
 *					says which is which)
 *	reload SEQ			the reload attempt's number
 *					(reload/outcome.h)
 *
 * A record of a word not listed here (a newer image's) is skipped, so
 * that from this version on an image can hand over to an older one
 * (images before it refuse the "name" records).  The last field of each line runs
 * to its end, so paths and service
 * names may hold spaces; in those fields a control byte (a newline
 * would end the record), DEL and the backslash are written as \xNN.
 * systemd's socket activation ($LISTEN_FDS, with $LISTEN_FDNAMES as
 * their names) is read into the same structure, as listeners described
 * by getsockname() (inherited.c).
 */
#ifndef SPAWND_HANDOVER_HANDOVER_H
#define SPAWND_HANDOVER_HANDOVER_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "config/config.h"
#include "net/addr.h"

#define HANDOVER_ENV "SPAWND_HANDOVER"
#define HANDOVER_MAGIC "spawnd-handover 1"	/* its first line */

/* Described by the kernel (getsockname), not by the text we wrote. */
struct inherited_listener {
	int			 il_fd;		/* -1 once adopted or closed */
	int			 il_socktype;
	int			 il_v6only;	/* IPV6_V6ONLY of an IPv6 socket */
	int			 il_ours;	/* from a reload, not from systemd */
	int			 il_unused;	/* closed: no listener took it */
	pid_t			 il_held;	/* the wait child serving on it */
	char			 il_name[128];	/* the service it was for (a
						   reload, systemd's FDNAME or
						   FileDescriptorName=); "": none */
	struct sockaddr_storage	 il_sa;
	socklen_t		 il_salen;
};

struct inherited_child {
	pid_t			 ic_pid;
	int			 ic_report;	/* the parent's end of its PROXY
						   report pair; -1: none, or
						   adopted */
	struct sockaddr_storage	 ic_peer;	/* family AF_UNIX for "-" */
	char			 ic_service[128];
	int			 ic_writer;	/* the writer of its service's FIFO */
	uint64_t		 ic_writer_tag;	/* its settings (writers_tag());
						   0: to be replaced */
	int64_t			 ic_started_ms;	/* its fork (CLOCK_MONOTONIC);
						   0: not said (an older image) */
	int			 ic_ending;	/* LIFETIME_*; 0: none said */
	int64_t			 ic_ending_ms;	/* its SIGTERM */
};

/* A service's counters, as many as the image before us had. */
#define HANDOVER_COUNTS_MAX	32
struct inherited_counts {
	char			 ik_service[128];
	uint64_t		 ik_values[HANDOVER_COUNTS_MAX];
	size_t			 ik_nvalues;
};

struct handover {
	int			 ho_present;	/* we are a reload's new image */
	char			 ho_startdir[PATH_MAX];
	int			 ho_pidfile_fd;	/* -1: none */
	char			 ho_pidfile[PATH_MAX];
	struct inherited_listener *ho_listeners;
	size_t			 ho_nlisteners;
	struct inherited_child	*ho_children;
	size_t			 ho_nchildren;
	int			 ho_board;	/* a "board" record was read */
	int64_t			 ho_started;
	uint64_t		 ho_reloads_ok;
	uint64_t		 ho_reloads_refused;
	uint64_t		 ho_reload_seq;	/* "reload SEQ"; 0: none */
	struct inherited_counts	*ho_counts;
	size_t			 ho_ncounts;
	struct conf_source	*ho_sources;	/* the texts to load, the main
						   one first; none: read the
						   files (an older image) */
	size_t			 ho_nsources;
};

/*
 * What this image was handed, at start-up: $SPAWND_HANDOVER (then
 * unset: children must not see it) or, without it, systemd's
 * $LISTEN_FDS (inherited.h).  The fds found are marked close-on-exec
 * again.  Returns 0 (ho_present tells
 * whether there was a hand-over) or -1 with a message in err.
 */
int handover_receive(struct handover *ho, char *err, size_t errlen);

/* Close the listeners nobody took (inherited.h), free the rest. */
void handover_free(struct handover *ho);

#endif
