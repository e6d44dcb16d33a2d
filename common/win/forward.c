/* The Windows forwarding server (common/forward.h) on the event engine (engine.h): every
 * connection pair is a flow on one completion port, and a fixed set of threads serves them
 * all, however many there are:
 *   - the calling thread accepts (hvt_sock_accept: non-blocking accept waited for with
 *     WSAEventSelect and the stop event) and queues each new connection;
 *   - CONNECTORS threads take them from the queue and connect to the target with
 *     hvt_sock_connect (the portable connect: -w, every address of a name, hv's reconnects,
 *     a family's handshake), then start the pair's flow;
 *   - WORKERS threads (the CPUs, 2 to 8) handle the completions of every flow;
 *   - with -i, one more thread ends pairs idle for too long, waking only at the next
 *     deadline.
 * An idle pair costs two pending reads and its buffers, and wakes no thread. Ctrl-C stops
 * accepting, cancels every flow (CancelIoEx) and ends within a moment. docs/performance.md
 * has the figures. */
#include "engine.h"

#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "msg.h"
#include "relay.h"
#include "sys.h"

#define CONNECTORS  4
#define WORKERS_MAX 8
#define PAIR_BUF    (16u << 10) /* a buffer's first size: 1000 idle pairs take 32 MiB */

struct pair {
	struct hvt_flow f; /* first: hvt_flow_free frees the pair */
	hvt_sock s, t;	   /* accepted, and to the target */
	struct pair *prev, *next;
	volatile LONG idle; /* ended by -i */
};

struct queued {
	hvt_sock s;
	struct queued *next;
};

static struct {
	const struct hvt_forward_opts *o;
	const struct hvt_addr *target, *listening;
	HANDLE port;
	HANDLE slot;	    /* auto-reset: a pair ended (below -m again, or all gone) */
	HANDLE sweep;	    /* auto-reset: the idle sweeper has a new pair to watch */
	volatile LONG live; /* connections accepted and not yet closed */
	volatile LONG quit; /* Ctrl-C or a failed listener: connect and accept no more */
	volatile LONG over; /* every pair has ended: the workers and the sweeper go */
	SRWLOCK lock;	    /* the pairs and the queue */
	CONDITION_VARIABLE queued;
	struct pair *pairs;
	struct queued *head, *tail;
} fw;

static void conn_gone(void)
{
	InterlockedDecrement(&fw.live);
	SetEvent(fw.slot);
}

/* A pair is over (a worker thread, or a connector when it failed to start): report, close. */
static void pair_over(struct hvt_flow *f)
{
	struct pair *p = (struct pair *)f;
	const char *where = NULL;
	int rc = hvt_flow_error(&f->d[1], &f->d[0], &where);
	if (p->idle)
		hvt_warnx("idle for %.1f s, closing", (double)fw.o->relay.idle_ms / 1000.0);
	else if (rc != 0 && !hvt_interrupted())
		hvt_warnx("%s: %s", where ? where : "relay", hvt_strerror(rc));
	AcquireSRWLockExclusive(&fw.lock);
	if (p->prev)
		p->prev->next = p->next;
	else
		fw.pairs = p->next;
	if (p->next)
		p->next->prev = p->prev;
	ReleaseSRWLockExclusive(&fw.lock);
	hvt_conn_close(p->t, fw.target);
	hvt_conn_close(p->s, fw.listening);
	hvt_flow_free(f);
	conn_gone();
}

/* Connected: the pair's flow on the port. */
static void pair_start(hvt_sock s, hvt_sock t)
{
	struct pair *p = calloc(1, sizeof *p);
	struct hvt_end a = hvt_end_of(s, fw.listening), b = hvt_end_of(t, fw.target);
	int rc = p ? 0 : ERROR_NOT_ENOUGH_MEMORY;
	if (rc == 0)
		rc = hvt_end_attach(&a, fw.port);
	if (rc == 0)
		rc = hvt_end_attach(&b, fw.port);
	if (rc != 0) {
		hvt_warn(rc, "cannot serve connection");
		free(p);
		hvt_conn_close(t, fw.target);
		hvt_conn_close(s, fw.listening);
		conn_gone();
		return;
	}
	int sh = !fw.o->relay.no_shutdown;
	p->s = s;
	p->t = t;
	p->f.bufsize = PAIR_BUF;
	p->f.port = fw.port;
	p->f.over = pair_over;
	p->f.last_activity = (LONG64)hvt_now_ns(); /* for the sweeper, which sees it at once */
	/* As hvt_relay_pair: d[0] is a -> target ("received"), d[1] target -> a ("sent"). */
	hvt_flow_dir(&p->f, 0, a, b, sh, "receive", "send to target");
	hvt_flow_dir(&p->f, 1, b, a, sh, "receive from target", "send");
	AcquireSRWLockExclusive(&fw.lock);
	p->next = fw.pairs;
	if (fw.pairs)
		fw.pairs->prev = p;
	fw.pairs = p;
	ReleaseSRWLockExclusive(&fw.lock);
	if (fw.quit)
		hvt_flow_stop(&p->f); /* Ctrl-C came while we connected: start and end at once */
	if (fw.sweep)
		SetEvent(fw.sweep);
	if ((rc = hvt_flow_start(&p->f)) != 0) {
		hvt_warn(rc, "cannot serve connection");
		hvt_flow_stop(&p->f);
	}
}

static unsigned __stdcall connector(void *arg)
{
	char buf[HVT_ADDR_STRLEN];
	(void)arg;
	for (;;) {
		AcquireSRWLockExclusive(&fw.lock);
		while (!fw.head && !fw.quit)
			SleepConditionVariableSRW(&fw.queued, &fw.lock, INFINITE, 0);
		struct queued *q = fw.head;
		if (q && !(fw.head = q->next))
			fw.tail = NULL;
		ReleaseSRWLockExclusive(&fw.lock);
		if (!q)
			break; /* quitting and nothing queued */
		hvt_sock s = q->s, t;
		free(q);
		int rc = fw.quit ? WSAEINTR
				 : hvt_sock_connect(fw.target, fw.o->wait_ms, NULL, NULL, &t);
		if (rc != 0) {
			if (!hvt_interrupted())
				hvt_report("connect", fw.target, rc);
			hvt_sock_close(s);
			conn_gone();
			continue;
		}
		if (fw.o->verbose)
			hvt_warnx("connected to %s", hvt_addr_format(fw.target, buf, sizeof buf));
		pair_start(s, t);
	}
	return 0;
}

static unsigned __stdcall worker(void *arg)
{
	(void)arg;
	while (!fw.over) /* not quit: the pairs' cancelled operations still complete here */
		hvt_port_run(fw.port, INFINITE);
	return 0;
}

/* -i: ends pairs without traffic for idle_ms; sleeps until the earliest deadline. */
static unsigned __stdcall sweeper(void *arg)
{
	(void)arg;
	uint64_t idle_ns = fw.o->relay.idle_ms * 1000000u;
	while (!fw.over) {
		uint64_t now = hvt_now_ns(), next = UINT64_MAX;
		AcquireSRWLockExclusive(&fw.lock);
		for (struct pair *p = fw.pairs; p; p = p->next) {
			uint64_t last =
				(uint64_t)InterlockedCompareExchange64(&p->f.last_activity, 0, 0);
			if (p->idle)
				continue;
			if (now - last >= idle_ns) {
				p->idle = 1;
				hvt_flow_stop(&p->f);
			} else if (last + idle_ns - now < next) {
				next = last + idle_ns - now;
			}
		}
		ReleaseSRWLockExclusive(&fw.lock);
		HANDLE hs[2] = { fw.sweep, hvt_win_stop_event() };
		DWORD ms = next == UINT64_MAX ? INFINITE : (DWORD)(next / 1000000u + 1);
		/* once stopped, the stop event stays set: then wait for the pairs alone */
		WaitForMultipleObjects(fw.quit ? 1 : 2, hs, FALSE, ms);
	}
	return 0;
}

int hvt_forward_serves(const struct hvt_addr *to)
{
	(void)to; /* every connection is a hvt_sock_connect() of its own: handshakes too */
	return 1;
}

static int workers_for_cpus(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	int n = (int)si.dwNumberOfProcessors;
	return n < 2 ? 2 : n > WORKERS_MAX ? WORKERS_MAX : n;
}

/* Out of sockets or memory for one more connection: the server goes on once some have ended,
 * as on Linux (common/linux/forward.c), instead of ending every connection it serves. */
static int out_of_resources(int rc)
{
	return rc == WSAEMFILE || rc == WSAENOBUFS || rc == ERROR_NOT_ENOUGH_MEMORY ||
	       rc == ERROR_NO_SYSTEM_RESOURCES;
}

/* Says so (at most every 5 s) and waits 100 ms, or less when a pair ends. */
static void pause_accepting(int rc)
{
	static uint64_t warned_at;
	char buf[HVT_ADDR_STRLEN];
	uint64_t now = hvt_now_ns();
	if (!warned_at || now - warned_at > 5000000000u) {
		hvt_warn(rc, "accept on %s (%ld connections)",
			 hvt_addr_format(fw.listening, buf, sizeof buf),
			 (long)InterlockedCompareExchange(&fw.live, 0, 0));
		warned_at = now;
	}
	hvt_win_wait_handle(fw.slot, NULL, 100);
}

/* Accepts until Ctrl-C or a failure of the listener; returns 0 or that failure's code. */
static int accept_all(hvt_sock l)
{
	char buf[HVT_ADDR_STRLEN];
	for (;;) {
		while ((uint64_t)InterlockedCompareExchange(&fw.live, 0, 0) >= fw.o->max_conns &&
		       !hvt_interrupted())
			hvt_win_wait_handle(fw.slot, NULL, UINT64_MAX);
		if (hvt_interrupted())
			return 0;
		struct hvt_addr peer;
		hvt_sock s;
		int rc = hvt_sock_accept(l, &s, &peer);
		if (rc != 0 && out_of_resources(rc) && !hvt_interrupted()) {
			pause_accepting(rc);
			continue;
		}
		if (rc != 0) {
			if (hvt_interrupted())
				return 0;
			hvt_report("accept on", fw.listening, rc);
			return rc;
		}
		if (fw.o->verbose)
			hvt_warnx("connection from %s", hvt_addr_format(&peer, buf, sizeof buf));
		struct queued *q = malloc(sizeof *q);
		if (!q) {
			hvt_warn(ERROR_NOT_ENOUGH_MEMORY, "cannot serve connection");
			hvt_sock_close(s);
			continue;
		}
		q->s = s;
		q->next = NULL;
		InterlockedIncrement(&fw.live);
		AcquireSRWLockExclusive(&fw.lock);
		if (fw.tail)
			fw.tail->next = q;
		else
			fw.head = q;
		fw.tail = q;
		ReleaseSRWLockExclusive(&fw.lock);
		WakeConditionVariable(&fw.queued);
	}
}

/* Ends every pair and waits up to 2 s for them (what is left ends with the process). */
static int stop_all(void)
{
	uint64_t end = hvt_now_ns() + 2000000000u;
	AcquireSRWLockExclusive(&fw.lock);
	InterlockedExchange(&fw.quit, 1);
	for (struct pair *p = fw.pairs; p; p = p->next)
		hvt_flow_stop(&p->f);
	ReleaseSRWLockExclusive(&fw.lock);
	WakeAllConditionVariable(&fw.queued);
	while (InterlockedCompareExchange(&fw.live, 0, 0) > 0 && hvt_now_ns() < end)
		WaitForSingleObject(fw.slot, (DWORD)((end - hvt_now_ns()) / 1000000u + 1));
	return InterlockedCompareExchange(&fw.live, 0, 0) == 0;
}

int hvt_forward(hvt_sock l, const struct hvt_addr *listen_addr, const struct hvt_addr *to,
		const struct hvt_forward_opts *o)
{
	HANDLE threads[CONNECTORS + WORKERS_MAX + 1];
	int nthreads = 0, nworkers = workers_for_cpus();
	memset(&fw, 0, sizeof fw);
	fw.o = o;
	fw.target = to;
	fw.listening = listen_addr;
	InitializeSRWLock(&fw.lock);
	InitializeConditionVariable(&fw.queued);
	int rc = hvt_port_open(&fw.port);
	if (rc != 0 || !(fw.slot = CreateEventW(NULL, FALSE, FALSE, NULL)) ||
	    (o->relay.idle_ms != HVT_NEVER &&
	     !(fw.sweep = CreateEventW(NULL, FALSE, FALSE, NULL)))) {
		rc = rc ? rc : (int)GetLastError();
		hvt_warn(rc, "cannot start the forwarder");
		return rc;
	}
	for (int i = 0; i < CONNECTORS + nworkers + (fw.sweep ? 1 : 0); i++) {
		unsigned(__stdcall * fn)(void *) = i < CONNECTORS	       ? connector
						   : i < CONNECTORS + nworkers ? worker
									       : sweeper;
		uintptr_t t = _beginthreadex(NULL, 64u << 10, fn, NULL, 0, NULL);
		if (!t) {
			rc = (int)GetLastError();
			hvt_warn(rc, "cannot start the forwarder");
			break;
		}
		threads[nthreads++] = (HANDLE)t;
	}
	if (rc == 0)
		rc = accept_all(l);
	if (stop_all()) {
		/* Everything has ended: the threads can go (else the process exit ends them). */
		InterlockedExchange(&fw.over, 1);
		hvt_port_wake(fw.port, nworkers);
		if (fw.sweep)
			SetEvent(fw.sweep);
		WaitForMultipleObjects((DWORD)nthreads, threads, TRUE, 2000);
	}
	return rc;
}
