/* Moving bytes: stdin/stdout <-> a connection, and connection <-> connection. Linux: one poll
 * loop, splice(2) where both ends allow it (common/linux/relay.c). Windows: overlapped I/O on
 * a completion port handled by the calling thread (common/win/relay.c, engine.h). */
#ifndef HVT_RELAY_H
#define HVT_RELAY_H

#include <stdint.h>
#include "net.h"

#define HVT_NEVER UINT64_MAX

struct hvt_relay_opts {
	int no_stdin;	  /* -d: never read stdin (the socket's write side is shut at once
			       * unless no_shutdown) */
	int no_shutdown;  /* --no-shutdown: keep the write side open after input EOF */
	int send_only;	  /* --send-only: ignore what the peer sends */
	int recv_only;	  /* --recv-only: do not read stdin */
	uint64_t quit_ms; /* -q: stop this long after input EOF; HVT_NEVER = wait for peer */
	uint64_t idle_ms; /* -i: stop after this long with no traffic; HVT_NEVER = off */
	int progress;	  /* --progress: bytes, rate, elapsed on stderr */
};

struct hvt_relay_result {
	uint64_t sent, received; /* bytes to / from the (first) socket */
	int error;		 /* 0, or platform error code */
	const char *where;	 /* on error: "read from stdin", "write to stdout",
				       * "send", "receive", ... */
	int idle_timeout;	 /* ended by -i */
};

void hvt_relay_opts_init(struct hvt_relay_opts *o);

/* What the relays need of one end of a connection. Every socket family shares the platform's
 * socket ends (hvt_sock_end_ops); a family whose stream is not a socket (a Windows named pipe
 * is a HANDLE) brings its own ops in its descriptor (family.h), and the relays and forwarders
 * take it like any other end.
 * On Linux every end is a file descriptor: the relay polls and splices it itself and uses
 * only shutdown_write. Windows moves bytes with overlapped I/O on a completion port (the
 * event engine, common/win/engine.h) and uses the rest; `ov` is an OVERLAPPED there. */
struct hvt_end_ops {
	/* Tells the peer no more bytes come (a half-close); 0 or code. An end that has none (a
	 * byte-mode pipe) does nothing: its peer sees EOF only when the connection closes. */
	int (*shutdown_write)(hvt_sock h);
	/* Windows: makes h's operations complete on the completion port `port`; 0 or code. */
	int (*attach)(hvt_sock h, void *port);
	/* Windows: reads / writes up to len bytes: HVT_IO_NOW when done at once (*now bytes, 0
	 * for a read at EOF; no completion follows), 0 when an overlapped operation is in
	 * progress (its completion arrives on the port), or an error code. */
	int (*start_read)(hvt_sock h, void *buf, size_t len, void *ov, unsigned long *now);
	int (*start_write)(hvt_sock h, const void *buf, size_t len, void *ov, unsigned long *now);
	/* Windows: what a completed operation did, from the completion's bytes and status:
	 * bytes (> 0), 0 at end of stream (reads), or -code. */
	long (*result)(hvt_sock h, void *ov, unsigned long bytes, unsigned long status);
	/* Windows: cancels h's operations in flight (they complete with an error soon). */
	void (*cancel)(hvt_sock h);
	/* Closes h (NULL: hvt_sock_close). */
	void (*close)(hvt_sock h);
};

#define HVT_IO_NOW (-1)

struct hvt_end {
	hvt_sock h;
	const struct hvt_end_ops *ops;
};

extern const struct hvt_end_ops hvt_sock_end_ops; /* common/linux/net.c, common/win/net.c */

/* The end for a connection h of address a's family. */
struct hvt_end hvt_end_of(hvt_sock h, const struct hvt_addr *a);

/* Closes connection h of address a's family (a socket, or the family's own handle). */
void hvt_conn_close(hvt_sock h, const struct hvt_addr *a);

/* Relays stdin -> c and c -> stdout until both directions are done. Returns 0 or error. */
int hvt_relay_stdio(struct hvt_end c, const struct hvt_relay_opts *o, struct hvt_relay_result *r);

/* Relays a <-> b (forwarding), half-closes each way as EOF arrives. Returns 0 or error. */
int hvt_relay_pair(struct hvt_end a, struct hvt_end b, const struct hvt_relay_opts *o,
		   struct hvt_relay_result *r);

#endif
