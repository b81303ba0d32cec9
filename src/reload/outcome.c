/*
 * A reload's outcome file (see outcome.h): written by the daemon,
 * parsed by spawnd -r (reload/reloadctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/netio.h"
#include "reload/outcome.h"

static const char *const outcome_words[] = {
	[OUTCOME_STARTED] = "started",
	[OUTCOME_CHECKING] = "checking",
	[OUTCOME_RELOADED] = "reloaded",
	[OUTCOME_REFUSED] = "refused",
};
#define OUTCOME_NWORDS	(sizeof(outcome_words) / sizeof(outcome_words[0]))

int
outcome_path(const char *pidfile, char *out, size_t outlen)
{
	size_t len = strlen(pidfile);
	const char *base = strrchr(pidfile, '/');

	base = base == NULL ? pidfile : base + 1;
	/* "x.pid" -> "x.reload"; a bare ".pid" is a name of its own. */
	if (len > 4 && strcmp(pidfile + len - 4, ".pid") == 0 &&
	    strlen(base) > 4)
		len -= 4;
	if (len > INT_MAX || snprintf(out, outlen, "%.*s.reload", (int)len,
	    pidfile) >= (int)outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The line, reason's control bytes as '?': one line, whatever it held. */
static size_t
outcome_format(char *line, size_t size, uint64_t seq, enum outcome_state state,
    const char *reason)
{
	int n = snprintf(line, size, "%" PRIu64 " %s%s", seq,
	    outcome_words[state], reason != NULL ? " " : "");
	size_t len = n < 0 ? 0 : (size_t)n;

	for (; reason != NULL && *reason != '\0' && len + 2 < size; reason++)
		line[len++] = (unsigned char)*reason < 0x20 || *reason == 0x7f ?
		    '?' : *reason;
	line[len++] = '\n';
	line[len] = '\0';
	return len;
}

int
outcome_write(const struct reload_outcome *ro, enum outcome_state state,
    const char *reason)
{
	char line[OUTCOME_LINE_MAX], tmp[PATH_MAX];
	size_t len;
	int fd;

	if (ro->ro_path[0] == '\0' || snprintf(tmp, sizeof(tmp), "%s.XXXXXX",
	    ro->ro_path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	len = outcome_format(line, sizeof(line), ro->ro_seq, state,
	    state == OUTCOME_REFUSED ? reason : NULL);
	/* A new file of ours (O_EXCL): nothing planted there is written. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (fchmod(fd, 0644) == -1 || netio_write_all(fd, line, len) == -1) {
		(void)unlink(tmp);
		return fd_close_failed(fd);
	}
	if (close(fd) == -1 || rename(tmp, ro->ro_path) == -1) {
		int saved = errno;

		(void)unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

void
outcome_remove(const struct reload_outcome *ro)
{
	if (ro->ro_path[0] != '\0')
		(void)unlink(ro->ro_path);
}

int
outcome_parse(const char *text, uint64_t *seq, enum outcome_state *state,
    char *reason, size_t reasonlen)
{
	const char *word, *end;
	size_t i, n;
	char *num_end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	*seq = strtoull(text, &num_end, 10);
	if (errno != 0 || *num_end != ' ')
		return -1;
	word = num_end + 1;
	end = word + strcspn(word, " \n");
	for (i = 0; i < OUTCOME_NWORDS; i++)
		if ((size_t)(end - word) == strlen(outcome_words[i]) &&
		    strncmp(word, outcome_words[i], (size_t)(end - word)) == 0)
			break;
	if (i == OUTCOME_NWORDS)
		return -1;
	*state = (enum outcome_state)i;
	if (reasonlen > 0)
		reason[0] = '\0';
	/* Only a refusal has a reason, and it is never empty. */
	if ((*end == ' ') != (*state == OUTCOME_REFUSED))
		return -1;
	if (*end == ' ') {
		n = strcspn(++end, "\n");
		if (n == 0)
			return -1;
		if (reasonlen > 0)
			snprintf(reason, reasonlen, "%.*s", (int)n, end);
		end += n;
	}
	if (*end == '\n')
		end++;
	return *end == '\0' ? 0 : -1;
}
