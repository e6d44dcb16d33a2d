/* Windows has no unix datagram sockets, so --forward-notify has nowhere to send (notify.h). */
#include "notify.h"

int hvt_notify_can_forward(void)
{
	return 0;
}

int hvt_notify_forward(const char *target, const void *msg, size_t len)
{
	(void)target;
	(void)msg;
	(void)len;
	return HVT_NOTIFY_NO_FORWARD;
}
