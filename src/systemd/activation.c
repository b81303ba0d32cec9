/*
 * systemd socket activation (see activation.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fd.h"
#include "systemd/activation.h"

/*
 * The next name of $LISTEN_FDNAMES ("a:b:c", one per fd) into name
 * (len bytes; "" if there is none, or it does not fit); *names moves
 * past it.
 */
static void
activation_next_name(const char **names, char *name, size_t len)
{
	size_t n;

	name[0] = '\0';
	if (*names == NULL)
		return;
	n = strcspn(*names, ":");
	if (n < len) {
		memcpy(name, *names, n);
		name[n] = '\0';
	}
	*names += n;
	if (**names == ':')
		(*names)++;
}

int
activation_take(int (*take)(void *arg, int fd, const char *name), void *arg,
    char *err, size_t errlen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	char name[256];
	long n, i;

	if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	n = strtol(fds, NULL, 10);
	for (i = 0; i < n && i < 1024; i++) {
		int fd = ACTIVATION_FDS_START + (int)i;

		activation_next_name(&names, name, sizeof(name));
		if (fd_set_cloexec(fd, 1) == -1 || fd_set_nonblock(fd) == -1 ||
		    take(arg, fd, name) == -1) {
			snprintf(err, errlen, "socket %d from systemd: %s", fd,
			    strerror(errno));
			return -1;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 0;
}
