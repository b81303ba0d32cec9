/*
 * Unit tests for the board (src/board/stats.c) and the STATUS= line
 * (src/systemd/sdstatus.c): counting, the children's table, the order of
 * the hand-over's numbers, refusal words.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board/stats.h"
#include "config/config.h"
#include "systemd/sdstatus.h"
#include "tap.h"

/*
 * What a child of the parent sees: run in a fork, the exit status says.
 * 0: as expected; 1-4: which check failed.
 */
static int
child_view(int reader, const struct stats_board *parent)
{
	void *page = (void *)parent->sb_head;
	const struct stats_board *sb;
	unsigned char in;

	/* Never the parent's mapping: it did not come along. */
	if (mincore(page, 1, &in) != -1 || errno != ENOMEM)
		return 1;
	if (stats_child_prepare(reader) == -1)
		return 2;
	sb = stats_board();
	if (!reader)
		return sb == NULL ? 0 : 3;
	if (sb == NULL || sb->sb_services[0].ss_connections != 1)
		return 3;
	/* The seal: the reader's view cannot be made writable again. */
	if (mprotect((void *)sb->sb_head, 1, PROT_READ | PROT_WRITE) != -1)
		return 4;
	return 0;
}

static int
child_view_status(int reader, const struct stats_board *parent)
{
	int status;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(child_view(reader, parent));
	if (pid == -1 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
test_board(void)
{
	struct svc_conf sc[2] = { { .sc_name = "hello" }, { .sc_name = "cmd" } };
	struct config cf = { .cf_services = sc, .cf_nservices = 2 };
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(7) };
	const struct stats_board *sb;
	uint64_t values[32], back[32];
	size_t n, i;

	ok(stats_board() == NULL, "no board before stats_open");
	stats_connection(0);	/* a no-op, not a crash */
	ok(stats_open(&cf, 4) == 0, "stats_open");
	sb = stats_board();
	if (sb == NULL)		/* reported just above; the rest needs it */
		return;
	stats_connection(0);
	n = (size_t)child_view_status(1, sb);
	ok(n == 0, "a reader child maps a read-only, sealed view of the "
	    "numbers, never the parent's mapping (%zu)", n);
	n = (size_t)child_view_status(0, sb);
	ok(n == 0, "any other child has no board (%zu)", n);
	sb->sb_services[0].ss_connections = 0;
	ok(sb != NULL && sb->sb_nservices == 2 && sb->sb_nslots == 4,
	    "two services, four slots");
	inet_pton(AF_INET, "192.0.2.7", &peer.sin_addr);
	stats_connection(0);
	stats_child_begin(2, 4242, 0, 100, (struct sockaddr *)&peer);
	ok(sb->sb_children[2].sch_pid == 4242 &&
	    sb->sb_children[2].sch_peer.family == AF_INET &&
	    sb->sb_services[0].ss_children == 1, "a child's row and count");
	stats_child_end(2, 0, 0, 0);
	stats_child_begin(1, 4243, 0, 100, NULL);
	stats_child_end(1, 0, 9, 0);		/* killed by SIGKILL */
	stats_child_begin(0, 4244, 1, 100, NULL);
	stats_child_end(0, 1, 1 << 8, 0);		/* exit 1 */
	stats_child_begin(0, 4245, 1, 100, NULL);
	stats_child_end(0, 1, 15, 1);		/* SIGTERM at max_lifetime */
	ok(sb->sb_children[2].sch_pid == 0 && sb->sb_services[0].ss_children == 0,
	    "its slot freed at the end");
	ok(sb->sb_services[0].ss_exits[STATS_EXIT_OK] == 1 &&
	    sb->sb_services[0].ss_exits[STATS_EXIT_SIGNAL] == 1 &&
	    sb->sb_services[1].ss_exits[STATS_EXIT_ERROR] == 1,
	    "exits: ok, signal, error");
	ok(sb->sb_services[1].ss_exits[STATS_EXIT_LIFETIME] == 1 &&
	    sb->sb_services[1].ss_exits[STATS_EXIT_SIGNAL] == 0,
	    "an end at max_lifetime counts there, not as a signal");
	stats_child_end(3, SIZE_MAX, 0, 0);	/* a removed service: no count */
	stats_refused(0, REFUSAL_PROXY);
	stats_refused(0, REFUSAL_PER_SOURCE);
	stats_refused(0, REFUSAL_RATE);
	ok(sb->sb_services[0].ss_refused[REFUSAL_PROXY] == 1 &&
	    sb->sb_services[0].ss_refused[REFUSAL_PER_SOURCE] == 1 &&
	    sb->sb_services[0].ss_refused[REFUSAL_RATE] == 1,
	    "refusals counted by their reason");
	stats_datagram(1);
	stats_dropped(1, STATS_DROP_SOURCE);
	stats_dropped(1, STATS_DROP_RATE);
	stats_reload_refused();
	ok(sb->sb_services[1].ss_datagrams == 1 &&
	    sb->sb_services[1].ss_dropped[STATS_DROP_SOURCE] == 1 &&
	    sb->sb_services[1].ss_dropped[STATS_DROP_RATE] == 1 &&
	    sb->sb_head->sh_reloads_refused == 1, "datagrams and reloads");
	n = stats_export(0, values, 32);
	ok(n == 15, "15 numbers per service in the hand-over (%zu)", n);
	ok(values[0] == 1 && values[1 + REFUSAL_PROXY] == 1,
	    "connections first, then the refusals in enum order");
	n = stats_export(1, back, 32);
	ok(n == 15 && back[1 + REFUSAL_NREASONS + STATS_EXIT_ERROR] == 1 &&
	    back[14] == 1, "the exits at max_lifetime last, after the drops "
	    "(an older image's order stays)");
	n = stats_export(0, values, 32);
	/* Into a new board, as a reload's new image does. */
	ok(stats_open(&cf, 2) == 0, "a new board");
	stats_import(0, values, n);
	n = stats_export(0, back, 32);
	for (i = 0; i < n && back[i] == values[i]; i++)
		;
	ok(i == 15, "the numbers come back as they went");
	stats_import(1, values, 3);
	ok(stats_board()->sb_services[1].ss_connections == 1 &&
	    stats_board()->sb_services[1].ss_exits[0] == 0,
	    "fewer numbers (an older image's) fill only the first");
	stats_import(1, values, 32);
	ok(1, "more numbers than known are ignored");
	is_str(refusal_word(REFUSAL_MAX_CHILDREN), "max_children",
	    "reason names");
	ok(REFUSAL_ACL == 0 && REFUSAL_MAX_INSTANCES == 1 &&
	    REFUSAL_PER_SOURCE == 2 && REFUSAL_RATE == 3 &&
	    REFUSAL_MAX_CHILDREN == 4 && REFUSAL_PROXY == 5 &&
	    REFUSAL_NREASONS == 6,
	    "reasons in the board's order (an older image's hand-over)");
	stats_close();
	ok(stats_board() == NULL, "closed");
}

static void
test_status_line(void)
{
	char line[160];

	sdstatus_line(line, sizeof(line), 12, 48210, 3);
	is_str(line, "12 children, 48,210 connections, 3 refused", "the line");
	sdstatus_line(line, sizeof(line), 1, 1, 1234567);
	is_str(line, "1 child, 1 connection, 1,234,567 refused",
	    "singulars, millions");
	sdstatus_line(line, sizeof(line), 0, 999, 1000);
	is_str(line, "0 children, 999 connections, 1,000 refused", "edges");
}

int
main(void)
{
	test_board();
	test_status_line();
	return tap_done();
}
