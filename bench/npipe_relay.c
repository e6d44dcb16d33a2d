/* The reference for bench/npipe.sh: the least a named-pipe relay can be. It serves one client
 * on \\.\pipe\IN (byte type, one instance), opens \\.\pipe\OUT and copies IN -> OUT with
 * blocking ReadFile/WriteFile through one buffer of BUF bytes until IN's EOF; nothing flows
 * back. Built with mingw-w64 by the script; prints "ready" once IN exists. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>

#define BUF (256u << 10)

int main(int argc, char **argv)
{
	wchar_t in_name[300], out_name[300];
	static char buf[BUF];
	DWORD n, w;
	if (argc != 3) {
		fprintf(stderr, "usage: npipe_relay IN OUT\n");
		return 2;
	}
	_snwprintf(in_name, 300, L"\\\\.\\pipe\\%hs", argv[1]);
	_snwprintf(out_name, 300, L"\\\\.\\pipe\\%hs", argv[2]);
	HANDLE in = CreateNamedPipeW(in_name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1,
				     BUF, BUF, 0, NULL);
	if (in == INVALID_HANDLE_VALUE)
		return 1;
	printf("ready\n");
	fflush(stdout);
	if (!ConnectNamedPipe(in, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
		return 1;
	HANDLE out = CreateFileW(out_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
				 NULL);
	if (out == INVALID_HANDLE_VALUE)
		return 1;
	while (ReadFile(in, buf, BUF, &n, NULL) && n > 0)
		for (DWORD off = 0; off < n; off += w)
			if (!WriteFile(out, buf + off, n - off, &w, NULL))
				return 1;
	CloseHandle(out);
	CloseHandle(in);
	return 0;
}
