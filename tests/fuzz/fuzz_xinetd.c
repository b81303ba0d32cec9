/*
 * Fuzz harness for spawnd-migrate's xinetd.conf parser
 * (migrate/xinetd_parse.c) and what the converter makes of its
 * services: any bytes, as a hand-edited or hostile xinetd.d file could
 * hold.  Nothing may crash or overrun; a failure says FILE:LINE; and
 * the output is spawnd.conf text no value can break out of: every line
 * a comment, "service NAME {", a "\tOPTION = VALUE" line whose strings
 * all close on it, or "}".
 *
 * Built by tests/fuzz/run.sh with libFuzzer, or with tests/fuzz/replay.c
 * for make check.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "migrate/migrate_print.h"
#include "migrate/xinetd_parse.h"
#include "migrate/xinetd_read.h"

/* The strings of a line close on it; nothing follows a section's '{'. */
static void
check_line(const char *line, size_t len, int *in_section)
{
	char quote = 0;
	size_t i;

	if (len == 0 || line[0] == '#' || (len > 1 && line[0] == '\t' &&
	    line[1] == '#'))
		return;
	if (len == 1 && line[0] == '}') {
		fuzz_check(*in_section, "a '}' closes a section");
		*in_section = 0;
		return;
	}
	fuzz_check(*in_section == (line[0] == '\t'), "options in sections");
	fuzz_check(*in_section || strncmp(line, "service ", 8) == 0,
	    "a section starts with service");
	for (i = 0; i < len; i++) {
		if (quote != 0 && line[i] == '\\') {
			fuzz_check(i + 1 < len, "an escape at the end");
			i++;
		} else if (quote != 0 && line[i] == quote)
			quote = 0;
		else if (quote == 0 && (line[i] == '"' || line[i] == '\''))
			quote = line[i];
		else if (quote == 0 && line[i] == '#')
			break;
	}
	fuzz_check(quote == 0, "every string closed on its line");
	if (!*in_section) {
		fuzz_check(len >= 2 && memcmp(line + len - 2, " {", 2) == 0,
		    "service NAME {");
		*in_section = 1;
	}
}

static void
check_output(const struct textbuf *out)
{
	const char *p = out->tb_text, *nl;
	int in_section = 0;

	fuzz_check(p != NULL, "a header at least");
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		fuzz_check(nl != NULL, "every line ends");
		check_line(p, (size_t)(nl - p), &in_section);
	}
	fuzz_check(!in_section, "every section closed");
}

/* The file's services (includes not followed) through the converter. */
static void
convert(const struct xfile *xf)
{
	struct xservice sv[64];
	struct textbuf out = { NULL, 0, 0, 0 };
	struct xconf xc;
	unsigned notes;
	size_t i;

	memset(&xc, 0, sizeof(xc));
	xc.xc_services = sv;
	for (i = 0; i < xf->xf_nentries && xc.xc_nservices < 64; i++) {
		if (xf->xf_entries[i].xe_kind == XK_DEFAULTS &&
		    xc.xc_defaults == NULL) {
			xc.xc_defaults = &xf->xf_entries[i];
			xc.xc_defaults_file = "fuzz";
		} else if (xf->xf_entries[i].xe_kind == XK_SERVICE) {
			sv[xc.xc_nservices].xv_entry = &xf->xf_entries[i];
			sv[xc.xc_nservices++].xv_file = "fuzz";
		}
	}
	if (migrate_print(&out, &xc, &notes) == 0)
		check_output(&out);
	textbuf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xfile xf;
	char err[512];
	size_t i, j;

	if (xinetd_parse((const char *)data, size, "fuzz", &xf, err,
	    sizeof(err)) == -1) {
		fuzz_check(strncmp(err, "fuzz:", 5) == 0 ||
		    strcmp(err, "out of memory") == 0, "FILE:LINE: message");
		xinetd_free(&xf);
		return 0;
	}
	for (i = 0; i < xf.xf_nentries; i++) {
		fuzz_check(xf.xf_entries[i].xe_kind == XK_DEFAULTS ||
		    (xf.xf_entries[i].xe_name != NULL &&
		    xf.xf_entries[i].xe_name[0] != '\0'), "a name");
		for (j = 0; j < xf.xf_entries[i].xe_nattrs; j++)
			fuzz_check(xf.xf_entries[i].xe_attrs[j].xa_name[0] !=
			    '\0', "an attribute's name");
	}
	convert(&xf);
	xinetd_free(&xf);
	return 0;
}
