/*
 * hello: the greeting of perlipc's first TCP server.  One line,
 * "Hello there, NAME, it's now DATE\r\n", then close.  NAME was resolved
 * (or not) by the core before the handler runs.
 */
#include <stdio.h>
#include <time.h>

#include "base/netio.h"
#include "services/hello.h"
#include "services/service.h"
#include "services/timefmt.h"

size_t
svc_hello_line(char *buf, size_t cap, const char *name)
{
	char date[TIMEFMT_DATE_LEN + 1];
	int n;

	if (timefmt_date(date, sizeof(date), time(NULL)) == 0)
		return 0;
	n = snprintf(buf, cap, "Hello there, %s, it's now %s\r\n", name, date);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (size_t)n;
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
	.sv_fork_default = 1,
	.sv_one_reply = 1,
};
