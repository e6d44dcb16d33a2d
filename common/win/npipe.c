/* npipe.h on Windows: named pipes opened and served with overlapped I/O, so that their
 * instances are ends of the event engine (pipe.c) and every wait ends on Ctrl-C (the stop
 * event, hvt_win_wait_handle). */
#include "win.h"

#include <sddl.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "npipe.h"
#include "relay.h"
#include "sys.h"

#define BUF_SIZE (256u << 10) /* each direction's buffer in the pipe, as a socket's */

static char *sddl; /* hvt_npipe_set_sddl; NULL: the default */

int hvt_npipe_supported(void)
{
	return 1;
}

static int wide(const char *s, wchar_t *w, int n)
{
	return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n)
		       ? 0
		       : (int)GetLastError();
}

static uint64_t ms_since(uint64_t start_ns)
{
	return (hvt_now_ns() - start_ns) / 1000000u;
}

/* ---- connect --------------------------------------------------------------------------- */

/* A message-mode pipe is read in message mode: its zero-length message, the peer's
 * half-close, then reads as one (pipe.c). */
static void follow_mode(HANDLE h)
{
	DWORD flags = 0, mode = PIPE_READMODE_MESSAGE;
	if (GetNamedPipeInfo(h, &flags, NULL, NULL, NULL) && (flags & PIPE_TYPE_MESSAGE))
		SetNamedPipeHandleState(h, &mode, NULL, NULL);
}

int hvt_npipe_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_sock *out)
{
	wchar_t w[HVT_PIPE_MAX + 1];
	int rc = wide(a->pipe, w, HVT_PIPE_MAX + 1);
	if (rc != 0)
		return rc;
	uint64_t limit = timeout_ms ? timeout_ms : HVT_NPIPE_WAIT_MS, start = hvt_now_ns();
	for (;;) {
		HANDLE h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
				       FILE_FLAG_OVERLAPPED, NULL);
		if (h != INVALID_HANDLE_VALUE) {
			if (GetFileType(h) != FILE_TYPE_PIPE) {
				CloseHandle(h);
				hvt_connected_said(ERROR_BAD_PIPE, "not a named pipe");
				return ERROR_BAD_PIPE;
			}
			follow_mode(h);
			*out = (hvt_sock)h;
			return 0;
		}
		rc = (int)GetLastError();
		/* Not there yet, or every instance taken: WaitNamedPipe would not see Ctrl-C and
		 * fails at once for a pipe that does not exist, so open again every 200 ms. */
		if (rc != ERROR_PIPE_BUSY && rc != ERROR_FILE_NOT_FOUND)
			return rc;
		uint64_t spent = ms_since(start);
		if (spent >= limit) {
			hvt_connected_said(rc, "%s (waited %.1f s)",
					   rc == ERROR_PIPE_BUSY
						   ? "every instance of the pipe is busy"
						   : "no such pipe",
					   (double)limit / 1000.0);
			return rc;
		}
		uint64_t pause =
			limit - spent < HVT_NPIPE_RETRY_MS ? limit - spent : HVT_NPIPE_RETRY_MS;
		int wr = hvt_win_wait_handle(NULL, NULL, pause);
		if (wr < 0)
			return -wr;
	}
}

/* ---- listen ---------------------------------------------------------------------------- */

struct listener {
	wchar_t name[HVT_PIPE_MAX + 1];
	PSECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa;
	HANDLE inst; /* the instance waiting for the next client (NULL: none yet) */
	HANDLE ev;   /* its ConnectNamedPipe's event */
	OVERLAPPED ov;
	int connected; /* a client is there already */
};

/* The default DACL: the current user, SYSTEM and Administrators, full access; protected (no
 * inherited entries). */
static int default_sd(PSECURITY_DESCRIPTOR *sd)
{
	HANDLE tok;
	char buf[256];
	DWORD n;
	wchar_t *sid = NULL, text[300];
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		return (int)GetLastError();
	int ok = GetTokenInformation(tok, TokenUser, buf, sizeof buf, &n) &&
		 ConvertSidToStringSidW(((TOKEN_USER *)(void *)buf)->User.Sid, &sid);
	int rc = ok ? 0 : (int)GetLastError();
	CloseHandle(tok);
	if (rc != 0)
		return rc;
	_snwprintf(text, sizeof text / sizeof *text, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;%ls)",
		   sid);
	text[sizeof text / sizeof *text - 1] = 0;
	LocalFree(sid);
	return ConvertStringSecurityDescriptorToSecurityDescriptorW(text, SDDL_REVISION_1, sd, NULL)
		       ? 0
		       : (int)GetLastError();
}

int hvt_npipe_set_sddl(const char *s)
{
	PSECURITY_DESCRIPTOR sd;
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(s, SDDL_REVISION_1, &sd, NULL))
		return (int)GetLastError();
	LocalFree(sd);
	free(sddl);
	sddl = _strdup(s);
	return sddl ? 0 : ERROR_NOT_ENOUGH_MEMORY;
}

/* A new instance, waiting for its client with an overlapped ConnectNamedPipe. Message type,
 * as go-winio's listeners with MessageMode (Docker's): a zero-length message is the
 * half-close (go-winio pipe.go, win32MessageBytePipe.CloseWrite), and a client that reads in
 * byte mode sees one stream. Local clients only. */
static int new_instance(struct listener *l, int first)
{
	DWORD open = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED |
		     (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
	HANDLE h = CreateNamedPipeW(l->name, open,
				    PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT |
					    PIPE_REJECT_REMOTE_CLIENTS,
				    PIPE_UNLIMITED_INSTANCES, BUF_SIZE, BUF_SIZE, 0, &l->sa);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		/* the first instance of a name someone else serves */
		return first && (e == ERROR_ACCESS_DENIED || e == ERROR_PIPE_BUSY)
			       ? ERROR_ALREADY_EXISTS
			       : (int)e;
	}
	l->inst = h;
	l->connected = 0;
	for (;;) {
		memset(&l->ov, 0, sizeof l->ov);
		ResetEvent(l->ev);
		l->ov.hEvent = l->ev;
		if (ConnectNamedPipe(h, &l->ov)) {
			l->connected = 1;
			return 0;
		}
		DWORD e = GetLastError();
		if (e == ERROR_IO_PENDING)
			return 0;
		if (e == ERROR_PIPE_CONNECTED) {
			l->connected = 1;
			return 0;
		}
		if (e != ERROR_NO_DATA) { /* ERROR_NO_DATA: a client came and went already */
			CloseHandle(h);
			l->inst = NULL;
			return (int)e;
		}
		DisconnectNamedPipe(h);
	}
}

void hvt_npipe_unlisten(hvt_sock ls)
{
	struct listener *l = (struct listener *)ls;
	if (!l)
		return;
	if (l->inst) {
		DWORD n;
		if (!l->connected && CancelIoEx(l->inst, &l->ov))
			GetOverlappedResult(l->inst, &l->ov, &n, TRUE);
		CloseHandle(l->inst);
	}
	if (l->ev)
		CloseHandle(l->ev);
	if (l->sd)
		LocalFree(l->sd);
	free(l);
}

int hvt_npipe_listen(const struct hvt_addr *a, hvt_sock *out)
{
	struct listener *l = calloc(1, sizeof *l);
	if (!l)
		return ERROR_NOT_ENOUGH_MEMORY;
	int rc = wide(a->pipe, l->name, HVT_PIPE_MAX + 1);
	if (rc == 0 && sddl &&
	    !ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &l->sd,
								  NULL))
		rc = (int)GetLastError();
	else if (rc == 0 && !sddl)
		rc = default_sd(&l->sd);
	if (rc == 0 && !(l->ev = CreateEventW(NULL, TRUE, FALSE, NULL)))
		rc = (int)GetLastError();
	l->sa.nLength = sizeof l->sa;
	l->sa.lpSecurityDescriptor = l->sd;
	if (rc == 0)
		rc = new_instance(l, 1);
	if (rc != 0) {
		hvt_npipe_unlisten((hvt_sock)l);
		return rc;
	}
	*out = (hvt_sock)l;
	return 0;
}

int hvt_npipe_accept(hvt_sock ls, hvt_sock *out, uint64_t ms)
{
	struct listener *l = (struct listener *)ls;
	uint64_t start = hvt_now_ns();
	for (;;) {
		if (!l->inst) { /* creating the last one failed: try again */
			int rc = new_instance(l, 0);
			if (rc != 0)
				return rc;
		}
		if (!l->connected) {
			uint64_t spent = ms_since(start);
			uint64_t left = ms == UINT64_MAX ? ms : spent < ms ? ms - spent : 0;
			int w = hvt_win_wait_handle(l->ev, NULL, left);
			if (w < 0)
				return -w;
			if (w == 0)
				return hvt_err_timeout();
			DWORD n;
			if (!GetOverlappedResult(l->inst, &l->ov, &n, FALSE)) {
				/* the client went away before we saw it: wait for the next */
				CloseHandle(l->inst);
				l->inst = NULL;
				continue;
			}
		}
		HANDLE c = l->inst;
		l->inst = NULL;
		/* the next client's instance before this one is served: a client never finds
		 * the name missing (ERROR_FILE_NOT_FOUND) between two accepts */
		int rc = new_instance(l, 0);
		if (rc != 0)
			hvt_warn(rc, "cannot create the next instance of the pipe (tried again at "
				     "the next accept)");
		*out = (hvt_sock)c;
		return 0;
	}
}
