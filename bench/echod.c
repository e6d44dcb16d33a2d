/* echod: an event-driven echo server for the forwarding benchmark (bench/run.sh) and the
 * forwarder's load test (tests/e2e/hvnc_forward_scale.sh). Benchmark only, not a product.
 * One thread, edge-triggered epoll, one 64 KiB read buffer for all connections; bytes a client
 * does not take wait in a per-connection buffer and reading that connection stops until they
 * are gone. An EOF is echoed as a half-close once everything before it is sent.
 *
 *   echod unix:PATH | tcp:HOST:PORT
 *
 * Prints "port N" (tcp; port 0 picks one) or "ready" once listening; runs until killed. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CHUNK (64u << 10)

struct conn {
	int fd;
	int readable, writable, eof;
	char *buf; /* pending echo, or NULL */
	size_t off, len;
};

static char scratch[CHUNK];

static void die(const char *what)
{
	fprintf(stderr, "echod: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_on(const char *text)
{
	int fd;
	if (strncmp(text, "unix:", 5) == 0) {
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		if (strlen(text + 5) >= sizeof un.sun_path)
			die("path too long");
		strcpy(un.sun_path, text + 5);
		unlink(un.sun_path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&un, sizeof un) != 0 || listen(fd, 4096) != 0)
			die(text);
		printf("ready\n");
	} else if (strncmp(text, "tcp:", 4) == 0) {
		char host[256];
		const char *colon = strrchr(text + 4, ':');
		if (!colon || (size_t)(colon - (text + 4)) >= sizeof host)
			die("expected tcp:HOST:PORT");
		memcpy(host, text + 4, (size_t)(colon - (text + 4)));
		host[colon - (text + 4)] = '\0';
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE },
				*res;
		if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
			die("getaddrinfo");
		int one = 1;
		if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) <
		    0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 4096) != 0)
			die(text);
		freeaddrinfo(res);
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		getsockname(fd, (struct sockaddr *)&ss, &len);
		unsigned port = ss.ss_family == AF_INET6
					? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
					: ntohs(((struct sockaddr_in *)&ss)->sin_port);
		printf("port %u\n", port);
	} else {
		fprintf(stderr, "usage: echod unix:PATH | tcp:HOST:PORT\n");
		exit(2);
	}
	fflush(stdout);
	return fd;
}

static void drop(struct conn *c)
{
	close(c->fd);
	free(c->buf);
	free(c);
}

/* Returns 0 to keep c, -1 when it is closed. */
static int step(struct conn *c)
{
	for (;;) {
		if (c->len > 0) {
			if (!c->writable)
				return 0;
			ssize_t n =
				send(c->fd, c->buf + c->off, c->len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				if (errno == EAGAIN) {
					c->writable = 0;
					return 0;
				}
				if (errno == EINTR)
					continue;
				return -1;
			}
			c->off += (size_t)n;
			c->len -= (size_t)n;
			continue;
		}
		if (c->eof) {
			/* Everything echoed: pass the EOF on and close (nothing more will come). */
			shutdown(c->fd, SHUT_WR);
			return -1;
		}
		if (!c->readable || !c->writable)
			return 0;
		ssize_t n = recv(c->fd, scratch, CHUNK, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN) {
				c->readable = 0;
				return 0;
			}
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			c->eof = 1;
			continue;
		}
		ssize_t m = send(c->fd, scratch, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (m < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			c->writable = errno == EINTR;
			m = 0;
		}
		if (m < n) {
			if (!c->buf && !(c->buf = malloc(CHUNK)))
				return -1;
			memcpy(c->buf, scratch + m, (size_t)(n - m));
			c->off = 0;
			c->len = (size_t)(n - m);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: echod unix:PATH | tcp:HOST:PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int lfd = listen_on(argv[1]);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0)
		die("epoll_ctl");
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				for (int k = 0; k < 64; k++) {
					int fd = accept4(lfd, NULL, NULL,
							 SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (fd < 0)
						break;
					int one = 1;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					c = calloc(1, sizeof *c);
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					struct epoll_event ce = { .events = EPOLLIN | EPOLLOUT |
									    EPOLLRDHUP | EPOLLET,
								  .data.ptr = c };
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce) != 0)
						drop(c);
				}
				continue;
			}
			uint32_t e = evs[i].events;
			if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				c->readable = 1;
			if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				c->writable = 1;
			/* Closed here and never seen again: the kernel drops its later events. */
			if (step(c) < 0)
				drop(c);
		}
	}
}
