/* The Windows event engine (docs/architecture.md): overlapped I/O on I/O completion ports,
 * for sockets (WSARecv/WSASend) and HANDLEs (ReadFile/WriteFile) alike, and the flows that
 * move bytes between two ends (relay.h) on it. Used by common/win/relay.c (one connection,
 * completions handled on the calling thread) and common/win/forward.c (every connection of
 * `hvnc -lk --to`, completions handled by a small fixed pool of threads). No polling: a
 * thread sleeps in GetQueuedCompletionStatus until an operation completes, a deadline it
 * asked for passes, or Ctrl-C (the console handler wakes every port, hvt_engine_wake_all). */
#ifndef HVT_ENGINE_H
#define HVT_ENGINE_H

#include "win.h"

#include "relay.h"

/* One overlapped operation; its completion calls done(io, bytes, err) on a thread of the
 * port (err: 0, or the Win32 code GetQueuedCompletionStatus gave). */
struct hvt_io {
	OVERLAPPED ov; /* first: the OVERLAPPED * of a completion is the hvt_io * */
	void (*done)(struct hvt_io *io, DWORD bytes, DWORD err);
	void *ctx;
};

/* A completion port. 0 or an error code; the port is registered for hvt_engine_wake_all. */
int hvt_port_open(HANDLE *port);
void hvt_port_close(HANDLE port);
/* Handles completions on this thread for at most ms (INFINITE: until one arrives): 1 after a
 * completion was handled, 0 when the time was up or a wake-up came. */
int hvt_port_run(HANDLE port, DWORD ms);
/* Wakes threads sleeping in hvt_port_run on port (count of them). */
void hvt_port_wake(HANDLE port, int count);
/* Ctrl-C: wakes every thread of every open port (common/win/sys.c). */
void hvt_engine_wake_all(void);

/* One read or write on end c outside any port, waited for on this thread together with the
 * stop event and cancel (NULL: none), at most ms (UINT64_MAX: no limit): bytes (reads: 0 at
 * EOF), or -code (-WAIT_TIMEOUT when ms passed). Cancelled on the way out. */
long hvt_end_io_wait(const struct hvt_end *c, int write, void *buf, size_t len, HANDLE cancel,
		     uint64_t ms);

/* ---- flows: bytes between ends ------------------------------------------------------------ */

#define HVT_FLOW_BUF (256u << 10)

struct hvt_flow;

/* One direction: src -> sink, with two buffers: while one is written, the next is read, so a
 * direction keeps at most one read and one write in flight and its bytes stay in order. A
 * buffer starts at the flow's bufsize and grows to HVT_FLOW_BUF once a read fills it (a bulk
 * transfer), so that idle connections stay small. */
struct hvt_dir {
	struct hvt_flow *f;
	struct hvt_end src, sink;
	struct hvt_io rio, wio;
	struct hvt_io kick; /* posted to go on later after many operations done at once */
	struct {
		char *p;
		size_t cap, len;
	} b[2];
	int head;	   /* the buffer written now, or next */
	int nfull;	   /* buffers read and not yet written (0-2) */
	int ri;		   /* the buffer a read in flight fills */
	size_t off;	   /* bytes of b[head] written */
	int reading;	   /* a read is in flight */
	int writing;	   /* a write is in flight */
	int grow;	   /* a read filled its buffer: the next ones get HVT_FLOW_BUF */
	int kicked;	   /* its kick is on the port: go on when it arrives */
	int eof;	   /* the source's EOF came: done once all is written */
	int shutdown_sink; /* half-close sink at source EOF */
	int done;	   /* EOF passed on, error, or stopped */
	int error;	   /* the first error of this direction (0: none) */
	const char *where; /* with error: "receive", "send to target", ... */
	const char *src_name, *sink_name;
	uint64_t done_at;
	volatile LONG64 bytes;
};

struct hvt_flow {
	struct hvt_dir d[2];
	int ndirs;
	size_t bufsize; /* a buffer's first size (0: HVT_FLOW_BUF) */
	HANDLE port;	/* the completion port its ends are attached to */
	SRWLOCK lock;	/* zeroed memory is an unlocked lock: allocate flows with calloc */
	int started;	/* hvt_flow_start has run */
	int stopping;	/* no new operations; those in flight are cancelled */
	int inflight;	/* operations started and not completed */
	int ndone;	/* directions done */
	volatile LONG64 last_activity; /* hvt_now_ns() of the last completion */
	/* Called once, when the flow is over (ndone == ndirs, nothing in flight), outside the
	 * lock on the thread that ended it; may free f. Only then: a call for a direction that
	 * ended while the other still ran could meet f freed by the other's last completion on
	 * another thread of the port. */
	void (*over)(struct hvt_flow *f);
};

/* Sets up direction i of f: src -> sink. The ends must have been attached to the port. */
void hvt_flow_dir(struct hvt_flow *f, int i, struct hvt_end src, struct hvt_end sink,
		  int shutdown_sink, const char *src_name, const char *sink_name);
/* Starts every direction (a flow stopped before is ended at once); 0 or an error code. */
int hvt_flow_start(struct hvt_flow *f);
/* Ends the flow: no new operations, those in flight are cancelled (CancelIoEx); over(f)
 * follows once they have completed. */
void hvt_flow_stop(struct hvt_flow *f);
/* Whether the flow is over (every direction done and nothing in flight). */
int hvt_flow_over(struct hvt_flow *f);
void hvt_flow_free(struct hvt_flow *f);
/* A relay's error, from its directions up (towards the connection) and down (from it, the
 * first to blame), with *where set; 0 when none. A send that failed after the peer had
 * closed for good (down at EOF) is no error: the peer did not want those bytes. */
int hvt_flow_error(const struct hvt_dir *up, const struct hvt_dir *down, const char **where);

/* A HANDLE opened with FILE_FLAG_OVERLAPPED (a named pipe's instance) as an end:
 * common/win/pipe.c. */
extern const struct hvt_end_ops hvt_npipe_end;

/* Attaches an end to port (its operations complete there); 0 or code. */
int hvt_end_attach(struct hvt_end *e, HANDLE port);

#endif
