/*
 * hello: the greeting of perlipc's first TCP server.  One line,
 * "Hello there, NAME, it's now DATE\r\n", then close.  NAME was resolved
 * (or not) by the core before the handler runs.
 */
#include <time.h>

#include "base/netio.h"
#include "base/strput.h"
#include "services/hello.h"
#include "services/service.h"
#include "services/timefmt.h"

size_t
svc_hello_line(char *buf, size_t cap, const char *name)
{
	char date[TIMEFMT_DATE_LEN + 1];
	struct strput sp;

	if (timefmt_date(date, sizeof(date), time(NULL)) == 0)
		return 0;
	/* Not snprintf(): the child's first byte comes sooner (strput.h). */
	strput_init(&sp, buf, cap);
	strput_str(&sp, "Hello there, ");
	strput_str(&sp, name);
	strput_str(&sp, ", it's now ");
	strput_str(&sp, date);
	strput_str(&sp, "\r\n");
	return strput_end(&sp);
}

static int
hello_stream(int fd, const struct svc_client *cl)
{
	char line[512];
	size_t len;

	len = svc_hello_line(line, sizeof(line), cl->cl_name);
	if (len == 0)
		return 1;
	return netio_write_all(fd, line, len) == -1 ? 1 : 0;
}

const struct service svc_hello = {
	.sv_type = "hello",
	.sv_stream = hello_stream,
	.sv_props = SV_FORK | SV_TERM_WAITS | SV_NEVER_READS,
};
