/* Linux sockets, family by family through the modules (family.h): vsock, tcp and unix (hv is
 * Windows-only: AF_HYPERV does not exist here). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "family.h"
#include "relay.h"
#include "sockaddr.h"
#include "sys.h"

int hvt_net_init(void)
{
	return 0;
}

static int fd_of(hvt_sock s)
{
	return (int)s;
}

void hvt_sock_setopt(hvt_sock s, int level, int name, const void *v, size_t len)
{
	setsockopt(fd_of(s), level, name, v, (socklen_t)len);
}

int hvt_gai_error(int rc)
{
	if (rc == EAI_SYSTEM)
		return errno;
	return HVT_GAI_BASE - rc; /* gai codes are negative on glibc */
}

void hvt_tcp_listen_opts(hvt_sock s)
{
	/* Linux's SO_REUSEADDR only skips TIME_WAIT; a live listener still holds the port. [::]
	 * takes IPv4 too whatever net.ipv6.bindv6only says (fails harmlessly on IPv4). */
	int one = 1, off = 0;
	setsockopt(fd_of(s), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd_of(s), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
}

int hvt_sock_new(int af, int proto, hvt_sock *out)
{
	int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno;
	*out = (hvt_sock)fd;
	return 0;
}

int hvt_sock_set_blocking(hvt_sock s, int on)
{
	int fl = fcntl(fd_of(s), F_GETFL);
	if (fl < 0)
		return errno;
	fl = on ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
	return fcntl(fd_of(s), F_SETFL, fl) < 0 ? errno : 0;
}

int hvt_sock_connect_start(hvt_sock s, const struct sockaddr *sa, socklen_t len)
{
	if (connect(fd_of(s), sa, len) == 0)
		return 0;
	if (errno == EINPROGRESS || errno == EINTR)
		return HVT_CONNECT_WAIT;
	return errno == EAGAIN ? HVT_CONNECT_RETRY : errno;
}

static int wait_for(hvt_sock s, short events, uint64_t ms)
{
	struct pollfd p = { .fd = fd_of(s), .events = events };
	int n = poll(&p, 1, ms > 1000000 ? 1000000 : (int)ms);
	if (n < 0 && errno != EINTR)
		return -errno;
	if (hvt_interrupted())
		return -EINTR;
	return n > 0;
}

int hvt_sock_wait_writable(hvt_sock s, uint64_t ms)
{
	return wait_for(s, POLLOUT, ms);
}

int hvt_sock_wait_readable(hvt_sock s, uint64_t ms)
{
	return wait_for(s, POLLIN, ms);
}

int hvt_sock_error(hvt_sock s)
{
	int err = 0;
	socklen_t len = sizeof err;
	return getsockopt(fd_of(s), SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : errno;
}

int hvt_sock_bind(hvt_sock s, const struct sockaddr *sa, socklen_t len)
{
	return bind(fd_of(s), sa, len) == 0 ? 0 : errno;
}

int hvt_sock_listen_on(hvt_sock s, int backlog)
{
	return listen(fd_of(s), backlog) == 0 ? 0 : errno;
}

int hvt_sock_name(hvt_sock s, int peer, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	if ((peer ? getpeername(fd_of(s), sa, &len) : getsockname(fd_of(s), sa, &len)) != 0)
		return errno;
	return hvt_addr_from_sockaddr(sa, len, out);
}

/* ---- unix socket files ------------------------------------------------------------------ */

/* A unix socket file nobody accepts on is left over from a dead listener: replace it.
 * Anything else at that path (a live socket, a file, a symlink) is never touched. */
static int clear_stale_unix(const char *path, const struct sockaddr *sa, socklen_t len)
{
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return EADDRINUSE;
	/* Non-blocking: a live listener with a full queue answers EAGAIN, and is in use. */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	int rc = connect(fd, sa, len) == 0 ? EADDRINUSE : errno;
	close(fd);
	if (rc != ECONNREFUSED)
		return EADDRINUSE;
	return unlink(path) == 0 ? 0 : errno;
}

/* The unix socket file this process bound last: hvt_unix_unlink removes that file only, not
 * one that replaced it meanwhile (another listener's, after ours was deleted). */
static struct {
	char path[HVT_PATH_MAX];
	dev_t dev;
	ino_t ino;
} own_socket;

int hvt_unix_bind(hvt_sock s, const struct sockaddr *sa, size_t len, const char *path)
{
	socklen_t sl = (socklen_t)len;
	if (!path)
		return bind(fd_of(s), sa, sl) == 0 ? 0 : errno;
	/* Owner-only (srw-------) from the start: no window in which others may connect. */
	mode_t old = umask(0177);
	int rc = bind(fd_of(s), sa, sl) == 0 ? 0 : errno;
	if (rc == EADDRINUSE && (rc = clear_stale_unix(path, sa, sl)) == 0)
		rc = bind(fd_of(s), sa, sl) == 0 ? 0 : errno;
	umask(old);
	struct stat st;
	if (rc == 0 && lstat(path, &st) == 0) {
		snprintf(own_socket.path, sizeof own_socket.path, "%s", path);
		own_socket.dev = st.st_dev;
		own_socket.ino = st.st_ino;
	}
	return rc;
}

void hvt_unix_unlink(const char *path)
{
	struct stat st;
	if (strcmp(path, own_socket.path) != 0)
		return;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == own_socket.dev &&
	    st.st_ino == own_socket.ino)
		unlink(path);
	own_socket.path[0] = '\0';
}

/* ---- accept ----------------------------------------------------------------------------- */

/* Waits in poll, at most a second at a time, so that finished tasks (hvnc -lk -e) are reaped
 * within a second and not at the next connection; the listener is made non-blocking so that
 * a connection that went away between poll and accept cannot block us. */
int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer)
{
	int lfd = fd_of(l), fl = fcntl(lfd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(lfd, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		struct pollfd pl = { .fd = lfd, .events = POLLIN };
		int n = poll(&pl, 1, 1000);
		if (hvt_interrupted())
			return EINTR;
		hvt_tasks_running();
		if (n < 0 && errno != EINTR)
			return errno;
		if (n <= 0)
			continue;
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		struct hvt_addr p;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (fd >= 0) {
			if (hvt_addr_from_sockaddr((struct sockaddr *)&ss, len, &p) == 0 &&
			    p.fam->sockopts)
				p.fam->sockopts((hvt_sock)fd, &p, HVT_STAGE_ACCEPTED, 0);
			if (peer)
				*peer = p;
			*out = (hvt_sock)fd;
			return 0;
		}
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED && errno != EPROTO)
			return errno;
	}
}

int hvt_sock_shutdown_write(hvt_sock s)
{
	return shutdown(fd_of(s), SHUT_WR) == 0 ? 0 : errno;
}

void hvt_sock_close(hvt_sock s)
{
	if (s != HVT_SOCK_INVALID)
		close(fd_of(s));
}

int hvt_sock_send_all(hvt_sock s, const void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = send(fd_of(s), (const char *)buf + done, len - done, MSG_NOSIGNAL);
		if (n >= 0)
			done += (size_t)n;
		else if (errno != EINTR)
			return errno;
	}
	return 0;
}

long hvt_sock_recv(hvt_sock s, void *buf, size_t len, uint64_t timeout_ms)
{
	uint64_t start = hvt_now_ns();
	for (;;) {
		int wait = -1;
		if (timeout_ms != UINT64_MAX) {
			uint64_t el = (hvt_now_ns() - start) / 1000000u;
			if (el >= timeout_ms)
				return -ETIMEDOUT;
			uint64_t left = timeout_ms - el;
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		struct pollfd p = { .fd = fd_of(s), .events = POLLIN };
		int n = poll(&p, 1, wait);
		if (n < 0) {
			if (errno == EINTR && !hvt_interrupted())
				continue;
			return -errno;
		}
		if (n == 0)
			continue;
		ssize_t r = recv(fd_of(s), buf, len, 0);
		if (r >= 0)
			return (long)r;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int hvt_local_cid(uint32_t *cid)
{
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	unsigned int c = 0;
	int rc = ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &c) == 0 ? 0 : errno;
	close(fd);
	if (rc == 0)
		*cid = c;
	return rc;
}

enum hvt_errkind hvt_errkind(int code)
{
	switch (code) {
	case ETIMEDOUT: return HVT_E_TIMEDOUT;
	case ECONNREFUSED: return HVT_E_REFUSED;
	case ECONNRESET: return HVT_E_RESET;
	case EACCES:
	case EPERM: return HVT_E_ACCESS;
	case EADDRINUSE: return HVT_E_ADDRINUSE;
	case EADDRNOTAVAIL: return HVT_E_ADDRNOTAVAIL;
	case EAFNOSUPPORT: return HVT_E_AFNOSUPPORT;
	case ENETUNREACH:
	case EHOSTUNREACH: return HVT_E_NETUNREACH;
	case ENETDOWN: return HVT_E_NETDOWN;
	case ENODEV: return HVT_E_NODEV;
	default: return code > HVT_GAI_BASE ? HVT_E_NOTFOUND : HVT_E_OTHER;
	}
}

int hvt_err_timeout(void)
{
	return ETIMEDOUT;
}

/* ---- a socket as a relay's end --------------------------------------------------------- */

/* The Linux relay polls and splices descriptors itself and uses only shutdown_write. */
const struct hvt_end_ops hvt_sock_end_ops = {
	.shutdown_write = hvt_sock_shutdown_write,
};
