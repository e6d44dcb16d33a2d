/* OS random bytes for hvt_guid_random (the rest of the platform hooks are in platform.c). */
#include "platform.h"

#include <errno.h>
#include <sys/random.h>

int hvt_platform_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len > 0) {
		/* getrandom may return fewer bytes or be interrupted by a signal. */
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
