/*
 * The metrics page (see metrics_text.h): the names and labels of DESIGN
 * section 11, each family with its HELP and TYPE lines.  Service names
 * come from the configuration and are written as label values escaped
 * as the format wants (backslash, double quote, newline).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "base/version.h"
#include "config/config.h"
#include "parent/stats.h"
#include "services/metrics_text.h"
#include "services/textbuf.h"

/* The label value of a service name, escaped, into out. */
static const char *
metrics_label(const char *name, char *out, size_t len)
{
	size_t n = 0;

	for (; *name != '\0' && n + 3 < len; name++) {
		if (*name == '\\' || *name == '"') {
			out[n++] = '\\';
			out[n++] = *name;
		} else if (*name == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else
			out[n++] = *name;
	}
	out[n] = '\0';
	return out;
}

static void
metrics_family(struct textbuf *tb, const char *name, const char *type,
    const char *help)
{
	textbuf_printf(tb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* One sample per service of a per-service counter or gauge. */
static void
metrics_per_service(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf, const char *name, const char *type,
    const char *help, size_t offset)
{
	char label[512];
	size_t i;

	metrics_family(tb, name, type, help);
	for (i = 0; i < sb->sb_nservices; i++) {
		const struct stats_service *ss = &sb->sb_services[i];
		const char *field = (const char *)ss + offset;
		uint64_t v = offset == offsetof(struct stats_service, ss_children) ?
		    *(const uint32_t *)(const void *)field :
		    *(const uint64_t *)(const void *)field;

		textbuf_printf(tb, "%s{service=\"%s\"} %" PRIu64 "\n", name,
		    metrics_label(cf->cf_services[i].sc_name, label,
		    sizeof(label)), v);
	}
}

/*
 * A counter family with a second label: for each service, one line per
 * word, the values an array of nwords uint64_t at offset in struct
 * stats_service.
 */
static void
metrics_by_word(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf, const char *name, const char *key,
    const char *const *words, size_t nwords, size_t offset)
{
	char label[512];
	size_t i, w;

	for (i = 0; i < sb->sb_nservices; i++) {
		const uint64_t *v = (const uint64_t *)(const void *)
		    ((const char *)&sb->sb_services[i] + offset);

		for (w = 0; w < nwords; w++)
			textbuf_printf(tb, "%s{service=\"%s\",%s=\"%s\"} %"
			    PRIu64 "\n", name, metrics_label(
			    cf->cf_services[i].sc_name, label, sizeof(label)),
			    key, words[w], v[w]);
	}
}

static void
metrics_refusals(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	const char *reasons[STATS_NREASONS];
	size_t r;

	for (r = 0; r < STATS_NREASONS; r++)
		reasons[r] = stats_reason_name((enum stats_reason)r);
	metrics_family(tb, "spawnd_refused_total", "counter",
	    "Connections refused, by the limit or check that refused them.");
	metrics_by_word(tb, sb, cf, "spawnd_refused_total", "reason", reasons,
	    STATS_NREASONS, offsetof(struct stats_service, ss_refused));
}

static void
metrics_exits(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	static const char *const how[STATS_NEXITS] = { "ok", "error", "signal",
	    "max_lifetime" };

	metrics_family(tb, "spawnd_child_exits_total", "counter",
	    "Children reaped: exit 0, another exit status, a signal, or ended "
	    "by spawnd at max_lifetime.");
	metrics_by_word(tb, sb, cf, "spawnd_child_exits_total", "how", how,
	    STATS_NEXITS, offsetof(struct stats_service, ss_exits));
}

static void
metrics_drops(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	static const char *const why[STATS_NDROPS] = { "source", "rate", "acl" };

	metrics_family(tb, "spawnd_datagrams_dropped_total", "counter",
	    "Datagrams not answered: a source that could loop or reflect, "
	    "datagram_rate, allow/deny.");
	metrics_by_word(tb, sb, cf, "spawnd_datagrams_dropped_total", "reason",
	    why, STATS_NDROPS, offsetof(struct stats_service, ss_dropped));
}

void
metrics_page(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	metrics_family(tb, "spawnd_build_info", "gauge",
	    "The running spawnd's version, as a label; always 1.");
	textbuf_printf(tb, "spawnd_build_info{version=\"%s\"} 1\n",
	    spawnd_version);
	if (sb == NULL)
		return;
	metrics_family(tb, "spawnd_start_time_seconds", "gauge",
	    "When spawnd started (a reload keeps it), in seconds since the epoch.");
	textbuf_printf(tb, "spawnd_start_time_seconds %lld\n",
	    (long long)sb->sb_head->sh_started);
	metrics_family(tb, "spawnd_reloads_total", "counter",
	    "SIGHUP reloads: done, or refused (the old image serves on).");
	textbuf_printf(tb, "spawnd_reloads_total{result=\"ok\"} %" PRIu64 "\n"
	    "spawnd_reloads_total{result=\"refused\"} %" PRIu64 "\n",
	    sb->sb_head->sh_reloads_ok, sb->sb_head->sh_reloads_refused);
	metrics_per_service(tb, sb, cf, "spawnd_connections_total", "counter",
	    "Connections served: forked or answered inline.",
	    offsetof(struct stats_service, ss_connections));
	metrics_refusals(tb, sb, cf);
	metrics_per_service(tb, sb, cf, "spawnd_children", "gauge",
	    "Children alive now.", offsetof(struct stats_service, ss_children));
	metrics_exits(tb, sb, cf);
	metrics_per_service(tb, sb, cf, "spawnd_datagrams_total", "counter",
	    "Datagrams answered.", offsetof(struct stats_service, ss_datagrams));
	metrics_drops(tb, sb, cf);
}
