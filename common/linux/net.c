/* POSIX sockets for vsock, tcp and unix (hv is Windows-only: AF_HYPERV does not exist here). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#include "posix_net.h"
#include "sys.h"

int hvt_net_init(void)
{
	return 0;
}

static int fd_of(hvt_sock s)
{
	return (int)s;
}

int hvt_sockaddr_from(const struct sockaddr_storage *ss, socklen_t len, struct hvt_addr *a)
{
	memset(a, 0, sizeof *a);
	switch (ss->ss_family) {
	case AF_VSOCK: {
		const struct sockaddr_vm *vm = (const struct sockaddr_vm *)ss;
		a->family = HVT_VSOCK;
		a->cid = vm->svm_cid;
		a->port = vm->svm_port;
		return 0;
	}
	case AF_INET: {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		a->family = HVT_TCP;
		inet_ntop(AF_INET, &in->sin_addr, a->host, sizeof a->host);
		a->port = ntohs(in->sin_port);
		return 0;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		a->family = HVT_TCP;
		inet_ntop(AF_INET6, &in6->sin6_addr, a->host, sizeof a->host);
		a->port = ntohs(in6->sin6_port);
		return 0;
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t n = len > off ? (size_t)len - off : 0;
		a->family = HVT_UNIX;
		if (n > 0 && un->sun_path[0] == '\0') {
			a->abstract = 1;
			n--;
			if (n >= sizeof a->path)
				n = sizeof a->path - 1;
			memcpy(a->path, un->sun_path + 1, n);
		} else {
			if (n >= sizeof a->path)
				n = sizeof a->path - 1;
			memcpy(a->path, un->sun_path, n);
			a->path[strnlen(a->path, n)] = '\0';
		}
		return 0;
	}
	default: return EAFNOSUPPORT;
	}
}

/* Builds the sockaddr for a non-tcp address (tcp goes through getaddrinfo). */
static int sockaddr_to(const struct hvt_addr *a, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	switch (a->family) {
	case HVT_VSOCK: {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = a->cid;
		vm->svm_port = a->port;
		*len = sizeof *vm;
		return 0;
	}
	case HVT_UNIX: {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;
		size_t n = strlen(a->path);
		size_t off = a->abstract ? 1 : 0;
		if (n + off + 1 > sizeof un->sun_path)
			return ENAMETOOLONG;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path + off, a->path, n);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + off + n +
				   (a->abstract ? 0 : 1));
		return 0;
	}
	case HVT_HV:
	case HVT_TCP: break;
	}
	return EAFNOSUPPORT;
}

static int resolve(const struct hvt_addr *a, int passive, struct addrinfo **res)
{
	struct addrinfo hints;
	char port[16];
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
	snprintf(port, sizeof port, "%u", (unsigned)a->port);
	int rc = getaddrinfo(a->host[0] ? a->host : NULL, port, &hints, res);
	if (rc == EAI_SYSTEM)
		return errno;
	if (rc != 0)
		return HVT_GAI_BASE - rc; /* gai codes are negative on glibc */
	return 0;
}

static int new_socket(int family, int *fd)
{
	*fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return errno;
	return 0;
}

static int wait_connect(int fd, const struct hvt_addr *a, uint64_t timeout_ms,
			hvt_waiting_fn waiting, void *ctx)
{
	uint64_t start = hvt_now_ns();
	uint64_t next_note = 3000;
	for (;;) {
		uint64_t elapsed = (hvt_now_ns() - start) / 1000000u;
		uint64_t slice = next_note > elapsed ? next_note - elapsed : 0;
		if (timeout_ms) {
			if (elapsed >= timeout_ms)
				return ETIMEDOUT;
			if (timeout_ms - elapsed < slice)
				slice = timeout_ms - elapsed;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n = poll(&p, 1, (int)slice);
		if (n < 0 && errno != EINTR)
			return errno;
		if (hvt_interrupted())
			return EINTR;
		if (n > 0) {
			int err = 0;
			socklen_t len = sizeof err;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				return errno;
			return err;
		}
		elapsed = (hvt_now_ns() - start) / 1000000u;
		if (elapsed >= next_note) {
			if (waiting)
				waiting(a, elapsed, ctx);
			next_note += 3000;
		}
	}
}

static int set_blocking(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return errno;
	fl = on ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl) < 0 ? errno : 0;
}

/* A unix listener with a full backlog fails a non-blocking connect with EAGAIN, and there is
 * nothing to poll for: retry every 20 ms, as a blocking connect would wait for room, until the
 * timeout (none: until connected or interrupted), with the same "still connecting" notes. */
static int retry_unix(int fd, const struct sockaddr *sa, socklen_t salen, const struct hvt_addr *a,
		      uint64_t timeout_ms, hvt_waiting_fn waiting, void *ctx)
{
	uint64_t start = hvt_now_ns(), next_note = 3000;
	for (;;) {
		uint64_t elapsed = (hvt_now_ns() - start) / 1000000u;
		if (timeout_ms && elapsed >= timeout_ms)
			return ETIMEDOUT;
		if (elapsed >= next_note) {
			if (waiting)
				waiting(a, elapsed, ctx);
			next_note += 3000;
		}
		hvt_sleep_ms(20);
		if (hvt_interrupted())
			return EINTR;
		if (connect(fd, sa, salen) == 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return errno;
	}
}

static int connect_one(int family, const struct sockaddr *sa, socklen_t salen,
		       const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		       void *ctx, int *out)
{
	int fd, rc;
	if ((rc = new_socket(family, &fd)) != 0)
		return rc;
	if (family == AF_VSOCK && timeout_ms) {
		/* The kernel's own connect timeout (default 2 s) would cut -w short. */
		struct timeval tv = { .tv_sec = (time_t)(timeout_ms / 1000),
				      .tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000 };
		setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, sizeof tv);
	}
	if (family == AF_INET || family == AF_INET6) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	if ((rc = set_blocking(fd, 0)) == 0) {
		if (connect(fd, sa, salen) == 0)
			rc = 0;
		else if (errno == EINPROGRESS || errno == EINTR)
			rc = wait_connect(fd, a, timeout_ms, waiting, ctx);
		else if (errno == EAGAIN && family == AF_UNIX)
			rc = retry_unix(fd, sa, salen, a, timeout_ms, waiting, ctx);
		else
			rc = errno;
	}
	if (rc == 0)
		rc = set_blocking(fd, 1);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

int hvt_sock_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		     void *ctx, hvt_sock *out)
{
	int fd = -1, rc;
	if (a->family == HVT_HV)
		return EAFNOSUPPORT;
	if (a->family == HVT_TCP) {
		struct addrinfo *res, *ai;
		if ((rc = resolve(a, 0, &res)) != 0)
			return rc;
		rc = EHOSTUNREACH;
		for (ai = res; ai; ai = ai->ai_next) {
			rc = connect_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, a, timeout_ms,
					 waiting, ctx, &fd);
			if (rc == 0 || rc == EINTR)
				break;
		}
		freeaddrinfo(res);
	} else {
		struct sockaddr_storage ss;
		socklen_t len;
		if ((rc = sockaddr_to(a, &ss, &len)) != 0)
			return rc;
		rc = connect_one(ss.ss_family, (struct sockaddr *)&ss, len, a, timeout_ms, waiting,
				 ctx, &fd);
	}
	if (rc == 0)
		*out = (hvt_sock)fd;
	return rc;
}

/* A unix socket file nobody accepts on is left over from a dead listener: replace it.
 * Anything else at that path (a live socket, a file, a symlink) is never touched. */
static int clear_stale_unix(const struct hvt_addr *a, const struct sockaddr *sa, socklen_t len)
{
	struct stat st;
	if (lstat(a->path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return EADDRINUSE;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int rc = connect(fd, sa, len) == 0 ? EADDRINUSE : errno;
	close(fd);
	if (rc != ECONNREFUSED)
		return EADDRINUSE;
	return unlink(a->path) == 0 ? 0 : errno;
}

/* The unix socket file this process bound last: hvt_sock_unlink removes that file only, not
 * one that replaced it meanwhile (another listener's, after ours was deleted). */
static struct {
	char path[HVT_PATH_MAX];
	dev_t dev;
	ino_t ino;
} own_socket;

static int listen_one(int family, const struct sockaddr *sa, socklen_t salen,
		      const struct hvt_addr *a, int backlog, int *out)
{
	int fd, rc;
	if ((rc = new_socket(family, &fd)) != 0)
		return rc;
	if (family == AF_INET || family == AF_INET6) {
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	}
	if (family == AF_UNIX && !a->abstract) {
		/* Owner-only (srw-------) from the start: no window in which others may connect. */
		mode_t old = umask(0177);
		rc = bind(fd, sa, salen) == 0 ? 0 : errno;
		if (rc == EADDRINUSE && (rc = clear_stale_unix(a, sa, salen)) == 0)
			rc = bind(fd, sa, salen) == 0 ? 0 : errno;
		umask(old);
		struct stat st;
		if (rc == 0 && lstat(a->path, &st) == 0) {
			snprintf(own_socket.path, sizeof own_socket.path, "%s", a->path);
			own_socket.dev = st.st_dev;
			own_socket.ino = st.st_ino;
		}
	} else {
		rc = bind(fd, sa, salen) == 0 ? 0 : errno;
	}
	if (rc == 0 && listen(fd, backlog) != 0)
		rc = errno;
	if (rc != 0) {
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

int hvt_sock_listen(const struct hvt_addr *a, int backlog, hvt_sock *out)
{
	int fd = -1, rc;
	if (a->family == HVT_HV)
		return EAFNOSUPPORT;
	if (a->family == HVT_TCP) {
		struct addrinfo *res, *ai;
		if ((rc = resolve(a, 1, &res)) != 0)
			return rc;
		rc = EADDRNOTAVAIL;
		/* Prefer IPv6 any (dual stack) when no host was given, else the first that binds. */
		for (ai = res; ai; ai = ai->ai_next) {
			rc = listen_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, a, backlog,
					&fd);
			if (rc == 0)
				break;
		}
		freeaddrinfo(res);
	} else {
		struct sockaddr_storage ss;
		socklen_t len;
		if ((rc = sockaddr_to(a, &ss, &len)) != 0)
			return rc;
		rc = listen_one(ss.ss_family, (struct sockaddr *)&ss, len, a, backlog, &fd);
	}
	if (rc == 0)
		*out = (hvt_sock)fd;
	return rc;
}

int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(fd_of(l), (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (fd >= 0) {
			if (peer && hvt_sockaddr_from(&ss, len, peer) != 0)
				memset(peer, 0, sizeof *peer);
			*out = (hvt_sock)fd;
			return 0;
		}
		if (errno == EINTR && hvt_interrupted())
			return EINTR;
		if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO)
			return errno;
	}
}

int hvt_sock_local(hvt_sock s, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd_of(s), (struct sockaddr *)&ss, &len) != 0)
		return errno;
	return hvt_sockaddr_from(&ss, len, out);
}

int hvt_sock_peer(hvt_sock s, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getpeername(fd_of(s), (struct sockaddr *)&ss, &len) != 0)
		return errno;
	return hvt_sockaddr_from(&ss, len, out);
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

void hvt_sock_unlink(const struct hvt_addr *a)
{
	struct stat st;
	if (a->family != HVT_UNIX || a->abstract || strcmp(a->path, own_socket.path) != 0)
		return;
	if (lstat(a->path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == own_socket.dev &&
	    st.st_ino == own_socket.ino)
		unlink(a->path);
	own_socket.path[0] = '\0';
}

int hvt_sock_send_all(hvt_sock s, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd_of(s), p, len, MSG_NOSIGNAL);
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
	default: return code > HVT_GAI_BASE ? HVT_E_NOTFOUND : HVT_E_OTHER;
	}
}

int hvt_err_timeout(void)
{
	return ETIMEDOUT;
}
