/* The listening end of the tools' accept loops (hvnc -l, -lk, --to; hvping -l). For most
 * addresses it is hvt_sock_listen and hvt_sock_accept. A listener on hv:wsl:SERVICE follows
 * the current user's WSL VM (wsl.h), whose id changes at every WSL start and which a
 * wildcard listener does not reach (jobs-in-the-wild.md section 1):
 *   - every HVT_LISTENER_CHECK_MS, and at once after an accept error, the id is looked up
 *     again; a new id closes the old listening socket and binds the new one (connections
 *     already accepted are not touched); -v says so;
 *   - while WSL is not running, or while binding fails (the VM is still starting, or a
 *     system without Hyper-V sockets, as under Wine), it waits: binding is tried again at
 *     each check, and each failure is reported once per VM id and error, not every time;
 *   - it never ends on its own: only an interrupt stops it.
 * Portable (common/listener.c): it uses only net.h, sys.h and wsl.h. */
#ifndef HVT_LISTENER_H
#define HVT_LISTENER_H

#include <stdint.h>

#include "addr.h"
#include "net.h"

#define HVT_LISTENER_CHECK_MS 2000u

struct hvt_listener {
	struct hvt_addr addr; /* what it listens on now (hv:wsl: the current VM id) */
	hvt_sock s;	      /* HVT_SOCK_INVALID while waiting for the VM */
	int backlog, verbose;
	int follows;	    /* hv:wsl: */
	int failed;	    /* the last bind's error (0: none) ... */
	hvt_guid failed_vm; /* ... for this VM id: reported once */
	hvt_guid was;	    /* the VM id before the last change (zero: none yet) */
	int ambiguous_said; /* "several WSL VMs" said since the last clear answer */
	uint64_t next_check_ns, accept_failed_ns;
};

/* Whether a listener on a follows its VM (hv:wsl:). */
int hvt_listener_follows(const struct hvt_addr *a);

/* Starts listening on a. verbose: "listening on ..." and the following's notes on stderr.
 * A listener that does not follow: 0, or the error code (reported on stderr already). One
 * that follows: always 0 (a failure to bind is reported and retried). */
int hvt_listener_open(struct hvt_listener *l, const struct hvt_addr *a, int backlog, int verbose);

/* Accepts the next connection within ms (UINT64_MAX: no limit): 0, hvt_err_timeout() when
 * the time is up, or an error code (a listener that follows returns one only when
 * interrupted: hvt_interrupted() says so). */
int hvt_listener_accept(struct hvt_listener *l, hvt_sock *out, struct hvt_addr *peer, uint64_t ms);

void hvt_listener_close(struct hvt_listener *l);

/* Whether l's connections are sockets (the forwarders take only those): 0 for a family with
 * its own listen (npipe:), which hvnc serves through its accept loop. */
int hvt_listener_is_socket(const struct hvt_listener *l);

#endif
