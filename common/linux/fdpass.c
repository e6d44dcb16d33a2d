/* SCM_RIGHTS over a unix socket (common/fdpass.h). */
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* hvnc sets TCP_NODELAY on its tcp connections; the receiver decides that for itself (ssh
 * sets it for interactive sessions only: with it, a bulk scp goes out in more, smaller
 * segments), so the socket is handed over as a plain connect() leaves it. */
static void as_plain_connect(int sfd)
{
	int proto = 0, off = 0;
	socklen_t len = sizeof proto;
	if (getsockopt(sfd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == IPPROTO_TCP)
		setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &off, sizeof off);
}

int hvt_fdpass_supported(void)
{
	return 1;
}

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
	as_plain_connect(sfd);
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
