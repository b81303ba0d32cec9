/*
 * The cookies' offsets (fortune_offsets.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/fortune_offsets.h"
#include "services/fortune_random.h"

int
fortune_offsets_add(struct fortune_offsets *fo, off_t at, size_t len)
{
	if (fo->fo_count == fo->fo_room) {
		size_t room = fo->fo_room ? fo->fo_room * 2 : 64;
		off_t *a = reallocarray(fo->fo_at, room, sizeof(*a));
		size_t *l;

		if (a == NULL)
			return -1;
		fo->fo_at = a;
		if ((l = reallocarray(fo->fo_len, room, sizeof(*l))) == NULL)
			return -1;
		fo->fo_len = l;
		fo->fo_room = room;
	}
	fo->fo_at[fo->fo_count] = at;
	fo->fo_len[fo->fo_count++] = len;
	return 0;
}

static int
fortune_offsets_same(const struct stat *a, const struct stat *b)
{
	/* ctime too: touch -r and cp -p can put an old mtime back. */
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

char *
fortune_offsets_pick(const struct fortune_offsets *fo, int fd,
    const struct stat *st, size_t *lenp)
{
	size_t k, len, got = 0;
	char *text;
	ssize_t n;

	if (fo->fo_count == 0 || !fortune_offsets_same(&fo->fo_file, st))
		return NULL;
	k = fortune_random(fo->fo_count);
	len = fo->fo_len[k];
	/* Room for the line end fortune_pick promises, and the NUL. */
	if ((text = malloc(len + 2)) == NULL)
		return NULL;
	while (got < len) {
		n = pread(fd, text + got, len - got, fo->fo_at[k] + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(text);
			return NULL;
		}
		got += (size_t)n;
	}
	if (len == 0 || text[len - 1] != '\n')
		text[len++] = '\n';
	text[len] = '\0';
	*lenp = len;
	return text;
}

void
fortune_offsets_free(struct fortune_offsets *fo)
{
	free(fo->fo_at);
	free(fo->fo_len);
	memset(fo, 0, sizeof(*fo));
}
