/* The Windows relay: one thread per direction, each moving bytes from one end (relay.h) to
 * another; the calling thread only watches them and keeps the clock (-i, -q, --progress,
 * Ctrl-C). A pipe stdin cannot be waited on (under Wine it is always "signalled" and
 * PeekNamedPipe fails), so its thread blocks in ReadFile and is cancelled when the relay
 * ends; ends that can be waited on (sockets) are read in slices, so that their thread sees
 * the end of the relay by itself. Behaviour and results follow common/linux/relay.c. */
#include "win.h"

#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"
#include "sys.h"

#define BUF_SIZE (256u << 10)

/* One direction on a thread. Shared by reference count: the thread may outlive the relay
 * when it is stuck in a read of stdin that nothing will ever end. */
struct pump {
	volatile LONG refs;
	volatile LONG stop;    /* the relay is over: touch nothing any more */
	volatile LONG done;    /* direction finished: EOF passed on, or error */
	volatile LONG64 bytes; /* moved so far */
	int error;	       /* valid once done */
	const char *where;     /* valid once done, with error */
	uint64_t done_at;      /* hvt_now_ns() when done */
	struct hvt_end src, sink;
	int shutdown_sink; /* half-close sink at source EOF */
	const char *src_name, *sink_name;
	HANDLE thread;
};

/* ---- the standard handles as ends -------------------------------------------------------- */

static long file_read(hvt_sock h, void *buf, size_t len)
{
	DWORD n = 0;
	if (ReadFile((HANDLE)h, buf, len > BUF_SIZE ? BUF_SIZE : (DWORD)len, &n, NULL))
		return (long)n;
	DWORD e = GetLastError();
	/* A pipe's writer has gone: that is the pipe's EOF. */
	return e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF ? 0 : -(long)e;
}

/* Console input arrives as lines ending in CRLF: send LF as a terminal does on POSIX. A line
 * that starts with ^Z is the console's end of input. Returns the new length, or -1 for EOF. */
static long console_text(char *buf, DWORD n)
{
	if (n > 0 && buf[0] == 0x1A)
		return -1;
	DWORD o = 0;
	for (DWORD i = 0; i < n; i++) {
		if (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')
			continue;
		buf[o++] = buf[i];
	}
	return (long)o;
}

static long console_read(hvt_sock h, void *buf, size_t len)
{
	for (;;) {
		long n = file_read(h, buf, len);
		if (n <= 0)
			return n;
		n = console_text(buf, (DWORD)n);
		if (n != 0)
			return n < 0 ? 0 : n;
	}
}

static int file_write(hvt_sock h, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		DWORD done = 0;
		if (!WriteFile((HANDLE)h, p, len > BUF_SIZE ? BUF_SIZE : (DWORD)len, &done, NULL))
			return (int)GetLastError();
		p += done;
		len -= done;
	}
	return 0;
}

static const struct hvt_end_ops file_ops = { .read = file_read, .write = file_write };
static const struct hvt_end_ops console_ops = { .read = console_read, .write = file_write };

/* ---- pumps ------------------------------------------------------------------------------- */

static struct pump *pump_new(void)
{
	struct pump *p = calloc(1, sizeof *p);
	if (p)
		p->refs = 2; /* the relay and the thread */
	return p;
}

static void pump_release(struct pump *p)
{
	if (p && InterlockedDecrement(&p->refs) == 0) {
		if (p->thread)
			CloseHandle(p->thread);
		free(p);
	}
}

static int is_done(struct pump *p)
{
	return InterlockedCompareExchange(&p->done, 0, 0) != 0;
}

static uint64_t bytes_of(struct pump *p)
{
	return (uint64_t)InterlockedCompareExchange64(&p->bytes, 0, 0);
}

static void finish(struct pump *p, int rc, const char *where)
{
	if (rc == 0 && !p->stop && p->shutdown_sink)
		p->sink.ops->shutdown_write(p->sink.h);
	p->error = rc;
	p->where = where;
	p->done_at = hvt_now_ns();
	InterlockedExchange(&p->done, 1);
}

static unsigned __stdcall pump_main(void *arg)
{
	struct pump *p = arg;
	char *buf = malloc(BUF_SIZE);
	int rc = 0;
	const char *where = NULL;
	if (!buf) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		where = p->src_name;
	}
	while (rc == 0 && !p->stop) {
		if (p->src.ops->wait_readable) {
			int w = p->src.ops->wait_readable(p->src.h, HVT_WIN_SLICE_MS);
			if (w == 0 || w == -WSAEINTR)
				continue; /* the relay decides what Ctrl-C means */
			if (w < 0) {
				rc = -w;
				where = p->src_name;
				break;
			}
		}
		long n = p->src.ops->read(p->src.h, buf, BUF_SIZE);
		if (n == 0 || p->stop)
			break;
		if (n < 0) {
			rc = (int)-n;
			where = p->src_name;
			break;
		}
		int e = p->sink.ops->write(p->sink.h, buf, (size_t)n);
		if (e != 0) {
			rc = e;
			where = p->sink_name;
			break;
		}
		InterlockedExchangeAdd64(&p->bytes, n);
	}
	free(buf);
	finish(p, rc, where);
	pump_release(p);
	return 0;
}

static int pump_start(struct pump *p)
{
	uintptr_t h = _beginthreadex(NULL, 0, pump_main, p, 0, NULL);
	if (h == 0) {
		int e = (int)GetLastError();
		return e ? e : ERROR_NOT_ENOUGH_MEMORY;
	}
	p->thread = (HANDLE)h;
	return 0;
}

/* The relay is over: the thread must stop using its ends. A thread blocked in a read that
 * cannot be waited on (stdin) is cancelled where the system allows it, else left behind (it
 * holds its own reference and writes nothing once stop is set). */
static void pump_stop(struct pump *p)
{
	if (!p)
		return;
	InterlockedExchange(&p->stop, 1);
	int blocking = !p->src.ops->wait_readable;
	if (p->thread && WaitForSingleObject(p->thread, 0) != WAIT_OBJECT_0) {
		if (blocking)
			CancelSynchronousIo(p->thread);
		WaitForSingleObject(p->thread, blocking ? 200 : 2000);
	}
	pump_release(p);
}

/* A new pump from src to sink, started. NULL with *rc set when it could not be. */
static struct pump *pump_run(struct hvt_end src, struct hvt_end sink, int shutdown_sink,
			     const char *src_name, const char *sink_name, int *rc)
{
	struct pump *p = pump_new();
	if (!p) {
		*rc = ERROR_NOT_ENOUGH_MEMORY;
		return NULL;
	}
	p->src = src;
	p->sink = sink;
	p->shutdown_sink = shutdown_sink;
	p->src_name = src_name;
	p->sink_name = sink_name;
	if ((*rc = pump_start(p)) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* After the peer closed for good, a failed send is not data the peer wanted (EPIPE on
 * POSIX; Windows reports a reset or abort). */
static int peer_gone(int code)
{
	return code == WSAECONNRESET || code == WSAECONNABORTED || code == WSAESHUTDOWN ||
	       code == WSAENOTCONN;
}

struct clock {
	uint64_t start, last_traffic, last_progress, seen;
};

static void progress(struct clock *c, uint64_t sent, uint64_t received, int final)
{
	uint64_t now = hvt_now_ns();
	int tty = hvt_isatty(2);
	uint64_t every = tty ? 500000000u : 5000000000u;
	if (!final && now - c->last_progress < every)
		return;
	c->last_progress = now;
	double secs = (double)(now - c->start) / 1e9;
	uint64_t total = sent + received;
	double rate = secs > 0 ? (double)total / secs / (1024.0 * 1024.0) : 0.0;
	fprintf(stderr, "%s%s: sent %llu, received %llu bytes in %.1f s (%.1f MiB/s)%s",
		tty ? "\r" : "", "progress", (unsigned long long)sent, (unsigned long long)received,
		secs, rate, tty && !final ? "\033[K" : "\n");
	fflush(stderr);
}

/* How long the caller may wait now (ms), given -i and -q; 0 = a limit is reached. */
static uint64_t next_wait(const struct hvt_relay_opts *o, const struct clock *c, uint64_t up_eof_at,
			  struct hvt_relay_result *r, int *stop)
{
	uint64_t now = hvt_now_ns(), wait = HVT_WIN_SLICE_MS;
	*stop = 0;
	if (up_eof_at && o->quit_ms != HVT_NEVER) {
		uint64_t gone = (now - up_eof_at) / 1000000u;
		if (gone >= o->quit_ms) {
			*stop = 1;
			return 0;
		}
		if (o->quit_ms - gone < wait)
			wait = o->quit_ms - gone;
	}
	if (o->idle_ms != HVT_NEVER) {
		uint64_t idle = (now - c->last_traffic) / 1000000u;
		if (idle >= o->idle_ms) {
			r->idle_timeout = 1;
			*stop = 1;
			return 0;
		}
		if (o->idle_ms - idle < wait)
			wait = o->idle_ms - idle;
	}
	return wait;
}

static void note_traffic(struct clock *c, uint64_t total)
{
	if (total != c->seen) {
		c->seen = total;
		c->last_traffic = hvt_now_ns();
	}
}

/* Watches up (towards the connection: "sent") and down (from it: "received"); either may be
 * NULL (that direction is not used). up_eof_at: when up is NULL, the time its EOF counts
 * from for -q (0: never). */
static int watch(struct pump *up, struct pump *down, uint64_t up_eof_at, int stop_on_down_eof,
		 const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	struct clock c = { 0 };
	HANDLE threads[2];
	DWORD nthreads = 0;
	int rc = 0;
	c.start = c.last_traffic = hvt_now_ns();
	if (up)
		threads[nthreads++] = up->thread;
	if (down)
		threads[nthreads++] = down->thread;
	int was_done = 0;
	for (;;) {
		int up_done = !up || is_done(up), down_done = !down || is_done(down);
		if (up && up_done && !up_eof_at)
			up_eof_at = up->done_at;
		if (up_done + down_done > was_done) { /* an end of stream is activity too (-i) */
			was_done = up_done + down_done;
			c.last_traffic = hvt_now_ns();
		}
		uint64_t sent = up ? bytes_of(up) : 0, received = down ? bytes_of(down) : 0;
		note_traffic(&c, sent + received);
		struct pump *failed = down && down_done && down->error ? down
				      : up && up_done && up->error     ? up
								       : NULL;
		if (failed) {
			/* The peer closed for good before we could send the rest: not data the
			 * peer wanted. */
			if (!(failed == up && peer_gone(up->error) && down && down_done)) {
				rc = failed->error;
				r->where = failed->where;
			}
			break;
		}
		if (up_done && down_done)
			break;
		if (down_done && stop_on_down_eof)
			break;
		if (hvt_interrupted()) {
			rc = WSAEINTR;
			r->where = "interrupted";
			break;
		}
		int limit;
		uint64_t wait = next_wait(o, &c, up_eof_at, r, &limit);
		if (limit)
			break;
		if (o->progress)
			progress(&c, sent, received, 0);
		WaitForMultipleObjects(nthreads, threads, TRUE, (DWORD)wait);
	}
	r->sent = up ? bytes_of(up) : 0;
	r->received = down ? bytes_of(down) : 0;
	if (o->progress)
		progress(&c, r->sent, r->received, 1);
	pump_stop(up);
	pump_stop(down);
	r->error = rc;
	return rc;
}

int hvt_relay_stdio(struct hvt_end conn, const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	struct pump *up = NULL, *down = NULL;
	uint64_t up_eof_at = 0;
	int rc = 0;
	memset(r, 0, sizeof *r);
	fflush(stdout); /* what the tool printed comes before the data */

	int shutdown_up = !o->no_shutdown && !o->recv_only;
	if (!o->no_stdin && !o->recv_only) {
		struct hvt_end in = { (hvt_sock)GetStdHandle(STD_INPUT_HANDLE),
				      hvt_isatty(0) ? &console_ops : &file_ops };
		if (!(up = pump_run(in, conn, shutdown_up, "read from stdin", "send", &rc)))
			return r->error = rc;
	} else if (!o->recv_only) {
		/* -d: as if stdin were empty, so the half-close follows at once. */
		if (shutdown_up)
			conn.ops->shutdown_write(conn.h);
		up_eof_at = hvt_now_ns();
	}
	if (!o->send_only) {
		struct hvt_end out = { (hvt_sock)GetStdHandle(STD_OUTPUT_HANDLE), &file_ops };
		if (!(down = pump_run(conn, out, 0, "receive", "write to stdout", &rc))) {
			pump_stop(up);
			return r->error = rc;
		}
	}
	/* An interactive user is done when the peer is; a pipe or file still gets sent in full. */
	return watch(up, down, up_eof_at, hvt_isatty(0), o, r);
}

int hvt_relay_pair(struct hvt_end a, struct hvt_end b, const struct hvt_relay_opts *o,
		   struct hvt_relay_result *r)
{
	int rc = 0;
	memset(r, 0, sizeof *r);
	/* As on Linux: "up" is target -> a (sent), "down" is a -> target (received). */
	struct pump *down = pump_run(a, b, !o->no_shutdown, "receive", "send to target", &rc);
	if (!down)
		return r->error = rc;
	struct pump *up = pump_run(b, a, !o->no_shutdown, "receive from target", "send", &rc);
	if (!up) {
		pump_stop(down);
		return r->error = rc;
	}
	return watch(up, down, 0, 0, o, r);
}
