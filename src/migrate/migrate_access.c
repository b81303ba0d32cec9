/*
 * xinetd's only_from and no_access as spawnd's allow and deny (see
 * migrate_access.h).
 */
#include <string.h>

#include "migrate/migrate_access.h"
#include "migrate/migrate_acl.h"

/*
 * only_from and no_access into allow and deny.  A value with no block
 * (a host name) is a note; an only_from of which nothing converts, or
 * that is empty, lets nobody in, as in xinetd: deny everything.
 */
static void
acl_list(struct msection *ms, const struct mattr *ma, int allow,
    struct textbuf *out)
{
	char blocks[256][MACL_BLOCK_MAX];
	size_t i;
	int j;

	for (i = 0; i < ma->ma_nvalues; i++) {
		int n = macl_blocks(ma->ma_values[i], blocks, 256);

		if (n == -1) {
			msection_note_value(ms, ma, ma->ma_values[i], "spawnd "
			    "matches numeric addresses and blocks only: this "
			    "one is %s", allow ? "refused" : "not refused");
			continue;
		}
		for (j = 0; j < n; j++) {
			textbuf_printf(out, "%s", out->tb_len > 0 ? ", " : "");
			msection_quote(out, blocks[j]);
		}
	}
}

void
migrate_access(struct msection *ms, const struct mattrs *mx, int wait)
{
	const struct mattr *from = mattrs_get(mx, "only_from");
	const struct mattr *no = mattrs_get(mx, "no_access");
	struct textbuf allow = { NULL, 0, 0, 0 }, deny = { NULL, 0, 0, 0 };

	if (wait) {
		if (from != NULL)
			msection_note(ms, from, "spawnd never sees a wait "
			    "service's clients");
		if (no != NULL)
			msection_note(ms, no, "spawnd never sees a wait "
			    "service's clients");
		return;
	}
	if (from != NULL)
		acl_list(ms, from, 1, &allow);
	if (no != NULL)
		acl_list(ms, no, 0, &deny);
	if (from != NULL && allow.tb_len == 0) {
		textbuf_free(&deny);
		textbuf_printf(&deny, "\"0.0.0.0/0\", \"::/0\"");
	}
	if (allow.tb_len > 0)
		msection_option(ms, "allow", "{%s}", allow.tb_text);
	if (deny.tb_len > 0)
		msection_option(ms, "deny", "{%s}", deny.tb_text);
	ms->ms_body.tb_failed |= allow.tb_failed | deny.tb_failed;
	textbuf_free(&allow);
	textbuf_free(&deny);
}
