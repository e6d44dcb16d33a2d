/* Winsock, family by family through the modules (family.h): hv (AF_HYPERV), tcp and unix
 * (AF_UNIX, Windows 10 1803+). vsock is Linux-only: its addresses fail here with
 * WSAEAFNOSUPPORT, as AF_HYPERV does where Hyper-V sockets are missing (Wine, Windows without
 * Hyper-V). Sockets are overlapped (the relay threads send and receive on one socket at the
 * same time) and never inherited by programs we start. */
#include "sysnet.h"

#include <stdio.h>
#include <string.h>

#include "family.h"
#include "relay.h"
#include "sockaddr.h"
#include "sys.h"

static SOCKET sk(hvt_sock s)
{
	return (SOCKET)s;
}

int hvt_net_init(void)
{
	static int done;
	WSADATA wsa;
	if (done)
		return 0;
	int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (rc == 0)
		done = 1;
	return rc;
}

int hvt_win_wait(SOCKET s, int want_write, uint64_t ms)
{
	uint64_t start = hvt_now_ns();
	for (;;) {
		if (hvt_interrupted())
			return -WSAEINTR;
		uint64_t slice = HVT_WIN_SLICE_MS;
		if (ms != UINT64_MAX) {
			uint64_t el = (hvt_now_ns() - start) / 1000000u;
			if (el >= ms)
				return 0;
			if (ms - el < slice)
				slice = ms - el;
		}
		fd_set rd, wr, ex;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_ZERO(&ex);
		if (want_write) {
			FD_SET(s, &wr);
			FD_SET(s, &ex); /* a failed connect shows up here */
		} else {
			FD_SET(s, &rd);
		}
		struct timeval tv = { 0, (long)(slice * 1000u) };
		int n = select(0, &rd, &wr, &ex, &tv);
		if (n == SOCKET_ERROR)
			return -WSAGetLastError();
		if (n > 0)
			return 1;
		if (ms == 0)
			return 0;
	}
}

void hvt_sock_setopt(hvt_sock s, int level, int name, const void *v, size_t len)
{
	setsockopt(sk(s), level, name, (const char *)v, (int)len);
}

int hvt_gai_error(int rc)
{
	return rc; /* a WSA code already */
}

void hvt_tcp_listen_opts(hvt_sock s)
{
	/* Windows' SO_REUSEADDR would let another process take the port over: the exclusive
	 * mode is what Linux listeners get by default. Dual stack like Linux: [::] also takes
	 * IPv4 (fails harmlessly on an IPv4 socket). */
	BOOL one = TRUE;
	DWORD off = 0;
	setsockopt(sk(s), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
	setsockopt(sk(s), IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&off, sizeof off);
}

int hvt_sock_new(int af, int proto, hvt_sock *out)
{
	SOCKET s = WSASocketW(af, SOCK_STREAM, proto, NULL, 0,
			      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
		/* Windows before 7 SP1 lacks WSA_FLAG_NO_HANDLE_INHERIT. */
		s = WSASocketW(af, SOCK_STREAM, proto, NULL, 0, WSA_FLAG_OVERLAPPED);
		if (s != INVALID_SOCKET)
			SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	}
	if (s == INVALID_SOCKET)
		return WSAGetLastError();
	*out = (hvt_sock)s;
	return 0;
}

int hvt_sock_set_blocking(hvt_sock s, int on)
{
	u_long nb = on ? 0 : 1;
	return ioctlsocket(sk(s), (long)FIONBIO, &nb) == 0 ? 0 : WSAGetLastError();
}

int hvt_sock_connect_start(hvt_sock s, const struct sockaddr *sa, socklen_t len)
{
	if (connect(sk(s), sa, len) == 0)
		return 0;
	int e = WSAGetLastError();
	return e == WSAEWOULDBLOCK ? HVT_CONNECT_WAIT : e;
}

int hvt_sock_wait_writable(hvt_sock s, uint64_t ms)
{
	return hvt_win_wait(sk(s), 1, ms);
}

int hvt_sock_wait_readable(hvt_sock s, uint64_t ms)
{
	return hvt_win_wait(sk(s), 0, ms);
}

int hvt_sock_error(hvt_sock s)
{
	int err = 0;
	int len = (int)sizeof err;
	return getsockopt(sk(s), SOL_SOCKET, SO_ERROR, (char *)&err, &len) == 0 ? err
										: WSAGetLastError();
}

int hvt_sock_bind(hvt_sock s, const struct sockaddr *sa, socklen_t len)
{
	return bind(sk(s), sa, len) == 0 ? 0 : WSAGetLastError();
}

int hvt_sock_listen_on(hvt_sock s, int backlog)
{
	return listen(sk(s), backlog) == 0 ? 0 : WSAGetLastError();
}

int hvt_sock_name(hvt_sock s, int peer, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	if ((peer ? getpeername(sk(s), sa, &len) : getsockname(sk(s), sa, &len)) != 0)
		return WSAGetLastError();
	return hvt_addr_from_sockaddr(sa, (size_t)len, out);
}

/* ---- unix socket files ------------------------------------------------------------------ */

/* A socket file nobody accepts on is left from a dead listener: replace it. */
static int clear_stale_unix(const char *path, const struct sockaddr *sa, int len)
{
	hvt_sock t;
	DWORD attr = GetFileAttributesA(path);
	if (attr == INVALID_FILE_ATTRIBUTES || (attr & FILE_ATTRIBUTE_DIRECTORY))
		return WSAEADDRINUSE;
	if (hvt_sock_new(AF_UNIX, 0, &t) != 0)
		return WSAEADDRINUSE;
	int rc = connect(sk(t), sa, len) == 0 ? WSAEADDRINUSE : WSAGetLastError();
	closesocket(sk(t));
	if (rc != WSAECONNREFUSED)
		return WSAEADDRINUSE;
	return DeleteFileA(path) ? 0 : (int)GetLastError();
}

int hvt_unix_bind(hvt_sock s, const struct sockaddr *sa, size_t len, const char *path)
{
	int rc = bind(sk(s), sa, (int)len) == 0 ? 0 : WSAGetLastError();
	if (path && rc == WSAEADDRINUSE && (rc = clear_stale_unix(path, sa, (int)len)) == 0)
		rc = bind(sk(s), sa, (int)len) == 0 ? 0 : WSAGetLastError();
	return rc;
}

void hvt_unix_unlink(const char *path)
{
	DeleteFileA(path);
}

/* ---- accept ----------------------------------------------------------------------------- */

/* The listener is made non-blocking, so that a connection that went away between the wait and
 * accept cannot block us (the accepted socket inherits that mode and is set back to blocking:
 * the relay threads wait with select and then read). A client that resets while queued makes
 * accept fail with WSAECONNRESET, or WSAENOTCONN under Wine: the next one is served. */
int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer)
{
	hvt_sock_set_blocking(l, 0);
	for (;;) {
		/* Wait first: a blocking accept() would not notice Ctrl-C. Every second, finished
		 * tasks are reaped (their thread handles closed), not at the next connection. */
		int w = hvt_win_wait(sk(l), 0, 1000);
		if (w < 0)
			return -w;
		hvt_tasks_running();
		if (w == 0)
			continue;
		struct sockaddr_storage ss;
		int len = (int)sizeof ss;
		SOCKET s = accept(sk(l), (struct sockaddr *)&ss, &len);
		if (s != INVALID_SOCKET) {
			struct hvt_addr p;
			SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
			hvt_sock_set_blocking((hvt_sock)s, 1);
			if (hvt_addr_from_sockaddr((struct sockaddr *)&ss, (size_t)len, &p) == 0 &&
			    p.fam->sockopts)
				p.fam->sockopts((hvt_sock)s, &p, HVT_STAGE_ACCEPTED, 0);
			if (peer)
				*peer = p;
			*out = (hvt_sock)s;
			return 0;
		}
		int e = WSAGetLastError();
		if (e != WSAECONNRESET && e != WSAECONNABORTED && e != WSAENOTCONN &&
		    e != WSAEWOULDBLOCK && e != WSAEINTR)
			return e;
	}
}

int hvt_sock_shutdown_write(hvt_sock s)
{
	return shutdown(sk(s), SD_SEND) == 0 ? 0 : WSAGetLastError();
}

void hvt_sock_close(hvt_sock s)
{
	if (s != HVT_SOCK_INVALID)
		closesocket(sk(s));
}

int hvt_sock_send_all(hvt_sock s, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
		int n = send(sk(s), p, chunk, 0);
		if (n == SOCKET_ERROR)
			return WSAGetLastError();
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long hvt_sock_recv(hvt_sock s, void *buf, size_t len, uint64_t timeout_ms)
{
	int w = hvt_win_wait(sk(s), 0, timeout_ms);
	if (w < 0)
		return w;
	if (w == 0)
		return -WSAETIMEDOUT;
	int n = recv(sk(s), buf, len > (1u << 30) ? (1 << 30) : (int)len, 0);
	if (n == SOCKET_ERROR)
		return -WSAGetLastError();
	return n;
}

int hvt_local_cid(uint32_t *cid)
{
	(void)cid; /* no AF_VSOCK on Windows */
	return WSAEAFNOSUPPORT;
}

enum hvt_errkind hvt_errkind(int code)
{
	switch (code) {
	case WSAETIMEDOUT:
	case ERROR_SEM_TIMEOUT: return HVT_E_TIMEDOUT;
	case WSAECONNREFUSED: return HVT_E_REFUSED;
	case WSAECONNRESET: return HVT_E_RESET;
	case WSAEACCES:
	case ERROR_ACCESS_DENIED: return HVT_E_ACCESS;
	case WSAEADDRINUSE: return HVT_E_ADDRINUSE;
	case WSAEADDRNOTAVAIL: return HVT_E_ADDRNOTAVAIL;
	case WSAEAFNOSUPPORT:
	case WSAEPFNOSUPPORT: return HVT_E_AFNOSUPPORT;
	case WSAENETUNREACH:
	case WSAEHOSTUNREACH: return HVT_E_NETUNREACH;
	case WSAENETDOWN: return HVT_E_NETDOWN;
	case WSAHOST_NOT_FOUND:
	case WSATRY_AGAIN:
	case WSANO_RECOVERY:
	case WSANO_DATA:
	case WSATYPE_NOT_FOUND: return HVT_E_NOTFOUND;
	default: return HVT_E_OTHER;
	}
}

int hvt_err_timeout(void)
{
	return WSAETIMEDOUT;
}

/* ---- a socket as a relay's end --------------------------------------------------------- */

static long end_read(hvt_sock h, void *buf, size_t len)
{
	int n = recv(sk(h), buf, len > (1u << 30) ? (1 << 30) : (int)len, 0);
	return n == SOCKET_ERROR ? -(long)WSAGetLastError() : (long)n;
}

const struct hvt_end_ops hvt_sock_end_ops = {
	.read = end_read,
	.write = hvt_sock_send_all,
	.shutdown_write = hvt_sock_shutdown_write,
	.wait_readable = hvt_sock_wait_readable,
};
