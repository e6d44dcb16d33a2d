/* The Windows relay: one thread per direction. A pipe stdin cannot be waited on (under Wine
 * it is always "signalled" and PeekNamedPipe fails), so stdin is read by a thread of its own
 * that blocks in ReadFile, sends, and half-closes the socket at EOF; the calling thread
 * receives and writes stdout, and keeps the clock (-i, -q, --progress, Ctrl-C).
 * Socket <-> socket (--to) runs both directions on threads and the caller only watches.
 * Behaviour and results follow common/linux/relay.c. */
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
	HANDLE in;	       /* stdin pump: the handle to read */
	int console;	       /* stdin is a console: CRLF -> LF, ^Z line = EOF */
	SOCKET src;	       /* socket pump: source */
	SOCKET sink;	       /* where the bytes go */
	int shutdown_sink;     /* half-close sink at source EOF */
	const char *src_name, *sink_name;
	HANDLE thread;
};

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
		shutdown(p->sink, SD_SEND);
	p->error = rc;
	p->where = where;
	p->done_at = hvt_now_ns();
	InterlockedExchange(&p->done, 1);
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

static unsigned __stdcall stdin_main(void *arg)
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
		DWORD n = 0;
		if (!ReadFile(p->in, buf, BUF_SIZE, &n, NULL)) {
			DWORD e = GetLastError();
			/* A pipe's writer has gone: that is the pipe's EOF. */
			if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF || p->stop)
				break;
			rc = (int)e;
			where = p->src_name;
			break;
		}
		if (n == 0)
			break;
		long len = (long)n;
		if (p->console && (len = console_text(buf, n)) < 0)
			break;
		if (p->stop)
			break;
		int e = hvt_sock_send_all((hvt_sock)p->sink, buf, (size_t)len);
		if (e != 0) {
			rc = e;
			where = p->sink_name;
			break;
		}
		InterlockedExchangeAdd64(&p->bytes, len);
	}
	free(buf);
	finish(p, rc, where);
	pump_release(p);
	return 0;
}

static unsigned __stdcall sock_main(void *arg)
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
		int w = hvt_win_wait(p->src, 0, HVT_WIN_SLICE_MS);
		if (w == 0 || w == -WSAEINTR)
			continue; /* the relay decides what Ctrl-C means */
		if (w < 0) {
			rc = -w;
			where = p->src_name;
			break;
		}
		int n = recv(p->src, buf, (int)BUF_SIZE, 0);
		if (n == 0)
			break;
		if (n == SOCKET_ERROR) {
			rc = WSAGetLastError();
			where = p->src_name;
			break;
		}
		int e = hvt_sock_send_all((hvt_sock)p->sink, buf, (size_t)n);
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

static int pump_start(struct pump *p, unsigned(__stdcall *fn)(void *))
{
	uintptr_t h = _beginthreadex(NULL, 0, fn, p, 0, NULL);
	if (h == 0) {
		int e = (int)GetLastError();
		return e ? e : ERROR_NOT_ENOUGH_MEMORY;
	}
	p->thread = (HANDLE)h;
	return 0;
}

/* The relay is over: the thread must stop using its handles. A thread blocked in ReadFile on
 * stdin is cancelled where the system allows it, else left behind (it holds its own
 * reference and sends nothing once stop is set). */
static void pump_stop(struct pump *p)
{
	if (!p)
		return;
	InterlockedExchange(&p->stop, 1);
	if (p->thread && WaitForSingleObject(p->thread, 0) != WAIT_OBJECT_0) {
		if (p->in)
			CancelSynchronousIo(p->thread);
		WaitForSingleObject(p->thread, p->in ? 200 : 2000);
	}
	pump_release(p);
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

static int write_stdout(HANDLE out, const char *buf, DWORD n)
{
	while (n > 0) {
		DWORD done = 0;
		if (!WriteFile(out, buf, n, &done, NULL))
			return (int)GetLastError();
		buf += done;
		n -= done;
	}
	return 0;
}

int hvt_relay_stdio(hvt_sock sock, const struct hvt_relay_opts *o, struct hvt_relay_result *r)
{
	SOCKET s = (SOCKET)sock;
	struct pump *up = NULL;
	int rc = 0;
	memset(r, 0, sizeof *r);
	fflush(stdout); /* what the tool printed comes before the data */

	int read_stdin = !o->no_stdin && !o->recv_only;
	int up_active = !o->recv_only;
	int down_active = !o->send_only;
	int shutdown_up = !o->no_shutdown && !o->recv_only;
	uint64_t up_eof_at = 0, up_bytes = 0;
	int up_done = !up_active;
	if (read_stdin) {
		if (!(up = pump_new()))
			return r->error = ERROR_NOT_ENOUGH_MEMORY;
		up->in = GetStdHandle(STD_INPUT_HANDLE);
		up->console = hvt_isatty(0);
		up->sink = s;
		up->shutdown_sink = shutdown_up;
		up->src_name = "read from stdin";
		up->sink_name = "send";
		if ((rc = pump_start(up, stdin_main)) != 0) {
			free(up);
			return r->error = rc;
		}
	} else if (up_active) {
		/* -d: as if stdin were empty, so the half-close follows at once. */
		if (shutdown_up)
			shutdown(s, SD_SEND);
		up_done = 1;
		up_eof_at = hvt_now_ns();
	}

	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
	char *buf = down_active ? malloc(BUF_SIZE) : NULL;
	if (down_active && !buf) {
		pump_stop(up);
		return r->error = ERROR_NOT_ENOUGH_MEMORY;
	}
	/* An interactive user is done when the peer is; a pipe or file still gets sent in full. */
	int stop_on_down_eof = hvt_isatty(0);
	int down_done = !down_active;
	struct clock c = { 0 };
	c.start = c.last_traffic = hvt_now_ns();

	for (;;) {
		if (up && !up_done && is_done(up)) {
			up_done = 1;
			up_eof_at = up->done_at;
			c.last_traffic = hvt_now_ns();
			if (up->error) {
				if (peer_gone(up->error) && down_active && down_done)
					break; /* the peer closed for good: not data it wanted */
				rc = up->error;
				r->where = up->where;
				break;
			}
		}
		if (up)
			up_bytes = bytes_of(up);
		note_traffic(&c, up_bytes + r->received);
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
			progress(&c, up_bytes, r->received, 0);

		if (down_done) {
			WaitForSingleObject(up->thread, (DWORD)wait);
			continue;
		}
		int w = hvt_win_wait(s, 0, wait);
		if (w == 0 || w == -WSAEINTR)
			continue;
		if (w < 0) {
			rc = -w;
			r->where = "receive";
			break;
		}
		int n = recv(s, buf, (int)BUF_SIZE, 0);
		if (n == SOCKET_ERROR) {
			rc = WSAGetLastError();
			r->where = "receive";
			break;
		}
		if (n == 0) {
			down_done = 1;
			c.last_traffic = hvt_now_ns();
			continue;
		}
		if ((rc = write_stdout(out, buf, (DWORD)n)) != 0) {
			r->where = "write to stdout";
			break;
		}
		r->received += (uint64_t)n;
	}
	if (up)
		up_bytes = bytes_of(up);
	r->sent = up_bytes;
	if (o->progress)
		progress(&c, r->sent, r->received, 1);
	free(buf);
	pump_stop(up);
	r->error = rc;
	return rc;
}

int hvt_relay_socks(hvt_sock a, hvt_sock b, const struct hvt_relay_opts *o,
		    struct hvt_relay_result *r)
{
	struct pump *ab = pump_new(), *ba = pump_new();
	int rc = 0;
	memset(r, 0, sizeof *r);
	if (!ab || !ba) {
		free(ab);
		free(ba);
		return r->error = ERROR_NOT_ENOUGH_MEMORY;
	}
	ab->src = (SOCKET)a;
	ab->sink = (SOCKET)b;
	ab->src_name = "receive";
	ab->sink_name = "send to target";
	ba->src = (SOCKET)b;
	ba->sink = (SOCKET)a;
	ba->src_name = "receive from target";
	ba->sink_name = "send";
	ab->shutdown_sink = ba->shutdown_sink = !o->no_shutdown;
	if ((rc = pump_start(ab, sock_main)) != 0) {
		free(ab);
		free(ba);
		return r->error = rc;
	}
	if ((rc = pump_start(ba, sock_main)) != 0) {
		free(ba);
		pump_stop(ab);
		return r->error = rc;
	}

	/* As on POSIX: "up" is target -> a (sent), "down" is a -> target (received). */
	struct clock c = { 0 };
	c.start = c.last_traffic = hvt_now_ns();
	uint64_t up_eof_at = 0;
	HANDLE both[2] = { ab->thread, ba->thread };
	for (;;) {
		int ab_done = is_done(ab), ba_done = is_done(ba);
		if (ba_done && !up_eof_at)
			up_eof_at = ba->done_at;
		note_traffic(&c, bytes_of(ab) + bytes_of(ba));
		struct pump *failed = ab_done && ab->error ? ab : ba_done && ba->error ? ba : NULL;
		if (failed) {
			if (!(failed == ba && peer_gone(failed->error) && ab_done && !ab->error)) {
				rc = failed->error;
				r->where = failed->where;
			}
			break;
		}
		if (ab_done && ba_done)
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
			progress(&c, bytes_of(ba), bytes_of(ab), 0);
		WaitForMultipleObjects(2, both, TRUE, (DWORD)wait);
	}
	r->sent = bytes_of(ba);
	r->received = bytes_of(ab);
	if (o->progress)
		progress(&c, r->sent, r->received, 1);
	pump_stop(ab);
	pump_stop(ba);
	r->error = rc;
	return rc;
}
