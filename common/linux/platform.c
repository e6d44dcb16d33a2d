/* Linux side of common/platform.h. */
#include "platform.h"

#include <fcntl.h>
#include <stdio.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "sysnet.h"

void hvt_platform_init(void)
{
	/* A closed standard descriptor would be the next socket's number: the peer's data would
	 * go back to it as "stdout", or be read as "stdin". Hold 0-2 with /dev/null instead. */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n >= 0 && n != fd) /* cannot be: the lowest free descriptor is fd */
			close(n);
	}
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
