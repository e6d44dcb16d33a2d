/* SCM_RIGHTS over a unix socket (common/fdpass.h). */
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int hvt_sock_pass(hvt_sock s, int fd)
{
	char byte = '\0';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof c.buf };
	memset(&c, 0, sizeof c);
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	int sfd = (int)s;
	memcpy(CMSG_DATA(h), &sfd, sizeof sfd);
	for (;;) {
		ssize_t r = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (r == 1)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? errno : EIO;
	}
}
