/*
 * Where each cookie of a fortune file starts and how long it is, found
 * once when the configuration is loaded (in the parent, by the scan
 * that checks the file anyway) and inherited by every child.  A child
 * then reads one cookie with one pread() and no stdio, instead of
 * scanning the file twice per connection; reloads build it anew, since
 * the new image loads the configuration again.
 *
 * It is trusted only while the file is the one that was scanned: same
 * device, inode, size, modification and change times, and no strfile
 * index has appeared next to it.  Otherwise the child falls back to the
 * strfile index or the scan (fortune_file.h).
 */
#ifndef SPAWND_SERVICES_FORTUNE_OFFSETS_H
#define SPAWND_SERVICES_FORTUNE_OFFSETS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct fortune_offsets {
	off_t		*fo_at;		/* the non-blank cookies' first bytes */
	size_t		*fo_len;	/* what fortune_pick keeps of each */
	size_t		 fo_count;
	size_t		 fo_room;
	struct stat	 fo_file;	/* the file as it was scanned */
};

/* One more cookie; 0 or -1 (out of memory). */
int fortune_offsets_add(struct fortune_offsets *fo, off_t at, size_t len);

/*
 * In a child: one cookie, chosen uniformly, of the file open as fd
 * (with st its fstat), malloc'd with a final line end and a NUL as
 * fortune_pick returns it.  NULL means "read it some other way": the
 * file is not the one scanned, or reading failed.
 */
char *fortune_offsets_pick(const struct fortune_offsets *fo, int fd,
    const struct stat *st, size_t *lenp);

void fortune_offsets_free(struct fortune_offsets *fo);

#endif
