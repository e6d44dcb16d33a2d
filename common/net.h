/* Sockets for every family behind one interface. The portable half is common/net.c (with each
 * family's module, family.h); the platform halves are common/linux/net.c and common/win/net.c.
 * Functions return 0 or a platform error code (errno value on Linux, WSA/Win32 code on
 * Windows); hvt_strerror() gives its text, hvt_hint() the likely cause. */
#ifndef HVT_NET_H
#define HVT_NET_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

typedef uintptr_t hvt_sock; /* fd on Linux, SOCKET on Windows */
#define HVT_SOCK_INVALID ((hvt_sock) ~(uintptr_t)0)

/* Starts the socket layer (WSAStartup on Windows); returns 0 or an error code. */
int hvt_net_init(void);

/* Called about every 3 s while a connect without timeout is still waiting. */
typedef void (*hvt_waiting_fn)(const struct hvt_addr *a, uint64_t elapsed_ms, void *ctx);

/* Connects; timeout_ms 0 = no timeout (the system's own, possibly long). */
int hvt_sock_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		     void *ctx, hvt_sock *out);

/* Called before each new attempt of hvt_sock_connect_retry: the last attempt's error, how
 * many attempts failed so far and how long is left (ms). */
typedef void (*hvt_retrying_fn)(const struct hvt_addr *a, int code, unsigned attempts,
				uint64_t left_ms, void *ctx);

/* hvt_sock_connect, repeated for up to retry_ms while the error says that nothing is there
 * yet (refused, reset, no such socket file; a hybrid vsock VMM closing an early CONNECT):
 * a listener that is still starting. Each attempt gets timeout_ms (0: what is left). Waits
 * 100 ms between attempts, doubling up to 1 s. retry_ms 0: one attempt. */
int hvt_sock_connect_retry(const struct hvt_addr *a, uint64_t timeout_ms, uint64_t retry_ms,
			   hvt_waiting_fn waiting, hvt_retrying_fn retrying, void *ctx,
			   hvt_sock *out);

/* 0 when a's connections are not sockets (npipe:, family.h `connect`): only the relays,
 * hvt_sock_connect, the listener (listener.h) and hvt_conn_close (relay.h) take them. */
int hvt_addr_is_socket(const struct hvt_addr *a);

/* Binds and listens. A unix socket file is created with mode 0600 (umask permitting), never
 * through a symlink; a stale socket file (nothing accepting) is replaced, anything else is
 * EADDRINUSE. */
int hvt_sock_listen(const struct hvt_addr *a, int backlog, hvt_sock *out);

/* Accepts; peer may be NULL. Retries on EINTR and on transient errors (ECONNABORTED). */
int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer);

/* Environment describing a connection for a program run per connection (UCSPI style). */
struct hvt_env {
	const char *name;
	char value[HVT_ADDR_STRLEN];
};
#define HVT_ENV_MAX 8
/* PROTO, HVNC_PEER, HVNC_LOCAL and the family's own (TCPREMOTEIP, VSOCKREMOTECID, ...) for
 * socket s, connected through address a (what the user gave: -l ADDRESS or ADDRESS); returns
 * how many were set in env (at most HVT_ENV_MAX). */
int hvt_conn_env(hvt_sock s, const struct hvt_addr *a, struct hvt_env *env);

/* Local and peer address of a socket (for -v lines and listings). */
int hvt_sock_local(hvt_sock s, struct hvt_addr *out);
int hvt_sock_peer(hvt_sock s, struct hvt_addr *out);

int hvt_sock_shutdown_write(hvt_sock s);
void hvt_sock_close(hvt_sock s);
/* After a listener on a is closed: removes its unix socket file (nothing for other families). */
void hvt_sock_unlink(const struct hvt_addr *a);

/* Sends all of buf; 0 or error code. */
int hvt_sock_send_all(hvt_sock s, const void *buf, size_t len);
/* Receives up to len bytes waiting at most timeout_ms (UINT64_MAX = forever). Returns bytes
 * (0 = orderly EOF), or -code on error (-HVT_ETIMEDOUT-like code from hvt_err_timeout()). */
long hvt_sock_recv(hvt_sock s, void *buf, size_t len, uint64_t timeout_ms);

/* This machine's vsock CID (IOCTL_VM_SOCKETS_GET_LOCAL_CID); 0 or error code. */
int hvt_local_cid(uint32_t *cid);

/* What a platform error code means, across platforms. */
enum hvt_errkind {
	HVT_E_OTHER = 0,
	HVT_E_TIMEDOUT,
	HVT_E_REFUSED,
	HVT_E_RESET,
	HVT_E_ACCESS,
	HVT_E_ADDRINUSE,
	HVT_E_ADDRNOTAVAIL,
	HVT_E_AFNOSUPPORT,
	HVT_E_NOTFOUND,	  /* name resolution failed */
	HVT_E_NETUNREACH, /* no route to that host / CID / VM */
	HVT_E_NETDOWN,	  /* the network (a VM's, for hvsockets) is going down or up */
	HVT_E_NODEV,	  /* no transport for that address (vsock) */
	HVT_E_COUNT
};
enum hvt_errkind hvt_errkind(int code);
int hvt_err_timeout(void); /* the platform's "timed out" code */

/* One-line hint for an error on address a ("is the service registered on the host (hvreg
 * add) and is something listening?"), or NULL when there is nothing useful to add. */
const char *hvt_hint(const struct hvt_addr *a, int code);

/* The text of an error code a connect returned: what the family's handshake said about it on
 * this thread since its last connect (a hybrid vsock VMM's answer that is not OK), else
 * hvt_strerror(code). */
const char *hvt_connect_strerror(int code);

/* prog: WHAT ADDRESS: error text (hvt_connect_strerror), then "prog: hint: ..." when there is
 * one. */
void hvt_report(const char *what, const struct hvt_addr *a, int code);
/* prog: listening on ADDRESS (the bound address, with the local CID for vsock; a when the
 * system cannot say). */
void hvt_note_listening(hvt_sock l, const struct hvt_addr *a);

#endif
