/*
 * Unit tests for the fortune reader (src/services/fortune_*.c) and the
 * line-end helpers it relies on (src/base/netio.c): scanning, the
 * strfile index (hand-made here, and made by strfile(1) when
 * fortune-mod is installed), stale and
 * corrupt indexes, edge cases of the text format, uniformity, and the
 * datagram preload.
 *
 * Most index tests use one trick: the text holds five cookies but the
 * index lists only the first four.  "five" is then drawn only when the
 * reader scans, which tells the two paths apart without peeking inside.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "services/fortune_file.h"
#include "services/fortune_offsets.h"
#include "services/fortune_random.h"
#include "base/netio.h"
#include "tap.h"

#define DRAWS	4000

static char tmpdir[64];
static time_t start_time;
static const char *cookies[] = { "one\n", "two\nlines\n", "three\n", "four\n",
    "five\n" };
#define NCOOKIES 5

static void
put_file(const char *name, const void *data, size_t len)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fp = fopen(path, "w")) == NULL || fwrite(data, 1, len, fp) != len ||
	    fclose(fp) != 0) {
		printf("Bail out! writing %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static const char *
tpath(const char *name)
{
	static char path[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

/*
 * fortune_pick as a child calls it: through the offsets fortune_load
 * found (with_offsets, the way a service reads its file), or without.
 */
static int with_offsets;

static char *
pick(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct fortune_offsets fo;
	char *c;

	if (!with_offsets)
		return fortune_pick(path, NULL, lenp, err, errlen);
	if (fortune_load(path, 0, NULL, &fo, err, errlen) < 0)
		return NULL;
	c = fortune_pick(path, &fo, lenp, err, errlen);
	fortune_offsets_free(&fo);
	return c;
}

/* Set a file's mtime to the start time + delta seconds, exactly. */
static void
set_age(const char *name, long delta)
{
	struct timespec ts[2];

	ts[0].tv_sec = start_time + delta;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	if (utimensat(AT_FDCWD, tpath(name), ts, 0) == -1) {
		printf("Bail out! utimensat %s: %s\n", name, strerror(errno));
		exit(1);
	}
}

static void
put_be(unsigned char *p, uint64_t v, unsigned width)
{
	while (width-- > 0) {
		p[width] = (unsigned char)v;
		v >>= 8;
	}
}

/* A strfile index, made by hand: n offsets are numstr + 1. */
static void
put_dat(const char *name, uint32_t version, const uint64_t *offs, size_t n,
    uint32_t flags, unsigned width)
{
	unsigned char buf[24 + 8 * 16];
	size_t i;

	memset(buf, 0, sizeof(buf));
	put_be(buf, version, 4);
	put_be(buf + 4, n - 1, 4);
	put_be(buf + 8, 100, 4);
	put_be(buf + 12, 1, 4);
	put_be(buf + 16, flags, 4);
	buf[20] = '%';
	for (i = 0; i < n; i++)
		put_be(buf + 24 + width * i, offs[i], width);
	put_file(name, buf, 24 + width * n);
}

/* Text of the five cookies; offs gets the start of each and the end. */
static void
put_five(const char *name, uint64_t *offs)
{
	char text[256];
	size_t len = 0, i;

	for (i = 0; i < NCOOKIES; i++) {
		offs[i] = len;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%%\n",
		    cookies[i]);
	}
	offs[NCOOKIES] = len;
	put_file(name, text, len);
}

/* Draw n times and count each known cookie; -1 for anything else. */
static int
tally(const char *name, int n, int *count)
{
	char err[256], *c;
	size_t len;
	int i, k;

	memset(count, 0, NCOOKIES * sizeof(*count));
	for (i = 0; i < n; i++) {
		if ((c = pick(tpath(name), &len, err, sizeof(err))) == NULL) {
			printf("#   pick failed: %s\n", err);
			return -1;
		}
		for (k = 0; k < NCOOKIES; k++)
			if (strcmp(c, cookies[k]) == 0 && len == strlen(c))
				break;
		free(c);
		if (k == NCOOKIES)
			return -1;
		count[k]++;
	}
	return 0;
}

/* Each of the first n cookies within a loose bound; the others never. */
static int
uniform(const int *count, int n, int draws)
{
	int k, want = draws / n;

	for (k = 0; k < NCOOKIES; k++) {
		if (k < n && (count[k] < want * 8 / 10 || count[k] > want * 12 / 10))
			return 0;
		if (k >= n && count[k] != 0)
			return 0;
	}
	return 1;
}

static void
test_scan(void)
{
	uint64_t offs[NCOOKIES + 1];
	int count[NCOOKIES], r;

	put_five("plain", offs);
	r = tally("plain", DRAWS, count);
	ok(r == 0 && uniform(count, 5, DRAWS),
	    "scan: 5 cookies x %d draws, each near %d (%d %d %d %d %d)", DRAWS,
	    DRAWS / 5, count[0], count[1], count[2], count[3], count[4]);
}

static void
test_index(void)
{
	uint64_t offs[NCOOKIES + 1], bad[NCOOKIES + 1];
	int count[NCOOKIES], r;
	size_t i;

	put_five("idx", offs);
	/* The index lists four cookies; its end offset is where five starts. */
	put_dat("idx.dat", 2, offs, 5, 0, 4);
	set_age("idx", -10);
	set_age("idx.dat", -10);
	r = tally("idx", DRAWS, count);
	ok(r == 0 && uniform(count, 4, DRAWS),
	    "index: 4 cookies x %d draws, never the unindexed one "
	    "(%d %d %d %d %d)", DRAWS, count[0], count[1], count[2], count[3],
	    count[4]);

	put_dat("idx.dat", 1, offs, 5, 0, 8);
	set_age("idx.dat", -10);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] == 0 && count[0] > 0,
	    "index with 64-bit offsets (version 1) is used");

	put_dat("idx.dat", 2, offs, 5, 0, 4);
	set_age("idx.dat", -20);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "stale index (older than the text) is ignored");

	put_dat("idx.dat", 2, offs, 5, 0, 4);
	set_age("idx.dat", -10);
	set_age("idx", -10);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] == 0,
	    "index as old as the text is used");

	memcpy(bad, offs, sizeof(bad));
	bad[2] = 5000;
	put_dat("idx.dat", 2, bad, 5, 0, 4);
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "offset past the end of the text: falls back to scanning");

	for (i = 0; i < 5; i++)
		bad[i] = 1;
	put_dat("idx.dat", 2, bad, 5, 0, 4);
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "offsets inside a cookie: falls back to scanning");

	put_dat("idx.dat", 7, offs, 5, 0, 4);
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "unknown version: falls back to scanning");

	put_dat("idx.dat", 2, offs, 5, 0, 4);
	ok(truncate(tpath("idx.dat"), 30) == 0, "truncating the index");
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "truncated index: falls back to scanning");

	put_file("idx.dat", "", 0);
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "empty index: falls back to scanning");

	put_dat("idx.dat", 2, offs, 1, 0, 4);
	set_age("idx.dat", 0);
	r = tally("idx", 400, count);
	ok(r == 0 && count[4] > 0,
	    "index of zero strings: falls back to scanning");
	unlink(tpath("idx.dat"));
}

static void
test_index_special(void)
{
	const char *rot = "bar\n%\nnopqrstuvwxyzabcdefghijklm\n%\n";
	uint64_t offs[4] = { 0, 6, 35, 0 }, blank[4];
	char err[256], *c;
	size_t len;
	int i, seen_one = 0, seen_two = 0, other = 0;

	put_file("rot", rot, strlen(rot));
	put_dat("rot.dat", 2, offs, 3, 0x4, 4);
	set_age("rot", -10);
	c = fortune_pick(tpath("rot"), NULL, &len, err, sizeof(err));
	ok(c != NULL && (strcmp(c, "one\n") == 0 ||
	    strcmp(c, "abcdefghijklmnopqrstuvwxyz\n") == 0),
	    "rotated index: the cookie is decoded (%s)", c ? c : err);
	free(c);

	/*
	 * strfile -r as fortune-mod writes it: the end offset shuffled in
	 * among the others.  Rotated, so only the index path decodes.
	 */
	put_file("rot", "bar\n%\nnopqrstuvwxyzabcdefghijklm\n%\n", 35);
	offs[0] = 35;
	offs[1] = 6;
	offs[2] = 0;
	put_dat("rot.dat", 2, offs, 3, 0x5, 4);
	set_age("rot", -10);
	for (i = 0; i < 400; i++) {
		c = fortune_pick(tpath("rot"), NULL, &len, err, sizeof(err));
		if (c != NULL && strcmp(c, "one\n") == 0)
			seen_one++;
		else if (c != NULL && strcmp(c, "abcdefghijklmnopqrstuvwxyz\n") == 0)
			seen_two++;
		else
			other++;
		free(c);
	}
	ok(other == 0 && seen_one > 150 && seen_two > 150,
	    "randomized index with the end offset shuffled in (%d %d %d)",
	    seen_one, seen_two, other);
	seen_one = seen_two = other = 0;

	/* An index entry for a blank cookie is drawn again, not served. */
	put_file("blank", "one\n%\n  \n\n%\ntwo\n%\n", 18);
	blank[0] = 0;
	blank[1] = 6;
	blank[2] = 12;
	blank[3] = 18;
	put_dat("blank.dat", 2, blank, 4, 0, 4);
	set_age("blank", -10);
	for (i = 0; i < 200; i++) {
		c = fortune_pick(tpath("blank"), NULL, &len, err, sizeof(err));
		if (c != NULL && strcmp(c, "one\n") == 0)
			seen_one++;
		else if (c != NULL && strcmp(c, "two\n") == 0)
			seen_two++;
		else
			other++;
		free(c);
	}
	ok(other == 0 && seen_one > 0 && seen_two > 0,
	    "blank cookie in the index is skipped (%d %d %d)", seen_one,
	    seen_two, other);
}

static void
rot13(char *p)
{
	for (; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z'))
			*p = (char)('a' + (*p - 'a' + 13) % 26);
}

/*
 * fortune-mod's own strfile.  Plain and ordered: the five-versus-four
 * trick.  Randomized (-r shuffles the end offset in among the others, so
 * the trick cannot work): a rot13'd text indexed with -x, which only the
 * index path decodes.
 */
static void
test_strfile(void)
{
	static const char *flags[] = { "-s", "-s -o", "-s -r -x" };
	char cmd[512], text[256];
	int count[NCOOKIES], r;
	uint64_t offs[NCOOKIES + 1];
	size_t i, k, len;
	FILE *fp;

	if (access("/usr/bin/strfile", X_OK) == -1) {
		ok(1, "# SKIP strfile(1) not installed");
		return;
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		put_five("sf", offs);
		if (strstr(flags[i], "-x") != NULL) {
			for (k = 0, len = 0; k < 4; k++)
				len += (size_t)snprintf(text + len,
				    sizeof(text) - len, "%s%%\n", cookies[k]);
			rot13(text);
			put_file("sf", text, len);
		} else {
			/* Index the first four only: cut, index, restore. */
			ok(truncate(tpath("sf"), (off_t)offs[4]) == 0,
			    "cutting the text");
		}
		snprintf(cmd, sizeof(cmd), "/usr/bin/strfile %s %s >/dev/null",
		    flags[i], tpath("sf"));
		ok(system(cmd) == 0, "strfile %s", flags[i]);
		if (strstr(flags[i], "-x") == NULL &&
		    (fp = fopen(tpath("sf"), "a")) != NULL) {
			fputs("five\n%\n", fp);
			fclose(fp);
		}
		set_age("sf", -10);
		r = tally("sf", DRAWS, count);
		ok(r == 0 && uniform(count, 4, DRAWS),
		    "strfile %s index: 4 x %d draws (%d %d %d %d %d)", flags[i],
		    DRAWS, count[0], count[1], count[2], count[3], count[4]);
	}
	unlink(tpath("sf.dat"));
}

static void
expect_pick(const char *name, const char *text, const char *want,
    const char *desc)
{
	char err[256], *c;
	size_t len = 0;

	put_file(name, text, strlen(text));
	c = pick(tpath(name), &len, err, sizeof(err));
	if (want == NULL) {
		ok(c == NULL, "%s: fails (%s)", desc, c == NULL ? err : c);
	} else {
		is_str(c, want, "%s", desc);
		ok(c == NULL || len == strlen(c), "%s: length", desc);
	}
	free(c);
}

static void
test_edges(void)
{
	char err[256], *c, *big;
	size_t len, i;

	expect_pick("e1", "", NULL, "empty file");
	expect_pick("e2", "%\n%\n \n%\n", NULL, "only blank cookies");
	expect_pick("e3", "%\n\n%\nonly\n", "only\n",
	    "no trailing %, blank cookies around");
	expect_pick("e4", "last line", "last line\n",
	    "no trailing newline: one is added");
	expect_pick("e5", "  indented\n\tkept\n%", "  indented\n\tkept\n",
	    "white space kept, final % without newline");
	expect_pick("e6", "a\r\nb\r\n%\r\n", "a\r\nb\r\n",
	    "CRLF file: %\\r\\n is a delimiter");
	expect_pick("e7", "50%\n%%\n% \n%\n", "50%\n%%\n% \n",
	    "lines that only start with % are text");

	c = fortune_pick(tpath("nonexistent"), NULL, &len, err, sizeof(err));
	ok(c == NULL && strstr(err, "missing fortune file") != NULL,
	    "missing file: %s", err);

	big = malloc(70000);
	for (i = 0; i < 70000; i++)
		big[i] = (i % 100 == 99) ? '\n' : 'x';
	put_file("big", big, 70000);
	free(big);
	c = pick(tpath("big"), &len, err, sizeof(err));
	ok(c != NULL && len <= FORTUNE_MAX_COOKIE && len % 100 == 0 &&
	    c[len - 1] == '\n', "a cookie over 64 KiB is cut at a line end (%zu)",
	    len);
	free(c);
}

static void
test_eol(void)
{
	char out[64];
	size_t n;

	n = netio_convert_eol("a\nb\r\nc\rd", 8, out, sizeof(out), NETIO_CRLF);
	ok(n == 9 && memcmp(out, "a\r\nb\r\nc\rd", 9) == 0,
	    "LF and CRLF become CRLF, a lone CR stays");
	n = netio_convert_eol("a\nb\r\nc", 6, out, sizeof(out), NETIO_LF);
	ok(n == 5 && memcmp(out, "a\nb\nc", 5) == 0, "CRLF becomes LF");
	n = netio_convert_eol("a\nb\n", 4, out, 5, NETIO_CRLF);
	ok(n == (size_t)-1, "conversion that does not fit fails");
	n = netio_convert_eol("a\nb\n", 4, out, 6, NETIO_CRLF);
	ok(n == 6, "conversion that just fits");
}

static void
test_load(void)
{
	struct fortune_set fs;
	char text[2048], err[256];
	size_t len = 0;
	long n;

	/* 510 x + LF is 512 bytes in CRLF form; 511 x + LF is 513. */
	len += (size_t)snprintf(text, sizeof(text), "short\nand sweet\n%%\n");
	memset(text + len, 'x', 510);
	len += 510;
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\n%%\n");
	memset(text + len, 'y', 511);
	len += 511;
	len += (size_t)snprintf(text + len, sizeof(text) - len, "\n%%\nend");
	put_file("load", text, len);
	n = fortune_load(tpath("load"), FORTUNE_DGRAM_MAX, &fs, NULL, err,
	    sizeof(err));
	ok(n == 4, "load counts every cookie (%ld)", n);
	ok(fs.fs_count == 3, "keeps the three that fit 512 bytes (%zu)",
	    fs.fs_count);
	ok(fs.fs_count == 3 && strcmp(fs.fs_text[0], "short\r\nand sweet\r\n") == 0
	    && fs.fs_len[0] == 18, "kept cookies have CRLF line ends");
	ok(fs.fs_count == 3 && fs.fs_len[1] == 512, "exactly 512 bytes is kept");
	ok(fs.fs_count == 3 && strcmp(fs.fs_text[2], "end\r\n") == 0,
	    "a final line end is added");
	fortune_set_free(&fs);
	ok(fortune_load(tpath("load"), 0, NULL, NULL, err, sizeof(err)) == 4,
	    "counting only");
	ok(fortune_load(tpath("e1"), 512, &fs, NULL, err, sizeof(err)) == 0 &&
	    fs.fs_count == 0, "empty file: no cookies");
	ok(fortune_load(tpath("nonexistent"), 512, &fs, NULL, err,
	    sizeof(err)) == -1 &&
	    strstr(err, "missing fortune file") != NULL, "missing file: %s",
	    err);
}

/*
 * The scan and edge tests again, through offsets found at load: the same
 * cookies, the same bytes.  Then the file changes under them.
 */
static void
test_offsets(void)
{
	struct fortune_offsets fo, fo2;
	uint64_t offs[NCOOKIES + 1];
	char err[256], *c;
	size_t len, k;
	int count[NCOOKIES], r;
	struct stat st;
	int fd;

	with_offsets = 1;
	put_five("plain", offs);
	r = tally("plain", DRAWS, count);
	ok(r == 0 && uniform(count, 5, DRAWS),
	    "offsets: 5 cookies x %d draws, each near %d (%d %d %d %d %d)",
	    DRAWS, DRAWS / 5, count[0], count[1], count[2], count[3], count[4]);
	test_edges();
	with_offsets = 0;

	r = (int)fortune_load(tpath("plain"), 0, NULL, &fo, err, sizeof(err));
	ok(r == 5 && fo.fo_count == 5 && fo.fo_at[1] == (off_t)offs[1] &&
	    fo.fo_len[1] == strlen(cookies[1]), "offsets: where cookie 2 is "
	    "(%lld, %zu bytes)", fo.fo_count == 5 ? (long long)fo.fo_at[1] :
	    -1LL, fo.fo_count == 5 ? fo.fo_len[1] : 0);
	fd = netio_open_regular(tpath("plain"), &st);
	c = fd == -1 ? NULL : fortune_offsets_pick(&fo, fd, &st, &len);
	ok(c != NULL, "offsets: a pick of the file as scanned");
	free(c);
	st.st_mtim.tv_nsec ^= 1;
	ok(fd != -1 && fortune_offsets_pick(&fo, fd, &st, &len) == NULL,
	    "offsets: not trusted once the file changed");
	if (fd != -1)
		close(fd);
	/* A strfile index made since decides: the offsets are left alone. */
	put_five("plain2", offs);
	r = (int)fortune_load(tpath("plain2"), 0, NULL, &fo2, err, sizeof(err));
	for (k = 0; r == 5 && k < fo2.fo_count; k++)
		fo2.fo_at[k] = 1;	/* wrong: they would say "ne\n" */
	put_file("plain2.dat", "junk", 4);
	c = fortune_pick(tpath("plain2"), &fo2, &len, err, sizeof(err));
	for (k = 0; c != NULL && k < NCOOKIES && strcmp(c, cookies[k]) != 0; k++)
		;
	ok(r == 5 && c != NULL && k < NCOOKIES, "offsets: not used once a "
	    ".dat is next to the file (%s)", c != NULL ? c : err);
	free(c);
	fortune_offsets_free(&fo2);
	/* A new text of another length: the scan takes over, exactly. */
	put_file("plain", "changed\n%\n", 10);
	c = fortune_pick(tpath("plain"), &fo, &len, err, sizeof(err));
	is_str(c, "changed\n", "offsets: a changed file is scanned instead");
	free(c);
	fortune_offsets_free(&fo);
}

static void
test_random(void)
{
	int count[3] = { 0, 0, 0 }, i, ones = 1;

	for (i = 0; i < 100; i++)
		ones &= fortune_random(1) == 0;
	ok(ones, "fortune_random(1) is always 0");
	for (i = 0; i < 3000; i++)
		count[fortune_random(3)]++;
	ok(count[0] > 800 && count[1] > 800 && count[2] > 800,
	    "fortune_random(3) spreads (%d %d %d)", count[0], count[1],
	    count[2]);
}

static void
cleanup(void)
{
	static const char *names[] = { "plain", "idx", "idx.dat", "rot",
	    "rot.dat", "blank", "blank.dat", "sf", "sf.dat", "e1", "e2", "e3",
	    "e4", "e5", "e6", "e7", "big", "load", "plain2", "plain2.dat" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(tpath(names[i]));
	rmdir(tmpdir);
}

int
main(void)
{
	start_time = time(NULL);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_fortune.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_scan();
	test_index();
	test_index_special();
	test_strfile();
	test_edges();
	test_eol();
	test_load();
	test_offsets();
	test_random();
	cleanup();
	return tap_done();
}
