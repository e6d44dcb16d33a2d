/* Socket addresses, shared by the families' socket halves (common/family_*.c) and the
 * platforms' socket code (common/linux/net.c, common/win/net.c). Not for tools. */
#ifndef HVT_SOCKADDR_H
#define HVT_SOCKADDR_H

#include "sysnet.h" /* the platform's socket headers: common/linux/ or common/win/ */

#include "addr.h"
#include "net.h"

#define HVT_SOCKADDRS_MAX 8 /* addresses a tcp name may resolve to */

/* What an address resolves to: the socket addresses to try, in order. */
struct hvt_sockaddrs {
	int n;
	struct {
		struct sockaddr_storage ss;
		socklen_t len;
		int proto; /* socket()'s protocol argument */
	} a[HVT_SOCKADDRS_MAX];
};

/* Adds one socket address of len bytes. */
void hvt_sockaddrs_add(struct hvt_sockaddrs *out, const void *sa, size_t len, int proto);

/* The hvt_addr of a socket address of any family; 0 or HVT_EAFNOSUPPORT. */
int hvt_addr_from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a);

/* The family's socket addresses for a (passive: to listen on); 0 or an error code. */
int hvt_addr_sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out);

/* ---- the platforms' socket code, called for each socket address by common/net.c ---- */

/* A new socket of sa's family connected to sa (the family's options set first), waiting
 * through hvt_connect_clock. 0 or an error code. */
int hvt_sock_connect_one(const struct sockaddr *sa, socklen_t len, int proto,
			 const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
			 void *ctx, hvt_sock *out);
/* A new socket of sa's family bound to sa (the family's bind if it has one) and listening. */
int hvt_sock_listen_one(const struct sockaddr *sa, socklen_t len, int proto,
			const struct hvt_addr *a, int backlog, hvt_sock *out);

/* The connect clock: calls step(arg, slice_ms) until it returns anything but
 * HVT_CLOCK_AGAIN, gives up with the platform's timeout code after timeout_ms (0: never),
 * and calls waiting about every 3 s. step waits at most slice_ms. */
#define HVT_CLOCK_AGAIN (-1)
int hvt_connect_clock(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		      void *ctx, int (*step)(void *arg, uint64_t slice_ms), void *arg);

/* ---- what the families need of the platform (common/linux/net.c, common/win/net.c) ---- */

/* setsockopt, best effort. */
void hvt_sock_setopt(hvt_sock s, int level, int name, const void *v, size_t len);
/* getaddrinfo's return value as a platform error code. */
int hvt_gai_error(int rc);
/* A new TCP listener: an address nobody else may take over, dual stack for [::]. */
void hvt_tcp_listen_opts(hvt_sock s);
/* Binds s to the unix socket file path: owner-only where the platform allows, never through
 * a symlink; a stale socket file (nothing accepting) is replaced, anything else is
 * EADDRINUSE. path NULL: an abstract name, a plain bind. 0 or an error code. */
int hvt_unix_bind(hvt_sock s, const struct sockaddr *sa, size_t len, const char *path);
/* Removes the socket file that hvt_unix_bind made at path (not one that replaced it). */
void hvt_unix_unlink(const char *path);

#endif
