/*
 * Fortune cookies, read the way fortune-mod's fortune(6) reads them.
 *
 * The index PATH.dat written by strfile(1) is a 24-byte header (version,
 * number of strings, longest and shortest length, flags, delimiter; all
 * big-endian) followed by numstr + 1 big-endian offsets into PATH.  It
 * is trusted only as far as it can be checked: it must not be older than
 * the text, its size must match its count, and a chosen offset must lie
 * in the file just after a delimiter line.  Anything else means the
 * index is stale or corrupt and the text is scanned instead, which costs
 * two passes but no memory beyond one cookie.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fortune.h"
#include "fortune_read.h"
#include "netio.h"

#define DAT_HEADER	24
#define DAT_RANDOM	0x1	/* strfile -r: the offsets are shuffled */
#define DAT_ROTATED	0x4	/* strfile -x: the text is rot13'd */
#define DAT_COMMENTS	0x8	/* lines starting with two delimiters are comments */
#define DAT_TRIES	16	/* draws before giving up on a blank-ridden index */

/* Mix a 64-bit value (splitmix64's finalizer). */
static uint64_t
fortune_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static uint64_t
fortune_rand64(void)
{
	struct timespec mono, real;
	uint64_t r;
	ssize_t n;

	/*
	 * GRND_NONBLOCK: the parent draws for datagram replies and must not
	 * wait for the entropy pool early at boot.  Only then (or without
	 * getrandom) the clocks and the PID stand in; a fortune needs no
	 * more than that.
	 */
	do
		n = getrandom(&r, sizeof(r), GRND_NONBLOCK);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return fortune_mix((uint64_t)mono.tv_nsec ^ ((uint64_t)real.tv_sec << 20) ^
	    fortune_mix((uint64_t)real.tv_nsec ^ ((uint64_t)getpid() << 32)));
}

size_t
fortune_random(size_t n)
{
	uint64_t r, limit;

	/* Reject the top partial range so every index is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		r = fortune_rand64();
	while (r >= limit);
	return (size_t)(r % n);
}

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
fortune_open(const char *path)
{
	FILE *fp;
	int fd;

	if ((fd = netio_open_regular(path)) == -1)
		return NULL;
	if ((fp = fdopen(fd, "r")) == NULL) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return fp;
}

static void
fortune_rot13(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z'))
			s[i] = (char)('a' + (s[i] - 'a' + 13) % 26);
		else if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)('A' + (s[i] - 'A' + 13) % 26);
	}
}

/* ---- the strfile index */

struct dat_index {
	int		 di_fd;
	uint32_t	 di_numstr;
	uint64_t	 di_draw;	/* offsets to draw from */
	uint32_t	 di_flags;
	int		 di_delim;
	unsigned	 di_width;	/* 4 (fortune-mod) or 8 (64-bit BSD) */
	off_t		 di_textsize;
};

static uint64_t
dat_be(const unsigned char *p, unsigned width)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

static int
dat_older(const struct stat *dat, const struct stat *text)
{
	if (dat->st_mtim.tv_sec != text->st_mtim.tv_sec)
		return dat->st_mtim.tv_sec < text->st_mtim.tv_sec;
	return dat->st_mtim.tv_nsec < text->st_mtim.tv_nsec;
}

/* Open and check PATH.dat; -1 when it is absent, stale or corrupt. */
static int
dat_open(const char *path, const struct stat *text, struct dat_index *di)
{
	char datpath[PATH_MAX];
	unsigned char h[DAT_HEADER];
	struct stat st;
	uint64_t n, version;

	if ((size_t)snprintf(datpath, sizeof(datpath), "%s.dat", path) >=
	    sizeof(datpath))
		return -1;
	if ((di->di_fd = open(datpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(di->di_fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    dat_older(&st, text) ||
	    pread(di->di_fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		goto bad;
	version = dat_be(h, 4);
	n = dat_be(h + 4, 4);
	di->di_flags = (uint32_t)dat_be(h + 16, 4);
	di->di_delim = h[20];
	if ((version != 1 && version != 2) || n == 0 || di->di_delim == '\n')
		goto bad;
	if ((uint64_t)st.st_size == DAT_HEADER + 4 * (n + 1))
		di->di_width = 4;
	else if ((uint64_t)st.st_size == DAT_HEADER + 8 * (n + 1))
		di->di_width = 8;
	else
		goto bad;
	di->di_numstr = (uint32_t)n;
	/*
	 * fortune-mod's strfile -r shuffles the end-of-text offset in among
	 * the others, so then every entry is drawn; the end one reads as a
	 * blank cookie and is drawn again, which keeps the choice uniform.
	 */
	di->di_draw = n + ((di->di_flags & DAT_RANDOM) ? 1 : 0);
	di->di_textsize = text->st_size;
	return 0;
bad:
	close(di->di_fd);
	return -1;
}

/*
 * Offset k, checked: inside the text (or at its end) and just after a
 * delimiter line (or at the very start).  -1 when the index does not match the text.
 */
static off_t
dat_offset(const struct dat_index *di, int tfd, uint32_t k)
{
	unsigned char b[8];
	uint64_t off;
	size_t n, i;

	if (pread(di->di_fd, b, di->di_width, DAT_HEADER +
	    (off_t)k * di->di_width) != (ssize_t)di->di_width)
		return -1;
	off = dat_be(b, di->di_width);
	if (off > (uint64_t)di->di_textsize)
		return -1;
	if (off == 0)
		return 0;
	n = off < 4 ? (size_t)off : 4;
	if (pread(tfd, b, n, (off_t)(off - n)) != (ssize_t)n)
		return -1;
	i = n - 1;
	if (b[i] != '\n')
		return -1;
	if (i > 0 && b[i - 1] == '\r')
		i--;
	if (i == 0 || b[i - 1] != di->di_delim)
		return -1;
	i--;
	if (i == 0 ? off - n != 0 : b[i - 1] != '\n')
		return -1;
	return (off_t)off;
}

/*
 * Draw through the index.  NULL means "scan instead": no usable index,
 * a read error (the scan reports it), or only blank cookies drawn.
 */
static char *
pick_indexed(FILE *fp, const char *path, size_t *lenp)
{
	struct freader fr;
	struct dat_index di;
	struct stat st;
	char *text = NULL;
	off_t off;
	int tries;

	if (fstat(fileno(fp), &st) == -1 || dat_open(path, &st, &di) == -1)
		return NULL;
	freader_init(&fr, fp, di.di_delim, (di.di_flags & DAT_COMMENTS) != 0);
	for (tries = 0; tries < DAT_TRIES && text == NULL; tries++) {
		off = dat_offset(&di, fileno(fp),
		    (uint32_t)fortune_random(di.di_draw));
		if (off == -1 || fseeko(fp, off, SEEK_SET) == -1 ||
		    freader_cookie(&fr, 1) == -1)
			break;
		if (fr.fr_nonblank)
			text = freader_take(&fr, lenp);
	}
	freader_free(&fr);
	close(di.di_fd);
	if (text != NULL && (di.di_flags & DAT_ROTATED))
		fortune_rot13(text, *lenp);
	return text;
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
fortune_pick(const char *path, size_t *lenp, char *err, size_t errlen)
{
	char *text;
	FILE *fp;

	if ((fp = fortune_open(path)) == NULL) {
		fortune_error(err, errlen, path);
		return NULL;
	}
	text = pick_indexed(fp, path, lenp);
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

long
fortune_load(const char *path, size_t maxlen, struct fortune_set *fs,
    char *err, size_t errlen)
{
	struct freader fr;
	char crlf[FORTUNE_DGRAM_MAX];
	size_t len, n;
	long count = 0;
	FILE *fp;
	int r;

	if (fs != NULL)
		memset(fs, 0, sizeof(*fs));
	if ((fp = fortune_open(path)) == NULL) {
		fortune_error(err, errlen, path);
		return -1;
	}
	if (maxlen > sizeof(crlf))
		maxlen = sizeof(crlf);
	freader_init(&fr, fp, '%', 0);
	while ((r = freader_next(&fr, fs != NULL)) == 1) {
		count++;
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
