/*
 * "spawnd -t -l": what the configuration serves, one line per service,
 * for an admin's eyes and for grep and awk.  Every field is one word (a
 * blank in a name or a path is written "\x20"), so the columns can be
 * padded for reading and still split on blanks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "config/capability.h"
#include "config/conf_list.h"
#include "config/config.h"
#include "net/cidr.h"
#include "services/service.h"

/* A column is padded to its widest entry up to this; longer pushes on. */
#define LIST_COLUMN_MAX	40

/* The positional fields of a line. */
enum { LIST_NAME, LIST_TYPE, LIST_ADDRS, LIST_USER, LIST_NFIELDS };

/* A wait service: its program takes the socket; rate still binds it. */
#define LIST_WAIT	0x100

/*
 * The limits shown when set (0 means none) and when they bind the
 * service (lu_when: one of its SVC_CAN_* or LIST_WAIT): max_instances
 * says nothing of a time service answered inline.
 */
static const struct {
	const char	*lu_name;
	size_t		 lu_offset;	/* of an unsigned in struct svc_conf */
	unsigned	 lu_when;
} list_uints[] = {
	{ "max_instances", offsetof(struct svc_conf, sc_max_instances),
	    SVC_CAN_FORK },
	{ "per_source",	offsetof(struct svc_conf, sc_per_source),
	    SVC_CAN_FORK },
	{ "rate", offsetof(struct svc_conf, sc_rate),
	    SVC_CAN_CONNECT | LIST_WAIT },
	{ "rate_per_minute", offsetof(struct svc_conf, sc_rate_minute),
	    SVC_CAN_CONNECT | LIST_WAIT },
	{ "datagram_rate", offsetof(struct svc_conf, sc_datagram_rate),
	    SVC_CAN_DATAGRAM },
	{ "idle_timeout", offsetof(struct svc_conf, sc_idle_timeout),
	    SVC_CAN_IDLE },
	{ "max_lifetime", offsetof(struct svc_conf, sc_max_lifetime),
	    SVC_CAN_CHILDREN },
	{ "rlimit_cpu",	offsetof(struct svc_conf, sc_rlimit_cpu),
	    SVC_CAN_CHILDREN },
	{ "rlimit_nofile", offsetof(struct svc_conf, sc_rlimit_nofile),
	    SVC_CAN_CHILDREN },
};

/* One line being written: where the positional fields end. */
struct list_line {
	FILE		*ll_out;
	size_t		 ll_used;	/* width of the last field written */
	size_t		 ll_width;	/* its column's width */
	int		 ll_words;	/* OPTION=VALUE words written so far */
};

size_t
conf_list_naddrs(const struct svc_conf *sc)
{
	return sc->sc_nstream + sc->sc_ndgram + (sc->sc_fifo != NULL);
}

const char *
conf_list_addr(const struct svc_conf *sc, size_t i, char *buf, size_t len)
{
	char text[CONF_LIST_ADDR_MAX];
	const struct listen_addr *la = NULL;
	const char *kind = "fifo";

	if (i < sc->sc_nstream) {
		la = &sc->sc_stream[i];
		kind = la->la_family == AF_UNIX ? "unix" : "tcp";
	} else if (i - sc->sc_nstream < sc->sc_ndgram) {
		la = &sc->sc_dgram[i - sc->sc_nstream];
		kind = la->la_family == AF_UNIX ? "unix-dgram" : "udp";
	}
	log_escape_also(text, sizeof(text), la != NULL ? la->la_text :
	    sc->sc_fifo != NULL ? sc->sc_fifo : "", " ,");
	snprintf(buf, len, "%s:%s", kind, text);
	return buf;
}

/* The addresses, comma-separated, or "-"; its width.  out NULL: measure. */
static size_t
list_addrs(FILE *out, const struct svc_conf *sc)
{
	char word[CONF_LIST_ADDR_MAX];
	size_t i, n = conf_list_naddrs(sc), width = 0;

	if (n == 0) {
		if (out != NULL)
			fputs("-", out);
		return 1;
	}
	for (i = 0; i < n; i++) {
		conf_list_addr(sc, i, word, sizeof(word));
		if (out != NULL)
			fprintf(out, "%s%s", i > 0 ? "," : "", word);
		width += strlen(word) + (i > 0);
	}
	return width;
}

/* Positional field f of sc (not the addresses) into buf. */
static const char *
list_field(const struct svc_conf *sc, int f, char *buf, size_t len)
{
	char user[256], group[256];

	if (f == LIST_NAME)
		return log_escape_also(buf, len, sc->sc_name, " ");
	if (f == LIST_TYPE)
		return log_escape_also(buf, len, sc->sc_type->sv_type, " ");
	log_escape_also(user, sizeof(user), sc->sc_user ? sc->sc_user : "-",
	    " :");
	log_escape_also(group, sizeof(group), sc->sc_group ? sc->sc_group :
	    "-", " :");
	snprintf(buf, len, "%s:%s", user, group);
	return buf;
}

static size_t
list_width(const struct svc_conf *sc, int f)
{
	char buf[CONF_NAME_MAX * 4 + 520];

	if (f == LIST_ADDRS)
		return list_addrs(NULL, sc);
	return strlen(list_field(sc, f, buf, sizeof(buf)));
}

/* Pad the field just written to its column, then the gap. */
static void
list_gap(struct list_line *ll)
{
	while (ll->ll_used++ < ll->ll_width)
		putc(' ', ll->ll_out);
	fputs("  ", ll->ll_out);
}

/* One OPTION=VALUE word (or "disabled") after the positional fields. */
static void
list_word(struct list_line *ll, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
list_word(struct list_line *ll, const char *fmt, ...)
{
	va_list ap;

	if (ll->ll_words++ == 0)
		list_gap(ll);
	else
		putc(' ', ll->ll_out);
	va_start(ap, fmt);
	vfprintf(ll->ll_out, fmt, ap);
	va_end(ap);
}

/* allow, deny or proxy_from: the blocks, comma-separated. */
static void
list_cidrs(struct list_line *ll, const char *name, const struct cidr *list,
    size_t n)
{
	char block[INET6_ADDRSTRLEN + 8];
	size_t i;

	for (i = 0; i < n; i++) {
		if (cidr_format(&list[i], block, sizeof(block)) == -1)
			snprintf(block, sizeof(block), "?");
		if (i == 0)
			list_word(ll, "%s=%s", name, block);
		else
			fprintf(ll->ll_out, ",%s", block);
	}
}

/* How it serves: inline or forked, wait, the program it runs. */
static void
list_how(struct list_line *ll, const struct svc_conf *sc)
{
	char word[4096];

	if (!sc->sc_enabled)
		list_word(ll, "disabled");
	if (sc->sc_nstream > 0 && !svc_forks(sc))
		list_word(ll, "fork=false");
	else if (sc->sc_nstream > 0 && (sc->sc_type->sv_props & SV_FORK) == 0)
		list_word(ll, "fork=true");
	if (sc->sc_type->sv_wait != NULL)
		list_word(ll, "wait=%s", sc->sc_wait ? "true" : "false");
	/*
	 * The program's path, not sc_exec's first blank-separated piece:
	 * that line quotes a path with a blank ("/opt/my prog").
	 */
	if (sc->sc_exec_argv != NULL)
		list_word(ll, "exec=%s", log_escape_also(word, sizeof(word),
		    sc->sc_exec_argv[0], " ,"));
}

/* Does sc make a file (a Unix socket, a FIFO), which socket_mode is for? */
static int
list_has_file(const struct svc_conf *sc)
{
	size_t i;

	for (i = 0; i < sc->sc_nstream; i++)
		if (sc->sc_stream[i].la_family == AF_UNIX)
			return 1;
	for (i = 0; i < sc->sc_ndgram; i++)
		if (sc->sc_dgram[i].la_family == AF_UNIX)
			return 1;
	return sc->sc_fifo != NULL;
}

/* The limits, the lists and the rest that is set. */
static void
list_settings(struct list_line *ll, const struct svc_conf *sc)
{
	static const char *const proxy[] = { "off", "v1", "v2", "any" };
	unsigned can = svc_can(sc) | (sc->sc_wait ? LIST_WAIT : 0);
	size_t i;

	for (i = 0; i < sizeof(list_uints) / sizeof(list_uints[0]); i++) {
		unsigned v = *(const unsigned *)(const void *)
		    ((const char *)sc + list_uints[i].lu_offset);

		if (v != 0 && (can & list_uints[i].lu_when) != 0)
			list_word(ll, "%s=%u", list_uints[i].lu_name, v);
	}
	if (sc->sc_rlimit_as != 0 && (can & SVC_CAN_CHILDREN) != 0)
		list_word(ll, "rlimit_as=%lu", sc->sc_rlimit_as);
	if (sc->sc_proxy != 0) {
		list_word(ll, "proxy_protocol=%s", proxy[sc->sc_proxy & 3]);
		list_cidrs(ll, "proxy_from", sc->sc_proxy_from,
		    sc->sc_nproxy_from);
		list_word(ll, "proxy_timeout=%u", sc->sc_proxy_timeout);
	}
	list_cidrs(ll, "allow", sc->sc_allow, sc->sc_nallow);
	list_cidrs(ll, "deny", sc->sc_deny, sc->sc_ndeny);
	if (list_has_file(sc))
		list_word(ll, "socket_mode=%04o", (unsigned)sc->sc_socket_mode);
	if (!sc->sc_log_connections)
		list_word(ll, "log_connections=false");
}

static void
list_service(FILE *out, const struct svc_conf *sc, const size_t *widths)
{
	struct list_line ll = { .ll_out = out };
	char buf[CONF_NAME_MAX * 4 + 520];
	int f;

	for (f = 0; f < LIST_NFIELDS; f++) {
		if (f > 0)
			list_gap(&ll);
		if (f == LIST_ADDRS)
			ll.ll_used = list_addrs(out, sc);
		else {
			list_field(sc, f, buf, sizeof(buf));
			fputs(buf, out);
			ll.ll_used = strlen(buf);
		}
		ll.ll_width = widths[f];
	}
	list_how(&ll, sc);
	list_settings(&ll, sc);
	putc('\n', out);
}

int
conf_list_print(FILE *out, const struct config *cf)
{
	size_t widths[LIST_NFIELDS] = { 0 }, i, w;
	int f;

	for (i = 0; i < cf->cf_nservices; i++)
		for (f = 0; f < LIST_NFIELDS; f++) {
			w = list_width(&cf->cf_services[i], f);
			if (w > widths[f])
				widths[f] = w > LIST_COLUMN_MAX ?
				    LIST_COLUMN_MAX : w;
		}
	for (i = 0; i < cf->cf_nservices; i++)
		list_service(out, &cf->cf_services[i], widths);
	if (fflush(out) == EOF || ferror(out)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
