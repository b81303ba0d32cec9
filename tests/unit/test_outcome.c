/*
 * Unit tests for a reload's outcome file (src/reload/outcome.c): its
 * path beside the pidfile, and the one line spawnd -r parses.  No fuzz
 * replay: the file is read only when it belongs to the daemon's user or
 * root (src/reload/reloadctl.c), who can signal the daemon anyway; the
 * parser's contract is checked here, edge by edge.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reload/outcome.h"
#include "tap.h"

static void
test_path(void)
{
	char out[PATH_MAX], tiny[12];

	ok(outcome_path("/run/spawnd/spawnd.pid", out, sizeof(out)) == 0,
	    "a pidfile path");
	is_str(out, "/run/spawnd/spawnd.reload", ".pid replaced");
	(void)outcome_path("spawnd.pid", out, sizeof(out));
	is_str(out, "spawnd.reload", "a relative one");
	(void)outcome_path("/var/run/spawnd.lock", out, sizeof(out));
	is_str(out, "/var/run/spawnd.lock.reload", "another suffix: appended");
	(void)outcome_path("/run/.pid", out, sizeof(out));
	is_str(out, "/run/.pid.reload", "a file named .pid: appended");
	(void)outcome_path("/run/x.pid.d/p", out, sizeof(out));
	is_str(out, "/run/x.pid.d/p.reload", ".pid in a directory's name only");
	ok(outcome_path("/run/abc.pid", tiny, sizeof(tiny)) == -1,
	    "too long for the buffer: -1");
}

static void
test_parse(void)
{
	enum outcome_state st;
	char reason[64];
	uint64_t seq;

	ok(outcome_parse("0 started\n", &seq, &st, reason, sizeof(reason)) == 0 &&
	    seq == 0 && st == OUTCOME_STARTED, "0 started");
	ok(outcome_parse("7 checking\n", &seq, &st, reason, sizeof(reason)) == 0 &&
	    seq == 7 && st == OUTCOME_CHECKING, "7 checking");
	ok(outcome_parse("18446744073709551615 reloaded", &seq, &st, reason,
	    sizeof(reason)) == 0 && seq == UINT64_MAX && st == OUTCOME_RELOADED,
	    "the largest number, no newline");
	ok(outcome_parse("3 refused 127.0.0.1:9: bind: Address in use\n", &seq,
	    &st, reason, sizeof(reason)) == 0 && seq == 3 &&
	    st == OUTCOME_REFUSED, "a refusal");
	is_str(reason, "127.0.0.1:9: bind: Address in use", "its reason");
	ok(outcome_parse("4 refused a reason longer than the caller's buffer "
	    "can hold, which is cut", &seq, &st, reason, 10) == 0 &&
	    strlen(reason) == 9, "a long reason is cut to the buffer");
	ok(outcome_parse("18446744073709551616 reloaded\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a number past 64 bits");
	ok(outcome_parse("-1 reloaded\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a negative number");
	ok(outcome_parse(" 1 reloaded\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a leading space");
	ok(outcome_parse("1 reloadedx\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "an unknown word");
	ok(outcome_parse("1 reloaded because\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a reason after reloaded");
	ok(outcome_parse("1 refused\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a refusal without its reason");
	ok(outcome_parse("1 refused \n", &seq, &st, reason,
	    sizeof(reason)) == -1, "a refusal with an empty reason");
	ok(outcome_parse("1 reloaded\n2 refused x\n", &seq, &st, reason,
	    sizeof(reason)) == -1, "two lines");
	ok(outcome_parse("", &seq, &st, reason, sizeof(reason)) == -1,
	    "nothing");
	ok(outcome_parse("12", &seq, &st, reason, sizeof(reason)) == -1,
	    "a number alone");
}

/* What outcome_write puts in the file parses back, control bytes tamed. */
static void
test_write(void)
{
	struct reload_outcome ro = { .ro_seq = 5 };
	char dir[] = "/tmp/spawnd-test-outcome.XXXXXX", text[256], reason[128];
	enum outcome_state st;
	uint64_t seq;
	FILE *f;
	size_t n = 0;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(ro.ro_path, sizeof(ro.ro_path), "%s/spawnd.reload", dir);
	ok(outcome_write(&ro, OUTCOME_REFUSED, "line one\nline\ttwo") == 0,
	    "written");
	if ((f = fopen(ro.ro_path, "r")) != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	is_str(text, "5 refused line one?line?two\n", "one line, in the file");
	ok(outcome_parse(text, &seq, &st, reason, sizeof(reason)) == 0 &&
	    seq == 5 && st == OUTCOME_REFUSED, "parsed back");
	ro.ro_seq = 6;
	ok(outcome_write(&ro, OUTCOME_RELOADED, NULL) == 0, "replaced");
	outcome_remove(&ro);
	ok(access(ro.ro_path, F_OK) == -1, "removed");
	ok(rmdir(dir) == 0, "no temporary file left behind");
}

int
main(void)
{
	test_path();
	test_parse();
	test_write();
	return tap_done();
}
