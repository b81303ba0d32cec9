/*
 * Unit tests for the command server's line machine
 * (src/services/command_line.c): line ends, input split at every
 * possible point, telnet IAC stripping, the 1024-byte limit, and the
 * pure command and who(1) formatting helpers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utmpx.h>

#include "services/command_line.h"
#include "tap.h"

/*
 * Feed input in pieces of at most chunk bytes and write every event
 * into out as text: "L<line>|" for a line, "T|" for too long, "I|" for
 * an interrupt, then "E..." for what end of input yields.
 */
static void
run(const char *in, size_t len, size_t chunk, char *out, size_t cap)
{
	struct cmdline cm;
	enum cmdline_event ev;
	size_t off = 0, n, used, pos;
	size_t o = 0;

	cmdline_init(&cm);
	out[0] = '\0';
	while (off < len) {
		n = len - off < chunk ? len - off : chunk;
		pos = 0;
		while (pos < n) {
			ev = cmdline_feed(&cm, in + off + pos, n - pos, &used);
			pos += used;
			if (ev == CMDLINE_LINE)
				o += (size_t)snprintf(out + o, cap - o, "L%s|",
				    cmdline_text(&cm, NULL));
			else if (ev == CMDLINE_TOOLONG)
				o += (size_t)snprintf(out + o, cap - o, "T|");
			else if (ev == CMDLINE_INTERRUPT) {
				o += (size_t)snprintf(out + o, cap - o,
				    "I@%zu|", off + pos);
				return;
			}
		}
		off += n;
	}
	ev = cmdline_eof(&cm);
	if (ev == CMDLINE_LINE)
		snprintf(out + o, cap - o, "E%s", cmdline_text(&cm, NULL));
	else if (ev == CMDLINE_TOOLONG)
		snprintf(out + o, cap - o, "ET");
}

/* The same input must give the same events however it is split. */
static void
check(const char *name, const char *in, size_t len, const char *want)
{
	char out[8192];
	size_t chunk;
	int same = 1;

	for (chunk = 1; chunk <= len + 1; chunk++) {
		run(in, len, chunk, out, sizeof(out));
		if (strcmp(out, want) != 0) {
			same = 0;
			break;
		}
	}
	ok(same, "%s (every split)", name);
	if (!same)
		printf("#   chunk %zu got \"%s\" want \"%s\"\n", chunk, out, want);
}

#define CHECK(name, lit, want) check(name, lit, sizeof(lit) - 1, want)

static void
test_line_ends(void)
{
	CHECK("LF", "date\n", "Ldate|");
	CHECK("CRLF", "date\r\n", "Ldate|");
	CHECK("two lines CRLF", "date\r\nwho\r\n", "Ldate|Lwho|");
	CHECK("bare CR ends a line", "a\rb\n", "La|Lb|");
	CHECK("CR NUL ends a line", "a\r\0b\r\n", "La|Lb|");
	CHECK("CR CR is an empty line", "a\r\rb\n", "La|L|Lb|");
	CHECK("blank lines", "\n\r\n\n", "L|L|L|");
	CHECK("NUL bytes dropped", "da\0te\0\n", "Ldate|");
	CHECK("unterminated last line at EOF", "date\nwho", "Ldate|Ewho");
	CHECK("nothing pending at EOF", "date\r\n", "Ldate|");
	CHECK("empty input", "", "");
}

static void
test_telnet(void)
{
	CHECK("IAC WILL/DO option stripped",
	    "\xff\xfb\x01" "da\xff\xfd\x03te\n", "Ldate|");
	CHECK("IAC WONT/DONT stripped", "\xff\xfc\x22\xff\xfe\x01who\r\n",
	    "Lwho|");
	CHECK("two-byte commands stripped (NOP, AYT, GA)",
	    "d\xff\xf1" "a\xff\xf6t\xff\xf9" "e\n", "Ldate|");
	CHECK("IAC IAC is a literal 255", "a\xff\xff" "b\n", "La\xff" "b|");
	CHECK("SB ... SE stripped",
	    "\xff\xfa\x18\x00xterm\xff\xf0quit\n", "Lquit|");
	CHECK("IAC IAC inside SB stays inside",
	    "\xff\xfa\x18\xff\xff\n\xff\xf0ok\n", "Lok|");
	CHECK("newline inside SB is not a line end",
	    "x\xff\xfa\x01\n\r\n\xff\xf0y\n", "Lxy|");
	CHECK("malformed SB ended by another command",
	    "\xff\xfa\x18zz\xff\xf1" "ab\n", "Lab|");
	CHECK("IAC IP interrupts", "dat\xff\xf4" "e\n", "I@5|");
	CHECK("IAC IP after a line", "who\n\xff\xf4", "Lwho|I@6|");
	CHECK("IAC IP inside a malformed SB", "\xff\xfa\x18\xff\xf4", "I@5|");
	CHECK("IAC IAC IP is data, not an interrupt", "\xff\xff\xf4\n",
	    "L\xff\xf4|");
}

static void
test_long_lines(void)
{
	char in[3000], want[3000];
	size_t n;

	memset(in, 'x', 1024);
	memcpy(in + 1024, "\r\n", 2);
	n = 1026;
	snprintf(want, sizeof(want), "L%.*s|", 1024, in);
	check("exactly 1024 bytes is a line", in, n, want);

	memset(in, 'y', 1025);
	memcpy(in + 1025, "\ndate\n", 6);
	check("1025 bytes is too long, then recovery", in, 1031,
	    "T|Ldate|");

	memset(in, 'z', 2500);
	memcpy(in + 2500, "\r\nwho\r\n", 7);
	check("far too long, CRLF, then recovery", in, 2507, "T|Lwho|");

	/* Telnet bytes do not count towards the limit. */
	memset(in, 'a', 1024);
	memcpy(in + 1024, "\xff\xfb\x01\xff\xf1\n", 6);
	snprintf(want, sizeof(want), "L%.*s|", 1024, in);
	check("IAC sequences do not count", in, 1030, want);

	/* An IAC IAC does: it is one data byte. */
	memset(in, 'b', 1024);
	memcpy(in + 1024, "\xff\xff\n", 3);
	check("a quoted 255 counts as one byte", in, 1027, "T|");

	memset(in, 'q', 1030);
	check("too long at EOF", in, 1030, "ET");
}

static void
test_parse(void)
{
	ok(cmdline_parse("quit") == CMD_QUIT, "quit");
	ok(cmdline_parse("EXIT") == CMD_QUIT, "EXIT");
	ok(cmdline_parse("  Quit now") == CMD_QUIT, "leading blanks, more words");
	ok(cmdline_parse("date") == CMD_DATE, "date");
	ok(cmdline_parse("TiMe") == CMD_DATE, "TiMe");
	ok(cmdline_parse("who am i") == CMD_WHO, "who am i");
	ok(cmdline_parse("Cookie") == CMD_COOKIE, "Cookie");
	ok(cmdline_parse("\tmotd") == CMD_MOTD, "tab motd");
	ok(cmdline_parse("help") == CMD_HELP, "help");
	ok(cmdline_parse("quitter") == CMD_HELP, "quitter is not quit");
	ok(cmdline_parse("frobnicate") == CMD_HELP, "unknown word");
	ok(cmdline_parse("") == CMD_BLANK, "empty line");
	ok(cmdline_parse(" \t ") == CMD_BLANK, "white space only");
}

static void
test_who(void)
{
	struct utmpx ut;
	char buf[512];
	size_t len;

	setenv("TZ", "UTC", 1);
	tzset();
	memset(&ut, 0, sizeof(ut));
	ut.ut_type = USER_PROCESS;
	strncpy(ut.ut_user, "alice", sizeof(ut.ut_user));
	strncpy(ut.ut_line, "pts/3", sizeof(ut.ut_line));
	strncpy(ut.ut_host, "10.0.0.7", sizeof(ut.ut_host));
	ut.ut_tv.tv_sec = 1795770303;	/* 2026-11-27 09:05:03 UTC */
	len = cmdline_who_format(buf, sizeof(buf), &ut);
	is_str(buf, "alice    pts/3        2026-11-27 09:05 (10.0.0.7)\r\n",
	    "who line with a host");
	ok(len == strlen(buf), "length returned");

	ut.ut_host[0] = '\0';
	strncpy(ut.ut_user, "bob\x1b[2J", sizeof(ut.ut_user));
	cmdline_who_format(buf, sizeof(buf), &ut);
	is_str(buf, "bob?[2J  pts/3        2026-11-27 09:05\r\n",
	    "no host; control bytes replaced");

	/* A user name filling the whole field, with no NUL. */
	memset(ut.ut_user, 'u', sizeof(ut.ut_user));
	len = cmdline_who_format(buf, sizeof(buf), &ut);
	ok(len == sizeof(ut.ut_user) + 1 + 12 + 1 + 16 + 2,
	    "unterminated utmp field is bounded");
	ok(cmdline_who_format(buf, 20, &ut) == 0, "too small a buffer gives 0");
}

/*
 * Feed in byte by byte (as character mode sends it) and put what we
 * would send back into out as hex bytes, and the events as letters:
 * "L<line>|" for a line, "I|" for an interrupt.
 */
static void
talk(const unsigned char *in, size_t len, char *out, size_t cap)
{
	struct cmdline cm;
	const unsigned char *reply;
	enum cmdline_event ev;
	size_t i, j, used, rlen, o = 0;

	cmdline_init(&cm);
	out[0] = '\0';
	for (i = 0; i < len; i++) {
		ev = cmdline_feed(&cm, in + i, 1, &used);
		reply = cmdline_reply(&cm, &rlen);
		for (j = 0; j < rlen; j++)
			o += (size_t)snprintf(out + o, cap - o, "%02x ", reply[j]);
		if (ev == CMDLINE_LINE)
			o += (size_t)snprintf(out + o, cap - o, "L%s| ",
			    cmdline_text(&cm, NULL));
		else if (ev == CMDLINE_INTERRUPT) {
			snprintf(out + o, cap - o, "I|");
			return;
		}
	}
}

static void
test_negotiation(void)
{
	/* IAC DO ECHO, IAC DO SGA: telnet's "mode character". */
	static const unsigned char chr[] = { 255, 253, 1, 255, 253, 3,
	    255, 253, 1, 'a', 'b', 0x7f, 'c', '\r', 0 };
	static const unsigned char other[] = { 255, 253, 24, 255, 251, 31,
	    255, 252, 31, 255, 254, 24, 'x', '\n' };
	static const unsigned char off[] = { 255, 253, 1, 255, 254, 1,
	    'q', '\r', '\n' };
	static const unsigned char ctrlc[] = { 'd', 'a', 0x03, 't', 'e', '\n' };
	char out[512];

	talk(chr, sizeof(chr), out, sizeof(out));
	is_str(out, "ff fb 01 ff fb 03 61 62 08 20 08 63 0d 0a Lac| ",
	    "DO ECHO, DO SGA: WILL each once; echo, DEL erases, CR LF");
	talk(other, sizeof(other), out, sizeof(out));
	is_str(out, "ff fc 18 ff fe 1f Lx| ",
	    "DO TTYPE: WONT; WILL NAWS: DONT; WONT and DONT of what is off: "
	    "nothing; no echo");
	talk(off, sizeof(off), out, sizeof(out));
	is_str(out, "ff fb 01 ff fc 01 Lq| ", "DONT ECHO after DO: WONT, echo off");
	talk(ctrlc, sizeof(ctrlc), out, sizeof(out));
	is_str(out, "I|", "a raw Ctrl-C is an interrupt, like IAC IP");
}

int
main(void)
{
	test_line_ends();
	test_telnet();
	test_negotiation();
	test_long_lines();
	test_parse();
	test_who();
	return tap_done();
}
