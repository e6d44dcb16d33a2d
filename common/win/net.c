/* Winsock for hv (AF_HYPERV), tcp and unix (AF_UNIX, Windows 10 1803+). vsock is Linux-only:
 * its addresses fail here with WSAEAFNOSUPPORT, as AF_HYPERV does where Hyper-V sockets are
 * missing (Wine, Windows without Hyper-V). Sockets are overlapped (the relay threads send and
 * receive on one socket at the same time) and never inherited by programs we start. */
#include "win.h"

#include <afunix.h>
#include <hvsocket.h>
#include <stdio.h>
#include <string.h>

#include "sys.h"

/* ws2def.h of the Windows SDK; mingw-w64 10 has hvsocket.h but not this. */
#ifndef AF_HYPERV
#define AF_HYPERV 34
#endif

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

int hvt_win_sockaddr_from(const struct sockaddr *sa, int len, struct hvt_addr *a)
{
	memset(a, 0, sizeof *a);
	switch (sa->sa_family) {
	case AF_HYPERV: {
		const SOCKADDR_HV *hv = (const SOCKADDR_HV *)(const void *)sa;
		uint8_t b[16];
		if (len < (int)sizeof *hv)
			return WSAEINVAL;
		a->family = HVT_HV;
		memcpy(b, &hv->VmId, 16);
		hvt_guid_from_win(b, &a->vm);
		memcpy(b, &hv->ServiceId, 16);
		hvt_guid_from_win(b, &a->service);
		return 0;
	}
	case AF_INET: {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		a->family = HVT_TCP;
		inet_ntop(AF_INET, &in->sin_addr, a->host, sizeof a->host);
		a->port = ntohs(in->sin_port);
		return 0;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		a->family = HVT_TCP;
		inet_ntop(AF_INET6, &in6->sin6_addr, a->host, sizeof a->host);
		a->port = ntohs(in6->sin6_port);
		return 0;
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)(const void *)sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t n = len > (int)off ? (size_t)len - off : 0;
		if (n > sizeof un->sun_path)
			n = sizeof un->sun_path;
		a->family = HVT_UNIX;
		if (n > 0 && un->sun_path[0] == '\0') {
			a->abstract = 1;
			n--;
			if (n >= sizeof a->path)
				n = sizeof a->path - 1;
			memcpy(a->path, un->sun_path + 1, n);
		} else {
			if (n >= sizeof a->path)
				n = sizeof a->path - 1;
			memcpy(a->path, un->sun_path, n);
			a->path[strnlen(a->path, n)] = '\0';
		}
		return 0;
	}
	default: return WSAEAFNOSUPPORT;
	}
}

/* sockaddr for hv and unix addresses (tcp goes through getaddrinfo). */
static int sockaddr_to(const struct hvt_addr *a, struct sockaddr_storage *ss, int *len, int *proto)
{
	memset(ss, 0, sizeof *ss);
	*proto = 0;
	switch (a->family) {
	case HVT_HV: {
		SOCKADDR_HV *hv = (SOCKADDR_HV *)(void *)ss;
		uint8_t b[16];
		hv->Family = AF_HYPERV;
		hvt_guid_to_win(&a->vm, b);
		memcpy(&hv->VmId, b, 16);
		hvt_guid_to_win(&a->service, b);
		memcpy(&hv->ServiceId, b, 16);
		*len = (int)sizeof *hv;
		*proto = HV_PROTOCOL_RAW;
		return 0;
	}
	case HVT_UNIX: {
		struct sockaddr_un *un = (struct sockaddr_un *)(void *)ss;
		size_t n = strlen(a->path);
		size_t off = a->abstract ? 1 : 0;
		if (n + off + 1 > sizeof un->sun_path)
			return WSAENAMETOOLONG;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path + off, a->path, n);
		*len = (int)(offsetof(struct sockaddr_un, sun_path) + off + n +
			     (a->abstract ? 0 : 1));
		return 0;
	}
	case HVT_VSOCK: /* AF_VSOCK is Linux's; Windows reaches Linux guests through hv: */
	case HVT_TCP: break;
	}
	return WSAEAFNOSUPPORT;
}

static int new_socket(int family, int proto, SOCKET *out)
{
	SOCKET s = WSASocketW(family, SOCK_STREAM, proto, NULL, 0,
			      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
		/* Windows before 7 SP1 lacks WSA_FLAG_NO_HANDLE_INHERIT. */
		s = WSASocketW(family, SOCK_STREAM, proto, NULL, 0, WSA_FLAG_OVERLAPPED);
		if (s != INVALID_SOCKET)
			SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	}
	if (s == INVALID_SOCKET)
		return WSAGetLastError();
	*out = s;
	return 0;
}

static int set_blocking(SOCKET s, int on)
{
	u_long nb = on ? 0 : 1;
	return ioctlsocket(s, (long)FIONBIO, &nb) == 0 ? 0 : WSAGetLastError();
}

/* A paused VM keeps its hvsocket connections (HVSOCKET_CONNECTED_SUSPEND). Best effort. */
static void hv_keep_on_suspend(SOCKET s)
{
	ULONG one = 1;
	setsockopt(s, HV_PROTOCOL_RAW, HVSOCKET_CONNECTED_SUSPEND, (const char *)&one, sizeof one);
}

static int wait_connect(SOCKET s, const struct hvt_addr *a, uint64_t timeout_ms,
			hvt_waiting_fn waiting, void *ctx)
{
	uint64_t start = hvt_now_ns();
	uint64_t next_note = 3000;
	for (;;) {
		uint64_t elapsed = (hvt_now_ns() - start) / 1000000u;
		uint64_t slice = next_note > elapsed ? next_note - elapsed : 0;
		if (timeout_ms) {
			if (elapsed >= timeout_ms)
				return WSAETIMEDOUT;
			if (timeout_ms - elapsed < slice)
				slice = timeout_ms - elapsed;
		}
		int n = hvt_win_wait(s, 1, slice);
		if (n < 0)
			return -n;
		if (n > 0) {
			int err = 0;
			int len = (int)sizeof err;
			if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0)
				return WSAGetLastError();
			return err;
		}
		elapsed = (hvt_now_ns() - start) / 1000000u;
		if (elapsed >= next_note) {
			if (waiting)
				waiting(a, elapsed, ctx);
			next_note += 3000;
		}
	}
}

static int connect_one(int family, int proto, const struct sockaddr *sa, int salen,
		       const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		       void *ctx, SOCKET *out)
{
	SOCKET s;
	int rc;
	if ((rc = new_socket(family, proto, &s)) != 0)
		return rc;
	if (family == AF_HYPERV) {
		if (timeout_ms) {
			/* The stack's own connect timeout would cut -w short; 300 s is its maximum. */
			ULONG ms = timeout_ms > HVSOCKET_CONNECT_TIMEOUT_MAX
					   ? HVSOCKET_CONNECT_TIMEOUT_MAX
					   : (ULONG)timeout_ms;
			setsockopt(s, HV_PROTOCOL_RAW, HVSOCKET_CONNECT_TIMEOUT, (const char *)&ms,
				   sizeof ms);
		}
		hv_keep_on_suspend(s);
	}
	if (family == AF_INET || family == AF_INET6) {
		BOOL one = TRUE;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
	}
	/* Non-blocking connect and select: -w, Ctrl-C and the "still connecting" notes. */
	if ((rc = set_blocking(s, 0)) == 0) {
		if (connect(s, sa, salen) == 0)
			rc = 0;
		else if ((rc = WSAGetLastError()) == WSAEWOULDBLOCK)
			rc = wait_connect(s, a, timeout_ms, waiting, ctx);
	}
	if (rc == 0)
		rc = set_blocking(s, 1);
	if (rc != 0) {
		closesocket(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int resolve(const struct hvt_addr *a, int passive, struct addrinfo **res)
{
	struct addrinfo hints;
	char port[16];
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* No AI_ADDRCONFIG: on Windows it ignores loopback, so "localhost" would fail on a
	 * machine with no other network. */
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	snprintf(port, sizeof port, "%u", (unsigned)a->port);
	return getaddrinfo(a->host[0] ? a->host : NULL, port, &hints, res);
}

int hvt_sock_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		     void *ctx, hvt_sock *out)
{
	SOCKET s = INVALID_SOCKET;
	int rc;
	if (a->family == HVT_TCP) {
		struct addrinfo *res, *ai;
		if ((rc = resolve(a, 0, &res)) != 0)
			return rc;
		rc = WSAEHOSTUNREACH;
		for (ai = res; ai; ai = ai->ai_next) {
			rc = connect_one(ai->ai_family, 0, ai->ai_addr, (int)ai->ai_addrlen, a,
					 timeout_ms, waiting, ctx, &s);
			if (rc == 0 || rc == WSAEINTR)
				break;
		}
		freeaddrinfo(res);
	} else {
		struct sockaddr_storage ss;
		int len, proto;
		if ((rc = sockaddr_to(a, &ss, &len, &proto)) != 0)
			return rc;
		rc = connect_one(ss.ss_family, proto, (struct sockaddr *)&ss, len, a, timeout_ms,
				 waiting, ctx, &s);
	}
	if (rc == 0)
		*out = (hvt_sock)s;
	return rc;
}

/* A socket file nobody accepts on is left from a dead listener: replace it. */
static int clear_stale_unix(const struct hvt_addr *a, const struct sockaddr *sa, int len)
{
	SOCKET t;
	DWORD attr = GetFileAttributesA(a->path);
	if (attr == INVALID_FILE_ATTRIBUTES || (attr & FILE_ATTRIBUTE_DIRECTORY))
		return WSAEADDRINUSE;
	if (new_socket(AF_UNIX, 0, &t) != 0)
		return WSAEADDRINUSE;
	int rc = connect(t, sa, len) == 0 ? WSAEADDRINUSE : WSAGetLastError();
	closesocket(t);
	if (rc != WSAECONNREFUSED)
		return WSAEADDRINUSE;
	return DeleteFileA(a->path) ? 0 : (int)GetLastError();
}

static int listen_one(int family, int proto, const struct sockaddr *sa, int salen,
		      const struct hvt_addr *a, int backlog, SOCKET *out)
{
	SOCKET s;
	int rc;
	if ((rc = new_socket(family, proto, &s)) != 0)
		return rc;
	if (family == AF_INET || family == AF_INET6) {
		/* Windows' SO_REUSEADDR would let another process take the port over: the
		 * exclusive mode is what Linux listeners get by default. */
		BOOL one = TRUE;
		setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
	}
	if (family == AF_INET6) {
		/* Dual stack like Linux: [::] also takes IPv4. */
		DWORD off = 0;
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&off, sizeof off);
	}
	if (family == AF_HYPERV)
		hv_keep_on_suspend(s);
	rc = bind(s, sa, salen) == 0 ? 0 : WSAGetLastError();
	if (family == AF_UNIX && !a->abstract && rc == WSAEADDRINUSE &&
	    (rc = clear_stale_unix(a, sa, salen)) == 0)
		rc = bind(s, sa, salen) == 0 ? 0 : WSAGetLastError();
	if (rc == 0 && listen(s, backlog) != 0)
		rc = WSAGetLastError();
	if (rc != 0) {
		closesocket(s);
		return rc;
	}
	*out = s;
	return 0;
}

int hvt_sock_listen(const struct hvt_addr *a, int backlog, hvt_sock *out)
{
	SOCKET s = INVALID_SOCKET;
	int rc;
	if (a->family == HVT_TCP) {
		struct addrinfo *res, *ai;
		if ((rc = resolve(a, 1, &res)) != 0)
			return rc;
		rc = WSAEADDRNOTAVAIL;
		for (ai = res; ai; ai = ai->ai_next) {
			rc = listen_one(ai->ai_family, 0, ai->ai_addr, (int)ai->ai_addrlen, a,
					backlog, &s);
			if (rc == 0)
				break;
		}
		freeaddrinfo(res);
	} else {
		struct sockaddr_storage ss;
		int len, proto;
		if ((rc = sockaddr_to(a, &ss, &len, &proto)) != 0)
			return rc;
		rc = listen_one(ss.ss_family, proto, (struct sockaddr *)&ss, len, a, backlog, &s);
	}
	if (rc == 0)
		*out = (hvt_sock)s;
	return rc;
}

int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer)
{
	for (;;) {
		/* Wait first: a blocking accept() would not notice Ctrl-C. */
		int w = hvt_win_wait(sk(l), 0, UINT64_MAX);
		if (w < 0)
			return -w;
		struct sockaddr_storage ss;
		int len = (int)sizeof ss;
		SOCKET s = accept(sk(l), (struct sockaddr *)&ss, &len);
		if (s != INVALID_SOCKET) {
			SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
			if (ss.ss_family == AF_HYPERV)
				hv_keep_on_suspend(s);
			if (peer && hvt_win_sockaddr_from((struct sockaddr *)&ss, len, peer) != 0)
				memset(peer, 0, sizeof *peer);
			*out = (hvt_sock)s;
			return 0;
		}
		int e = WSAGetLastError();
		if (e != WSAECONNRESET && e != WSAECONNABORTED && e != WSAEWOULDBLOCK &&
		    e != WSAEINTR)
			return e;
	}
}

int hvt_sock_local(hvt_sock s, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof ss;
	if (getsockname(sk(s), (struct sockaddr *)&ss, &len) != 0)
		return WSAGetLastError();
	return hvt_win_sockaddr_from((struct sockaddr *)&ss, len, out);
}

int hvt_sock_peer(hvt_sock s, struct hvt_addr *out)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof ss;
	if (getpeername(sk(s), (struct sockaddr *)&ss, &len) != 0)
		return WSAGetLastError();
	return hvt_win_sockaddr_from((struct sockaddr *)&ss, len, out);
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

void hvt_sock_unlink(const struct hvt_addr *a)
{
	if (a->family == HVT_UNIX && !a->abstract)
		DeleteFileA(a->path);
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
