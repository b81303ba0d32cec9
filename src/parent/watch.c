/*
 * watch_config (see watch.h).  inotify on the directory of each watched
 * glob, not on the files: update-inetd and dpkg write a new file and
 * rename it over the old one, which a watch on the old file's inode
 * would never see; and a drop-in directory gains files.  Events for
 * names the glob does not match (the rest of /etc) are dropped here.
 *
 * A change waits WATCH_SETTLE_MS for the next one, so that a package
 * writing three files, or an editor writing twice, costs one reload,
 * but never more than WATCH_LATEST_MS after the first.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/conf_watch.h"
#include "config/config.h"
#include "parent/watch.h"

#define WATCH_SETTLE_MS	1000
#define WATCH_LATEST_MS	1500

#define WATCH_EVENTS	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | \
			 IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
			 IN_MOVE_SELF | IN_ONLYDIR)

/* A change seen now (path: what changed): the reload waits a moment. */
static void
watch_changed(struct watch *wt, const char *dir, const char *name)
{
	int64_t now = netio_now_ms();

	if (wt->wt_due_ms == 0) {
		wt->wt_first_ms = now;
		snprintf(wt->wt_path, sizeof(wt->wt_path), "%s%s%s", dir,
		    name[0] != '\0' && strcmp(dir, "/") != 0 ? "/" : "", name);
	}
	wt->wt_due_ms = now + WATCH_SETTLE_MS;
	if (wt->wt_due_ms > wt->wt_first_ms + WATCH_LATEST_MS)
		wt->wt_due_ms = wt->wt_first_ms + WATCH_LATEST_MS;
}

/*
 * Split glob at its last '/' into the directory (its escapes undone)
 * and the pattern of names.  -1: the directory has wildcards of its own.
 */
static int
watch_split(const char *glob, char *dir, size_t size, const char **names)
{
	const char *slash = strrchr(glob, '/'), *p;
	size_t n = 0;

	if (slash == NULL)
		return -1;	/* conf_watch_add() has them absolute */
	*names = slash + 1;
	for (p = glob; p < slash || (p == glob && p == slash); p++) {
		if (*p == '*' || *p == '?' || *p == '[')
			return -1;
		if (*p == '\\' && p + 1 < slash)
			p++;
		if (n + 1 >= size)
			return -1;
		dir[n++] = *p;
	}
	dir[n] = '\0';
	return 0;
}

static int watch_add_above(struct watch *, const char *);
static void watch_link(struct watch *, const char *);
static int watch_record(struct watch *, int, const char *, const char *);

/* Watch one glob's directory.  0, or -1 (logged: it is not watched). */
static int
watch_add(struct watch *wt, const char *glob)
{
	char dir[PATH_MAX];
	const char *names;
	int w;

	if (watch_split(glob, dir, sizeof(dir), &names) == -1) {
		log_warnx("watch_config: %s: not watched (a wildcard before "
		    "its last /)", glob);
		return -1;
	}
	if ((w = inotify_add_watch(wt->wt_fd, dir, WATCH_EVENTS)) == -1 &&
	    (errno == ENOENT || errno == ENOTDIR))
		return watch_add_above(wt, dir);
	if (w == -1) {
		log_warn("watch_config: watching %s", dir);
		return -1;
	}
	if (watch_record(wt, w, dir, names) == -1)
		return -1;
	watch_link(wt, dir);
	return 0;
}

/*
 * dir is a symbolic link (a deployment swaps /etc/spawnd.d -> release-N
 * by a rename): the watch above is on its target, so the link's
 * directory is watched for the link's name too.
 */
static void
watch_link(struct watch *wt, const char *dir)
{
	char above[PATH_MAX], name[NAME_MAX * 2 + 1], *slash;
	struct stat st;
	int w;

	if (lstat(dir, &st) == -1 || !S_ISLNK(st.st_mode))
		return;
	snprintf(above, sizeof(above), "%s", dir);
	while ((slash = strrchr(above, '/')) != NULL && slash[1] == '\0' &&
	    slash != above)
		*slash = '\0';
	if ((slash = strrchr(above, '/')) == NULL || slash[1] == '\0' ||
	    conf_glob_literal(name, sizeof(name), slash + 1) == -1)
		return;
	slash[slash == above] = '\0';
	if ((w = inotify_add_watch(wt->wt_fd, above, WATCH_EVENTS)) == -1) {
		log_warn("watch_config: watching %s (for the link %s)", above,
		    dir);
		return;
	}
	(void)watch_record(wt, w, above, name);
}

/*
 * dir is not there (yet: a package makes its drop-in directory; or it
 * was removed): watch the nearest directory above it that is, for the
 * next part of the path, whose coming is a change.
 */
static int
watch_add_above(struct watch *wt, const char *dir)
{
	char above[PATH_MAX], name[NAME_MAX * 2 + 1], *slash;
	int w;

	snprintf(above, sizeof(above), "%s", dir);
	for (;;) {
		while ((slash = strrchr(above, '/')) != NULL &&
		    slash[1] == '\0' && slash != above)
			*slash = '\0';		/* "a/b/" is "a/b" */
		if ((slash = strrchr(above, '/')) == NULL || slash[1] == '\0')
			break;
		if (conf_glob_literal(name, sizeof(name), slash + 1) == -1)
			break;
		slash[slash == above] = '\0';	/* keep "/" itself */
		if ((w = inotify_add_watch(wt->wt_fd, above,
		    WATCH_EVENTS)) != -1) {
			log_warnx("watch_config: %s does not exist; watching "
			    "%s until it does", dir, above);
			return watch_record(wt, w, above, name);
		}
		if (errno != ENOENT && errno != ENOTDIR)
			break;
	}
	log_warn("watch_config: watching %s", dir);
	return -1;
}

/* Record watch w on dir, for the names glob names matches. */
static int
watch_record(struct watch *wt, int w, const char *dir, const char *names)
{
	struct watch_dir *wd;

	wd = reallocarray(wt->wt_dirs, wt->wt_ndirs + 1, sizeof(*wd));
	if (wd == NULL) {
		log_warn("watch_config: watching %s", dir);
		return -1;
	}
	wt->wt_dirs = wd;
	wd += wt->wt_ndirs;
	wd->wd_wd = w;
	wd->wd_dir = strdup(dir);
	wd->wd_names = strdup(names);
	if (wd->wd_dir == NULL || wd->wd_names == NULL) {
		log_warn("watch_config: watching %s", dir);
		free(wd->wd_dir);
		free(wd->wd_names);
		return -1;
	}
	wt->wt_ndirs++;
	return 0;
}

void
watch_open(struct watch *wt, const struct config *cf, int reloaded)
{
	char path[PATH_MAX];
	size_t i;

	memset(wt, 0, sizeof(*wt));
	wt->wt_fd = -1;
	if (!cf->cf_watch_config || cf->cf_nwatched == 0)
		return;
	if ((wt->wt_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("watch_config: inotify_init1 (changes are seen at "
		    "the next SIGHUP)");
		return;
	}
	for (i = 0; i < cf->cf_nwatched; i++)
		(void)watch_add(wt, cf->cf_watched[i].cw_glob);
	/*
	 * Watching from now on; what changed between the image before
	 * reading the files and now would otherwise wait for the next
	 * change.
	 */
	if (reloaded && conf_changed(cf, path, sizeof(path)))
		watch_changed(wt, path, "");
}

/* One event: a change if it names a watched file, or the directory. */
static void
watch_event(struct watch *wt, const struct inotify_event *ev)
{
	const struct watch_dir *wd;
	size_t i;

	if (ev->mask & IN_Q_OVERFLOW) {
		/* Events were lost: any of them may have been ours. */
		if (wt->wt_ndirs > 0)
			watch_changed(wt, wt->wt_dirs[0].wd_dir, "");
		return;
	}
	for (i = 0; i < wt->wt_ndirs; i++) {
		wd = &wt->wt_dirs[i];
		if (wd->wd_wd != ev->wd)
			continue;
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
			watch_changed(wt, wd->wd_dir, "");
			return;
		}
		if (ev->len > 0 && fnmatch(wd->wd_names, ev->name,
		    FNM_PERIOD) == 0) {
			watch_changed(wt, wd->wd_dir, ev->name);
			return;
		}
	}
}

void
watch_read(struct watch *wt)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	size_t len;
	char *p;

	for (;;) {
		if ((n = read(wt->wt_fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				log_warn("watch_config: reading inotify events");
			return;
		}
		for (p = buf; p < buf + n; p += sizeof(*ev) + len) {
			ev = (const struct inotify_event *)(void *)p;
			len = ev->len;
			watch_event(wt, ev);
		}
	}
}

int
watch_poll_ms(const struct watch *wt)
{
	return wt->wt_due_ms == 0 ? -1 : netio_left_ms(wt->wt_due_ms);
}

int
watch_due(struct watch *wt)
{
	if (wt->wt_due_ms == 0 || netio_left_ms(wt->wt_due_ms) > 0)
		return 0;
	wt->wt_due_ms = 0;
	return 1;
}

void
watch_close(struct watch *wt)
{
	size_t i;

	for (i = 0; i < wt->wt_ndirs; i++) {
		free(wt->wt_dirs[i].wd_dir);
		free(wt->wt_dirs[i].wd_names);
	}
	free(wt->wt_dirs);
	if (wt->wt_fd != -1 && close(wt->wt_fd) == -1)
		log_warn("watch_config: closing inotify");
	memset(wt, 0, sizeof(*wt));
	wt->wt_fd = -1;
}
