/*
 * Fortune cookies, read the way fortune-mod's fortune(6) reads them:
 * through the strfile index when there is a sound one
 * (fortune_index.c), else by scanning the text, which costs two passes
 * but no memory beyond one cookie.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/netio.h"
#include "services/fortune_file.h"
#include "services/fortune_index.h"
#include "services/fortune_offsets.h"
#include "services/fortune_random.h"
#include "services/fortune_reader.h"

static void
fortune_error(char *err, size_t errlen, const char *path)
{
	if (errno == ENOENT)
		snprintf(err, errlen, "missing fortune file %s", path);
	else if (errno == EINVAL)	/* from netio_open_regular */
		snprintf(err, errlen, "fortune file %s is not a regular file",
		    path);
	else
		snprintf(err, errlen, "fortune file %s: %s", path,
		    strerror(errno));
}

/*
 * The path comes from the configuration and the parent opens it too
 * (spawnd -t, the check before a reload, the datagram preload) with its
 * signals blocked: a FIFO there would block it for good, and /dev/zero
 * would feed getline() without end.  So regular files only.
 */
static FILE *
fortune_open(const char *path, struct stat *st)
{
	FILE *fp;
	int fd;

	if ((fd = netio_open_regular(path, st)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL)
		(void)fd_close_failed(fd);
	return fp;
}

/* Two passes: count the cookies, then read the chosen one. */
static char *
pick_scan(FILE *fp, const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct freader fr;
	size_t count = 0;
	char *text = NULL;
	int r;

	freader_init(&fr, fp, '%', 0);
	rewind(fp);
	while ((r = freader_next(&fr, 0)) == 1)
		count++;
	if (r == 0 && count == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie", path);
	if (r == 0 && count > 0) {
		rewind(fp);
		r = freader_nth(&fr, fortune_random(count));
		if (r == 1)
			text = freader_take(&fr, lenp);
		else if (r == 0)
			snprintf(err, errlen, "fortune file %s changed while "
			    "being read", path);
	}
	if (r == -1)
		fortune_error(err, errlen, path);
	freader_free(&fr);
	return text;
}

char *
fortune_pick(const char *path, const struct fortune_offsets *fo,
    size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char *text;
	FILE *fp;
	int fd;

	if ((fd = netio_open_regular(path, &st)) == -1) {
		fortune_error(err, errlen, path);
		return NULL;
	}
	/*
	 * The usual case: the file scanned at load, one pread() away.  A
	 * strfile index made since decides how the file reads (rot13, ...).
	 */
	if (fo != NULL && fo->fo_count > 0 && !fortune_index_present(path) &&
	    (text = fortune_offsets_pick(fo, fd, &st, lenp)) != NULL) {
		(void)close(fd);
		return text;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		fortune_error(err, errlen, path);
		(void)close(fd);
		return NULL;
	}
	text = fortune_index_pick(fp, path, lenp);
	if (text == NULL) {
		clearerr(fp);
		text = pick_scan(fp, path, lenp, err, errlen);
	}
	fclose(fp);
	return text;
}

/* ---- preloading for datagrams */

static int
set_add(struct fortune_set *fs, const char *text, size_t len)
{
	char **t;
	size_t *l;
	char *copy;

	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	t = realloc(fs->fs_text, (fs->fs_count + 1) * sizeof(*t));
	if (t != NULL)
		fs->fs_text = t;
	l = realloc(fs->fs_len, (fs->fs_count + 1) * sizeof(*l));
	if (l != NULL)
		fs->fs_len = l;
	if (t == NULL || l == NULL) {
		free(copy);
		return -1;
	}
	fs->fs_text[fs->fs_count] = copy;
	fs->fs_len[fs->fs_count++] = len;
	return 0;
}

/* freader_next(), telling where the cookie starts (*at). */
static int
load_next(struct freader *fr, int keep, off_t *at)
{
	int r;

	do {
		if ((*at = ftello(fr->fr_fp)) == -1)
			return -1;
		r = freader_cookie(fr, keep);
	} while (r == 1 && !fr->fr_nonblank);
	return r;
}

long
fortune_load(const char *path, size_t maxlen, struct fortune_set *fs,
    struct fortune_offsets *fo, char *err, size_t errlen)
{
	struct freader fr;
	char crlf[FORTUNE_DGRAM_MAX];
	size_t len, n;
	long count = 0;
	off_t at;
	FILE *fp;
	int r;

	if (fs != NULL)
		memset(fs, 0, sizeof(*fs));
	if (fo != NULL)
		memset(fo, 0, sizeof(*fo));
	if ((fp = fortune_open(path, fo != NULL ? &fo->fo_file : NULL)) ==
	    NULL) {
		fortune_error(err, errlen, path);
		return -1;
	}
	if (maxlen > sizeof(crlf))
		maxlen = sizeof(crlf);
	freader_init(&fr, fp, '%', 0);
	while ((r = load_next(&fr, fs != NULL || fo != NULL, &at)) == 1) {
		count++;
		/* What the scan of fortune_pick would keep: a prefix. */
		if (fo != NULL && fortune_offsets_add(fo, at, fr.fr_len) == -1)
			break;
		if (fs == NULL)
			continue;
		n = netio_convert_eol(fr.fr_text, fr.fr_len, crlf, maxlen,
		    NETIO_CRLF);
		/* A cookie without a final line end gets one, as in pick. */
		len = n;
		if (n != (size_t)-1 && crlf[n - 1] != '\n')
			len = n + 2 <= maxlen ? n + 2 : (size_t)-1;
		if (len != (size_t)-1) {
			memcpy(crlf + n, "\r\n", len - n);
			if (set_add(fs, crlf, len) == -1)
				break;
		}
	}
	if (r == 1 || r == -1) {
		fortune_error(err, errlen, path);
		count = -1;
		if (fs != NULL)
			fortune_set_free(fs);
		if (fo != NULL)
			fortune_offsets_free(fo);
	}
	freader_free(&fr);
	fclose(fp);
	return count;
}

void
fortune_set_free(struct fortune_set *fs)
{
	size_t i;

	for (i = 0; i < fs->fs_count; i++)
		free(fs->fs_text[i]);
	free(fs->fs_text);
	free(fs->fs_len);
	memset(fs, 0, sizeof(*fs));
}

