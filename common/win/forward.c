/* The Windows forwarding server (common/forward.h): one thread per connection, each running
 * hvt_relay_pair() of common/win/relay.c (which moves the two directions on two more threads).
 *
 * Why not an event loop as on POSIX: Windows has no readiness API that scales (select() is
 * limited to FD_SETSIZE sockets and WSAPoll to the same linear scans; WSAEventSelect to 64
 * handles per wait), so an event-driven design there means I/O completion ports with
 * overlapped WSARecv/WSASend, a completely different relay from the one every other path of
 * hvnc uses. A Hyper-V socket forwarder serves a few VMs' connections, not thousands, and
 * threads cost little memory there (their stacks are reserved, not committed), so the
 * threaded relay, shared with `hvnc --to` and proven by its tests, is kept. The limit (-m,
 * default 100) bounds the number of threads; docs/performance.md has the figures and the
 * design for a completion-port forwarder should it ever be needed. */
#include "win.h"

#include <stdio.h>
#include <string.h>

#include "forward.h"
#include "msg.h"
#include "relay.h"
#include "sys.h"

static const struct hvt_forward_opts *opts;
static const struct hvt_addr *target, *listening;

struct task {
	hvt_sock s;
};

static void report_connect(int code)
{
	hvt_report("connect", target, code);
}

/* One connection, on its own thread (hvt_task_start): connect, relay, close both. */
static int serve(void *ctx)
{
	hvt_sock s = ((struct task *)ctx)->s, t;
	char buf[HVT_ADDR_STRLEN];
	int rc = hvt_sock_connect(target, opts->wait_ms, NULL, NULL, &t);
	if (rc != 0) {
		report_connect(rc);
		hvt_sock_close(s);
		return HVT_EXIT_FAIL;
	}
	if (opts->verbose)
		hvt_warnx("connected to %s", hvt_addr_format(target, buf, sizeof buf));
	struct hvt_relay_result r;
	rc = hvt_relay_pair(hvt_end_of(s, listening), hvt_end_of(t, target), &opts->relay, &r);
	if (r.idle_timeout)
		hvt_warnx("idle for %.1f s, closing", (double)opts->relay.idle_ms / 1000.0);
	else if (rc != 0 && !hvt_interrupted())
		hvt_warnx("%s: %s", r.where ? r.where : "relay", hvt_strerror(rc));
	hvt_sock_close(t);
	hvt_sock_close(s);
	return rc == 0 ? HVT_EXIT_OK : HVT_EXIT_FAIL;
}

int hvt_forward_serves(const struct hvt_addr *to)
{
	(void)to; /* every connection is a hvt_sock_connect() and a relay of its own */
	return 1;
}

int hvt_forward(hvt_sock l, const struct hvt_addr *listen_addr, const struct hvt_addr *to,
		const struct hvt_forward_opts *o)
{
	char buf[HVT_ADDR_STRLEN];
	opts = o;
	target = to;
	listening = listen_addr;
	for (;;) {
		hvt_tasks_wait_below((int)o->max_conns);
		if (hvt_interrupted())
			return 0;
		struct hvt_addr peer;
		hvt_sock s;
		int rc = hvt_sock_accept(l, &s, &peer);
		if (rc != 0) {
			if (hvt_interrupted())
				return 0;
			hvt_report("accept on", listen_addr, rc);
			return rc;
		}
		if (o->verbose)
			hvt_warnx("connection from %s", hvt_addr_format(&peer, buf, sizeof buf));
		struct task t = { s };
		if ((rc = hvt_task_start(serve, &t, sizeof t, s)) != 0) {
			hvt_warn(rc, "cannot serve connection");
			hvt_sock_close(s);
		}
	}
}
