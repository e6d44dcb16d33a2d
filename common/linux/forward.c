/* The Linux forwarding server (common/forward.h): one thread, one edge-triggered epoll loop
 * for the listener and every connection pair.
 *
 * Every socket is registered once, for input and output, and the loop keeps what epoll said
 * as two flags per socket (readable, writable), cleared again when a call returns EAGAIN; so
 * no epoll_ctl() is made per transfer. A direction reads only while its destination is
 * writable: bytes the destination does not take stay in the source's kernel buffer, which is
 * the back-pressure. Bytes read but only partly sent (a full destination) wait in a 64 KiB
 * buffer from a pool, taken at that moment and given back when they are gone, so an idle or
 * balanced pair holds no buffer at all. The pool never hands out more than POOL_MAX buffers:
 * beyond that, a direction reads with MSG_PEEK and consumes only what the destination took.
 * A pair gets BUDGET reads per direction per turn, then goes to the back of a run queue, so
 * one fast pair cannot hold up the others. Timers (-i, -w, unix connect retries) are checked
 * by a scan of all pairs a few times per timeout, which costs nothing measurable at 10000
 * pairs. */
#include "forward.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "msg.h"
#include "family.h"
#include "sockaddr.h"
#include "relay.h"
#include "sys.h"

#define CHUNK		    (64u << 10) /* most bytes read at once; size of a pool buffer */
/* Buffers in use at most (64 MiB); beyond that, MSG_PEEK. HVT_FWD_POOL_MAX=N sets another
 * limit (tests). */
#define POOL_MAX	    1024
#define POOL_KEEP	    32	 /* free buffers kept for reuse */
#define BUDGET		    16	 /* reads per direction per turn */
#define ACCEPT_BATCH	    64	 /* accepts per turn */
#define RETRY_MS	    10	 /* a unix listener's backlog is full: connect again after this, */
#define RETRY_MAX_MS	    500	 /* doubling up to this */
#define HALF_CLOSED_WAIT_MS 5000 /* a client that ended its stream, nothing sent, waits this */
#define PAUSE_MS	    100	 /* out of descriptors: stop accepting this long */
#define NEVER_NS	    UINT64_MAX

enum { CONNECTING = 1, RETRY, RELAY };

struct end {
	int fd;
	unsigned char readable, writable; /* what epoll said, until EAGAIN */
};

struct dir {
	char *buf;	    /* bytes read but not yet sent (from the pool), or NULL */
	uint32_t off, len;  /* ... from buf + off */
	unsigned char eof;  /* the source said EOF */
	unsigned char done; /* EOF passed on (half-close sent) */
};

struct pair {
	struct end e[2]; /* 0: the accepted connection, 1: the one to the target */
	struct dir d[2]; /* d[i] moves e[i] -> e[1 - i] */
	unsigned char state, target, queued, dead;
	uint64_t last_ns;	  /* last traffic, for -i */
	uint64_t deadline_ns;	  /* while connecting: give up then (-w), or NEVER_NS */
	uint64_t retry_ns;	  /* RETRY: connect again then */
	uint32_t retry_ms;	  /* RETRY: the wait before that, doubled each time (back-off) */
	unsigned char client_eof; /* the client ended its stream before the target answered */
	struct pair *prev, *next; /* every live pair */
	struct pair *qnext;	  /* run queue */
	struct pair *dnext;	  /* dead, to be freed once off the run queue */
};

static const char *const recv_name[2] = { "receive", "receive from target" };
static const char *const send_name[2] = { "send to target", "send" };

static struct {
	const struct hvt_forward_opts *o;
	const struct hvt_addr *to, *laddr;
	char to_text[HVT_ADDR_STRLEN];
	struct hvt_sockaddrs ta; /* the target's socket addresses, resolved once */
	int ep, lfd;
	int accepting;	       /* the listener is in the epoll set for input */
	uint64_t paused_until; /* out of descriptors: no accepting before this */
	uint64_t live, nretry, nconnecting;
	uint64_t now;	    /* hvt_now_ns() of this turn */
	uint64_t warned_at; /* last "out of descriptors" message */
	struct pair *all, *queue, **qtail, *dead;
	char *pool[POOL_KEEP];
	int npool, inuse, pool_max;
	char scratch[CHUNK];
} F;

/* ---- buffers ----------------------------------------------------------------------------- */

static char *pool_get(void)
{
	char *b = F.npool > 0 ? F.pool[--F.npool] : malloc(CHUNK);
	if (b)
		F.inuse++;
	return b;
}

static void pool_put(char *b)
{
	F.inuse--;
	if (F.npool < POOL_KEEP)
		F.pool[F.npool++] = b;
	else
		free(b);
}

/* ---- the target's addresses -------------------------------------------------------------- */

static int resolve_target(void)
{
	return hvt_addr_sockaddrs(F.to, 0, &F.ta);
}

static void report_connect(int code)
{
	hvt_report("connect", F.to, code);
}

/* ---- pairs ------------------------------------------------------------------------------- */

static int watch(struct pair *p, int side)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	ev.data.u64 = (uint64_t)(uintptr_t)p | (uint64_t)side;
	return epoll_ctl(F.ep, EPOLL_CTL_ADD, p->e[side].fd, &ev) == 0 ? 0 : errno;
}

static void set_state(struct pair *p, unsigned char state)
{
	if (p->state == RETRY)
		F.nretry--;
	if (p->state == CONNECTING)
		F.nconnecting--;
	p->state = state;
	if (state == RETRY)
		F.nretry++;
	if (state == CONNECTING)
		F.nconnecting++;
}

static void pair_kill(struct pair *p)
{
	if (p->dead)
		return;
	set_state(p, 0);
	p->dead = 1;
	for (int i = 0; i < 2; i++) {
		if (p->e[i].fd >= 0)
			close(p->e[i].fd);
		p->e[i].fd = -1;
		if (p->d[i].buf)
			pool_put(p->d[i].buf);
		p->d[i].buf = NULL;
	}
	if (p->prev)
		p->prev->next = p->next;
	else
		F.all = p->next;
	if (p->next)
		p->next->prev = p->prev;
	F.live--;
	p->dnext = F.dead;
	F.dead = p;
}

static void free_dead(void)
{
	struct pair **pp = &F.dead;
	while (*pp) {
		struct pair *p = *pp;
		if (p->queued) {
			pp = &p->dnext;
			continue;
		}
		*pp = p->dnext;
		free(p);
	}
}

static void enqueue(struct pair *p)
{
	if (p->queued)
		return;
	p->queued = 1;
	p->qnext = NULL;
	*F.qtail = p;
	F.qtail = &p->qnext;
}

/* A send to end t failed with code: was it only the peer going away after it said EOF? */
static int peer_gone(const struct pair *p, int t, int code)
{
	return (code == EPIPE || code == ECONNRESET) && p->d[t].eof;
}

/* A send or recv on a non-blocking socket failed: 0 when the socket would block (its flag is
 * cleared until epoll says otherwise), -1 when interrupted (try again), else the error, with
 * *where set to what. */
static int io_failed(unsigned char *ready, const char **where, const char *what)
{
	if (errno == EINTR)
		return -1;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		*ready = 0;
		return 0;
	}
	*where = what;
	return errno;
}

/* Moves what can move from e[i] to e[1 - i]. Returns 0, or an error code with *where set;
 * *more says the budget ran out with work left. */
static int dir_step(struct pair *p, int i, const char **where, int *more)
{
	struct dir *d = &p->d[i];
	struct end *s = &p->e[i], *t = &p->e[1 - i];
	int budget = BUDGET, rc;
	for (;;) {
		if (d->len > 0) {
			if (!t->writable)
				return 0;
			ssize_t n =
				send(t->fd, d->buf + d->off, d->len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				if ((rc = io_failed(&t->writable, where, send_name[i])) >= 0)
					return rc;
				continue;
			}
			d->off += (uint32_t)n;
			d->len -= (uint32_t)n;
			if (d->len == 0) {
				pool_put(d->buf);
				d->buf = NULL;
				d->off = 0;
			}
			continue;
		}
		if (d->eof) {
			if (!d->done) {
				d->done = 1;
				if (!F.o->relay.no_shutdown)
					shutdown(t->fd, SHUT_WR);
			}
			return 0;
		}
		if (!s->readable || !t->writable)
			return 0; /* back-pressure: what t cannot take stays in s's kernel buffer */
		if (budget-- == 0) {
			*more = 1;
			return 0;
		}
		int peek = F.inuse >= F.pool_max;
		ssize_t n = recv(s->fd, F.scratch, CHUNK, MSG_DONTWAIT | (peek ? MSG_PEEK : 0));
		if (n < 0) {
			if ((rc = io_failed(&s->readable, where, recv_name[i])) >= 0)
				return rc;
			continue;
		}
		p->last_ns = F.now;
		if (n == 0) {
			d->eof = 1;
			continue;
		}
		ssize_t m = send(t->fd, F.scratch, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (m < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				*where = send_name[i];
				return errno;
			}
			if (errno != EINTR)
				t->writable = 0;
			m = 0;
		}
		if (peek) {
			/* Consume exactly what was sent; the rest stays queued in the kernel. */
			if (m > 0 && recv(s->fd, F.scratch, (size_t)m, MSG_DONTWAIT) != m) {
				*where = recv_name[i];
				return errno ? errno : EIO;
			}
			continue;
		}
		if (m < n) {
			if (!(d->buf = pool_get())) {
				*where = recv_name[i];
				return ENOMEM;
			}
			memcpy(d->buf, F.scratch + m, (size_t)(n - m));
			d->off = 0;
			d->len = (uint32_t)(n - m);
		}
	}
}

static void pair_step(struct pair *p)
{
	if (p->dead || p->state != RELAY)
		return;
	int more = 0;
	for (int i = 0; i < 2; i++) {
		const char *where = "relay";
		int rc = dir_step(p, i, &where, &more);
		if (rc != 0) {
			/* Sending to e[1 - i] failed after it had said EOF: not data it wanted. */
			if (!(where == send_name[i] && peer_gone(p, 1 - i, rc)))
				hvt_warnx("%s: %s", where, hvt_strerror(rc));
			pair_kill(p);
			return;
		}
	}
	if (p->d[0].done && p->d[1].done)
		pair_kill(p);
	else if (more)
		enqueue(p);
}

static void connected(struct pair *p)
{
	set_state(p, RELAY);
	p->last_ns = F.now;
	if (F.o->verbose)
		hvt_warnx("connected to %s", F.to_text);
	pair_step(p);
}

/* Connects e[1] to the target, trying its addresses from p->target on. */
static void start_connect(struct pair *p)
{
	int rc = 0;
	if (F.ta.n == 0 && (rc = resolve_target()) != 0) {
		report_connect(rc);
		pair_kill(p);
		return;
	}
	for (; p->target < F.ta.n; p->target++) {
		const struct sockaddr *sa = (const struct sockaddr *)&F.ta.a[p->target].ss;
		int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				F.ta.a[p->target].proto);
		if (fd < 0) {
			rc = errno;
			continue;
		}
		if (F.to->fam->sockopts)
			F.to->fam->sockopts((hvt_sock)fd, F.to, HVT_STAGE_CONNECT, F.o->wait_ms);
		int c = connect(fd, sa, F.ta.a[p->target].len);
		rc = c == 0 ? 0 : errno;
		if (rc == EAGAIN && sa->sa_family == AF_UNIX) {
			/* The unix listener's backlog is full: a blocking connect would wait. */
			close(fd);
			p->retry_ms = p->retry_ms ? p->retry_ms * 2 : RETRY_MS;
			if (p->retry_ms > RETRY_MAX_MS)
				p->retry_ms = RETRY_MAX_MS;
			p->retry_ns = F.now + p->retry_ms * 1000000ull;
			set_state(p, RETRY);
			return;
		}
		if (rc != 0 && rc != EINPROGRESS) {
			close(fd);
			continue;
		}
		p->e[1] = (struct end){ .fd = fd };
		if ((rc = watch(p, 1)) != 0) {
			hvt_warn(rc, "cannot watch a connection");
			pair_kill(p);
			return;
		}
		if (c == 0) {
			p->e[1].writable = 1;
			connected(p);
		} else {
			set_state(p, CONNECTING);
		}
		return;
	}
	report_connect(rc ? rc : EHOSTUNREACH);
	pair_kill(p);
}

/* The client's end changed before the target answered. A reset means it is gone: the pair
 * goes at once, and its place under -m with it. An end of stream with no byte pending may be a
 * client that closed, or one that half-closed and waits for the answer (nc -N, hvnc -d): the
 * two look the same here, so the pair waits for the target HALF_CLOSED_WAIT_MS at most. */
static void client_changed(struct pair *p)
{
	char c;
	ssize_t n = recv(p->e[0].fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		pair_kill(p);
	} else if (n == 0 && !p->client_eof) {
		p->client_eof = 1;
		if (p->deadline_ns > F.now + HALF_CLOSED_WAIT_MS * 1000000ull)
			p->deadline_ns = F.now + HALF_CLOSED_WAIT_MS * 1000000ull;
	}
}

/* e[1] reported an event while connecting. */
static void connect_event(struct pair *p)
{
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(p->e[1].fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		if (getpeername(p->e[1].fd, (struct sockaddr *)&ss, &sl) != 0) {
			if (errno == ENOTCONN)
				return; /* still in progress (a stale event) */
			err = errno;
		}
	}
	if (err == 0) {
		connected(p);
		return;
	}
	close(p->e[1].fd);
	p->e[1].fd = -1;
	if (p->target + 1 < F.ta.n) {
		p->target++;
		set_state(p, 0);
		start_connect(p);
		return;
	}
	report_connect(err);
	pair_kill(p);
}

/* ---- accepting --------------------------------------------------------------------------- */

static void update_listener(void)
{
	int want = F.live < F.o->max_conns && F.now >= F.paused_until;
	if (want == F.accepting)
		return;
	struct epoll_event ev = { .events = want ? EPOLLIN : 0 };
	ev.data.u64 = 0;
	if (epoll_ctl(F.ep, EPOLL_CTL_MOD, F.lfd, &ev) == 0)
		F.accepting = want;
}

/* Returns 0, or an error code that ends the server. */
static int accept_some(void)
{
	char buf[HVT_ADDR_STRLEN];
	for (int k = 0; k < ACCEPT_BATCH && F.live < F.o->max_conns; k++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(F.lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)
				break;
			if (e == ECONNABORTED || e == EPROTO || e == ENETDOWN || e == ENOPROTOOPT ||
			    e == EHOSTDOWN || e == ENONET || e == EHOSTUNREACH || e == EOPNOTSUPP ||
			    e == ENETUNREACH)
				continue;
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
				/* Try again a little later instead of spinning on the listener. */
				if (F.now - F.warned_at > 5000000000u || !F.warned_at) {
					hvt_warn(e, "accept on %s (%llu connections)",
						 hvt_addr_format(F.laddr, buf, sizeof buf),
						 (unsigned long long)F.live);
					F.warned_at = F.now;
				}
				F.paused_until = F.now + PAUSE_MS * 1000000ull;
				break;
			}
			return e;
		}
		struct hvt_addr peer;
		if (hvt_addr_from_sockaddr((struct sockaddr *)&ss, len, &peer) == 0 &&
		    peer.fam->sockopts)
			peer.fam->sockopts((hvt_sock)fd, &peer, HVT_STAGE_ACCEPTED, 0);
		if (F.o->verbose)
			hvt_warnx("connection from %s", hvt_addr_format(&peer, buf, sizeof buf));
		struct pair *p = calloc(1, sizeof *p);
		if (!p) {
			hvt_warn(ENOMEM, "cannot serve connection");
			close(fd);
			continue;
		}
		p->e[0].fd = fd;
		p->e[1].fd = -1;
		p->last_ns = F.now;
		p->deadline_ns = F.o->wait_ms ? F.now + F.o->wait_ms * 1000000u : NEVER_NS;
		p->next = F.all;
		if (F.all)
			F.all->prev = p;
		F.all = p;
		F.live++;
		int rc = watch(p, 0);
		if (rc != 0) {
			hvt_warn(rc, "cannot watch a connection");
			pair_kill(p);
			continue;
		}
		start_connect(p);
	}
	update_listener();
	return 0;
}

/* ---- timers ------------------------------------------------------------------------------ */

static uint64_t scan_period_ms(void)
{
	uint64_t ms = 1000;
	if (F.nretry)
		return RETRY_MS;
	if (F.o->relay.idle_ms != HVT_NEVER && F.o->relay.idle_ms / 8 < ms)
		ms = F.o->relay.idle_ms / 8;
	if (F.o->wait_ms && F.o->wait_ms / 8 < ms)
		ms = F.o->wait_ms / 8;
	return ms < 10 ? 10 : ms;
}

static int need_scan(void)
{
	/* connecting pairs have deadlines: -w, or a client that ended its stream */
	return F.nretry || F.nconnecting || (F.live && F.o->relay.idle_ms != HVT_NEVER);
}

static void scan(void)
{
	uint64_t idle_ns =
		F.o->relay.idle_ms == HVT_NEVER ? NEVER_NS : F.o->relay.idle_ms * 1000000u;
	for (struct pair *p = F.all, *next; p; p = next) {
		next = p->next;
		if (p->state == RELAY) {
			if (idle_ns != NEVER_NS && F.now - p->last_ns >= idle_ns) {
				hvt_warnx("idle for %.1f s, closing",
					  (double)F.o->relay.idle_ms / 1000.0);
				pair_kill(p);
			}
			continue;
		}
		if (F.now >= p->deadline_ns) {
			if (!p->client_eof) /* a client that hung up asked for nothing more */
				report_connect(ETIMEDOUT);
			pair_kill(p);
		} else if (p->state == RETRY && F.now >= p->retry_ns) {
			set_state(p, 0);
			start_connect(p);
		}
	}
}

/* ---- the loop ---------------------------------------------------------------------------- */

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int hvt_forward_serves(const struct hvt_addr *to)
{
	return to->fam && to->fam->sockaddrs && !to->fam->connected && !to->fam->end;
}

int hvt_forward(hvt_sock l, const struct hvt_addr *listen_addr, const struct hvt_addr *to,
		const struct hvt_forward_opts *o)
{
	int rc = 0;
	memset(&F, 0, sizeof F);
	F.o = o;
	F.to = to;
	F.laddr = listen_addr;
	F.lfd = (int)l;
	F.qtail = &F.queue;
	F.pool_max = POOL_MAX;
	const char *pm = getenv("HVT_FWD_POOL_MAX");
	if (pm && *pm)
		F.pool_max = atoi(pm); /* NOLINT(cert-err34-c): a test hook, 0 on garbage is fine */
	hvt_addr_format(to, F.to_text, sizeof F.to_text);
	raise_nofile();
	if ((F.ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		rc = errno;
		hvt_warn(rc, "epoll");
		return rc;
	}
	int fl = fcntl(F.lfd, F_GETFL);
	if (fl >= 0)
		fcntl(F.lfd, F_SETFL, fl | O_NONBLOCK);
	struct epoll_event lev = { .events = EPOLLIN };
	lev.data.u64 = 0;
	if (epoll_ctl(F.ep, EPOLL_CTL_ADD, F.lfd, &lev) != 0) {
		rc = errno;
		hvt_warn(rc, "epoll");
		close(F.ep);
		return rc;
	}
	F.accepting = 1;

	/* SIGINT/SIGTERM/SIGHUP arrive only inside epoll_pwait: no wake-up is ever lost. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);

	struct epoll_event ev[256];
	uint64_t next_scan = 0;
	while (!hvt_interrupted()) {
		F.now = hvt_now_ns();
		int timeout = -1;
		if (F.queue) {
			timeout = 0;
		} else {
			if (need_scan()) {
				uint64_t left =
					next_scan > F.now ? (next_scan - F.now) / 1000000u + 1 : 0;
				timeout = (int)(left > 1000 ? 1000 : left);
			}
			if (!F.accepting && F.paused_until > F.now && F.live < o->max_conns) {
				uint64_t left = (F.paused_until - F.now) / 1000000u + 1;
				if (timeout < 0 || left < (uint64_t)timeout)
					timeout = (int)left;
			}
		}
		int n = epoll_pwait(F.ep, ev, (int)(sizeof ev / sizeof ev[0]), timeout, &old);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = errno;
			hvt_warn(rc, "epoll");
			break;
		}
		F.now = hvt_now_ns();
		for (int i = 0; i < n && rc == 0; i++) {
			uint64_t tag = ev[i].data.u64;
			if (tag == 0) {
				if ((rc = accept_some()) != 0)
					hvt_report("accept on", listen_addr, rc);
				continue;
			}
			/* NOLINTNEXTLINE(performance-no-int-to-ptr): epoll data carries the pair's pointer */
			struct pair *p = (struct pair *)(uintptr_t)(tag & ~(uint64_t)1);
			int side = (int)(tag & 1);
			uint32_t e = ev[i].events;
			if (p->dead)
				continue;
			if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				p->e[side].readable = 1;
			if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
				p->e[side].writable = 1;
			if (p->state == CONNECTING || p->state == RETRY) {
				if (side == 0 && (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
					client_changed(p);
				if (!p->dead && p->state == CONNECTING && side == 1 &&
				    (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
					connect_event(p);
			} else {
				pair_step(p);
			}
		}
		/* The run queue as it is now; pairs that run out of budget again go to its end. */
		struct pair *q = F.queue;
		F.queue = NULL;
		F.qtail = &F.queue;
		while (q) {
			struct pair *p = q;
			q = q->qnext;
			p->queued = 0;
			pair_step(p);
		}
		if (need_scan() && F.now >= next_scan) {
			scan();
			next_scan = F.now + scan_period_ms() * 1000000u;
		}
		free_dead();
		update_listener();
		if (rc != 0)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (F.all)
		pair_kill(F.all);
	for (struct pair *p = F.queue; p; p = p->qnext)
		p->queued = 0;
	free_dead();
	while (F.npool > 0)
		free(F.pool[--F.npool]);
	close(F.ep);
	return rc;
}
