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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/conf_source.h"
#include "config/config.h"

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
