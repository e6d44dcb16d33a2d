/* POSIX side of common/platform.h. */
#include "platform.h"

#include <stdio.h>
#include <netdb.h>
#include <string.h>

#include "sysnet.h"

void hvt_platform_init(void)
{
}

const char *hvt_platform_strerror(int code, char *buf, size_t len)
{
	/* strerror is fine here: single-threaded tools, and the text is copied at once. */
	if (code > HVT_GAI_BASE)
		snprintf(buf, len, "%s", gai_strerror(HVT_GAI_BASE - code));
	else
		snprintf(buf, len, "%s", strerror(code));
	/* Lowercase the first letter: err(3) shape used everywhere ("connection refused"). */
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}
