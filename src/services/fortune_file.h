/*
 * The fortune cookie reader.  A fortune file is fortune-mod's format:
 * cookies separated by lines holding a single "%".  When PATH.dat (the
 * strfile(1) index) exists, is not older than PATH and makes sense, one
 * cookie is read at a random offset; otherwise the text is scanned.
 * Every choice is uniform (fortune_random.h).
 *
 * These functions never log or exit: errors come back as -1 or NULL and
 * a message in the caller's buffer.
 */
#ifndef SPAWND_SERVICES_FORTUNE_FILE_H
#define SPAWND_SERVICES_FORTUNE_FILE_H

#include <stddef.h>

struct fortune_offsets;

/* Longer cookies are cut here (at a line end when possible). */
#define FORTUNE_MAX_COOKIE	(64 * 1024)

/* Cookies that fit one RFC 865 (QOTD) datagram. */
#define FORTUNE_DGRAM_MAX	512

/*
 * Pick one cookie of the file at path, uniformly among its non-blank
 * cookies.  Returns it malloc'd and NUL-terminated, with "\n" line ends
 * as they are in the file and a final line end guaranteed; *lenp gets
 * its length.  NULL with a message in err if the file cannot be read or
 * holds no cookie.  With fo (the file's offsets, found by fortune_load)
 * and the file unchanged since, that is one pread(); else the strfile
 * index or a scan.
 */
char *fortune_pick(const char *path, const struct fortune_offsets *fo,
    size_t *lenp, char *err, size_t errlen);

/* Cookies kept in memory for the parent's datagram replies. */
struct fortune_set {
	char		**fs_text;	/* CRLF line ends, NUL-terminated */
	size_t		 *fs_len;
	size_t		  fs_count;
};

/*
 * Scan the file at path.  With fs non-NULL, keep in it every cookie
 * whose CRLF form is at most maxlen bytes.  Returns the number of
 * cookies in the file (kept or not), or -1 with a message in err (then
 * fs is left empty).  With fo non-NULL, note where each cookie is, for
 * fortune_pick.
 */
long fortune_load(const char *path, size_t maxlen, struct fortune_set *fs,
    struct fortune_offsets *fo, char *err, size_t errlen);

void fortune_set_free(struct fortune_set *fs);

#endif
