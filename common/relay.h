/* Moving bytes: stdin/stdout <-> socket, and socket <-> socket. POSIX: one poll loop, splice(2)
 * where both ends allow it (common/linux/relay.c). Windows: one thread per direction
 * (common/win/relay.c), since a pipe stdin cannot be waited on. */
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

/* Relays stdin -> s and s -> stdout until both directions are done. Returns 0 or error. */
int hvt_relay_stdio(hvt_sock s, const struct hvt_relay_opts *o, struct hvt_relay_result *r);

/* Relays a <-> b (forwarding), half-closes each way as EOF arrives. Returns 0 or error. */
int hvt_relay_socks(hvt_sock a, hvt_sock b, const struct hvt_relay_opts *o,
		    struct hvt_relay_result *r);

#endif
