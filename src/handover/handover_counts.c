/*
 * The per-service counters in the reload hand-over: see handover.h for
 * the record and handover_counts.h for why a bad one is only skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handover/handover.h"
#include "handover/handover_counts.h"
#include "handover/handover_text.h"

/* "counts N V1 ... VN SERVICE". */
int
handover_counts_line(struct handover *ho, char *rest)
{
	struct inherited_counts *ik;
	unsigned long long v;
	char *p = rest;
	size_t n, i;
	int used;

	/*
	 * Counters are not worth a failed reload: a bad record is ignored,
	 * numbers beyond the ones we keep are skipped.
	 */
	if (sscanf(p, "%zu%n", &n, &used) != 1 || n > 1024)
		return 0;
	ik = reallocarray(ho->ho_counts, ho->ho_ncounts + 1, sizeof(*ik));
	if (ik == NULL)
		return -1;
	ho->ho_counts = ik;
	ik = &ho->ho_counts[ho->ho_ncounts];
	memset(ik, 0, sizeof(*ik));
	for (i = 0, p += used; i < n; i++, p += used) {
		if (sscanf(p, " %llu%n", &v, &used) != 1)
			return 0;
		if (i < HANDOVER_COUNTS_MAX)
			ik->ik_values[i] = v;
	}
	if (*p++ != ' ' || handover_unescape(p) == -1 ||
	    strlen(p) >= sizeof(ik->ik_service))
		return 0;
	memcpy(ik->ik_service, p, strlen(p) + 1);
	ik->ik_nvalues = n < HANDOVER_COUNTS_MAX ? n : HANDOVER_COUNTS_MAX;
	ho->ho_ncounts++;
	return 0;
}
