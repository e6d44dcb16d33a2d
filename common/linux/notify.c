/* Passing an sd_notify message on to $NOTIFY_SOCKET (common/notify.h). */
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int hvt_notify_can_forward(void)
{
	return 1;
}

int hvt_notify_forward(const char *target, const void *msg, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(target);
	if (n < 2 && target[0] == '@')
		return EINVAL;
	if (n == 0 || n >= sizeof sun.sun_path)
		return n ? ENAMETOOLONG : EINVAL;
	memcpy(sun.sun_path, target, n);
	if (target[0] == '@') /* an abstract name, as sd_notify(3) reads it */
		sun.sun_path[0] = '\0';
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	ssize_t r = sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&sun, sl);
	int rc = r < 0 ? errno : (size_t)r == len ? 0 : EMSGSIZE;
	close(fd);
	return rc;
}
