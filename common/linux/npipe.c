/* npipe.h on Linux: there are no Windows named pipes; npipe: addresses do not parse here
 * (family_npipe.c), so none of these is reached by a tool. */
#include "npipe.h"

#include <errno.h>

#include "relay.h"

int hvt_npipe_supported(void)
{
	return 0;
}

int hvt_npipe_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_sock *out)
{
	(void)a;
	(void)timeout_ms;
	(void)out;
	return EAFNOSUPPORT;
}

int hvt_npipe_listen(const struct hvt_addr *a, hvt_sock *out)
{
	(void)a;
	(void)out;
	return EAFNOSUPPORT;
}

int hvt_npipe_accept(hvt_sock l, hvt_sock *out, uint64_t ms)
{
	(void)l;
	(void)out;
	(void)ms;
	return EAFNOSUPPORT;
}

void hvt_npipe_unlisten(hvt_sock l)
{
	(void)l;
}

int hvt_npipe_set_sddl(const char *sddl)
{
	(void)sddl;
	return EAFNOSUPPORT;
}

const struct hvt_end_ops hvt_npipe_end = { 0 };
