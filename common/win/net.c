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
#include "msg.h"
#include "strutil.h"
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

/* Whether s is readable (or writable / failed) right now: 1, 0, or -code. */
static int ready_now(SOCKET s, int want_write)
{
	fd_set rw, ex;
	FD_ZERO(&rw);
	FD_ZERO(&ex);
	FD_SET(s, &rw);
	FD_SET(s, &ex); /* a failed connect shows up here */
	struct timeval tv = { 0, 0 };
	int n = select(0, want_write ? NULL : &rw, want_write ? &rw : NULL, want_write ? &ex : NULL,
		       &tv);
	return n == SOCKET_ERROR ? -WSAGetLastError() : n > 0;
}

int hvt_win_wait(SOCKET s, int want_write, uint64_t ms, HANDLE cancel)
{
	HANDLE ev = WSACreateEvent();
	if (ev == WSA_INVALID_EVENT)
		return -WSAGetLastError();
	/* Events that happen from WSAEventSelect on set ev ... */
	long what = want_write ? FD_CONNECT | FD_WRITE : FD_READ | FD_CLOSE | FD_ACCEPT;
	int rc;
	if (WSAEventSelect(s, ev, what) != 0) {
		rc = -WSAGetLastError();
	} else {
		/* ... and what holds when it is called is checked here, after it, so that nothing
		 * falls between the two (a connect refused at once, under Wine too). */
		rc = ready_now(s, want_write);
		if (rc == 0)
			rc = hvt_win_wait_handle(ev, cancel, ms);
		WSAEventSelect(s, NULL, 0);
		if (!want_write) {
			u_long off = 0; /* WSAEventSelect made it non-blocking */
			ioctlsocket(s, (long)FIONBIO, &off);
		}
	}
	WSACloseEvent(ev);
	return rc;
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
	return hvt_win_wait(sk(s), 1, ms, NULL);
}

int hvt_sock_wait_readable(hvt_sock s, uint64_t ms)
{
	return hvt_win_wait(sk(s), 0, ms, NULL);
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

/* An accepted hv socket's local address as getsockname gives it has a service GUID other
 * than the listener's (go-winio, hvsock.go, HvsockListener.Accept: "the service GUID
 * reported by GetSockName is different from the Listeners socket"); HVNC_LOCAL must name the
 * service the client asked for, so hv sockets remember the listener's address here until
 * they are closed. Untested here: Wine has no AF_HYPERV. */
struct hv_local {
	SOCKET s;
	struct hvt_addr local;
};
static SRWLOCK hv_lock = SRWLOCK_INIT;
static struct hv_local *hv_locals;
static size_t hv_nlocals;

static void hv_local_set(SOCKET s, SOCKET l)
{
	struct hvt_addr a;
	if (hvt_sock_name((hvt_sock)l, 0, &a) != 0)
		return;
	AcquireSRWLockExclusive(&hv_lock);
	void *grown = hvt_grow(hv_locals, hv_nlocals, sizeof *hv_locals);
	if (grown) {
		hv_locals = grown;
		hv_locals[hv_nlocals].s = s;
		hv_locals[hv_nlocals++].local = a;
	}
	ReleaseSRWLockExclusive(&hv_lock);
}

/* The listener's address of accepted hv socket s (into out): 1, or 0 when s is none. With
 * forget, the entry goes (s is being closed). */
static int hv_local_get(SOCKET s, struct hvt_addr *out, int forget)
{
	int found = 0;
	if (!hv_nlocals)
		return 0;
	AcquireSRWLockExclusive(&hv_lock);
	for (size_t i = 0; i < hv_nlocals; i++)
		if (hv_locals[i].s == s) {
			if (out)
				*out = hv_locals[i].local;
			if (forget)
				hv_locals[i] = hv_locals[--hv_nlocals];
			found = 1;
			break;
		}
	ReleaseSRWLockExclusive(&hv_lock);
	return found;
}

int hvt_sock_name(hvt_sock s, int peer, struct hvt_addr *out)
{
	if (!peer && hv_local_get(sk(s), out, 0))
		return 0;
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

/* accept() on the listener made non-blocking, waited for with WSAEventSelect and the stop
 * event (hvt_win_wait): a connection that goes away between the wait and accept (the
 * connector timed out, the VM was reset) gives WSAEWOULDBLOCK and we wait again instead of
 * blocking in accept, and Ctrl-C ends the wait at once. A client that reset while queued
 * makes accept fail with WSAECONNRESET, or WSAENOTCONN under Wine: the next one is served.
 * WSAENETDOWN is transient on hvsockets while a VM restarts (hvsocket.md section 6): it is
 * retried with a backoff of 0.1 s doubling up to 5 s. */
int hvt_sock_accept(hvt_sock l, hvt_sock *out, struct hvt_addr *peer)
{
	uint64_t backoff = 0;
	hvt_sock_set_blocking(l, 0);
	for (;;) {
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
			if (ss.ss_family == AF_HYPERV)
				hv_local_set(s, sk(l));
			if (peer)
				*peer = p;
			*out = (hvt_sock)s;
			return 0;
		}
		int e = WSAGetLastError();
		if (e == WSAENETDOWN) {
			struct hvt_addr a;
			char buf[HVT_ADDR_STRLEN] = "the listener";
			if (hvt_sock_name(l, 0, &a) == 0)
				hvt_addr_format(&a, buf, sizeof buf);
			backoff = backoff ? (backoff * 2 > 5000 ? 5000 : backoff * 2) : 100;
			hvt_warnx("accept on %s: %s; retrying in %.1f s", buf, hvt_strerror(e),
				  (double)backoff / 1000.0);
			int w = hvt_win_wait_handle(NULL, NULL, backoff);
			if (w < 0)
				return -w;
			continue;
		}
		if (e != WSAEWOULDBLOCK && e != WSAECONNRESET && e != WSAECONNABORTED &&
		    e != WSAENOTCONN && e != WSAEINTR)
			return e;
		if (e != WSAEWOULDBLOCK)
			continue;
		/* Finished -e/-c tasks are reaped (their thread handles closed) every second
		 * while some run; with none, nothing wakes us but a client or Ctrl-C. */
		int w = hvt_win_wait(sk(l), 0, hvt_tasks_running() ? 1000 : UINT64_MAX, NULL);
		hvt_sock_set_blocking(l, 0);
		if (w < 0)
			return -w;
	}
}

int hvt_sock_shutdown_write(hvt_sock s)
{
	return shutdown(sk(s), SD_SEND) == 0 ? 0 : WSAGetLastError();
}

/* A graceful close: a socket closed with unread data resets a TCP connection and its peer can
 * lose the last bytes we sent; on older Windows builds hvsocket close and shutdown were
 * reported to drop data in flight (vpnkit moved to one multiplexed connection because of it;
 * ../shared/reference/hvsocket.md). So every close half-closes first and reads what the peer
 * still sends (hvt_win_drain), here only what has arrived already. */
void hvt_sock_close(hvt_sock s)
{
	if (s == HVT_SOCK_INVALID)
		return;
	hv_local_get(sk(s), NULL, 1);
	hvt_win_drain(sk(s), 0);
	closesocket(sk(s));
}

void hvt_win_drain(SOCKET s, uint64_t ms)
{
	static char sink[16384]; /* shared by every thread: its bytes are dropped */
	if (shutdown(s, SD_SEND) != 0 && WSAGetLastError() == WSAENOTCONN)
		return; /* a listener, or never connected */
	uint64_t start = hvt_now_ns();
	size_t total = 0;
	for (;;) {
		uint64_t el = (hvt_now_ns() - start) / 1000000u;
		if (ms && (el >= ms || hvt_win_wait(s, 0, ms - el, NULL) <= 0))
			break;
		u_long on = 1;
		ioctlsocket(s, (long)FIONBIO, &on);
		int n = recv(s, sink, (int)sizeof sink, 0);
		if (n <= 0 || (total += (size_t)n) > (64u << 20))
			break;
	}
	u_long off = 0;
	ioctlsocket(s, (long)FIONBIO, &off);
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
	int w = hvt_win_wait(sk(s), 0, timeout_ms, NULL);
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
	/* go-winio's dialer redials on these (hvsock.go canRedial): 1225 and 1201 are what
	 * hvsocket connects report as Win32 codes. */
	case WSAECONNREFUSED:
	case ERROR_CONNECTION_REFUSED:
	case ERROR_FILE_NOT_FOUND: return HVT_E_REFUSED; /* npipe: no pipe of that name */
	case ERROR_PIPE_BUSY: return HVT_E_TIMEDOUT;	 /* npipe: every instance stayed busy */
	case ERROR_CONNECTION_UNAVAIL: return HVT_E_NETUNREACH;
	case WSAECONNRESET:
	case WSAECONNABORTED:
	case WSAENETRESET: /* hvsockets: the VM was reset or its connection torn down */
	case ERROR_NETNAME_DELETED: return HVT_E_RESET;
	case WSAEACCES:
	case ERROR_ACCESS_DENIED: return HVT_E_ACCESS;
	case WSAEADDRINUSE:
	case ERROR_ALREADY_EXISTS: return HVT_E_ADDRINUSE; /* npipe: a name served already */
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

/* ---- a socket as an end of the event engine (relay.h, engine.h) ----------------------- */

/* A read or write is first tried at once on the non-blocking socket (what is there is taken,
 * what fits is sent, with no trip through the port), and only when it would block does an
 * overlapped WSARecv/WSASend wait for it on the completion port. Under Wine an overlapped
 * send costs several wineserver requests, so this doubles the throughput there; on Windows
 * it spares the completion packet (as FILE_SKIP_COMPLETION_PORT_ON_SUCCESS would, which a
 * layered provider without IFS handles cannot use). */
static int end_attach(hvt_sock h, void *port)
{
	if (!CreateIoCompletionPort((HANDLE)h, port, 0, 0))
		return (int)GetLastError();
	u_long on = 1; /* overlapped operations are not affected by it */
	return ioctlsocket(sk(h), (long)FIONBIO, &on) == 0 ? 0 : WSAGetLastError();
}

/* A Winsock call's outcome as start_read/start_write return it. */
static int started(int rc)
{
	int e = rc == 0 ? 0 : WSAGetLastError();
	return e == 0 || e == WSA_IO_PENDING ? 0 : e;
}

static int end_start_read(hvt_sock h, void *buf, size_t len, void *ov, unsigned long *now)
{
	WSABUF b = { len > (1u << 30) ? (1u << 30) : (ULONG)len, buf };
	int n = recv(sk(h), b.buf, (int)b.len, 0);
	if (n >= 0) {
		*now = (unsigned long)n;
		return HVT_IO_NOW;
	}
	if (WSAGetLastError() != WSAEWOULDBLOCK)
		return WSAGetLastError();
	DWORD flags = 0; /* a completion follows even when it is done at once */
	return started(WSARecv(sk(h), &b, 1, NULL, &flags, ov, NULL));
}

static int end_start_write(hvt_sock h, const void *buf, size_t len, void *ov, unsigned long *now)
{
	WSABUF b = { len > (1u << 30) ? (1u << 30) : (ULONG)len, (char *)(uintptr_t)buf };
	int n = send(sk(h), b.buf, (int)b.len, 0);
	if (n > 0) {
		*now = (unsigned long)n;
		return HVT_IO_NOW;
	}
	if (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK)
		return WSAGetLastError();
	return started(WSASend(sk(h), &b, 1, NULL, 0, ov, NULL));
}

/* The completion's status is an NTSTATUS turned into a Win32 code (a reset is
 * ERROR_NETNAME_DELETED); WSAGetOverlappedResult gives the Winsock code users know. */
static long end_result(hvt_sock h, void *ov, unsigned long bytes, unsigned long status)
{
	DWORD n = 0, flags = 0;
	if (status == 0)
		return (long)bytes;
	if (WSAGetOverlappedResult(sk(h), ov, &n, FALSE, &flags))
		return (long)n;
	int e = WSAGetLastError();
	return -(long)(e ? e : (int)status);
}

static void end_cancel(hvt_sock h)
{
	CancelIoEx((HANDLE)h, NULL);
}

const struct hvt_end_ops hvt_sock_end_ops = {
	.shutdown_write = hvt_sock_shutdown_write,
	.attach = end_attach,
	.start_read = end_start_read,
	.start_write = end_start_write,
	.result = end_result,
	.cancel = end_cancel,
};
