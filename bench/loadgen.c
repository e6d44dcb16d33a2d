/* loadgen: many long-lived echo connections at once, for the forwarding benchmark
 * (bench/scale.sh) and the forwarder's load test (tests/e2e/hvnc_forward_scale.sh).
 * Benchmark only, not a product. One thread, edge-triggered epoll.
 *
 *   loadgen [-n N] [-c W] [-s BYTES] [-d SECS] [-t SECS] [-p PID] ADDRESS
 *
 * ADDRESS: unix:PATH or tcp:HOST:PORT, something that echoes (bench/echod, possibly through a
 * forwarder). Three phases:
 *   setup   N connections are opened, at most W (-c, 64) being set up at any moment; each is
 *           set up when its first request (BYTES, -s, 1024) has come back. The established
 *           connections stay open and idle until all N are: setup_rate = N / setup time.
 *   steady  for SECS (-d, 3) every connection sends a request, waits for the echo, sends the
 *           next (closed loop): requests, throughput (echoed MiB/s) and the latency of each
 *           request (p50, p99). -d 0 skips this phase.
 *   close   every connection half-closes, expects EOF back after the last echoed byte, closes.
 * Every byte is checked: stream offset o of connection i carries byte o % 8 of
 * splitmix64(i << 40 ^ o / 8). Any failure (refused, reset, wrong byte, early EOF, the -t
 * limit, 120 s by default) counts in errors.
 * With -p, the memory of process PID and all its descendants is sampled (sum of VmRSS, and of
 * Pss from smaps_rollup) before the first connection (rss0), with all N connections open and
 * idle (rss_idle, pss_idle) and at the end of the steady phase (rss_busy, pss_busy).
 * Prints one line of name=value pairs; exits 0 when every connection passed, 1 otherwise. */
#include <ctype.h>
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>

#define CHUNK (64u << 10)

enum { C_NEW, C_CONNECTING, C_SETUP, C_IDLE, C_STEADY, C_CLOSING, C_DONE, C_FAILED };
static const char *const state_name[] = { "new",    "connecting", "setup", "idle",
					  "steady", "closing",	  "done",  "failed" };

struct conn {
	int fd, state;
	uint32_t id;
	int readable, writable;
	uint64_t tx_off, tx_goal, rx_off, req_start, retry_at;
};

static struct {
	int n, window;
	uint64_t size, steady_ms, limit_ms;
	long pid;
	struct sockaddr_storage sa;
	socklen_t salen;
	struct conn *c;
	int ep;
	int started, inflight, established, failed, finished;
	uint64_t setup_start, setup_end, steady_start, steady_end;
	uint64_t steady_bytes, requests;
	uint64_t *lat;
	size_t nlat, caplat;
	int errors_shown;
	char tx[CHUNK], rx[CHUNK];
} G;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

static unsigned char pattern(uint32_t id, uint64_t off)
{
	return (unsigned char)(splitmix64((uint64_t)id << 40 ^ off >> 3) >> (8 * (off & 7)));
}

static void fill(uint32_t id, uint64_t off, char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && ((off + i) & 7))
		buf[i] = (char)pattern(id, off + i), i++;
	for (; i + 8 <= len; i += 8) {
		uint64_t w = splitmix64((uint64_t)id << 40 ^ (off + i) >> 3);
		for (int k = 0; k < 8; k++)
			buf[i + (size_t)k] = (char)(unsigned char)(w >> (8 * k));
	}
	for (; i < len; i++)
		buf[i] = (char)pattern(id, off + i);
}

static void fail(struct conn *c, const char *what, int err)
{
	if (G.errors_shown++ < 5)
		fprintf(stderr, "loadgen: connection %u (%s, %llu bytes sent, %llu back): %s%s%s\n",
			(unsigned)c->id, state_name[c->state], (unsigned long long)c->tx_off,
			(unsigned long long)c->rx_off, what, err ? ": " : "",
			err ? strerror(err) : "");
	if (c->state == C_CONNECTING || c->state == C_SETUP || c->state == C_NEW)
		G.inflight--;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_FAILED;
	G.failed++;
	G.finished++;
}

static void parse_address(const char *text)
{
	memset(&G.sa, 0, sizeof G.sa);
	if (strncmp(text, "unix:", 5) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)&G.sa;
		if (strlen(text + 5) >= sizeof un->sun_path)
			exit(2);
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, text + 5);
		G.salen = sizeof *un;
		return;
	}
	if (strncmp(text, "tcp:", 4) == 0) {
		char host[256];
		const char *colon = strrchr(text + 4, ':');
		if (colon && (size_t)(colon - text - 4) < sizeof host) {
			memcpy(host, text + 4, (size_t)(colon - text - 4));
			host[colon - text - 4] = '\0';
			struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
			if (getaddrinfo(host, colon + 1, &hints, &res) == 0) {
				memcpy(&G.sa, res->ai_addr, res->ai_addrlen);
				G.salen = res->ai_addrlen;
				freeaddrinfo(res);
				return;
			}
		}
	}
	fprintf(stderr, "loadgen: bad address '%s' (unix:PATH or tcp:HOST:PORT)\n", text);
	exit(2);
}

static void start_request(struct conn *c, uint64_t now)
{
	c->tx_goal += G.size;
	c->req_start = now;
}

static void progress(struct conn *c);

static void start_connect(struct conn *c)
{
	int fd = socket(G.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(c, "socket", errno);
		return;
	}
	if (G.sa.ss_family != AF_UNIX) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	c->fd = fd;
	c->readable = c->writable = 0;
	int rc = connect(fd, (struct sockaddr *)&G.sa, G.salen);
	if (rc != 0 && errno == EAGAIN && G.sa.ss_family == AF_UNIX) {
		close(fd); /* the listener's backlog is full: again in a moment */
		c->fd = -1;
		c->state = C_NEW;
		c->retry_at = now_ns() + 10000000u;
		return;
	}
	if (rc != 0 && errno != EINPROGRESS) {
		fail(c, "connect", errno);
		return;
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
				  .data.ptr = c };
	if (epoll_ctl(G.ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		fail(c, "epoll_ctl", errno);
		return;
	}
	c->state = C_CONNECTING;
	if (rc == 0) {
		c->state = C_SETUP;
		c->writable = 1;
		start_request(c, now_ns());
		progress(c);
	}
}

static void request_done(struct conn *c)
{
	uint64_t now = now_ns();
	if (c->state == C_SETUP) {
		c->state = C_IDLE;
		G.inflight--;
		G.established++;
		return;
	}
	if (c->state != C_STEADY)
		return;
	G.requests++;
	if (G.nlat == G.caplat) {
		size_t cap = G.caplat ? G.caplat * 2 : 65536;
		uint64_t *l = realloc(G.lat, cap * sizeof *l);
		if (l) {
			G.lat = l;
			G.caplat = cap;
		}
	}
	if (G.nlat < G.caplat)
		G.lat[G.nlat++] = now - c->req_start;
	if (now < G.steady_end) {
		start_request(c, now);
	} else {
		c->state = C_CLOSING;
		shutdown(c->fd, SHUT_WR);
	}
}

static void progress(struct conn *c)
{
	for (;;) {
		int did = 0;
		if (c->state == C_FAILED || c->state == C_DONE)
			return;
		if (c->tx_off < c->tx_goal && c->writable) {
			uint64_t left = c->tx_goal - c->tx_off;
			size_t len = left < CHUNK ? (size_t)left : CHUNK;
			fill(c->id, c->tx_off, G.tx, len);
			ssize_t n = send(c->fd, G.tx, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				if (errno != EAGAIN && errno != EINTR) {
					fail(c, "send", errno);
					return;
				}
				if (errno == EAGAIN)
					c->writable = 0;
			} else {
				c->tx_off += (uint64_t)n;
				did = 1;
			}
		}
		if (c->readable) {
			ssize_t n = recv(c->fd, G.rx, CHUNK, MSG_DONTWAIT);
			if (n < 0) {
				if (errno != EAGAIN && errno != EINTR) {
					fail(c, "receive", errno);
					return;
				}
				if (errno == EAGAIN)
					c->readable = 0;
			} else if (n == 0) {
				if (c->state == C_CLOSING && c->rx_off == c->tx_off) {
					close(c->fd);
					c->fd = -1;
					c->state = C_DONE;
					G.finished++;
				} else {
					fail(c, "early EOF", 0);
				}
				return;
			} else {
				if (c->rx_off + (uint64_t)n > c->tx_off) {
					fail(c, "more bytes back than were sent", 0);
					return;
				}
				fill(c->id, c->rx_off, G.tx, (size_t)n);
				if (memcmp(G.tx, G.rx, (size_t)n) != 0) {
					fail(c, "echoed bytes differ", 0);
					return;
				}
				c->rx_off += (uint64_t)n;
				if (c->state == C_STEADY)
					G.steady_bytes += (uint64_t)n;
				if (c->rx_off == c->tx_goal)
					request_done(c);
				did = 1;
			}
		}
		if (!did)
			return;
	}
}

static void on_event(struct conn *c, uint32_t e)
{
	if (c->state == C_FAILED || c->state == C_DONE)
		return;
	if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		c->readable = 1;
	if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		c->writable = 1;
	if (c->state == C_CONNECTING) {
		if (!(e & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			fail(c, "connect", err);
			return;
		}
		c->state = C_SETUP;
		start_request(c, now_ns());
	}
	progress(c);
}

/* ---- memory of a process tree ------------------------------------------------------------ */

static long status_kib(long pid, const char *file, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
	FILE *f = fopen(path, "r");
	long v = 0;
	if (!f)
		return 0;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0) {
			v = strtol(line + kl, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

struct mem {
	long rss, pss, procs;
};

static struct mem tree_memory(long root)
{
	struct mem m = { 0, 0, 0 };
	long *pid = NULL, *ppid = NULL;
	char *in = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *rp = strrchr(buf, ')');
		if (!rp)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			pid = realloc(pid, cap * sizeof *pid);
			ppid = realloc(ppid, cap * sizeof *ppid);
			in = realloc(in, cap);
			if (!pid || !ppid || !in)
				exit(1);
		}
		pid[n] = strtol(de->d_name, NULL, 10);
		ppid[n] = strtol(rp + 4, NULL, 10); /* ") S PPID" */
		in[n] = pid[n] == root;
		n++;
	}
	if (d)
		closedir(d);
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < n; i++) {
			if (in[i])
				continue;
			for (size_t j = 0; j < n; j++)
				if (in[j] && pid[j] == ppid[i]) {
					in[i] = 1;
					changed = 1;
					break;
				}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!in[i])
			continue;
		m.procs++;
		m.rss += status_kib(pid[i], "status", "VmRSS:");
		m.pss += status_kib(pid[i], "smaps_rollup", "Pss:");
	}
	free(pid);
	free(ppid);
	free(in);
	return m;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	if (G.nlat == 0)
		return 0;
	size_t i = (size_t)(p * (double)(G.nlat - 1) + 0.5);
	return (double)G.lat[i] / 1000.0;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadgen [-n N] [-c W] [-s BYTES] [-d SECS] [-t SECS] [-p PID] "
			"unix:PATH|tcp:HOST:PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt;
	G.n = 100;
	G.window = 64;
	G.size = 1024;
	G.steady_ms = 3000;
	G.limit_ms = 120000;
	while ((opt = getopt(argc, argv, "n:c:s:d:t:p:")) != -1) {
		switch (opt) {
		case 'n': G.n = atoi(optarg); break;
		case 'c': G.window = atoi(optarg); break;
		case 's': G.size = strtoull(optarg, NULL, 10); break;
		case 'd': G.steady_ms = (uint64_t)(strtod(optarg, NULL) * 1000); break;
		case 't': G.limit_ms = (uint64_t)(strtod(optarg, NULL) * 1000); break;
		case 'p': G.pid = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind + 1 != argc || G.n < 1 || G.window < 1 || G.size < 1)
		usage();
	parse_address(argv[optind]);
	signal(SIGPIPE, SIG_IGN);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	G.c = calloc((size_t)G.n, sizeof *G.c);
	if (!G.c || (G.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return 1;
	for (int i = 0; i < G.n; i++) {
		G.c[i].id = (uint32_t)i;
		G.c[i].fd = -1;
	}
	struct mem m0 = { 0, 0, 0 }, m_idle = m0, m_busy = m0;
	if (G.pid)
		m0 = tree_memory(G.pid);

	uint64_t start = now_ns(), limit = start + G.limit_ms * 1000000u;
	G.setup_start = start;
	int phase = 0; /* 0 setup, 1 steady, 2 close */
	int busy_sampled = 0, timed_out = 0;
	struct epoll_event ev[512];
	while (G.finished < G.n) {
		uint64_t now = now_ns();
		if (now >= limit) {
			timed_out = 1;
			break;
		}
		if (phase == 0) {
			/* Retries of unix connects that found the backlog full, then new ones. */
			for (int i = 0; i < G.started; i++)
				if (G.c[i].state == C_NEW && G.c[i].retry_at <= now)
					start_connect(&G.c[i]);
			while (G.inflight < G.window && G.started < G.n) {
				G.inflight++;
				start_connect(&G.c[G.started++]);
			}
			if (G.established + G.failed == G.n) {
				G.setup_end = now_ns();
				if (G.pid)
					m_idle = tree_memory(G.pid);
				phase = G.steady_ms ? 1 : 2;
				G.steady_start = now_ns();
				G.steady_end = G.steady_start + G.steady_ms * 1000000u;
				for (int i = 0; i < G.n; i++) {
					struct conn *c = &G.c[i];
					if (c->state != C_IDLE)
						continue;
					if (phase == 1) {
						c->state = C_STEADY;
						start_request(c, G.steady_start);
						progress(c);
					} else {
						c->state = C_CLOSING;
						shutdown(c->fd, SHUT_WR);
					}
				}
				continue;
			}
		}
		if (phase == 1 && !busy_sampled && now >= G.steady_end) {
			busy_sampled = 1;
			if (G.pid)
				m_busy = tree_memory(G.pid);
			phase = 2;
		}
		int timeout = 100;
		if (phase == 1 && G.steady_end > now && (G.steady_end - now) / 1000000u < 100)
			timeout = (int)((G.steady_end - now) / 1000000u) + 1;
		if (phase == 0)
			timeout = 10; /* unix connects may wait for a retry */
		int k = epoll_wait(G.ep, ev, 512, timeout);
		if (k < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < k; i++)
			on_event(ev[i].data.ptr, ev[i].events);
	}
	uint64_t end = now_ns();
	if (timed_out)
		for (int i = 0; i < G.n; i++)
			if (G.c[i].state != C_DONE && G.c[i].state != C_FAILED)
				fail(&G.c[i], "timed out (-t)", 0);
	if (!G.setup_end)
		G.setup_end = end;
	if (!busy_sampled) {
		m_busy = m_idle;
		G.steady_end = G.steady_start;
	}
	qsort(G.lat, G.nlat, sizeof *G.lat, cmp_u64);
	double setup_s = (double)(G.setup_end - G.setup_start) / 1e9;
	double steady_s = (double)(G.steady_end - G.steady_start) / 1e9;
	printf("n=%d established=%d setup_s=%.3f setup_rate=%.0f requests=%llu mib_s=%.1f "
	       "p50_us=%.1f p99_us=%.1f errors=%d",
	       G.n, G.established, setup_s, setup_s > 0 ? G.established / setup_s : 0.0,
	       (unsigned long long)G.requests,
	       steady_s > 0 ? (double)G.steady_bytes / steady_s / 1048576.0 : 0.0, pct(0.50),
	       pct(0.99), G.failed);
	if (G.pid)
		printf(" procs=%ld rss0_kib=%ld rss_idle_kib=%ld rss_busy_kib=%ld pss0_kib=%ld "
		       "pss_idle_kib=%ld pss_busy_kib=%ld",
		       m_idle.procs, m0.rss, m_idle.rss, m_busy.rss, m0.pss, m_idle.pss,
		       m_busy.pss);
	printf("\n");
	return G.failed ? 1 : 0;
}
