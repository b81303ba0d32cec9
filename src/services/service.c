/*
 * The service table: the only place where the core learns which
 * service types exist.  Adding a service is one file under services/
 * and one line here.  main() hands it to the configuration loader,
 * which looks each section's type up in it.
 */
#include <stddef.h>

#include "services/service.h"

extern const struct service svc_catsock, svc_chargen, svc_command,
    svc_daytime, svc_discard, svc_echo, svc_exec, svc_fortune, svc_hello,
    svc_metrics, svc_signature, svc_status, svc_time;

const struct service *const svc_types[] = {
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
	NULL
};
