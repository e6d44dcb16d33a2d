/* Moving bytes: stdin/stdout <-> a connection, and connection <-> connection. Linux: one poll
 * loop, splice(2) where both ends allow it (common/linux/relay.c). Windows: one thread per
 * direction (common/win/relay.c), since a pipe stdin cannot be waited on. */
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

/* What the relay needs of one end of a connection: read, write, half-close, wait. Every
 * socket family shares the platform's socket ends (hvt_sock_end_ops); a family whose stream
 * is not a socket (a Windows named pipe is a HANDLE) brings its own ops in its descriptor
 * (family.h), and the relays and forwarders take it like any other end.
 * On Linux every end is a file descriptor: the relay polls and splices it itself and uses
 * only shutdown_write; the thread-per-direction relay of Windows uses all of them. */
struct hvt_end_ops {
	/* Up to len bytes: > 0, 0 at end of stream, or -code. Blocks until some arrive. */
	long (*read)(hvt_sock h, void *buf, size_t len);
	/* All of buf; 0 or code. */
	int (*write)(hvt_sock h, const void *buf, size_t len);
	/* Tells the peer no more bytes come (a half-close); 0 or code. */
	int (*shutdown_write)(hvt_sock h);
	/* Waits until h is readable, at most ms: 1, 0 when the time is up, or -code. NULL: h
	 * cannot be waited on; a blocked read is cancelled when the relay ends. */
	int (*wait_readable)(hvt_sock h, uint64_t ms);
};

struct hvt_end {
	hvt_sock h;
	const struct hvt_end_ops *ops;
};

extern const struct hvt_end_ops hvt_sock_end_ops; /* common/linux/net.c, common/win/net.c */

/* The end for a connection h of address a's family. */
struct hvt_end hvt_end_of(hvt_sock h, const struct hvt_addr *a);

/* Relays stdin -> c and c -> stdout until both directions are done. Returns 0 or error. */
int hvt_relay_stdio(struct hvt_end c, const struct hvt_relay_opts *o, struct hvt_relay_result *r);

/* Relays a <-> b (forwarding), half-closes each way as EOF arrives. Returns 0 or error. */
int hvt_relay_pair(struct hvt_end a, struct hvt_end b, const struct hvt_relay_opts *o,
		   struct hvt_relay_result *r);

#endif
