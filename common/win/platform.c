/* Windows side of common/platform.h: binary stdio, error texts, OS random bytes. */
#include "win.h"

#include <bcrypt.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

static UINT saved_output_cp;

static void restore_console_cp(void)
{
	if (saved_output_cp)
		SetConsoleOutputCP(saved_output_cp);
}

/* A standard handle that is closed or missing gets the NUL device, so that reads see an
 * empty input and writes are dropped, as with Linux's /dev/null. */
static void hold_std(DWORD which, FILE *f, const char *mode)
{
	HANDLE h = GetStdHandle(which);
	if (h != NULL && h != INVALID_HANDLE_VALUE && _fileno(f) >= 0)
		return;
	HANDLE nul = CreateFileA("NUL", GENERIC_READ | GENERIC_WRITE,
				 FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (nul != INVALID_HANDLE_VALUE)
		SetStdHandle(which, nul);
	if (!freopen("NUL", mode, f))
		return; /* nothing better to do: writes fail, as they did */
}

void hvt_platform_init(void)
{
	hold_std(STD_INPUT_HANDLE, stdin, "rb");
	hold_std(STD_OUTPUT_HANDLE, stdout, "wb");
	hold_std(STD_ERROR_HANDLE, stderr, "wb");
	/* Text mode would turn LF into CRLF on output and stop input at 0x1A: every byte a tool
	 * reads or writes through the C runtime is data or a message compared byte for byte. */
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	/* The manifest makes the process code page UTF-8; a console shows what we write as
	 * UTF-8 too, until we exit. */
	UINT cp = GetConsoleOutputCP();
	if (cp != 0 && cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8)) {
		saved_output_cp = cp;
		atexit(restore_console_cp);
	}
}

/* Socket and pipe errors with a POSIX counterpart get glibc's wording, so that a message
 * reads the same on Linux and Windows ("connection refused", not "No connection could be
 * made because the target machine actively refused it.") and the CLI expected files are
 * shared. Everything else comes from FormatMessage. */
static const struct {
	int code;
	const char *text;
} posix_text[] = {
	{ WSAEINTR, "interrupted system call" },
	{ WSAEBADF, "bad file descriptor" },
	{ WSAEACCES, "permission denied" },
	{ WSAEFAULT, "bad address" },
	{ WSAEINVAL, "invalid argument" },
	{ WSAEMFILE, "too many open files" },
	{ WSAEWOULDBLOCK, "resource temporarily unavailable" },
	{ WSAEINPROGRESS, "operation now in progress" },
	{ WSAEALREADY, "operation already in progress" },
	{ WSAENOTSOCK, "socket operation on non-socket" },
	{ WSAEDESTADDRREQ, "destination address required" },
	{ WSAEMSGSIZE, "message too long" },
	{ WSAEPROTOTYPE, "protocol wrong type for socket" },
	{ WSAENOPROTOOPT, "protocol not available" },
	{ WSAEPROTONOSUPPORT, "protocol not supported" },
	{ WSAESOCKTNOSUPPORT, "socket type not supported" },
	{ WSAEOPNOTSUPP, "operation not supported" },
	{ WSAEPFNOSUPPORT, "protocol family not supported" },
	{ WSAEAFNOSUPPORT, "address family not supported by protocol" },
	{ WSAEADDRINUSE, "address already in use" },
	{ WSAEADDRNOTAVAIL, "cannot assign requested address" },
	{ WSAENETDOWN, "network is down" },
	{ WSAENETUNREACH, "network is unreachable" },
	{ WSAENETRESET, "network dropped connection on reset" },
	{ WSAECONNABORTED, "software caused connection abort" },
	{ WSAECONNRESET, "connection reset by peer" },
	{ WSAENOBUFS, "no buffer space available" },
	{ WSAEISCONN, "transport endpoint is already connected" },
	{ WSAENOTCONN, "transport endpoint is not connected" },
	{ WSAESHUTDOWN, "cannot send after transport endpoint shutdown" },
	{ WSAETIMEDOUT, "connection timed out" },
	{ WSAECONNREFUSED, "connection refused" },
	{ WSAENAMETOOLONG, "file name too long" },
	{ WSAEHOSTDOWN, "host is down" },
	{ WSAEHOSTUNREACH, "no route to host" },
	{ WSAHOST_NOT_FOUND, "name or service not known" },
	{ WSATRY_AGAIN, "temporary failure in name resolution" },
	{ WSANO_RECOVERY, "non-recoverable failure in name resolution" },
	{ WSANO_DATA, "no address associated with hostname" },
	{ WSATYPE_NOT_FOUND, "servname not supported for ai_socktype" },
	{ ERROR_BROKEN_PIPE, "broken pipe" },
	{ ERROR_NO_DATA, "broken pipe" },
	{ ERROR_FILE_NOT_FOUND, "no such file or directory" },
	{ ERROR_PATH_NOT_FOUND, "no such file or directory" },
	{ ERROR_NOT_ENOUGH_MEMORY, "cannot allocate memory" },
	{ ERROR_OUTOFMEMORY, "cannot allocate memory" },
};

/* err(3) shape: first letter lower-case (unless an acronym), no trailing period or newline. */
static void tidy(char *buf)
{
	size_t n = strlen(buf);
	while (n > 0 &&
	       (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.'))
		buf[--n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

const char *hvt_platform_strerror(int code, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (code & HVT_CRT_ERR) {
		snprintf(buf, len, "%s", strerror(code & ~HVT_CRT_ERR));
		tidy(buf);
		return buf;
	}
	for (size_t i = 0; i < sizeof posix_text / sizeof posix_text[0]; i++) {
		if (posix_text[i].code == code) {
			snprintf(buf, len, "%s", posix_text[i].text);
			return buf;
		}
	}
	if (!hvt_win_message((DWORD)code, buf, len))
		snprintf(buf, len, "unknown error %d", code);
	return buf;
}

const char *hvt_win_message(DWORD code, char *buf, size_t len)
{
	DWORD flags = FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
		      FORMAT_MESSAGE_MAX_WIDTH_MASK;
	DWORD size = len > 0xFFFF ? 0xFFFF : (DWORD)len;
	if (len == 0)
		return NULL;
	DWORD n = FormatMessageA(flags, NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
				 buf, size, NULL);
	if (n == 0)
		n = FormatMessageA(flags, NULL, code, 0, buf, size, NULL);
	if (n == 0) {
		buf[0] = '\0';
		return NULL;
	}
	tidy(buf);
	return buf;
}

int hvt_platform_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len > 0) {
		ULONG n = len > 0x10000000u ? 0x10000000u : (ULONG)len;
		NTSTATUS st = BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
		if (!BCRYPT_SUCCESS(st))
			return ERROR_GEN_FAILURE;
		p += n;
		len -= n;
	}
	return 0;
}
