/* The Windows relay (relay.h) on the event engine (engine.h): the connection's directions are
 * a flow on a completion port of this relay, and the calling thread handles its completions,
 * sleeping in GetQueuedCompletionStatus until one arrives, a deadline (-i, -q, --progress)
 * passes or Ctrl-C wakes it; then it cancels what is in flight (CancelIoEx) and returns.
 * Behaviour and results follow common/linux/relay.c.
 *
 * The standard handles are ends too, served by one thread each: a console or an anonymous
 * pipe (what a shell gives) cannot do overlapped I/O (ReOpenFile with FILE_FLAG_OVERLAPPED
 * fails on them, and under Wine a pipe stdin is always "signalled" and PeekNamedPipe fails),
 * and a file opened without FILE_FLAG_OVERLAPPED blocks in ReadFile/WriteFile. The thread
 * does the blocking call and posts the result to the port, so for the flow these ends are
 * like any other; a call that never returns (a console nobody types at, a stdout nobody
 * reads) is abandoned when the relay ends, and the thread is left behind. */
#include "engine.h"

#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"
#include "sys.h"

/* ---- the standard handles as ends: one thread each ----------------------------------------- */

struct std_end {
	volatile LONG refs; /* the relay and the thread */
	HANDLE h, thread, wake;
	int console; /* console input: CRLF -> LF, ^Z ends */
	HANDLE port; /* where results go */
	SRWLOCK lock;
	int quit;      /* the relay is over */
	int busy;      /* a request is with the thread */
	int abandoned; /* ... and its result is no longer wanted */
	int writing;
	OVERLAPPED *ov;
	void *user; /* a read's destination */
	size_t len;
	long result; /* bytes, 0 EOF, -code */
	char *buf;   /* the thread's own: the relay's may be gone when a call returns */
};

static void std_release(struct std_end *e)
{
	if (InterlockedDecrement(&e->refs) == 0) {
		if (e->thread)
			CloseHandle(e->thread);
		if (e->wake)
			CloseHandle(e->wake);
		free(e->buf);
		free(e);
	}
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

static long std_read(struct std_end *e, size_t len)
{
	for (;;) {
		DWORD n = 0;
		if (!ReadFile(e->h, e->buf, (DWORD)len, &n, NULL)) {
			DWORD err = GetLastError();
			/* A pipe's writer has gone: that is the pipe's EOF. */
			return err == ERROR_BROKEN_PIPE || err == ERROR_HANDLE_EOF ? 0 : -(long)err;
		}
		if (!e->console || n == 0)
			return (long)n;
		long t = console_text(e->buf, n);
		if (t != 0)
			return t < 0 ? 0 : t;
	}
}

static long std_write(struct std_end *e, size_t len)
{
	size_t off = 0;
	while (off < len) {
		DWORD done = 0;
		if (!WriteFile(e->h, e->buf + off, (DWORD)(len - off), &done, NULL))
			return -(long)GetLastError();
		off += done;
	}
	return (long)len;
}

static unsigned __stdcall std_main(void *arg)
{
	struct std_end *e = arg;
	for (;;) {
		WaitForSingleObject(e->wake, INFINITE);
		AcquireSRWLockExclusive(&e->lock);
		int quit = e->quit, writing = e->writing;
		size_t len = e->len;
		ReleaseSRWLockExclusive(&e->lock);
		if (quit)
			break;
		long r = writing ? std_write(e, len) : std_read(e, len);
		AcquireSRWLockExclusive(&e->lock);
		if (!e->abandoned) {
			if (!writing && r > 0)
				memcpy(e->user, e->buf, (size_t)r);
			e->result = r;
			e->busy = 0;
			PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		}
		quit = e->quit;
		ReleaseSRWLockExclusive(&e->lock);
		if (quit)
			break;
	}
	std_release(e);
	return 0;
}

static struct std_end *std_of(hvt_sock h)
{
	return (struct std_end *)h;
}

static int std_attach(hvt_sock h, void *port)
{
	std_of(h)->port = port;
	return 0;
}

static int std_start(hvt_sock h, void *buf, size_t len, void *ov, int writing)
{
	struct std_end *e = std_of(h);
	if (len > HVT_FLOW_BUF)
		len = HVT_FLOW_BUF;
	AcquireSRWLockExclusive(&e->lock);
	if (writing)
		memcpy(e->buf, buf, len);
	e->user = buf;
	e->len = len;
	e->ov = ov;
	e->writing = writing;
	e->busy = 1;
	e->abandoned = 0;
	ReleaseSRWLockExclusive(&e->lock);
	SetEvent(e->wake);
	return 0;
}

static int std_start_read(hvt_sock h, void *buf, size_t len, void *ov)
{
	return std_start(h, buf, len, ov, 0);
}

static int std_start_write(hvt_sock h, const void *buf, size_t len, void *ov)
{
	return std_start(h, (void *)(uintptr_t)buf, len, ov, 1);
}

static long std_result(hvt_sock h, void *ov, unsigned long bytes, unsigned long status)
{
	(void)ov;
	(void)bytes;
	(void)status;
	return std_of(h)->result;
}

/* The call in progress is given up: its completion is posted now, the thread's result is
 * dropped when (if ever) the call returns. CancelSynchronousIo ends a blocked ReadFile on a
 * console or pipe where the system allows it. */
static void std_cancel(hvt_sock h)
{
	struct std_end *e = std_of(h);
	AcquireSRWLockExclusive(&e->lock);
	if (e->busy && !e->abandoned) {
		e->abandoned = 1;
		e->busy = 0;
		e->result = -ERROR_OPERATION_ABORTED;
		PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		CancelSynchronousIo(e->thread);
	}
	ReleaseSRWLockExclusive(&e->lock);
}

static const struct hvt_end_ops std_ops = {
	.attach = std_attach,
	.start_read = std_start_read,
	.start_write = std_start_write,
	.result = std_result,
	.cancel = std_cancel,
};

/* The end for standard handle `which` (STD_INPUT_HANDLE, STD_OUTPUT_HANDLE); 0 or code. */
static int std_open(DWORD which, int console, struct hvt_end *out)
{
	struct std_end *e = calloc(1, sizeof *e);
	if (!e || !(e->buf = malloc(HVT_FLOW_BUF)) ||
	    !(e->wake = CreateEventW(NULL, FALSE, FALSE, NULL))) {
		if (e)
			free(e->buf);
		free(e);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	e->refs = 2;
	e->h = GetStdHandle(which);
	e->console = console;
	InitializeSRWLock(&e->lock);
	uintptr_t t = _beginthreadex(NULL, 64u << 10, std_main, e, 0, NULL);
	if (!t) {
		int rc = (int)GetLastError();
		e->refs = 1;
		std_release(e);
		return rc ? rc : ERROR_NOT_ENOUGH_MEMORY;
	}
	e->thread = (HANDLE)t;
	out->h = (hvt_sock)e;
	out->ops = &std_ops;
	return 0;
}

/* The relay is over: the thread ends after the call it is in, if ever. */
static void std_close(struct hvt_end *e)
{
	if (!e->ops)
		return;
	struct std_end *s = std_of(e->h);
	AcquireSRWLockExclusive(&s->lock);
	s->quit = 1;
	s->abandoned = 1;
	ReleaseSRWLockExclusive(&s->lock);
	SetEvent(s->wake);
	std_release(s);
}

/* ---- the relay ------------------------------------------------------------------------------ */

struct clock {
	uint64_t start, last_progress;
};

static void progress(struct clock *c, uint64_t sent, uint64_t received, int final)
{
	uint64_t now = hvt_now_ns();
	int tty = hvt_isatty(2);
	c->last_progress = now;
	double secs = (double)(now - c->start) / 1e9;
	uint64_t total = sent + received;
	double rate = secs > 0 ? (double)total / secs / (1024.0 * 1024.0) : 0.0;
	fprintf(stderr, "%s%s: sent %llu, received %llu bytes in %.1f s (%.1f MiB/s)%s",
		tty ? "\r" : "", "progress", (unsigned long long)sent, (unsigned long long)received,
		secs, rate, tty && !final ? "\033[K" : "\n");
	fflush(stderr);
}

static uint64_t progress_every_ms(void)
{
	return hvt_isatty(2) ? 500u : 5000u;
}

static uint64_t bytes_of(struct hvt_dir *d)
{
	return d ? (uint64_t)InterlockedCompareExchange64(&d->bytes, 0, 0) : 0;
}

/* Milliseconds until t_ns + ms (0: passed), given now. */
static uint64_t until(uint64_t t_ns, uint64_t ms, uint64_t now)
{
	uint64_t end = t_ns + ms * 1000000u;
	return now >= end ? 0 : (end - now + 999999u) / 1000000u;
}

struct relay {
	struct hvt_flow *f;
	struct hvt_dir *up, *down; /* towards the connection ("sent"), from it ("received") */
	uint64_t up_eof_at;	   /* with up NULL: when its EOF counts from for -q (0: never) */
	int stop_on_down_eof;
	HANDLE port;
};

/* Why the relay should end now (and r filled in), or 0 with *wait_ms the time until the next
 * deadline (INFINITE: none). */
static int should_end(struct relay *x, const struct hvt_relay_opts *o, struct clock *c,
		      struct hvt_relay_result *r, DWORD *wait_ms)
{
	uint64_t now = hvt_now_ns(), wait = UINT64_MAX;
	struct hvt_dir *up = x->up, *down = x->down;
	if (up && up->done && !x->up_eof_at)
		x->up_eof_at = up->done_at;
	const char *where = NULL;
	int error = hvt_flow_error(up, down, &where);
	if (error || (down && down->done && down->error) || (up && up->done && up->error)) {
		r->error = error;
		r->where = where;
		return 1;
	}
	if ((!up || up->done) && (!down || down->done))
		return 1;
	if (down && down->done && x->stop_on_down_eof)
		return 1;
	if (hvt_interrupted()) {
		r->error = WSAEINTR;
		r->where = "interrupted";
		return 1;
	}
	if (x->up_eof_at && o->quit_ms != HVT_NEVER) {
		uint64_t left = until(x->up_eof_at, o->quit_ms, now);
		if (left == 0)
			return 1;
		wait = left;
	}
	if (o->idle_ms != HVT_NEVER) {
		/* An end of stream is activity too. */
		uint64_t last = (uint64_t)InterlockedCompareExchange64(&x->f->last_activity, 0, 0);
		uint64_t left = until(last, o->idle_ms, now);
		if (left == 0) {
			r->idle_timeout = 1;
			return 1;
		}
		if (left < wait)
			wait = left;
	}
	if (o->progress) {
		uint64_t left = until(c->last_progress, progress_every_ms(), now);
		if (left == 0) {
			progress(c, bytes_of(up), bytes_of(down), 0);
			left = progress_every_ms();
		}
		if (left < wait)
			wait = left;
	}
	*wait_ms = wait >= INFINITE ? INFINITE : (DWORD)wait;
	return 0;
}

/* Runs the flow on this thread until it should end, then stops it and waits for what is in
 * flight. */
static int run(struct relay *x, const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	struct clock c;
	c.start = c.last_progress = hvt_now_ns();
	int rc = hvt_flow_start(x->f);
	if (rc != 0) {
		r->error = rc;
		r->where = "relay";
	}
	int stopping = rc != 0;
	if (stopping)
		hvt_flow_stop(x->f);
	while (!hvt_flow_over(x->f)) {
		DWORD wait = INFINITE;
		if (!stopping && should_end(x, o, &c, r, &wait)) {
			stopping = 1;
			hvt_flow_stop(x->f);
			continue;
		}
		hvt_port_run(x->port, wait);
	}
	if (!stopping) /* over by itself: the last completion decides */
		should_end(x, o, &c, r, &(DWORD){ 0 });
	r->sent = bytes_of(x->up);
	r->received = bytes_of(x->down);
	if (o->progress)
		progress(&c, r->sent, r->received, 1);
	return r->error;
}

/* A new relay on its own port with the ends attached; 0 or code. */
static int relay_open(struct relay *x, struct hvt_end *ends, int nends)
{
	memset(x, 0, sizeof *x);
	int rc = hvt_port_open(&x->port);
	if (rc != 0)
		return rc;
	for (int i = 0; i < nends && rc == 0; i++)
		if (ends[i].ops)
			rc = hvt_end_attach(ends[i], x->port);
	if (rc == 0 && !(x->f = calloc(1, sizeof *x->f)))
		rc = ERROR_NOT_ENOUGH_MEMORY;
	if (rc != 0)
		hvt_port_close(x->port);
	return rc;
}

static void relay_close(struct relay *x)
{
	hvt_flow_free(x->f);
	hvt_port_close(x->port);
}

int hvt_relay_stdio(struct hvt_end conn, const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	struct hvt_end in = { 0, NULL }, out = { 0, NULL };
	struct relay x;
	int rc = 0;
	memset(r, 0, sizeof *r);
	fflush(stdout); /* what the tool printed comes before the data */

	int shutdown_up = !o->no_shutdown && !o->recv_only;
	int read_stdin = !o->no_stdin && !o->recv_only;
	if (read_stdin)
		rc = std_open(STD_INPUT_HANDLE, hvt_isatty(0), &in);
	if (rc == 0 && !o->send_only)
		rc = std_open(STD_OUTPUT_HANDLE, 0, &out);
	struct hvt_end ends[3] = { conn, in, out };
	if (rc == 0)
		rc = relay_open(&x, ends, 3);
	if (rc != 0) {
		std_close(&in);
		std_close(&out);
		return r->error = rc;
	}
	int n = 0;
	if (read_stdin) {
		hvt_flow_dir(x.f, n, in, conn, shutdown_up, "read from stdin", "send");
		x.up = &x.f->d[n++];
	} else if (!o->recv_only) {
		/* -d: as if stdin were empty, so the half-close follows at once. */
		if (shutdown_up)
			conn.ops->shutdown_write(conn.h);
		x.up_eof_at = hvt_now_ns();
	}
	if (!o->send_only) {
		hvt_flow_dir(x.f, n, conn, out, 0, "receive", "write to stdout");
		x.down = &x.f->d[n++];
	}
	/* An interactive user is done when the peer is; a pipe or file still gets sent in full. */
	x.stop_on_down_eof = hvt_isatty(0);
	rc = run(&x, o, r);
	relay_close(&x);
	std_close(&in);
	std_close(&out);
	return rc;
}

int hvt_relay_pair(struct hvt_end a, struct hvt_end b, const struct hvt_relay_opts *o,
		   struct hvt_relay_result *r)
{
	struct relay x;
	memset(r, 0, sizeof *r);
	struct hvt_end ends[2] = { a, b };
	int rc = relay_open(&x, ends, 2);
	if (rc != 0)
		return r->error = rc;
	/* As on Linux: "up" is target -> a (sent), "down" is a -> target (received). */
	hvt_flow_dir(x.f, 0, a, b, !o->no_shutdown, "receive", "send to target");
	hvt_flow_dir(x.f, 1, b, a, !o->no_shutdown, "receive from target", "send");
	x.down = &x.f->d[0];
	x.up = &x.f->d[1];
	rc = run(&x, o, r);
	relay_close(&x);
	return rc;
}
