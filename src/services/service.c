/*
 * The service table: the only place where the core learns which
 * service types exist.  Adding a service is one file under services/
 * and one line here.
 */
#include <string.h>

#include "services/service.h"

extern const struct service svc_catsock, svc_chargen, svc_command,
    svc_daytime, svc_discard, svc_echo, svc_exec, svc_fortune, svc_hello,
    svc_metrics, svc_signature, svc_status, svc_time;

static const struct service *const svc_table[] = {
	&svc_hello,
	&svc_fortune,
	&svc_time,
	&svc_daytime,
	&svc_catsock,
	&svc_command,
	&svc_exec,
	&svc_status,
	&svc_metrics,
	&svc_echo,
	&svc_discard,
	&svc_chargen,
	&svc_signature,
};

#define SVC_COUNT (sizeof(svc_table) / sizeof(svc_table[0]))

const struct service *
svc_lookup(const char *type)
{
	size_t i;

	for (i = 0; i < SVC_COUNT; i++)
		if (strcmp(svc_table[i]->sv_type, type) == 0)
			return svc_table[i];
	return NULL;
}

const char *
svc_type_names(void)
{
	static char names[128];
	size_t i, len = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < SVC_COUNT; i++) {
		size_t n = strlen(svc_table[i]->sv_type);

		if (len + n + 2 > sizeof(names))
			break;
		if (len > 0)
			names[len++] = ' ';
		memcpy(names + len, svc_table[i]->sv_type, n);
		len += n;
	}
	names[len] = '\0';
	return names;
}
