/*
 * Drawing a cookie through PATH.dat (see fortune_index.h).  Anything
 * that does not check out means the index is stale or corrupt, and the
 * caller scans the text instead.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/fortune_index.h"
#include "services/fortune_random.h"
#include "services/fortune_reader.h"

#define DAT_HEADER	24
#define DAT_RANDOM	0x1	/* strfile -r: the offsets are shuffled */
#define DAT_ROTATED	0x4	/* strfile -x: the text is rot13'd */
#define DAT_COMMENTS	0x8	/* lines starting with two delimiters are comments */
#define DAT_TRIES	16	/* draws before giving up on a blank-ridden index */

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
 * delimiter line (or at the very start).  -1 when the index does not
 * match the text.
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
char *
fortune_index_pick(FILE *fp, const char *path, size_t *lenp)
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


int
fortune_index_present(const char *path)
{
	char datpath[PATH_MAX];

	if ((size_t)snprintf(datpath, sizeof(datpath), "%s.dat", path) >=
	    sizeof(datpath))
		return 0;
	return access(datpath, F_OK) == 0;
}
