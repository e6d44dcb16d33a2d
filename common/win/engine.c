/* The Windows event engine: completion ports and flows (common/win/engine.h). The design is
 * the one of the production users of hvsockets: overlapped WSARecv/WSASend on a completion
 * port and CancelIoEx to end what is in flight (go-winio hvsock.go and its win32File; WSL's
 * relay). A flow keeps one operation in flight per direction, so that a direction's bytes
 * stay in order and an idle direction costs one pending read and no thread. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "sys.h"

/* ---- ports ---------------------------------------------------------------------------------- */

#define PORTS_MAX      64
#define WAKES_PER_PORT 16 /* more than the threads any port has (forward.c: at most 8) */
#define KEY_WAKE       1
#define KICK_AFTER     16 /* rounds of operations done at once in one go (4 MiB at most) */

static SRWLOCK ports_lock = SRWLOCK_INIT;
static HANDLE ports[PORTS_MAX];

int hvt_port_open(HANDLE *port)
{
	HANDLE p = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
	if (!p)
		return (int)GetLastError();
	AcquireSRWLockExclusive(&ports_lock);
	for (int i = 0; i < PORTS_MAX; i++)
		if (!ports[i]) {
			ports[i] = p;
			break;
		}
	ReleaseSRWLockExclusive(&ports_lock);
	*port = p;
	return 0;
}

void hvt_port_close(HANDLE port)
{
	AcquireSRWLockExclusive(&ports_lock);
	for (int i = 0; i < PORTS_MAX; i++)
		if (ports[i] == port)
			ports[i] = NULL;
	ReleaseSRWLockExclusive(&ports_lock);
	CloseHandle(port);
}

int hvt_port_run(HANDLE port, DWORD ms)
{
	DWORD bytes = 0;
	ULONG_PTR key = 0;
	OVERLAPPED *ov = NULL;
	BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, ms);
	if (!ov)
		return 0; /* timed out, or a wake-up */
	struct hvt_io *io = (struct hvt_io *)ov;
	io->done(io, bytes, ok ? 0 : GetLastError());
	return 1;
}

void hvt_port_wake(HANDLE port, int count)
{
	for (int i = 0; i < count; i++)
		PostQueuedCompletionStatus(port, 0, KEY_WAKE, NULL);
}

void hvt_engine_wake_all(void)
{
	AcquireSRWLockShared(&ports_lock);
	for (int i = 0; i < PORTS_MAX; i++)
		if (ports[i])
			hvt_port_wake(ports[i], WAKES_PER_PORT);
	ReleaseSRWLockShared(&ports_lock);
}

int hvt_end_attach(struct hvt_end *e, HANDLE port)
{
	return e->ops->attach ? e->ops->attach(e->h, port) : 0;
}

/* ---- flows ---------------------------------------------------------------------------------- */

void hvt_flow_dir(struct hvt_flow *f, int i, struct hvt_end src, struct hvt_end sink,
		  int shutdown_sink, const char *src_name, const char *sink_name)
{
	struct hvt_dir *d = &f->d[i];
	memset(d, 0, sizeof *d);
	d->f = f;
	d->src = src;
	d->sink = sink;
	d->shutdown_sink = shutdown_sink;
	d->src_name = src_name;
	d->sink_name = sink_name;
	if (f->ndirs < i + 1)
		f->ndirs = i + 1;
}

static void cancel_all(struct hvt_flow *f)
{
	for (int i = 0; i < f->ndirs; i++) {
		struct hvt_dir *d = &f->d[i];
		if (d->reading)
			d->src.ops->cancel(d->src.h);
		if (d->writing)
			d->sink.ops->cancel(d->sink.h);
	}
}

/* Under the lock. */
static void end_dir(struct hvt_dir *d, int error, const char *where)
{
	struct hvt_flow *f = d->f;
	if (d->done)
		return;
	d->done = 1;
	d->error = error;
	d->where = error ? where : NULL;
	d->done_at = hvt_now_ns();
	f->ndone++;
	if (error && !f->stopping) {
		/* One direction failed: the connection is broken, end the other one too. */
		f->stopping = 1;
		cancel_all(f);
	}
}

static void read_done(struct hvt_dir *d, DWORD bytes, DWORD err);
static void write_done(struct hvt_dir *d, DWORD bytes, DWORD err);

/* Starts a read: 1 when it finished at once and was handled, 0 otherwise. */
static int start_read(struct hvt_dir *d)
{
	struct hvt_flow *f = d->f;
	int i = d->ri = (d->head + d->nfull) % 2;
	size_t want = d->grow ? HVT_FLOW_BUF : f->bufsize;
	if (d->b[i].cap < want) {
		char *p = realloc(d->b[i].p, want);
		if (!p && !d->b[i].p) {
			end_dir(d, ERROR_NOT_ENOUGH_MEMORY, d->src_name);
			return 0;
		}
		if (p) {
			d->b[i].p = p;
			d->b[i].cap = want;
		}
	}
	memset(&d->rio.ov, 0, sizeof d->rio.ov);
	d->reading = 1;
	f->inflight++;
	unsigned long now = 0;
	int rc = d->src.ops->start_read(d->src.h, d->b[i].p, d->b[i].cap, &d->rio.ov, &now);
	if (rc == HVT_IO_NOW) {
		f->inflight--;
		read_done(d, now, 0);
		return 1;
	}
	if (rc != 0) {
		d->reading = 0;
		f->inflight--;
		end_dir(d, rc, d->src_name);
	}
	return 0;
}

/* Starts a write: 1 when it finished at once and was handled, 0 otherwise. */
static int start_write(struct hvt_dir *d)
{
	memset(&d->wio.ov, 0, sizeof d->wio.ov);
	d->writing = 1;
	d->f->inflight++;
	unsigned long now = 0;
	int rc = d->sink.ops->start_write(d->sink.h, d->b[d->head].p + d->off,
					  d->b[d->head].len - d->off, &d->wio.ov, &now);
	if (rc == HVT_IO_NOW) {
		d->f->inflight--;
		write_done(d, now, 0);
		return 1;
	}
	if (rc != 0) {
		d->writing = 0;
		d->f->inflight--;
		end_dir(d, rc, d->sink_name);
	}
	return 0;
}

/* Under the lock: starts what direction d can do now, or ends it. */
static void pump(struct hvt_dir *d)
{
	/* Operations that finish at once are handled here, as long as they do, but not for ever:
	 * after KICK_AFTER rounds the direction goes on from a packet of its own, so that other
	 * flows and the relay's clock (-i, Ctrl-C) get their turn. */
	int again = !d->kicked;
	for (int round = 0; again && !d->done && !d->f->stopping; round++) {
		if (round == KICK_AFTER && d->f->port) {
			d->f->inflight++;
			d->kicked = 1;
			PostQueuedCompletionStatus(d->f->port, 0, 0, &d->kick.ov);
			return;
		}
		again = 0;
		/* the read first: a slow source (a thread's ReadFile) works while we write */
		if (!d->reading && !d->eof && d->nfull < 2)
			again |= start_read(d);
		if (!d->done && !d->writing && d->nfull > 0)
			again |= start_write(d);
	}
	if (d->done)
		return;
	if (d->f->stopping) {
		if (!d->reading && !d->writing && !d->kicked)
			end_dir(d, 0, NULL);
		return;
	}
	if (d->kicked)
		return;
	if (d->eof && d->nfull == 0 && !d->writing) {
		/* Everything read has been written: pass the EOF on as a half-close (an error
		 * there is the peer's business: it has gone, and the other direction says so). */
		if (d->shutdown_sink && d->sink.ops->shutdown_write)
			d->sink.ops->shutdown_write(d->sink.h);
		end_dir(d, 0, NULL);
	}
}

/* Under the lock: a completed read of direction d. */
static void read_done(struct hvt_dir *d, DWORD bytes, DWORD err)
{
	d->reading = 0;
	long n = d->src.ops->result(d->src.h, &d->rio.ov, bytes, err);
	if (d->done || d->f->stopping)
		return;
	if (n > 0) {
		int i = d->ri; /* == (head + nfull) % 2: writes only empty buffers */
		d->b[i].len = (size_t)n;
		if ((size_t)n == d->b[i].cap)
			d->grow = 1;
		d->nfull++;
	} else if (n == 0) {
		d->eof = 1;
	} else {
		end_dir(d, (int)-n, d->src_name);
	}
}

/* Under the lock: a completed write of direction d. */
static void write_done(struct hvt_dir *d, DWORD bytes, DWORD err)
{
	d->writing = 0;
	long n = d->sink.ops->result(d->sink.h, &d->wio.ov, bytes, err);
	if (n > 0)
		InterlockedExchangeAdd64(&d->bytes, n);
	if (d->done || d->f->stopping)
		return;
	if (n <= 0) { /* a sink that takes nothing has ended: never loop on it */
		end_dir(d, n < 0 ? (int)-n : ERROR_BROKEN_PIPE, d->sink_name);
		return;
	}
	d->off += (size_t)n;
	if (d->off >= d->b[d->head].len) {
		d->off = 0;
		d->head ^= 1;
		d->nfull--;
	}
}

static void io_done(struct hvt_io *io, DWORD bytes, DWORD err)
{
	struct hvt_dir *d = io->ctx;
	struct hvt_flow *f = d->f;
	InterlockedExchange64(&f->last_activity, (LONG64)hvt_now_ns());
	AcquireSRWLockExclusive(&f->lock);
	f->inflight--;
	if (io == &d->kick) {
		d->kicked = 0;
	} else if (io == &d->rio) {
		read_done(d, bytes, err);
	} else {
		write_done(d, bytes, err);
	}
	pump(d);
	/* f may be freed by another thread as soon as the lock is released, unless this
	 * completion was the last one: read what is needed of it before. */
	void (*over)(struct hvt_flow *) = f->ndone == f->ndirs && f->inflight == 0 ? f->over : NULL;
	ReleaseSRWLockExclusive(&f->lock);
	if (over)
		over(f); /* may free f */
}

int hvt_flow_start(struct hvt_flow *f)
{
	f->last_activity = (LONG64)hvt_now_ns();
	if (!f->bufsize)
		f->bufsize = HVT_FLOW_BUF;
	for (int i = 0; i < f->ndirs; i++) {
		struct hvt_dir *d = &f->d[i];
		d->rio.done = d->wio.done = d->kick.done = io_done;
		d->rio.ctx = d->wio.ctx = d->kick.ctx = d;
	}
	AcquireSRWLockExclusive(&f->lock);
	f->started = 1;
	for (int i = 0; i < f->ndirs; i++)
		pump(&f->d[i]); /* after a failure to start, the rest end at once */
	void (*over)(struct hvt_flow *) = f->ndone == f->ndirs && f->inflight == 0 ? f->over : NULL;
	ReleaseSRWLockExclusive(&f->lock);
	if (over)
		over(f);
	return 0;
}

void hvt_flow_stop(struct hvt_flow *f)
{
	AcquireSRWLockExclusive(&f->lock);
	if (!f->started) { /* hvt_flow_start will end it */
		f->stopping = 1;
		ReleaseSRWLockExclusive(&f->lock);
		return;
	}
	int was_over = f->ndone == f->ndirs && f->inflight == 0;
	if (!f->stopping) {
		f->stopping = 1;
		cancel_all(f);
	}
	for (int i = 0; i < f->ndirs; i++)
		pump(&f->d[i]); /* a direction with nothing in flight ends now */
	void (*over)(struct hvt_flow *) =
		!was_over && f->ndone == f->ndirs && f->inflight == 0 ? f->over : NULL;
	ReleaseSRWLockExclusive(&f->lock);
	if (over)
		over(f);
}

int hvt_flow_over(struct hvt_flow *f)
{
	AcquireSRWLockShared(&f->lock);
	int over = f->ndone == f->ndirs && f->inflight == 0;
	ReleaseSRWLockShared(&f->lock);
	return over;
}

void hvt_flow_free(struct hvt_flow *f)
{
	for (int i = 0; i < f->ndirs; i++) {
		free(f->d[i].b[0].p);
		free(f->d[i].b[1].p);
	}
	free(f);
}

/* After the peer closed for good, a failed send is not data the peer wanted (EPIPE on
 * POSIX; Windows reports a reset or abort). */
static int peer_gone(int code)
{
	return code == WSAECONNRESET || code == WSAECONNABORTED || code == WSAESHUTDOWN ||
	       code == WSAENOTCONN || code == ERROR_NETNAME_DELETED || code == ERROR_BROKEN_PIPE ||
	       code == ERROR_NO_DATA;
}

int hvt_flow_error(const struct hvt_dir *up, const struct hvt_dir *down, const char **where)
{
	const struct hvt_dir *failed = down && down->done && down->error ? down
				       : up && up->done && up->error	 ? up
									 : NULL;
	if (!failed || (failed == up && peer_gone(up->error) && down && down->done))
		return 0;
	*where = failed->where;
	return failed->error;
}

/* The low bit of hEvent keeps the completion off any port the handle is attached to (the
 * GetQueuedCompletionStatus documentation). */
long hvt_end_io_wait(const struct hvt_end *c, int write, void *buf, size_t len, HANDLE cancel,
		     uint64_t ms)
{
	HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ev)
		return -(long)GetLastError();
	OVERLAPPED ov;
	memset(&ov, 0, sizeof ov);
	ov.hEvent = (HANDLE)((uintptr_t)ev | 1);
	unsigned long now = 0;
	int rc = write ? c->ops->start_write(c->h, buf, len, &ov, &now)
		       : c->ops->start_read(c->h, buf, len, &ov, &now);
	long out = rc == HVT_IO_NOW ? (long)now : -(long)rc;
	if (rc == 0) {
		int w = hvt_win_wait_handle(ev, cancel, ms);
		if (w <= 0)
			CancelIoEx((HANDLE)c->h, &ov);
		DWORD n = 0;
		DWORD st = GetOverlappedResult((HANDLE)c->h, &ov, &n, TRUE) ? 0 : GetLastError();
		out = w < 0 ? w : w == 0 ? -(long)WAIT_TIMEOUT : c->ops->result(c->h, &ov, n, st);
	}
	CloseHandle(ev);
	return out;
}
