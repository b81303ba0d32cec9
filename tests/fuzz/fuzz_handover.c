/*
 * Fuzz harness for the reload hand-over (handover.c), the text a new
 * image trusts its listeners, pidfile and children to.  The input is
 * used twice:
 *
 *   - as the hand-over text itself, read by handover_receive() from a
 *     memfd as a new image would: it must either refuse with a message
 *     or give records whose strings end within their buffers;
 *   - cut in two, as a start directory and a service name of any bytes
 *     (a configuration can hold any byte but NUL): written with
 *     handover_create() and handover_add_child(), read back, they must
 *     come out byte for byte as they went in.
 *
 * The fds the text names can only be the fuzzer's own: handover_receive()
 * takes only sockets as listeners (there are none here) and merely marks
 * a pidfile's fd close-on-exec.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "handover/handover.h"
#include "handover/handover_write.h"

static int
memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-handover", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	fuzz_check(fd != -1, "memfd_create");
	while (off < size) {
		n = write(fd, data + off, size - off);
		fuzz_check(n > 0, "write to the memfd");
		off += (size_t)n;
	}
	return fd;
}

static void
read_as_new_image(int memfd, struct handover *ho, int *rc, char *err,
    size_t errlen)
{
	char env[16];

	snprintf(env, sizeof(env), "%d", memfd);
	fuzz_check(setenv(HANDOVER_ENV, env, 1) == 0, "setenv");
	err[0] = '\0';
	*rc = handover_receive(ho, err, errlen);
	fuzz_check(getenv(HANDOVER_ENV) == NULL, "the variable is unset");
}

static void
check_records(const struct handover *ho)
{
	size_t i;

	fuzz_check(memchr(ho->ho_startdir, '\0', sizeof(ho->ho_startdir)) != NULL,
	    "startdir ends in its buffer");
	fuzz_check(memchr(ho->ho_pidfile, '\0', sizeof(ho->ho_pidfile)) != NULL,
	    "pidfile ends in its buffer");
	for (i = 0; i < ho->ho_nchildren; i++) {
		fuzz_check(ho->ho_children[i].ic_pid > 0, "a child has a PID");
		fuzz_check(memchr(ho->ho_children[i].ic_service, '\0',
		    sizeof(ho->ho_children[i].ic_service)) != NULL,
		    "a child's service ends in its buffer");
	}
	fuzz_check(ho->ho_nlisteners == 0, "no socket here to be a listener");
}

/* Any bytes but NUL, as a C string of at most cap - 1 of them. */
static void
cstring(char *out, size_t cap, const uint8_t *data, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < size && n + 1 < cap; i++)
		if (data[i] != '\0')
			out[n++] = (char)data[i];
	out[n] = '\0';
}

static void
round_trip(const uint8_t *data, size_t size)
{
	struct handover ho;
	struct sockaddr_in peer = { .sin_family = AF_INET };
	char dir[PATH_MAX], name[sizeof(ho.ho_children[0].ic_service)];
	char err[512];
	int memfd, rc;

	cstring(dir, sizeof(dir), data, size / 2);
	cstring(name, sizeof(name), data + size / 2, size - size / 2);
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memfd = handover_create(dir, -1, "");	/* no pidfile: never read */
	fuzz_check(memfd != -1, "handover_create");
	fuzz_check(handover_add_child(memfd, 4242,
	    (const struct sockaddr *)&peer, name) == 0, "handover_add_child");
	read_as_new_image(memfd, &ho, &rc, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "round trip refused: %s\n", err);
		abort();
	}
	fuzz_check(strcmp(ho.ho_startdir, dir) == 0, "startdir round trip");
	fuzz_check(ho.ho_nchildren == 1 && ho.ho_children[0].ic_pid == 4242,
	    "the child round trip");
	fuzz_check(strcmp(ho.ho_children[0].ic_service, name) == 0,
	    "service name round trip");
	handover_free(&ho);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handover ho;
	char err[512];
	int rc;

	read_as_new_image(memfd_with(data, size), &ho, &rc, err, sizeof(err));
	if (rc != 0)
		fuzz_check(err[0] != '\0', "a refusal says why");
	else
		check_records(&ho);
	handover_free(&ho);
	round_trip(data, size);
	return 0;
}
