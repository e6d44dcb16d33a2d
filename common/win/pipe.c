/* A HANDLE opened for overlapped I/O (FILE_FLAG_OVERLAPPED: a named pipe's instance, either
 * end) as an end of the event engine (relay.h, engine.h): overlapped ReadFile/WriteFile on the
 * completion port, what ends a pipe's stream (ERROR_BROKEN_PIPE, ERROR_PIPE_NOT_CONNECTED, a
 * zero-length message) as EOF, and a half-close where the pipe's mode allows one: a
 * zero-length message in message mode; a byte-mode pipe has none, its EOF comes with the close
 * (hvnc -q ends such a connection after input EOF).
 * The npipe: family (family_npipe.c, npipe.c) moves its bytes with it; tests/unit/test_win_pipe_end.c relays a
 * message-mode pipe to a socket through it under Wine. */
#include "engine.h"

#include <string.h>

static HANDLE hd(hvt_sock h)
{
	return (HANDLE)h;
}

/* An operation that succeeds at once queues no completion (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS):
 * it is HVT_IO_NOW, with no trip through the port, as the socket ends do. */
static int pipe_attach(hvt_sock h, void *port)
{
	if (!CreateIoCompletionPort(hd(h), port, 0, 0) ||
	    !SetFileCompletionNotificationModes(hd(h), FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))
		return (int)GetLastError();
	return 0;
}

/* The codes that mean the other end has closed. */
static int ended(DWORD e)
{
	return e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED || e == ERROR_HANDLE_EOF ||
	       e == ERROR_NO_DATA;
}

static DWORD clip(size_t len)
{
	return len > (1u << 30) ? (1u << 30) : (DWORD)len;
}

/* A read that returns at once is done (0 bytes: a zero-length message, the peer's half-close);
 * a message larger than the buffer (ERROR_MORE_DATA, a warning: the rest comes with the next
 * read) still queues a completion. */
static int pipe_start_read(hvt_sock h, void *buf, size_t len, void *ov, unsigned long *now)
{
	DWORD n = 0;
	if (ReadFile(hd(h), buf, clip(len), &n, ov)) {
		*now = n;
		return HVT_IO_NOW;
	}
	DWORD e = GetLastError();
	if (e == ERROR_IO_PENDING || e == ERROR_MORE_DATA)
		return 0;
	if (ended(e)) {
		*now = 0;
		return HVT_IO_NOW;
	}
	return (int)e;
}

static int pipe_start_write(hvt_sock h, const void *buf, size_t len, void *ov, unsigned long *now)
{
	DWORD n = 0;
	if (WriteFile(hd(h), buf, clip(len), &n, ov)) {
		*now = n;
		return HVT_IO_NOW;
	}
	DWORD e = GetLastError();
	return e == ERROR_IO_PENDING ? 0 : (int)e;
}

static long pipe_result(hvt_sock h, void *ov, unsigned long bytes, unsigned long status)
{
	(void)h;
	(void)ov;
	if (status == 0 || status == ERROR_MORE_DATA)
		return (long)bytes; /* 0 bytes read: a zero-length message, the half-close */
	return ended(status) ? 0 : -(long)status;
}

static void pipe_cancel(hvt_sock h)
{
	CancelIoEx(hd(h), NULL);
}

/* A message-mode pipe: a zero-length message, written here and waited for: until the reader
 * has room for it, but 10 s at most (a reader that never reads must not hold the relay, which
 * may be a thread of the forwarder's pool) and not past Ctrl-C. A bound of 1 s would lose the
 * half-close of a reader busier than that on a loaded machine (hvt_end_io_wait, engine.h). */
static int pipe_shutdown_write(hvt_sock h)
{
	DWORD flags = 0;
	if (!GetNamedPipeInfo(hd(h), &flags, NULL, NULL, NULL))
		return 0;
	if (!(flags & PIPE_TYPE_MESSAGE))
		return 0;
	struct hvt_end c = { h, &hvt_npipe_end };
	long r = hvt_end_io_wait(&c, 1, (void *)(uintptr_t) "", 0, NULL, 10000);
	return r < 0 && !ended((DWORD)-r) ? (int)-r : 0;
}

static void pipe_close(hvt_sock h)
{
	CloseHandle(hd(h)); /* what is written stays readable by the peer until its EOF */
}

const struct hvt_end_ops hvt_npipe_end = {
	.close = pipe_close,
	.shutdown_write = pipe_shutdown_write,
	.attach = pipe_attach,
	.start_read = pipe_start_read,
	.start_write = pipe_start_write,
	.result = pipe_result,
	.cancel = pipe_cancel,
};
