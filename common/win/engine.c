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

int hvt_end_attach(struct hvt_end e, HANDLE port)
{
	return e.ops->attach ? e.ops->attach(e.h, port) : 0;
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
		if (d->done)
			continue;
		/* A direction has exactly one operation in flight, on its source or its sink. */
		struct hvt_end *e = d->writing ? &d->sink : &d->src;
		e->ops->cancel(e->h);
	}
}

/* Under the lock. */
static void end_dir(struct hvt_dir *d, int error, const char *where)
{
	struct hvt_flow *f = d->f;
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

static void start_read(struct hvt_dir *d)
{
	d->writing = 0;
	d->f->inflight++;
	int rc = d->src.ops->start_read(d->src.h, d->buf, d->f->bufsize, &d->io.ov);
	if (rc != 0) {
		d->f->inflight--;
		end_dir(d, rc, d->src_name);
	}
}

static void start_write(struct hvt_dir *d)
{
	d->writing = 1;
	d->f->inflight++;
	int rc = d->sink.ops->start_write(d->sink.h, d->buf + d->off, d->len - d->off, &d->io.ov);
	if (rc != 0) {
		d->f->inflight--;
		end_dir(d, rc, d->sink_name);
	}
}

/* Under the lock: a completed read or write of direction d. */
static void step(struct hvt_dir *d, DWORD bytes, DWORD err)
{
	struct hvt_flow *f = d->f;
	memset(&d->io.ov, 0, sizeof d->io.ov);
	if (!d->writing) {
		long n = d->src.ops->result(d->src.h, &d->io.ov, bytes, err);
		if (f->stopping)
			end_dir(d, 0, NULL);
		else if (n > 0) {
			d->len = (size_t)n;
			d->off = 0;
			start_write(d);
		} else if (n == 0) {
			/* EOF: pass it on as a half-close (an error there is the peer's business:
			 * it has gone, and the other direction will say so). */
			if (d->shutdown_sink && d->sink.ops->shutdown_write)
				d->sink.ops->shutdown_write(d->sink.h);
			end_dir(d, 0, NULL);
		} else {
			end_dir(d, (int)-n, d->src_name);
		}
		return;
	}
	long n = d->sink.ops->result(d->sink.h, &d->io.ov, bytes, err);
	if (n > 0) {
		d->off += (size_t)n;
		InterlockedExchangeAdd64(&d->bytes, n);
	}
	if (f->stopping)
		end_dir(d, 0, NULL);
	else if (n < 0)
		end_dir(d, (int)-n, d->sink_name);
	else if (n == 0)
		end_dir(d, ERROR_WRITE_FAULT, d->sink_name); /* no progress: never loop on it */
	else if (d->off < d->len)
		start_write(d);
	else
		start_read(d);
}

static void io_done(struct hvt_io *io, DWORD bytes, DWORD err)
{
	struct hvt_dir *d = (struct hvt_dir *)((char *)io - offsetof(struct hvt_dir, io));
	struct hvt_flow *f = d->f;
	InterlockedExchange64(&f->last_activity, (LONG64)hvt_now_ns());
	AcquireSRWLockExclusive(&f->lock);
	int was_done = f->ndone;
	f->inflight--;
	step(d, bytes, err);
	int changed = f->ndone != was_done;
	int over = f->ndone == f->ndirs && f->inflight == 0;
	ReleaseSRWLockExclusive(&f->lock);
	if ((changed || over) && f->changed)
		f->changed(f, over); /* may free f when over */
}

int hvt_flow_start(struct hvt_flow *f)
{
	InitializeSRWLock(&f->lock);
	f->last_activity = (LONG64)hvt_now_ns();
	if (!f->bufsize)
		f->bufsize = HVT_FLOW_BUF;
	for (int i = 0; i < f->ndirs; i++) {
		struct hvt_dir *d = &f->d[i];
		d->io.done = io_done;
		if (!(d->buf = malloc(f->bufsize)))
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	AcquireSRWLockExclusive(&f->lock);
	for (int i = 0; i < f->ndirs; i++) {
		if (f->stopping) /* an earlier direction failed to start */
			end_dir(&f->d[i], 0, NULL);
		else
			start_read(&f->d[i]);
	}
	int ended = f->ndone > 0, over = f->ndone == f->ndirs && f->inflight == 0;
	ReleaseSRWLockExclusive(&f->lock);
	if ((ended || over) && f->changed)
		f->changed(f, over);
	return 0;
}

void hvt_flow_stop(struct hvt_flow *f)
{
	AcquireSRWLockExclusive(&f->lock);
	if (!f->stopping) {
		f->stopping = 1;
		cancel_all(f);
	}
	ReleaseSRWLockExclusive(&f->lock);
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
	for (int i = 0; i < f->ndirs; i++)
		free(f->d[i].buf);
	free(f);
}

/* After the peer closed for good, a failed send is not data the peer wanted (EPIPE on
 * POSIX; Windows reports a reset or abort). */
static int peer_gone(int code)
{
	return code == WSAECONNRESET || code == WSAECONNABORTED || code == WSAESHUTDOWN ||
	       code == WSAENOTCONN || code == ERROR_NETNAME_DELETED;
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
