/*
 * The reload hand-over's text: see handover.h for the format and the why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "config/config.h"
#include "handover/handover.h"
#include "handover/handover_config.h"
#include "handover/handover_counts.h"
#include "handover/handover_text.h"
#include "handover/inherited.h"

/* ---- reading (the new image) */

/* An fd number from the text, accepted only if it is open. */
static int
handover_fd(const char *text, char **end)
{
	long fd = strtol(text, end, 10);

	if (*end == text || fd < 0 || fd > INT_MAX || fcntl((int)fd, F_GETFD) == -1)
		return -1;
	if (fd_set_cloexec((int)fd, 1) == -1)
		return -1;
	return (int)fd;
}

/* "listen FD TYPE ADDRESS": the text is for people reading the memfd. */
static int
handover_listen_line(struct handover *ho, char *rest)
{
	char *p;
	int fd;

	if ((fd = handover_fd(rest, &p)) == -1 || *p != ' ' ||
	    inherited_add_fd(ho, fd) == -1)
		return -1;
	ho->ho_listeners[ho->ho_nlisteners - 1].il_ours = 1;
	return 0;
}

static int
handover_child_line(struct handover *ho, char *rest)
{
	struct inherited_child *ic;
	char *p, *name;
	long pid = strtol(rest, &p, 10);

	if (p == rest || pid <= 0 || pid > INT_MAX || *p++ != ' ' ||
	    (name = strchr(p, ' ')) == NULL)
		return -1;
	*name++ = '\0';
	if (handover_unescape(name) == -1 ||
	    strlen(name) >= sizeof(ic->ic_service))
		return -1;
	ic = reallocarray(ho->ho_children, ho->ho_nchildren + 1, sizeof(*ic));
	if (ic == NULL)
		return -1;
	ho->ho_children = ic;
	ic = &ho->ho_children[ho->ho_nchildren++];
	memset(ic, 0, sizeof(*ic));
	ic->ic_pid = (pid_t)pid;
	ic->ic_report = -1;
	snprintf(ic->ic_service, sizeof(ic->ic_service), "%s", name);
	if (inet_pton(AF_INET, p,
	    &((struct sockaddr_in *)&ic->ic_peer)->sin_addr) == 1)
		ic->ic_peer.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, p,
	    &((struct sockaddr_in6 *)&ic->ic_peer)->sin6_addr) == 1)
		ic->ic_peer.ss_family = AF_INET6;
	else
		ic->ic_peer.ss_family = AF_UNIX;
	return 0;
}

/* "held FD PID": a listener already described, held by a wait child. */
static int
handover_held_line(struct handover *ho, char *rest)
{
	char *p;
	long fd = strtol(rest, &p, 10), pid;
	size_t i;

	if (p == rest || *p++ != ' ')
		return -1;
	pid = strtol(p, &rest, 10);
	if (rest == p || *rest != '\0' || pid <= 0 || pid > INT_MAX)
		return -1;
	for (i = 0; i < ho->ho_nlisteners; i++)
		if (ho->ho_listeners[i].il_fd == fd) {
			ho->ho_listeners[i].il_held = (pid_t)pid;
			return 0;
		}
	return -1;
}

/* A child's "writer PID TAG" (its FIFO's; hex) or "started PID MS" (fork). */
static int
handover_child_note(struct handover *ho, char *rest, int started)
{
	unsigned long long v;
	long pid;
	int n = 0;
	size_t i;

	if (sscanf(rest, started ? "%ld %llu%n" : "%ld %llx%n", &pid, &v,
	    &n) != 2 || rest[n] != '\0' || pid <= 0 || pid > INT_MAX ||
	    (started && v > INT64_MAX))
		return -1;
	for (i = 0; i < ho->ho_nchildren; i++)
		if (ho->ho_children[i].ic_pid == (pid_t)pid) {
			if (started)
				ho->ho_children[i].ic_started_ms = (int64_t)v;
			else {
				ho->ho_children[i].ic_writer = 1;
				ho->ho_children[i].ic_writer_tag = v;
			}
			return 0;
		}
	return -1;
}

/* "ending PID STEP MS": how far child PID's end at max_lifetime went. */
static int
handover_ending_line(struct handover *ho, const char *rest)
{
	unsigned long long ms;
	long pid;
	int step, n = 0;
	size_t i;

	if (sscanf(rest, "%ld %d %llu%n", &pid, &step, &ms, &n) != 3 ||
	    rest[n] != '\0' || pid <= 0 || pid > INT_MAX ||
	    (step != 1 && step != 2) || ms > INT64_MAX)
		return -1;
	for (i = 0; i < ho->ho_nchildren; i++)
		if (ho->ho_children[i].ic_pid == (pid_t)pid) {
			ho->ho_children[i].ic_ending = step;
			ho->ho_children[i].ic_ending_ms = (int64_t)ms;
			return 0;
		}
	return -1;
}

/*
 * "report FD PID": a child already described awaits its answer on FD,
 * an fd no other record names, and a SOCK_SEQPACKET socket.  A bad record
 * fails the hand-over, and the image with it: nothing is closed here.
 */
static int
handover_report_line(struct handover *ho, char *rest)
{
	char *p;
	long pid;
	size_t i;
	int fd;

	int type = 0;
	socklen_t len = sizeof(type);

	/* Only a report pair's end: a socket as reports_pair() makes it. */
	if ((fd = handover_fd(rest, &p)) == -1 || *p++ != ' ' ||
	    fd == ho->ho_pidfile_fd ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_SEQPACKET)
		return -1;
	pid = strtol(p, &rest, 10);
	if (rest == p || *rest != '\0' || pid <= 0 || pid > INT_MAX)
		return -1;
	for (i = 0; i < ho->ho_nlisteners; i++)
		if (ho->ho_listeners[i].il_fd == fd)
			return -1;
	for (i = 0; i < ho->ho_nchildren; i++)
		if (ho->ho_children[i].ic_report == fd)
			return -1;
	for (i = 0; i < ho->ho_nchildren; i++)
		if (ho->ho_children[i].ic_pid == (pid_t)pid &&
		    ho->ho_children[i].ic_report == -1) {
			ho->ho_children[i].ic_report = fd;
			return 0;
		}
	return -1;
}

/* "board STARTED OK REFUSED". */
static int
handover_board_line(struct handover *ho, const char *rest)
{
	long long started;
	unsigned long long ok, refused;
	int end = -1;

	/* Counters are not worth a failed reload: a bad record is ignored. */
	if (sscanf(rest, "%lld %llu %llu%n", &started, &ok, &refused,
	    &end) != 3 || end < 0)
		return 0;
	ho->ho_board = 1;
	ho->ho_started = started;
	ho->ho_reloads_ok = ok;
	ho->ho_reloads_refused = refused;
	return 0;
}

/* "name FD SERVICE": whose a listener already described was. */
static int
handover_name_line(struct handover *ho, char *rest)
{
	char *p;
	long fd = strtol(rest, &p, 10);
	size_t i;

	if (p == rest || *p++ != ' ' || handover_unescape(p) == -1)
		return -1;
	for (i = 0; i < ho->ho_nlisteners; i++)
		if (ho->ho_listeners[i].il_fd == fd) {
			snprintf(ho->ho_listeners[i].il_name,
			    sizeof(ho->ho_listeners[i].il_name), "%s", p);
			return 0;
		}
	return -1;
}

static int
handover_line(struct handover *ho, char *line)
{
	char *p;

	if (strncmp(line, "startdir ", 9) == 0) {
		p = line + 9;
		if (handover_unescape(p) == -1 || strlen(p) >= sizeof(ho->ho_startdir))
			return -1;
		memcpy(ho->ho_startdir, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(line, "pidfile ", 8) == 0) {
		if ((ho->ho_pidfile_fd = handover_fd(line + 8, &p)) == -1 ||
		    *p++ != ' ' || handover_unescape(p) == -1 ||
		    strlen(p) >= sizeof(ho->ho_pidfile))
			return -1;
		memcpy(ho->ho_pidfile, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(line, "listen ", 7) == 0)
		return handover_listen_line(ho, line + 7);
	if (strncmp(line, "child ", 6) == 0)
		return handover_child_line(ho, line + 6);
	if (strncmp(line, "configfile ", 11) == 0)
		return handover_config_line(ho, line + 11, CONF_SOURCE_MAIN, 0);
	if (strncmp(line, "config ", 7) == 0)
		return handover_config_line(ho, line + 7, CONF_SOURCE_MAIN, 1);
	if (strncmp(line, "includefile ", 12) == 0)
		return handover_config_line(ho, line + 12, CONF_SOURCE_INCLUDE,
		    0);
	if (strncmp(line, "include ", 8) == 0)
		return handover_config_line(ho, line + 8, CONF_SOURCE_INCLUDE,
		    1);
	if (strncmp(line, "inetdfile ", 10) == 0)
		return handover_config_line(ho, line + 10, CONF_SOURCE_INETD, 0);
	if (strncmp(line, "inetd ", 6) == 0)
		return handover_config_line(ho, line + 6, CONF_SOURCE_INETD, 1);
	if (strncmp(line, "report ", 7) == 0)
		return handover_report_line(ho, line + 7);
	if (strncmp(line, "held ", 5) == 0)
		return handover_held_line(ho, line + 5);
	if (strncmp(line, "writer ", 7) == 0)
		return handover_child_note(ho, line + 7, 0);
	if (strncmp(line, "started ", 8) == 0)
		return handover_child_note(ho, line + 8, 1);
	if (strncmp(line, "ending ", 7) == 0)
		return handover_ending_line(ho, line + 7);
	if (strncmp(line, "name ", 5) == 0)
		return handover_name_line(ho, line + 5);
	if (strncmp(line, "board ", 6) == 0)
		return handover_board_line(ho, line + 6);
	if (strncmp(line, "counts ", 7) == 0)
		return handover_counts_line(ho, line + 7);
	/* A bad number costs spawnd -r its wait, not the reload. */
	if (strncmp(line, "reload ", 7) == 0) {
		(void)sscanf(line + 7, "%" SCNu64, &ho->ho_reload_seq);
		return 0;
	}
	return 0;	/* a newer image's record: nothing we could use */
}

static char *
handover_slurp(int fd)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) == -1 || (text = malloc((size_t)st.st_size + 1)) == NULL)
		return NULL;
	n = pread(fd, text, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static int
handover_parse(struct handover *ho, int memfd, char *err, size_t errlen)
{
	char *text, *line, *save = NULL;
	int lineno = 0;

	if ((text = handover_slurp(memfd)) == NULL) {
		snprintf(err, errlen, "reading the hand-over: %s", strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (++lineno == 1 ? strcmp(line, HANDOVER_MAGIC) != 0 :
		    handover_line(ho, line) == -1) {
			snprintf(err, errlen, "hand-over line %d is bad: %s",
			    lineno, line);
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

int
handover_receive(struct handover *ho, char *err, size_t errlen)
{
	const char *env = getenv(HANDOVER_ENV);
	char *end;
	int memfd, rc;

	memset(ho, 0, sizeof(*ho));
	ho->ho_pidfile_fd = -1;
	if (env == NULL)
		return inherited_activation(ho, err, errlen);
	unsetenv(HANDOVER_ENV);
	ho->ho_present = 1;
	if ((memfd = handover_fd(env, &end)) == -1 || *end != '\0') {
		snprintf(err, errlen, "bad %s=%s", HANDOVER_ENV, env);
		return -1;
	}
	rc = handover_parse(ho, memfd, err, errlen);
	close(memfd);
	if (rc == 0 && ho->ho_nsources > 0 &&
	    ho->ho_sources[ho->ho_nsources - 1].cs_text == NULL) {
		snprintf(err, errlen, "the hand-over names a configuration "
		    "file without its text");
		rc = -1;
	}
	return rc;
}

void
handover_free(struct handover *ho)
{
	size_t i;

	inherited_close_unused(ho);
	/* A report nobody took: its child finds the pair closed, refuses. */
	for (i = 0; i < ho->ho_nchildren; i++)
		if (ho->ho_children[i].ic_report != -1) {
			(void)close(ho->ho_children[i].ic_report);
			ho->ho_children[i].ic_report = -1;
		}
	free(ho->ho_counts);
	ho->ho_counts = NULL;
	for (i = 0; i < ho->ho_nsources; i++) {
		free(ho->ho_sources[i].cs_path);
		free(ho->ho_sources[i].cs_text);
	}
	free(ho->ho_sources);
	ho->ho_sources = NULL;
	ho->ho_nsources = 0;
	ho->ho_ncounts = 0;
	free(ho->ho_listeners);
	free(ho->ho_children);
	ho->ho_listeners = NULL;
	ho->ho_children = NULL;
	ho->ho_nlisteners = ho->ho_nchildren = 0;
}

