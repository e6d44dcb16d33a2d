/* The Linux relay: one poll loop moving two directions ("pumps"). Each pump moves bytes from a
 * source fd to a sink fd through a private pipe with splice(2), so data is not copied through
 * user space; where splice is refused (a terminal, an O_APPEND file) or measured slower (into
 * TCP and vsock, out of vsock: copy_is_faster) the pump uses a read/write buffer instead.
 * Back-pressure: a pump reads only while its pipe or buffer has room. */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sys.h"

#define PIPE_WANT (1u << 20) /* private pipe size asked for */
#define COPY_BUF  PIPE_WANT  /* read/write buffer: what the private pipe would hold */

struct pump {
	int src, sink;
	int src_is_sock, sink_is_sock;
	int src_dom, sink_dom; /* socket domains of our sockets, else AF_UNSPEC */
	int src_is_fifo, src_is_file, sink_is_fifo;
	int sink_is_file;		    /* a regular file or /dev/null: a write never blocks */
	int sink_nonblock;		    /* our own non-blocking description of the sink */
	int shutdown_sink;		    /* half-close the sink at source EOF */
	const struct hvt_end_ops *sink_ops; /* the sink's half-close, when it is a connection */
	int mid[2];			    /* private pipe, or -1 in copy mode */
	size_t cap;			    /* what mid or buf holds at most */
	size_t pending;			    /* bytes in mid or buf not yet written */
	char *buf;			    /* copy mode */
	size_t off;			    /* copy mode: start of pending bytes in the ring */
	int eof;			    /* source said EOF */
	int done;			    /* everything written (and sink shut down) */
	int active;			    /* this direction is used at all */
	uint64_t bytes;
	const char *src_name, *sink_name;
};

static int no_splice(void)
{
	const char *e = getenv("HVT_NO_SPLICE");
	return e && *e && strcmp(e, "0") != 0;
}

static int to_copy_mode(struct pump *p)
{
	char *b = malloc(COPY_BUF > p->cap ? COPY_BUF : p->cap);
	if (!b)
		return ENOMEM;
	size_t have = 0;
	/* Whatever already sits in the private pipe moves into the buffer first. */
	while (have < p->pending) {
		ssize_t n = read(p->mid[0], b + have, p->pending - have);
		if (n <= 0) {
			free(b);
			return n < 0 ? errno : EIO;
		}
		have += (size_t)n;
	}
	if (p->mid[0] >= 0) {
		close(p->mid[0]);
		close(p->mid[1]);
	}
	p->mid[0] = p->mid[1] = -1;
	p->buf = b;
	p->off = 0;
	p->cap = COPY_BUF > p->cap ? COPY_BUF : p->cap;
	return 0;
}

static void grow_pipe(int fd)
{
	int sz = fcntl(fd, F_GETPIPE_SZ);
	if (sz > 0 && (size_t)sz < PIPE_WANT)
		fcntl(fd, F_SETPIPE_SZ,
		      (int)PIPE_WANT); /* may fail (EPERM over the user's quota) */
}

static int is_dev_null(const struct stat *st)
{
	struct stat null;
	return S_ISCHR(st->st_mode) && stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
	       st->st_rdev == null.st_rdev;
}

static int sock_domain(int fd)
{
	int dom = AF_UNSPEC;
	socklen_t len = sizeof dom;
	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) == 0 ? dom : AF_UNSPEC;
}

/* Where copying measured faster than splicing (docs/performance.md): into our TCP or vsock
 * socket, whatever the source (TCP builds full-sized segments from copied bytes but one
 * fragment per spliced page; vsock copies spliced pages anyway, in smaller pieces), and out
 * of our vsock socket into a file or /dev/null (vsock has no splice_read: the kernel copies
 * into fresh pages, which only saves a copy when they can stay in a pipe or a socket). Other
 * sinks, a pipe or a socket on stdout, are written PIPE_BUF per poll in copy mode: spliced. */
static int copy_is_faster(const struct pump *p)
{
	if (p->sink_dom == AF_INET || p->sink_dom == AF_INET6 || p->sink_dom == AF_VSOCK)
		return 1;
	return p->src_dom == AF_VSOCK && p->sink_is_file;
}

static int pump_init(struct pump *p, int src, int src_is_sock, int sink, int sink_is_sock,
		     int shutdown_sink, const char *src_name, const char *sink_name)
{
	memset(p, 0, sizeof *p);
	p->src = src;
	p->src_is_sock = src_is_sock;
	p->src_dom = src_is_sock ? sock_domain(src) : AF_UNSPEC;
	p->sink_dom = sink_is_sock ? sock_domain(sink) : AF_UNSPEC;
	struct stat st;
	if (!src_is_sock && fstat(src, &st) == 0) {
		p->src_is_fifo = S_ISFIFO(st.st_mode);
		p->src_is_file = S_ISREG(st.st_mode);
	}
	if (!sink_is_sock && fstat(sink, &st) == 0) {
		p->sink_is_fifo = S_ISFIFO(st.st_mode);
		p->sink_is_file = S_ISREG(st.st_mode) || is_dev_null(&st);
	}
	/* A larger stdin/stdout pipe: the program at its other end and we wake each other up
	 * once per megabyte instead of once per 64 KiB (measured: +40% over a unix socket). */
	if (p->src_is_fifo && !no_splice())
		grow_pipe(src);
	if (p->sink_is_fifo && !no_splice())
		grow_pipe(sink);
	p->sink = sink;
	p->sink_is_sock = sink_is_sock;
	p->shutdown_sink = shutdown_sink;
	p->src_name = src_name;
	p->sink_name = sink_name;
	p->active = 1;
	p->mid[0] = p->mid[1] = -1;
	if (!no_splice() && !copy_is_faster(p) && pipe2(p->mid, O_CLOEXEC | O_NONBLOCK) == 0) {
		fcntl(p->mid[1], F_SETPIPE_SZ, (int)PIPE_WANT);
		int sz = fcntl(p->mid[1], F_GETPIPE_SZ);
		p->cap = sz > 0 ? (size_t)sz : 65536u;
		return 0;
	}
	p->cap = COPY_BUF;
	return to_copy_mode(p);
}

static void pump_free(struct pump *p)
{
	if (p->mid[0] >= 0) {
		close(p->mid[0]);
		close(p->mid[1]);
	}
	free(p->buf);
}

/* Copy mode keeps the pending bytes in a ring, [off, off + pending) modulo cap, so a partial
 * send never costs a memmove. Fills v with the one or two pieces of the LEN bytes at AT. */
static int ring_iov(const struct pump *p, size_t at, size_t len, struct iovec v[2])
{
	at %= p->cap;
	size_t first = p->cap - at < len ? p->cap - at : len;
	v[0] = (struct iovec){ .iov_base = p->buf + at, .iov_len = first };
	v[1] = (struct iovec){ .iov_base = p->buf, .iov_len = len - first };
	return len > first ? 2 : 1;
}

/* A splice into or out of the private pipe failed: nothing to do yet (0), splice refused for
 * these ends (a terminal, an O_APPEND file: copy mode from now on, which reads and writes when
 * its own rules say so), or an error. */
static int splice_failed(struct pump *p)
{
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	if (errno == EINVAL || errno == ENOSYS)
		return to_copy_mode(p);
	return errno;
}

/* Source readable: move what is there into the pipe/buffer. Returns 0 or error code. */
static int pump_fill(struct pump *p)
{
	size_t room = p->cap - p->pending;
	if (p->buf) {
		if (p->pending == 0)
			p->off = 0; /* one piece, the longest read */
		struct iovec v[2];
		ssize_t n = readv(p->src, v, ring_iov(p, p->off + p->pending, room, v));
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : errno;
		if (n == 0)
			p->eof = 1;
		p->pending += (size_t)n;
		return 0;
	}
	ssize_t n = splice(p->src, NULL, p->mid[1], NULL, room, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0)
		return splice_failed(p);
	if (n == 0)
		p->eof = 1;
	p->pending += (size_t)n;
	return 0;
}

/* Sink writable: write what is pending. Returns 0 or error code. */
static int pump_drain(struct pump *p)
{
	ssize_t n;
	if (p->buf) {
		struct iovec v[2];
		if (p->sink_is_sock) {
			struct msghdr m = { .msg_iov = v };
			m.msg_iovlen = (size_t)ring_iov(p, p->off, p->pending, v);
			n = sendmsg(p->sink, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		} else {
			/* After POLLOUT a pipe takes PIPE_BUF bytes without blocking; more could
			 * block the whole loop (and -i with it) while nobody reads stdout. */
			size_t len = p->pending;
			if (!p->sink_is_file && !p->sink_nonblock && len > PIPE_BUF)
				len = PIPE_BUF;
			n = writev(p->sink, v, ring_iov(p, p->off, len, v));
		}
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : errno;
		p->off = (p->off + (size_t)n) % p->cap;
	} else {
		n = splice(p->mid[0], NULL, p->sink, NULL, p->pending,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0)
			return splice_failed(p);
	}
	p->pending -= (size_t)n;
	p->bytes += (uint64_t)n;
	return 0;
}

/* A pipe with bytes in it: a read() returns at once, even on a blocking pipe. */
static int fifo_ready(int fd)
{
	int n = 0;
	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

/* Moves data while it flows: fill and drain alternately until neither makes progress, so
 * that a busy stream costs no poll() per chunk. An end that may block (a terminal, a socket
 * handed to us as stdin, a pipe in copy mode) is used only once after poll() said so
 * (`readable`, `writable`). Returns 0 or an error code. */
static int pump_step(struct pump *p, int readable, int writable, struct hvt_relay_result *r)
{
	for (int round = 0; round < 64; round++) {
		size_t pending = p->pending;
		uint64_t bytes = p->bytes;
		int rc;
		/* Never blocks: our non-blocking socket, a file, a pipe spliced with
		 * SPLICE_F_NONBLOCK (a plain read() or write() of a pipe may block). */
		int may_read = readable || p->src_is_sock || p->src_is_file ||
			       (p->src_is_fifo && (!p->buf || fifo_ready(p->src)));
		int may_write = writable || p->sink_is_sock || p->sink_is_file ||
				(p->sink_is_fifo && !p->buf);
		readable = writable = 0;
		if (!p->eof && p->pending < p->cap && may_read && (rc = pump_fill(p)) != 0) {
			r->where = p->src_name;
			return rc;
		}
		if (p->pending > 0 && may_write && (rc = pump_drain(p)) != 0) {
			r->where = p->sink_name;
			return rc;
		}
		if (p->eof || (p->pending == pending && p->bytes == bytes))
			break;
	}
	return 0;
}

/* After the source's EOF and a full drain: half-close. */
static void pump_finish(struct pump *p)
{
	if (p->eof && p->pending == 0 && !p->done) {
		p->done = 1;
		if (p->shutdown_sink && p->sink_ops)
			p->sink_ops->shutdown_write((hvt_sock)p->sink);
	}
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void progress(const struct pump *a, const struct pump *b, uint64_t start, int final)
{
	static uint64_t last;
	uint64_t now = hvt_now_ns();
	int tty = hvt_isatty(2);
	uint64_t every = tty ? 500000000u : 5000000000u;
	if (!final && now - last < every)
		return;
	last = now;
	double secs = (double)(now - start) / 1e9;
	uint64_t total = a->bytes + b->bytes;
	double rate = secs > 0 ? (double)total / secs / (1024.0 * 1024.0) : 0.0;
	fprintf(stderr, "%s%s: sent %llu, received %llu bytes in %.1f s (%.1f MiB/s)%s",
		tty ? "\r" : "", "progress", (unsigned long long)a->bytes,
		(unsigned long long)b->bytes, secs, rate, tty && !final ? "\033[K" : "\n");
	fflush(stderr);
}

/* The loop shared by both relays: up moves towards the peer, down away from it. */
static int run(struct pump *up, struct pump *down, int stop_on_down_eof,
	       const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	uint64_t start = hvt_now_ns(), last_traffic = start, up_eof_at = 0;
	int rc = 0;
	struct pump *ps[2] = { up, down };

	while (rc == 0) {
		for (int i = 0; i < 2; i++)
			if (ps[i]->active)
				pump_finish(ps[i]);
		int up_done = !up->active || up->done;
		int down_done = !down->active || down->done;
		if (up_done && down_done)
			break;
		if (down_done && stop_on_down_eof)
			break;
		if (up->active && up->done && !up_eof_at)
			up_eof_at = hvt_now_ns();
		if (up_eof_at && o->quit_ms != HVT_NEVER &&
		    hvt_now_ns() - up_eof_at >= o->quit_ms * 1000000u)
			break;
		if (hvt_interrupted()) {
			rc = EINTR;
			r->where = "interrupted";
			break;
		}

		struct pollfd pf[4];
		struct pump *owner[4];
		int nf = 0;
		for (int i = 0; i < 2; i++) {
			struct pump *p = ps[i];
			if (!p->active || p->done)
				continue;
			if (!p->eof && p->pending < p->cap) {
				pf[nf] = (struct pollfd){ .fd = p->src, .events = POLLIN };
				owner[nf++] = p;
			}
			if (p->pending > 0) {
				pf[nf] = (struct pollfd){ .fd = p->sink, .events = POLLOUT };
				owner[nf++] = p;
			}
		}
		int wait = -1;
		uint64_t now = hvt_now_ns();
		if (o->idle_ms != HVT_NEVER) {
			uint64_t idle = (now - last_traffic) / 1000000u;
			if (idle >= o->idle_ms) {
				r->idle_timeout = 1;
				break;
			}
			wait = (int)(o->idle_ms - idle > 1000 ? 1000 : o->idle_ms - idle);
		}
		if (up_eof_at && o->quit_ms != HVT_NEVER) {
			uint64_t gone = (now - up_eof_at) / 1000000u;
			uint64_t left = o->quit_ms > gone ? o->quit_ms - gone : 0;
			if (wait < 0 || left < (uint64_t)wait)
				wait = (int)(left > 1000 ? 1000 : left);
		}
		if (o->progress && (wait < 0 || wait > 500))
			wait = 500;
		int n = poll(pf, (nfds_t)nf, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = errno;
			r->where = "poll";
			break;
		}
		for (int k = 0; k < 2 && rc == 0; k++) {
			struct pump *p = ps[k];
			int readable = 0, writable = 0;
			for (int i = 0; i < nf; i++) {
				if (owner[i] != p || !pf[i].revents)
					continue;
				if (pf[i].events & POLLIN)
					readable = 1;
				else
					writable = 1;
			}
			if (!readable && !writable)
				continue;
			uint64_t before = p->bytes + p->pending;
			rc = pump_step(p, readable, writable, r);
			if (p->bytes + p->pending != before || p->eof)
				last_traffic = hvt_now_ns();
		}
		if (o->progress)
			progress(up, down, start, 0);
	}
	if (o->progress)
		progress(up, down, start, 1);
	r->sent = up->bytes;
	r->received = down->bytes;
	r->error = rc;
	return rc;
}

int hvt_relay_stdio(struct hvt_end c, const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	struct pump up, down;
	int fd = (int)c.h, rc;
	memset(r, 0, sizeof *r);
	set_nonblock(fd);
	int read_stdin = !o->no_stdin && !o->recv_only;
	if ((rc = pump_init(&up, 0, 0, fd, 1, !o->no_shutdown && !o->recv_only, "read from stdin",
			    "send")) != 0)
		return rc;
	up.sink_ops = c.ops;
	/* A terminal's POLLOUT promises only some room: a write could block the loop (and -i,
	 * -q and signals with it) when the terminal stalls (ssh on a dead link). Write to it
	 * through a non-blocking file description of our own, leaving fd 1's flags alone. */
	int out = hvt_isatty(1)
			  ? open("/proc/self/fd/1", O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
			  : -1;
	struct stat st_out, st_1;
	if (out >= 0 &&
	    (fstat(out, &st_out) != 0 || fstat(1, &st_1) != 0 || st_out.st_rdev != st_1.st_rdev)) {
		close(out); /* a pty master reopens as a new pty: not the same terminal */
		out = -1;
	}
	if ((rc = pump_init(&down, fd, 1, out >= 0 ? out : 1, 0, 0, "receive",
			    "write to stdout")) != 0) {
		pump_free(&up);
		if (out >= 0)
			close(out);
		return rc;
	}
	down.sink_nonblock = out >= 0;
	if (!read_stdin) {
		/* -d: as if stdin were empty (half-close follows); --recv-only: never send. */
		up.eof = 1;
		if (o->recv_only)
			up.active = 0;
	}
	if (o->send_only)
		down.active = 0;
	/* An interactive user is done when the peer is; a pipe or file still gets sent in full. */
	int stop_on_down_eof = hvt_isatty(0);
	rc = run(&up, &down, stop_on_down_eof, o, r);
	/* The peer closed for good before we could send the rest: not data the peer wanted. */
	if (rc == EPIPE && down.active && down.done)
		rc = r->error = 0;
	pump_free(&up);
	pump_free(&down);
	if (out >= 0)
		close(out);
	return rc;
}

int hvt_relay_pair(struct hvt_end a, struct hvt_end b, const struct hvt_relay_opts *o,
		   struct hvt_relay_result *r)
{
	struct pump ab, ba;
	int fa = (int)a.h, fb = (int)b.h, rc;
	memset(r, 0, sizeof *r);
	set_nonblock(fa);
	set_nonblock(fb);
	if ((rc = pump_init(&ab, fa, 1, fb, 1, !o->no_shutdown, "receive", "send to target")) != 0)
		return rc;
	if ((rc = pump_init(&ba, fb, 1, fa, 1, !o->no_shutdown, "receive from target", "send")) !=
	    0) {
		pump_free(&ab);
		return rc;
	}
	ab.sink_ops = b.ops;
	ba.sink_ops = a.ops;
	rc = run(&ba, &ab, 0, o, r);
	if (rc == EPIPE && ab.done)
		rc = r->error = 0;
	pump_free(&ab);
	pump_free(&ba);
	return rc;
}
