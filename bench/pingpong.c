/* pingpong: the least a round trip can cost on a stream socket, as a baseline for hvping's
 * reported times (bench/ping-latency.sh). Blocking send and recv, no framing, no checks.
 *
 *   pingpong server ADDRESS              echo everything, one connection after another;
 *                                        prints "port N" (tcp) or "ready" once listening
 *   pingpong client ADDRESS SIZE COUNT   COUNT round trips of SIZE bytes; prints
 *                                        "count=N size=S min_ms=.. median_ms=.. avg_ms=..
 *                                        max_ms=.."
 * ADDRESS: unix:PATH, tcp:HOST:PORT (numeric; port 0 to pick one), vsock:CID:PORT.
 * POSIX (Linux for vsock) only: the benchmark compares against the raw system calls. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define MAX_SIZE (1u << 20)

_Noreturn static void die(const char *what)
{
	fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

_Noreturn static void usage(void)
{
	fprintf(stderr, "usage: pingpong server ADDRESS | pingpong client ADDRESS SIZE COUNT\n");
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end)
		usage();
	return v;
}

/* Fills ss from ADDRESS; returns the length. */
static socklen_t address(const char *text, struct sockaddr_storage *ss, int passive)
{
	memset(ss, 0, sizeof *ss);
	if (strncmp(text, "unix:", 5) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)ss;
		size_t n = strlen(text + 5);
		if (n == 0 || n >= sizeof un->sun_path)
			usage();
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, text + 5, n);
		return (socklen_t)sizeof *un;
	}
	if (strncmp(text, "vsock:", 6) == 0) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
		char cid[32];
		const char *colon = strchr(text + 6, ':');
		if (!colon || (size_t)(colon - text - 6) >= sizeof cid)
			usage();
		memcpy(cid, text + 6, (size_t)(colon - text - 6));
		cid[colon - text - 6] = '\0';
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = passive ? VMADDR_CID_ANY : (unsigned)number(cid);
		vm->svm_port = (unsigned)number(colon + 1);
		return (socklen_t)sizeof *vm;
	}
	if (strncmp(text, "tcp:", 4) == 0) {
		char host[256];
		const char *colon = strrchr(text + 4, ':');
		if (!colon || (size_t)(colon - text - 4) >= sizeof host)
			usage();
		memcpy(host, text + 4, (size_t)(colon - text - 4));
		host[colon - text - 4] = '\0';
		struct addrinfo hints, *res;
		memset(&hints, 0, sizeof hints);
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
		if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
			usage();
		memcpy(ss, res->ai_addr, res->ai_addrlen);
		socklen_t len = res->ai_addrlen;
		freeaddrinfo(res);
		return len;
	}
	usage();
}

static void recv_all(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, buf, len, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				errno = ECONNRESET;
			die("recv");
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("send");
		}
		buf += n;
		len -= (size_t)n;
	}
}

_Noreturn static void server(const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len = address(text, &ss, 1);
	int l = socket(ss.ss_family, SOCK_STREAM, 0), one = 1;
	if (l < 0)
		die("socket");
	if (ss.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&ss)->sun_path);
	else
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&ss, len) != 0 || listen(l, 16) != 0)
		die("listen");
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
		struct sockaddr_storage me;
		socklen_t mlen = sizeof me;
		getsockname(l, (struct sockaddr *)&me, &mlen);
		printf("port %u\n",
		       ntohs(me.ss_family == AF_INET ? ((struct sockaddr_in *)&me)->sin_port
						     : ((struct sockaddr_in6 *)&me)->sin6_port));
	} else {
		printf("ready\n");
	}
	fflush(stdout);
	char *buf = malloc(MAX_SIZE);
	if (!buf)
		die("malloc");
	for (;;) {
		int fd = accept(l, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		for (;;) {
			ssize_t n = recv(fd, buf, MAX_SIZE, 0);
			if (n <= 0)
				break;
			send_all(fd, buf, (size_t)n);
		}
		close(fd);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int client(const char *text, size_t size, unsigned long count)
{
	struct sockaddr_storage ss;
	socklen_t len = address(text, &ss, 0);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		die("socket");
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&ss, len) != 0)
		die("connect");
	char *out = malloc(size ? size : 1), *in = malloc(size ? size : 1);
	if (!out || !in)
		die("malloc");
	uint64_t *t = malloc(count * sizeof *t), sum = 0;
	if (!t)
		die("malloc");
	memset(out, 0x5a, size);
	for (unsigned long i = 0; i < count; i++) {
		uint64_t t0 = now_ns();
		send_all(fd, out, size);
		recv_all(fd, in, size);
		t[i] = now_ns() - t0;
		sum += t[i];
	}
	close(fd);
	qsort(t, count, sizeof *t, cmp_u64);
	printf("count=%lu size=%zu min_ms=%.6f median_ms=%.6f avg_ms=%.6f max_ms=%.6f\n", count,
	       size, (double)t[0] / 1e6, (double)t[count / 2] / 1e6,
	       (double)sum / (double)count / 1e6, (double)t[count - 1] / 1e6);
	free(t);
	free(out);
	free(in);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "server") == 0)
		server(argv[2]);
	if (argc == 5 && strcmp(argv[1], "client") == 0) {
		unsigned long size = number(argv[3]), count = number(argv[4]);
		if (size == 0 || size > MAX_SIZE || count == 0 || count > 100000000)
			usage();
		return client(argv[2], size, count);
	}
	usage();
}
