/*
 * Fuzz harness for the command server's input handling (cmdline.c):
 * whatever a client sends goes through the telnet decoder and the line
 * machine, every line through cmdline_parse().  The input's first byte
 * seeds how the rest is cut into reads; the rest is the byte stream.
 *
 * Invariants, each checked with fuzz_check():
 *   - a feed consumes at least one byte, never more than it was given,
 *     and all of them when it reports no event;
 *   - a line is at most CMDLINE_MAX bytes, holds no NUL, CR or LF, and
 *     the length cmdline_text() reports is its strlen();
 *   - the events, and the bytes sent back (telnet answers, echo), are
 *     the same whichever way the stream is cut: all at once, a byte at a
 *     time, or in the pieces the seed picks; a reply is at most
 *     CMDLINE_REPLY_MAX bytes, and a REPLY event has one;
 *   - cmdline_parse() names a known command.
 * And cmdline_who_format() on a utmpx record made of the input bytes
 * gives printable ASCII ended by CRLF, within the buffer.
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <utmpx.h>

#include "services/command_line.h"
#include "fuzz.h"

/* What a run produced: a hash of the event sequence and a count. */
struct transcript {
	uint64_t	tr_hash;
	size_t		tr_events;
	size_t		tr_stop;	/* bytes consumed up to IAC IP, or all */
};

static void
mix(struct transcript *tr, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0) {
		tr->tr_hash ^= *b++;
		tr->tr_hash *= UINT64_C(0x100000001b3);	/* FNV-1a */
	}
}

static void
check_line(const struct cmdline *cm, struct transcript *tr)
{
	const char *text;
	size_t len;
	enum cmdline_cmd cmd;

	text = cmdline_text(cm, &len);
	fuzz_check(len <= CMDLINE_MAX, "line longer than CMDLINE_MAX");
	fuzz_check(strlen(text) == len, "line length is not its strlen");
	fuzz_check(memchr(text, '\r', len) == NULL &&
	    memchr(text, '\n', len) == NULL, "line end inside a line");
	cmd = cmdline_parse(text);
	fuzz_check(cmd >= CMD_BLANK && cmd <= CMD_HELP, "unknown command");
	mix(tr, text, len + 1);
}

static void
record(const struct cmdline *cm, enum cmdline_event ev, struct transcript *tr)
{
	unsigned char tag = (unsigned char)ev;

	tr->tr_events++;
	mix(tr, &tag, 1);
	if (ev == CMDLINE_LINE)
		check_line(cm, tr);
}

/* Next piece size, 1..64, from a xorshift state. */
static size_t
next_piece(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return 1 + x % 64;
}

/*
 * Feed in in pieces (piece 0: everything at once; otherwise sizes from
 * *state, or 1 byte each when state is NULL).
 */
static void
run(const unsigned char *in, size_t len, uint32_t *state, int whole,
    struct transcript *tr)
{
	struct cmdline cm;
	enum cmdline_event ev;
	const unsigned char *reply;
	size_t off = 0, piece, pos, used, rlen;

	memset(tr, 0, sizeof(*tr));
	tr->tr_hash = UINT64_C(0xcbf29ce484222325);
	cmdline_init(&cm);
	while (off < len) {
		piece = whole ? len : state != NULL ? next_piece(state) : 1;
		if (piece > len - off)
			piece = len - off;
		for (pos = 0; pos < piece; pos += used) {
			used = 0;
			ev = cmdline_feed(&cm, in + off + pos, piece - pos, &used);
			fuzz_check(used >= 1 && used <= piece - pos,
			    "feed consumed a wrong number of bytes");
			fuzz_check(ev != CMDLINE_MORE || used == piece - pos,
			    "no event, but input left over");
			reply = cmdline_reply(&cm, &rlen);
			fuzz_check(rlen <= CMDLINE_REPLY_MAX, "reply too long");
			fuzz_check(ev != CMDLINE_REPLY || rlen > 0,
			    "a REPLY event with nothing to send");
			mix(tr, reply, rlen);
			if (ev == CMDLINE_MORE)
				continue;
			record(&cm, ev, tr);
			if (ev == CMDLINE_INTERRUPT) {
				tr->tr_stop = off + pos + used;
				return;
			}
		}
		off += piece;
	}
	ev = cmdline_eof(&cm);
	fuzz_check(ev == CMDLINE_MORE || ev == CMDLINE_LINE ||
	    ev == CMDLINE_TOOLONG, "bad event at end of input");
	if (ev != CMDLINE_MORE)
		record(&cm, ev, tr);
	tr->tr_stop = len;
}

static void
check_who(const unsigned char *data, size_t size)
{
	struct utmpx ut;
	char buf[512];
	size_t len, i;

	memset(&ut, 0, sizeof(ut));
	memcpy(&ut, data, size < sizeof(ut) ? size : sizeof(ut));
	len = cmdline_who_format(buf, sizeof(buf), &ut);
	if (len == 0)
		return;
	fuzz_check(len < sizeof(buf) && buf[len] == '\0', "who line overflow");
	fuzz_check(len >= 2 && buf[len - 2] == '\r' && buf[len - 1] == '\n',
	    "who line without CRLF");
	for (i = 0; i + 2 < len; i++)
		fuzz_check(buf[i] >= 0x20 && buf[i] < 0x7f,
		    "unprintable byte in a who line");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript whole, bytes, pieces;
	uint32_t state;

	if (size == 0)
		return 0;
	state = data[0] * 2654435761u + 1;
	run(data + 1, size - 1, NULL, 1, &whole);
	run(data + 1, size - 1, NULL, 0, &bytes);
	run(data + 1, size - 1, &state, 0, &pieces);
	fuzz_check(whole.tr_hash == bytes.tr_hash &&
	    whole.tr_events == bytes.tr_events &&
	    whole.tr_stop == bytes.tr_stop,
	    "events differ between one read and byte-by-byte reads");
	fuzz_check(whole.tr_hash == pieces.tr_hash &&
	    whole.tr_events == pieces.tr_events &&
	    whole.tr_stop == pieces.tr_stop,
	    "events differ between one read and reads in pieces");
	check_who(data, size);
	return 0;
}
