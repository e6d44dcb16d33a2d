/* Windows has no SCM_RIGHTS: a socket cannot be handed over stdout the way OpenSSH's
 * ProxyUseFdpass expects (common/fdpass.h). */
#include "fdpass.h"

int hvt_fdpass_supported(void)
{
	return 0;
}

int hvt_sock_pass(hvt_sock s, int fd)
{
	(void)s;
	(void)fd;
	return HVT_FDPASS_UNSUPPORTED;
}
