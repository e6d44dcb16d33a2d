/* Named pipe servers that hvnc.exe cannot be, for e2e/win_npipe.sh (plain synchronous Win32):
 *   npipe_server NAME message   a message-mode pipe: reads messages until a zero-length one
 *                               (the client's half-close), answers "got N bytes\n" as one
 *                               message, then a zero-length message (its own half-close), and
 *                               waits for the client to close
 *   npipe_server NAME busy MS   a pipe of one instance, taken by a client of its own for MS
 *                               milliseconds (others get ERROR_PIPE_BUSY), then freed; the next
 *                               client gets "served\n" and the pipe is closed
 * Prints "ready" on stdout once the pipe exists. Exit 0, or 1 with a message. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int die(const char *what)
{
	fprintf(stderr, "npipe_server: %s: error %lu\n", what, (unsigned long)GetLastError());
	return 1;
}

static int ready(void)
{
	printf("ready\n");
	fflush(stdout);
	return 0;
}

static int message(HANDLE p)
{
	char buf[65536];
	unsigned long long total = 0;
	DWORD n;
	ready();
	if (!ConnectNamedPipe(p, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
		return die("ConnectNamedPipe");
	for (;;) {
		if (!ReadFile(p, buf, sizeof buf, &n, NULL) && GetLastError() != ERROR_MORE_DATA)
			return die("ReadFile (the client closed before its zero-length message)");
		if (n == 0)
			break;
		total += n;
	}
	int len = snprintf(buf, sizeof buf, "got %llu bytes\n", total);
	if (!WriteFile(p, buf, (DWORD)len, &n, NULL) || !WriteFile(p, "", 0, &n, NULL))
		return die("WriteFile");
	while (ReadFile(p, buf, sizeof buf, &n, NULL) || GetLastError() == ERROR_MORE_DATA)
		; /* until the client closes */
	return 0;
}

static int busy(const wchar_t *name, HANDLE p, DWORD ms)
{
	DWORD n;
	HANDLE own =
		CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	if (own == INVALID_HANDLE_VALUE)
		return die("CreateFile (own client)");
	ready();
	Sleep(ms);
	CloseHandle(own);
	DisconnectNamedPipe(p);
	if (!ConnectNamedPipe(p, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
		return die("ConnectNamedPipe");
	if (!WriteFile(p, "served\n", 7, &n, NULL))
		return die("WriteFile");
	FlushFileBuffers(p);
	return 0;
}

int main(int argc, char **argv)
{
	wchar_t name[300];
	if (argc < 3 || (strcmp(argv[2], "busy") == 0 && argc < 4)) {
		fprintf(stderr, "usage: npipe_server NAME message | NAME busy MS\n");
		return 2;
	}
	_snwprintf(name, 300, L"\\\\.\\pipe\\%hs", argv[1]);
	name[299] = 0;
	int msg = strcmp(argv[2], "message") == 0;
	DWORD mode = msg ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : PIPE_TYPE_BYTE;
	HANDLE p = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, mode | PIPE_WAIT, msg ? 4 : 1, 65536,
				    65536, 0, NULL);
	if (p == INVALID_HANDLE_VALUE)
		return die("CreateNamedPipe");
	int rc = msg ? message(p) : busy(name, p, (DWORD)strtoul(argv[3], NULL, 10));
	CloseHandle(p);
	return rc;
}
