/*
 * The sections of a converted configuration (see migrate_print.h).
 * Names: the xinetd service's id (its name without one); a joined pair
 * takes the name they share; a name already given gets "/tcp" or
 * "/udp", then "-2", "-3"... so that no two sections share one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_attrs.h"
#include "migrate/migrate_map.h"
#include "migrate/migrate_print.h"
#include "migrate/migrate_section.h"

/* A section to print: its service, and its twin joined into it. */
struct mentry {
	struct msection	 me_sec;
	size_t		 me_twin;	/* index of the twin, or (size_t)-1 */
	int		 me_joined;	/* printed with its twin, not alone */
	char		 me_name[160];
};

static int
same_text(const struct textbuf *a, const struct textbuf *b)
{
	return strcmp(a->tb_text != NULL ? a->tb_text : "",
	    b->tb_text != NULL ? b->tb_text : "") == 0;
}

/* Twins: one name, one stream and one datagram, the same settings. */
static int
twins(const struct msection *a, const struct msection *b)
{
	return a->ms_converted && b->ms_converted &&
	    strcmp(a->ms_xname, b->ms_xname) == 0 &&
	    a->ms_dgram != b->ms_dgram && a->ms_enabled == b->ms_enabled &&
	    same_text(&a->ms_body, &b->ms_body) &&
	    same_text(&a->ms_notes, &b->ms_notes);
}

static void
join_twins(struct mentry *me, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		me[i].me_twin = (size_t)-1;
	for (i = 0; i < n; i++) {
		if (me[i].me_joined || me[i].me_twin != (size_t)-1)
			continue;
		for (j = i + 1; j < n; j++)
			if (!me[j].me_joined && me[j].me_twin == (size_t)-1 &&
			    twins(&me[i].me_sec, &me[j].me_sec)) {
				me[i].me_twin = j;
				me[j].me_joined = 1;
				break;
			}
	}
}

static int
name_taken(const struct mentry *me, size_t upto, const char *name)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (!me[i].me_joined && me[i].me_sec.ms_converted &&
		    strcmp(me[i].me_name, name) == 0)
			return 1;
	return 0;
}

static void
name_sections(struct mentry *me, size_t n)
{
	unsigned k;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct msection *ms = &me[i].me_sec;

		if (me[i].me_joined || !ms->ms_converted)
			continue;
		snprintf(me[i].me_name, sizeof(me[i].me_name), "%.100s",
		    me[i].me_twin != (size_t)-1 ? ms->ms_xname : ms->ms_id);
		if (!name_taken(me, i, me[i].me_name))
			continue;
		snprintf(me[i].me_name, sizeof(me[i].me_name), "%.100s/%s",
		    me[i].me_twin != (size_t)-1 ? ms->ms_xname : ms->ms_id,
		    ms->ms_dgram ? "udp" : "tcp");
		for (k = 2; name_taken(me, i, me[i].me_name); k++)
			snprintf(me[i].me_name, sizeof(me[i].me_name),
			    "%.100s-%u", ms->ms_id, k);
	}
}

/* The notes of a section, each line indented into it. */
static void
print_notes(struct textbuf *out, const struct textbuf *notes)
{
	const char *p = notes->tb_text, *nl;

	for (; p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		textbuf_printf(out, "\t%.*s\n", (int)(nl - p), p);
	}
}

static void
print_section(struct textbuf *out, const struct mentry *me,
    const struct mentry *twin)
{
	const struct msection *ms = &me->me_sec;
	const char *body = ms->ms_body.tb_text, *type_end;

	textbuf_printf(out, "\n# xinetd: %s (%s:%u)", ms->ms_id, ms->ms_file,
	    ms->ms_line);
	if (twin != NULL)
		textbuf_printf(out, " and %s (%s:%u)", twin->me_sec.ms_id,
		    twin->me_sec.ms_file, twin->me_sec.ms_line);
	textbuf_printf(out, "\nservice ");
	msection_quote(out, me->me_name);
	/* The type first (the body's first line), then the addresses. */
	type_end = body != NULL ? strchr(body, '\n') : NULL;
	if (type_end != NULL)
		textbuf_printf(out, " {\n%.*s", (int)(type_end - body + 1), body);
	else
		textbuf_printf(out, " {\n");
	if (!ms->ms_enabled)
		textbuf_printf(out, "\tenabled = false\n");
	textbuf_printf(out, "\tlisten_%s = {%s}\n", ms->ms_dgram ? "datagram" :
	    "stream", ms->ms_listen);
	if (twin != NULL)
		textbuf_printf(out, "\tlisten_%s = {%s}\n", twin->me_sec.ms_dgram ?
		    "datagram" : "stream", twin->me_sec.ms_listen);
	textbuf_printf(out, "%s", type_end != NULL ? type_end + 1 : "");
	print_notes(out, &ms->ms_notes);
	textbuf_printf(out, "}\n");
}

/* What the defaults section holds that no service takes from it. */
static unsigned
print_defaults(struct textbuf *out, const struct xconf *xc)
{
	const struct xentry *d = xc->xc_defaults;
	unsigned notes = 0;
	size_t i, j;

	for (i = 0; d != NULL && i < d->xe_nattrs; i++) {
		const struct xattr *xa = &d->xe_attrs[i];

		if (mattrs_inherited(xa->xa_name) || strcmp(xa->xa_name,
		    "disabled") == 0 || strcmp(xa->xa_name, "enabled") == 0)
			continue;
		textbuf_printf(out, "# not converted: %s =", xa->xa_name);
		for (j = 0; j < xa->xa_nvalues; j++)
			textbuf_printf(out, " %s", xa->xa_values[j]);
		textbuf_printf(out, " (%s:%u: xinetd takes no %s in its "
		    "defaults section)\n", xc->xc_defaults_file, xa->xa_line,
		    xa->xa_name);
		notes++;
	}
	return notes;
}

int
migrate_print(struct textbuf *out, const struct xconf *xc, unsigned *notes)
{
	struct mentry *me;
	size_t i, n = xc->xc_nservices;
	int rc = 0;

	*notes = 0;
	textbuf_printf(out, "# spawnd.conf(5) service sections, converted from "
	    "xinetd's by spawnd-migrate(8).\n");
	*notes += print_defaults(out, xc);
	if ((me = calloc(n + 1, sizeof(*me))) == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = migrate_map(&me[i].me_sec, xc, &xc->xc_services[i]);
	if (rc == 0) {
		join_twins(me, n);
		name_sections(me, n);
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (me[i].me_joined)
			continue;
		*notes += me[i].me_sec.ms_unconverted;
		if (!me[i].me_sec.ms_converted)
			textbuf_printf(out, "\n%s", me[i].me_sec.ms_notes.tb_text);
		else
			print_section(out, &me[i], me[i].me_twin != (size_t)-1 ?
			    &me[me[i].me_twin] : NULL);
	}
	for (i = 0; i < n; i++)
		msection_free(&me[i].me_sec);
	free(me);
	return rc == -1 || out->tb_failed ? -1 : 0;
}
