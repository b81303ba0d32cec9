/*
 * The metrics page (see metrics_text.h): the names and labels of
 * spawnd.conf(5)'s Metrics, each family with its HELP and TYPE lines.
 * A service has the samples of what it can do (a stream-only service
 * no datagram samples, one without proxy_protocol no "proxy" refusals),
 * a disabled one none.  Service names come from the configuration and
 * are written as label values escaped as the format wants (backslash,
 * double quote, newline).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "base/refusal.h"
#include "base/textbuf.h"
#include "base/version.h"
#include "board/stats.h"
#include "config/capability.h"
#include "config/config.h"
#include "services/metrics_text.h"
#include "services/service.h"

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

/*
 * A per-service family: its sample for each service, and for each word
 * of a second label if it has one (the values an array of nwords at
 * offset in struct stats_service).
 */
struct metrics_series {
	const char	*ms_name;
	const char	*ms_type;
	const char	*ms_help;
	const char	*ms_key;	/* the second label; NULL: none */
	const char *const *ms_words;	/* its values */
	size_t		 ms_nwords;	/* 1 without a second label */
	size_t		 ms_offset;	/* of the value(s) in stats_service */
	unsigned	 ms_can;	/* a service counts it if it can one
					   of these (capability.h) */
	/* And, for a word of the second label, if this says so; NULL: yes. */
	int		(*ms_word)(const struct svc_conf *sc, size_t w);
};

/*
 * A refusal for reason w, of a service whose connections spawnd accepts:
 * only where its check or limit is in force.
 */
static int
metrics_can_refuse(const struct svc_conf *sc, size_t w)
{
	int fork = (svc_can(sc) & SVC_CAN_FORK) != 0;

	switch ((enum refusal)w) {
	case REFUSAL_ACL: return sc->sc_nallow + sc->sc_ndeny > 0;
	case REFUSAL_MAX_INSTANCES: return fork && sc->sc_max_instances != 0;
	case REFUSAL_PER_SOURCE: return fork && sc->sc_per_source != 0;
	case REFUSAL_RATE: return sc->sc_rate + sc->sc_rate_minute > 0;
	case REFUSAL_MAX_CHILDREN: return fork;
	case REFUSAL_PROXY: return sc->sc_proxy != 0;
	default:		return 0;
	}
}

/*
 * A datagram dropped for reason w, of a service whose datagrams spawnd
 * answers (the loop guard is always on).
 */
static int
metrics_can_drop(const struct svc_conf *sc, size_t w)
{
	switch ((enum stats_drop)w) {
	case STATS_DROP_SOURCE:	return 1;
	case STATS_DROP_RATE:	return sc->sc_datagram_rate != 0;
	case STATS_DROP_ACL:	return sc->sc_nallow + sc->sc_ndeny > 0;
	default:		return 0;
	}
}

/* A child ended as w: at max_lifetime only where one is set. */
static int
metrics_can_exit(const struct svc_conf *sc, size_t w)
{
	return (enum stats_exit)w != STATS_EXIT_LIFETIME ||
	    sc->sc_max_lifetime != 0;
}

static uint64_t
metrics_value(const struct stats_service *ss, size_t offset, size_t w)
{
	const char *field = (const char *)ss + offset;

	if (offset == offsetof(struct stats_service, ss_children))
		return *(const uint32_t *)(const void *)field;
	return ((const uint64_t *)(const void *)field)[w];
}

/*
 * The samples of ms for the enabled services that can count them, or
 * that have counted (a reload may have taken the ability away); the
 * HELP and TYPE lines before the first sample, none without one.
 */
static void
metrics_series(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf, const struct metrics_series *ms)
{
	char label[512];
	size_t i, w;
	int any = 0;
	uint64_t v;

	for (i = 0; i < sb->sb_nservices && i < cf->cf_nservices; i++) {
		const struct svc_conf *sc = &cf->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		for (w = 0; w < ms->ms_nwords; w++) {
			v = metrics_value(&sb->sb_services[i], ms->ms_offset, w);
			if (v == 0 && ((svc_can(sc) & ms->ms_can) == 0 ||
			    (ms->ms_word != NULL && !ms->ms_word(sc, w))))
				continue;
			if (any++ == 0)
				metrics_family(tb, ms->ms_name, ms->ms_type,
				    ms->ms_help);
			textbuf_printf(tb, "%s{service=\"%s\"", ms->ms_name,
			    metrics_label(sc->sc_name, label, sizeof(label)));
			if (ms->ms_key != NULL)
				textbuf_printf(tb, ",%s=\"%s\"", ms->ms_key,
				    ms->ms_words[w]);
			textbuf_printf(tb, "} %" PRIu64 "\n", v);
		}
	}
}

static const char *const metrics_how[STATS_NEXITS] = { "ok", "error", "signal",
    "max_lifetime" };
static const char *const metrics_drop[STATS_NDROPS] = { "source", "rate", "acl" };

static void
metrics_services(struct textbuf *tb, const struct stats_board *sb,
    const struct config *cf)
{
	const char *reasons[REFUSAL_NREASONS];
	const struct metrics_series series[] = {
		{ "spawnd_connections_total", "counter",
		    "Connections served: forked or answered inline.",
		    NULL, NULL, 1, offsetof(struct stats_service,
		    ss_connections), SVC_CAN_CONNECT, NULL },
		{ "spawnd_refused_total", "counter",
		    "Connections refused, by the limit or check that refused "
		    "them.", "reason", reasons, REFUSAL_NREASONS,
		    offsetof(struct stats_service, ss_refused),
		    SVC_CAN_CONNECT, metrics_can_refuse },
		{ "spawnd_children", "gauge", "Children alive now.",
		    NULL, NULL, 1, offsetof(struct stats_service, ss_children),
		    SVC_CAN_CHILDREN, NULL },
		{ "spawnd_child_exits_total", "counter",
		    "Children reaped: exit 0, another exit status, a signal, "
		    "or ended by spawnd at max_lifetime.",
		    "how", metrics_how, STATS_NEXITS,
		    offsetof(struct stats_service, ss_exits),
		    SVC_CAN_CHILDREN, metrics_can_exit },
		{ "spawnd_datagrams_total", "counter", "Datagrams answered.",
		    NULL, NULL, 1, offsetof(struct stats_service, ss_datagrams),
		    SVC_CAN_DATAGRAM, NULL },
		{ "spawnd_datagrams_dropped_total", "counter",
		    "Datagrams not answered: a source that could loop or "
		    "reflect, datagram_rate, allow/deny.", "reason",
		    metrics_drop, STATS_NDROPS,
		    offsetof(struct stats_service, ss_dropped),
		    SVC_CAN_DATAGRAM, metrics_can_drop },
	};
	size_t r;

	for (r = 0; r < REFUSAL_NREASONS; r++)
		reasons[r] = refusal_word((enum refusal)r);
	for (r = 0; r < sizeof(series) / sizeof(series[0]); r++)
		metrics_series(tb, sb, cf, &series[r]);
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
	metrics_services(tb, sb, cf);
}
