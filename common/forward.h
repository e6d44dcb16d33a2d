/* The forwarding server behind `hvnc -l -k --to ADDRESS`: accept connections on a listener and
 * relay each to a new connection to ADDRESS, many at once.
 *
 * Linux (common/linux/forward.c): one epoll loop in one thread for the listener and every
 * connection pair; non-blocking connects, both directions of every pair non-blocking, buffers
 * taken from a small pool only while bytes wait for a slow reader, so an idle pair costs its
 * two socket descriptors and about 200 bytes. RLIMIT_NOFILE is raised to its hard limit.
 * Windows (common/win/forward.c): every pair a flow of the event engine (common/win/engine.h)
 * on one completion port, served by a fixed set of threads (accept, 4 connectors, one per CPU
 * for completions, one for -i), see the comment there and docs/performance.md. */
#ifndef HVT_FORWARD_H
#define HVT_FORWARD_H

#include <stdint.h>
#include "addr.h"
#include "net.h"
#include "relay.h"

struct hvt_forward_opts {
	/* Each pair's relay: -i (idle_ms, HVT_NEVER = never) and --no-shutdown (do not pass an
	 * EOF on as a half-close). hvnc refuses --to with the stdin options (-d, -q, --send-only,
	 * --recv-only) and forwards with --progress through its own loop, so both forwarders
	 * heed only these two. */
	struct hvt_relay_opts relay;
	uint64_t max_conns; /* -m: pairs at once (>= 1); at the limit accepting pauses and further
			     * connections wait in the listen queue */
	uint64_t wait_ms;   /* -w: give up connecting to the target after this; 0 = the system's
			     * own timeout */
	int verbose;	    /* -v: "connection from X" and "connected to X" on stderr */
};

/* Whether hvt_forward can serve connections to `to` (the Linux event loop cannot wait for a
 * family's handshake after connect, family.h `connected`); otherwise serve each connection
 * on its own with hvt_relay_pair. */
int hvt_forward_serves(const struct hvt_addr *to);

/* Serves listener l (already listening on `listen_addr`) until SIGINT/SIGTERM/SIGHUP (see
 * hvt_signals_init; hvt_interrupted() then says which): every accepted connection is relayed
 * to a new connection to `to`, half-closing each way as EOF arrives. A failure of one
 * connection (the target refuses, a reset, -i) is reported on stderr and ends that pair only.
 * Returns 0 when interrupted, or an error code when the server itself cannot go on (reported
 * on stderr already). Does not close l. */
int hvt_forward(hvt_sock l, const struct hvt_addr *listen_addr, const struct hvt_addr *to,
		const struct hvt_forward_opts *o);

#endif
