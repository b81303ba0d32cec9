/*
 * watch_config: reloading by itself when a file of inetd_conf or of an
 * include glob changes -- update-inetd, dpkg and an admin's editor need
 * no SIGHUP.  spawnd.conf itself is not watched: an edit of it may be
 * half done, and its admin reloads (spawnd.conf(5), "Global options",
 * watch_config).
 */
#ifndef SPAWND_PARENT_WATCH_H
#define SPAWND_PARENT_WATCH_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

struct config;

/* One directory watched, for the names one glob's last part matches. */
struct watch_dir {
	int			 wd_wd;		/* inotify's watch descriptor */
	char			*wd_dir;
	char			*wd_names;	/* fnmatch(3) pattern */
};

struct watch {
	int			 wt_fd;		/* inotify; -1: not watching */
	struct watch_dir	*wt_dirs;
	size_t			 wt_ndirs;
	int64_t			 wt_due_ms;	/* reload then (netio_now_ms());
						   0: no change waits */
	int64_t			 wt_first_ms;	/* the first change waiting */
	char			 wt_path[PATH_MAX]; /* what changed first */
};

/*
 * Watch what cf names, when watch_config is on (otherwise, and on any
 * failure, logged, wt_fd is -1 and spawnd serves on without).
 * reloaded: cf is what the image before this one read; whatever has
 * changed on disk since is a change waiting already.
 */
void watch_open(struct watch *wt, const struct config *cf, int reloaded);

/* wt_fd is readable: take its events; a change makes a reload due. */
void watch_read(struct watch *wt);

/* Milliseconds until a due reload (0: now), or -1: none waits. */
int watch_poll_ms(const struct watch *wt);

/*
 * Is a reload due now?  Then 1, and wt_path says what changed; the
 * next change waits anew.
 */
int watch_due(struct watch *wt);

void watch_close(struct watch *wt);

#endif
