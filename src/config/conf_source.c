/*
 * The texts a configuration is loaded from (config.h: struct
 * conf_source): reading a file whole, and keeping a copy of each text
 * among a configuration's sources.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/conf_source.h"
#include "config/config.h"
#include "net/listen.h"

char *
conf_read(const char *path, size_t *lenp)
{
	char	*buf = NULL, *p;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			if ((p = realloc(buf, cap)) == NULL)
				goto fail;
			buf = p;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += n;
		if (len > CONF_FILE_MAX) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

struct conf_source *
conf_source_add(struct config *cf, const char *path, const char *text,
    size_t len)
{
	struct conf_source *cs;

	cs = reallocarray(cf->cf_sources, cf->cf_nsources + 1, sizeof(*cs));
	if (cs == NULL)
		return NULL;
	cf->cf_sources = cs;
	cs += cf->cf_nsources;
	memset(cs, 0, sizeof(*cs));
	if ((path != NULL && (cs->cs_path = strdup(path)) == NULL) ||
	    (cs->cs_text = malloc(len + 1)) == NULL) {
		free(cs->cs_path);
		return NULL;
	}
	memcpy(cs->cs_text, text, len);
	cs->cs_text[len] = '\0';
	cs->cs_len = len;
	cf->cf_nsources++;
	return cs;
}

/*
 * Run as root, a file others can write, or one in a directory others can
 * write (listen_dir_safe's rule), hands them root: its services run
 * programs as any user, and watch_config loads it within a second.
 */
int
conf_unsafe(const char *path, const struct stat *st, char *why, size_t size)
{
	if (geteuid() != 0)
		return 0;
	if (st->st_uid != 0 || (st->st_mode & 022) != 0) {
		snprintf(why, size, "%s: %s (mode %04o): whoever can write it "
		    "runs programs as root; not loaded", path,
		    st->st_uid != 0 ? "not root's" : "writable by others than "
		    "root", (unsigned)(st->st_mode & 07777));
		return 1;
	}
	return listen_dir_safe(path, why, size) == -1;
}
