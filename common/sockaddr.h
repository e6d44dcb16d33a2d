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

/* ---- the platforms' socket primitives, for common/net.c (common/linux/, common/win/) ---- */

/* A new stream socket, not inherited by programs we start. 0 or an error code. */
int hvt_sock_new(int af, int proto, hvt_sock *out);
int hvt_sock_set_blocking(hvt_sock s, int on);
/* connect() on a non-blocking socket: 0, HVT_CONNECT_WAIT (in progress: wait until
 * writable), HVT_CONNECT_RETRY (a unix listener's backlog is full: try again), or a code. */
#define HVT_CONNECT_WAIT  (-2)
#define HVT_CONNECT_RETRY (-3)
int hvt_sock_connect_start(hvt_sock s, const struct sockaddr *sa, socklen_t len);
/* Waits until s is writable (a connect finished), at most ms: 1, 0, or -code (-EINTR-like on
 * an interrupt). */
int hvt_sock_wait_writable(hvt_sock s, uint64_t ms);
/* Waits until s is readable (a listener: a connection is queued), at most ms: 1, 0 when the
 * time is up (or interrupted), or -code. */
int hvt_sock_wait_readable(hvt_sock s, uint64_t ms);
/* SO_ERROR: the result of a finished connect. */
int hvt_sock_error(hvt_sock s);
int hvt_sock_bind(hvt_sock s, const struct sockaddr *sa, socklen_t len);
int hvt_sock_listen_on(hvt_sock s, int backlog);
/* getsockname (peer 0) or getpeername (peer 1) as an address. */
int hvt_sock_name(hvt_sock s, int peer, struct hvt_addr *out);

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
/* Removes the socket file that hvt_unix_bind made at path; on Linux not one that replaced it
 * meanwhile (its device and inode are checked), on Windows whatever is at path. */
void hvt_unix_unlink(const char *path);

#endif
