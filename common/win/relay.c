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
 * like any other; stdin's thread reads ahead into two buffers, so that reading the pipe and
 * sending run at the same time and what has been read is handed over at once. stdin's
 * thread lives as long as the process and serves relay after relay (hvnc -lk), so that no
 * byte read after one relay ended is lost to the next. A stdout call that never returns (a
 * stdout nobody reads) is abandoned when the relay ends, and its thread is left behind. */
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
	HANDLE h, thread;
	int reader;  /* stdin: reads ahead; stdout: writes what it is given */
	int console; /* console input: CRLF -> LF, ^Z ends */
	HANDLE port; /* where completions go */
	SRWLOCK lock;
	CONDITION_VARIABLE cv; /* the thread has something to do */
	int quit;	       /* the relay is over */
	/* stdin: two buffers read ahead, then EOF or an error (ended, endcode) */
	struct {
		char *p;
		size_t n, off;
	} slot[2];
	int shead, sfull, ended;
	long endcode;
	/* a request waiting for the thread: a read with nothing read ahead, or a write */
	int pending, abandoned;
	void *user;
	size_t len;
	OVERLAPPED *ov;
	long result; /* of the last request: bytes, 0 EOF, -code */
};

static void std_release(struct std_end *e)
{
	if (InterlockedDecrement(&e->refs) == 0) {
		if (e->thread)
			CloseHandle(e->thread);
		free(e->slot[0].p);
		free(e->slot[1].p);
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

static long std_read(struct std_end *e, char *buf, size_t len)
{
	for (;;) {
		DWORD n = 0;
		if (!ReadFile(e->h, buf, (DWORD)len, &n, NULL)) {
			DWORD err = GetLastError();
			/* A pipe's writer has gone: that is the pipe's EOF. */
			return err == ERROR_BROKEN_PIPE || err == ERROR_HANDLE_EOF ? 0 : -(long)err;
		}
		if (!e->console || n == 0)
			return (long)n;
		long t = console_text(buf, n);
		if (t != 0)
			return t < 0 ? 0 : t;
	}
}

static long std_write(struct std_end *e, const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		DWORD done = 0;
		if (!WriteFile(e->h, buf + off, (DWORD)(len - off), &done, NULL))
			return -(long)GetLastError();
		off += done;
	}
	return (long)len;
}

/* Under the lock: gives the pending read what has been read ahead (e->result). */
static void deliver(struct std_end *e)
{
	e->pending = 0;
	if (e->sfull) {
		size_t n = e->slot[e->shead].n - e->slot[e->shead].off;
		if (n > e->len)
			n = e->len;
		memcpy(e->user, e->slot[e->shead].p + e->slot[e->shead].off, n);
		e->result = (long)n;
		if ((e->slot[e->shead].off += n) == e->slot[e->shead].n) {
			e->shead ^= 1;
			e->sfull--;
			WakeConditionVariable(&e->cv); /* room to read ahead again */
		}
	} else {
		e->result = e->endcode;
	}
}

/* stdin: reads ahead into the free buffer until EOF, an error or the end of the relay. */
static void std_reader(struct std_end *e)
{
	AcquireSRWLockExclusive(&e->lock);
	for (;;) {
		while (!e->quit && (e->sfull == 2 || e->ended))
			SleepConditionVariableSRW(&e->cv, &e->lock, INFINITE, 0);
		if (e->quit)
			break;
		int i = (e->shead + e->sfull) % 2;
		ReleaseSRWLockExclusive(&e->lock);
		long r = std_read(e, e->slot[i].p, HVT_FLOW_BUF);
		AcquireSRWLockExclusive(&e->lock);
		if (e->quit)
			break;
		if (r > 0) {
			e->slot[i].n = (size_t)r;
			e->slot[i].off = 0;
			e->sfull++;
		} else {
			e->ended = 1;
			e->endcode = r;
		}
		if (e->pending && !e->abandoned) {
			deliver(e);
			PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		}
	}
	ReleaseSRWLockExclusive(&e->lock);
}

/* stdout: writes each request in full, then completes it. */
static void std_writer(struct std_end *e)
{
	AcquireSRWLockExclusive(&e->lock);
	for (;;) {
		while (!e->quit && !e->pending)
			SleepConditionVariableSRW(&e->cv, &e->lock, INFINITE, 0);
		if (e->quit)
			break;
		size_t len = e->len;
		ReleaseSRWLockExclusive(&e->lock);
		long r = std_write(e, e->slot[0].p, len);
		AcquireSRWLockExclusive(&e->lock);
		if (!e->abandoned) {
			e->result = r;
			PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		}
		e->pending = 0;
	}
	ReleaseSRWLockExclusive(&e->lock);
}

static unsigned __stdcall std_main(void *arg)
{
	struct std_end *e = arg;
	if (e->reader)
		std_reader(e);
	else
		std_writer(e);
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

static int std_start_read(hvt_sock h, void *buf, size_t len, void *ov, unsigned long *now)
{
	struct std_end *e = std_of(h);
	int rc = 0;
	AcquireSRWLockExclusive(&e->lock);
	e->user = buf;
	e->len = len;
	e->ov = ov;
	e->abandoned = 0;
	if (e->sfull || e->ended) {
		deliver(e);
		if (e->result < 0) {
			rc = (int)-e->result;
		} else {
			*now = (unsigned long)e->result;
			rc = HVT_IO_NOW;
		}
	} else {
		e->pending = 1;
	}
	ReleaseSRWLockExclusive(&e->lock);
	return rc;
}

static int std_start_write(hvt_sock h, const void *buf, size_t len, void *ov, unsigned long *now)
{
	struct std_end *e = std_of(h);
	(void)now;
	if (len > HVT_FLOW_BUF)
		len = HVT_FLOW_BUF;
	AcquireSRWLockExclusive(&e->lock);
	memcpy(e->slot[0].p, buf, len); /* the relay's buffer may be gone when WriteFile returns */
	e->len = len;
	e->ov = ov;
	e->abandoned = 0;
	e->pending = 1;
	WakeConditionVariable(&e->cv);
	ReleaseSRWLockExclusive(&e->lock);
	return 0;
}

static long std_result(hvt_sock h, void *ov, unsigned long bytes, unsigned long status)
{
	(void)ov;
	(void)bytes;
	(void)status;
	return std_of(h)->result;
}

/* The request in progress is given up: its completion is posted now. stdin's thread goes on
 * reading for the next relay (stdin_end); what stdout's call brings (if it ever returns) is
 * dropped, and CancelSynchronousIo ends a blocked WriteFile where the system allows it. */
static void std_cancel(hvt_sock h)
{
	struct std_end *e = std_of(h);
	AcquireSRWLockExclusive(&e->lock);
	if (e->pending && !e->abandoned) {
		e->abandoned = 1;
		e->pending = e->reader ? 0 : e->pending;
		e->result = -ERROR_OPERATION_ABORTED;
		PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		if (!e->reader)
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

/* stdin's end lives as long as the process: its thread may be in a ReadFile when a relay
 * ends (hvnc -lk serves one connection after the other), and what it reads then, or has read
 * ahead, belongs to the next relay, as the bytes a POSIX relay left unread in the pipe. */
static SRWLOCK stdin_lock = SRWLOCK_INIT;
static struct std_end *stdin_end;

/* The end for standard handle `which` (STD_INPUT_HANDLE: a reader, STD_OUTPUT_HANDLE: a
 * writer); 0 or code. */
static int std_open(DWORD which, int console, struct hvt_end *out)
{
	int reader = which == STD_INPUT_HANDLE;
	AcquireSRWLockExclusive(&stdin_lock);
	struct std_end *e = reader ? stdin_end : NULL;
	ReleaseSRWLockExclusive(&stdin_lock);
	if (e) {
		out->h = (hvt_sock)e;
		out->ops = &std_ops;
		return 0;
	}
	e = calloc(1, sizeof *e);
	if (!e || !(e->slot[0].p = malloc(HVT_FLOW_BUF)) ||
	    (reader && !(e->slot[1].p = malloc(HVT_FLOW_BUF)))) {
		if (e)
			free(e->slot[0].p);
		free(e);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	e->refs = 2;
	e->h = GetStdHandle(which);
	e->reader = reader;
	e->console = console;
	InitializeSRWLock(&e->lock);
	InitializeConditionVariable(&e->cv);
	uintptr_t t = _beginthreadex(NULL, 64u << 10, std_main, e, 0, NULL);
	if (!t) {
		int rc = (int)GetLastError();
		e->refs = 1;
		std_release(e);
		return rc ? rc : ERROR_NOT_ENOUGH_MEMORY;
	}
	e->thread = (HANDLE)t;
	if (reader) { /* the relay's reference is now the process's (std_close) */
		AcquireSRWLockExclusive(&stdin_lock);
		stdin_end = e;
		ReleaseSRWLockExclusive(&stdin_lock);
	}
	out->h = (hvt_sock)e;
	out->ops = &std_ops;
	return 0;
}

/* The relay is over: stdout's thread ends after the call it is in, if ever; stdin's stays,
 * reading ahead for the next relay (stdin_end). */
static void std_close(struct hvt_end *e)
{
	if (!e->ops)
		return;
	struct std_end *s = std_of(e->h);
	AcquireSRWLockExclusive(&s->lock);
	s->abandoned = 1;
	if (s->reader) {
		s->pending = 0;
		s->port = NULL;
		ReleaseSRWLockExclusive(&s->lock);
		return;
	}
	s->quit = 1;
	WakeConditionVariable(&s->cv);
	ReleaseSRWLockExclusive(&s->lock);
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
			rc = hvt_end_attach(&ends[i], x->port);
	if (rc == 0 && !(x->f = calloc(1, sizeof *x->f)))
		rc = ERROR_NOT_ENOUGH_MEMORY;
	if (rc == 0)
		x->f->port = x->port;
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
	conn = ends[0]; /* as attached */
	int n = 0;
	if (read_stdin) {
		hvt_flow_dir(x.f, n, ends[1], conn, shutdown_up, "read from stdin", "send");
		x.up = &x.f->d[n++];
	} else if (!o->recv_only) {
		/* -d: as if stdin were empty, so the half-close follows at once. */
		if (shutdown_up)
			conn.ops->shutdown_write(conn.h);
		x.up_eof_at = hvt_now_ns();
	}
	if (!o->send_only) {
		hvt_flow_dir(x.f, n, conn, ends[2], 0, "receive", "write to stdout");
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
	hvt_flow_dir(x.f, 0, ends[0], ends[1], !o->no_shutdown, "receive", "send to target");
	hvt_flow_dir(x.f, 1, ends[1], ends[0], !o->no_shutdown, "receive from target", "send");
	x.down = &x.f->d[0];
	x.up = &x.f->d[1];
	rc = run(&x, o, r);
	relay_close(&x);
	return rc;
}
