/* Windows side of wsl.h: the WSL VM ids on the command lines of this user's wslhost.exe and
 * wslrelay.exe, and `wsl.exe -- wslinfo --vm-id` for --start-wsl. */
#include "win.h"

#include <tlhelp32.h>
#include <winternl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "sys.h"
#include "wsl.h"

/* ---- another process's command line ---- */

typedef LONG(NTAPI *query_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);

#define PROCESS_COMMAND_LINE_INFO 60 /* ProcessCommandLineInformation, Windows 8.1 and later */

static char *utf8_of(const wchar_t *w, size_t n)
{
	int len = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, NULL, 0, NULL, NULL);
	char *s = len > 0 ? malloc((size_t)len + 1) : NULL;
	if (!s)
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, (int)n, s, len, NULL, NULL);
	s[len] = '\0';
	return s;
}

/* Class 60 first (Windows 8.1+: a UNICODE_STRING and its text in one buffer); Wine 8 answers
 * STATUS_INVALID_INFO_CLASS, so then the PEB: ProcessBasicInformation gives its address,
 * and RTL_USER_PROCESS_PARAMETERS.CommandLine is read with ReadProcessMemory (the layout of
 * winternl.h; ../shared/reference/test-rigs.md, "Wine facts"). UTF-8, or NULL. */
static char *command_line(HANDLE h, query_fn query)
{
	ULONG need = 0;
	BYTE *buf = malloc(8192);
	char *s = NULL;
	if (!buf)
		return NULL;
	if (query(h, PROCESS_COMMAND_LINE_INFO, buf, 8192, &need) >= 0) {
		UNICODE_STRING *u = (UNICODE_STRING *)(void *)buf;
		if (u->Buffer)
			s = utf8_of(u->Buffer, u->Length / sizeof(wchar_t));
		free(buf);
		return s;
	}
	free(buf);
	PROCESS_BASIC_INFORMATION pbi;
	PEB peb;
	RTL_USER_PROCESS_PARAMETERS params;
	SIZE_T got;
	if (query(h, ProcessBasicInformation, &pbi, sizeof pbi, &need) < 0 ||
	    !ReadProcessMemory(h, pbi.PebBaseAddress, &peb, sizeof peb, &got) ||
	    !ReadProcessMemory(h, peb.ProcessParameters, &params, sizeof params, &got))
		return NULL;
	size_t n = params.CommandLine.Length / sizeof(wchar_t);
	wchar_t *w = malloc((n + 1) * sizeof *w);
	if (w && ReadProcessMemory(h, params.CommandLine.Buffer, w, n * sizeof *w, &got))
		s = utf8_of(w, n);
	free(w);
	return s;
}

/* ---- whose process ---- */

/* The user SID of a token (malloc'd TOKEN_USER), or NULL. */
static TOKEN_USER *token_user(HANDLE process)
{
	HANDLE tok;
	DWORD len = 0;
	TOKEN_USER *tu = NULL;
	if (!OpenProcessToken(process, TOKEN_QUERY, &tok))
		return NULL;
	GetTokenInformation(tok, TokenUser, NULL, 0, &len);
	if (len && (tu = malloc(len)) && !GetTokenInformation(tok, TokenUser, tu, len, &len)) {
		free(tu);
		tu = NULL;
	}
	CloseHandle(tok);
	return tu;
}

/* Only the current user's processes count: an elevated process could read every user's,
 * and another user's WSL VM is not ours to bind (WSAEACCES; jobs-in-the-wild.md section 1). */
static int same_user(HANDLE h, const TOKEN_USER *me)
{
	TOKEN_USER *them = token_user(h);
	int same = them && me && EqualSid(them->User.Sid, me->User.Sid);
	free(them);
	return same;
}

void hvt_wsl_platform_procs(struct hvt_wsl_found *f, size_t *n)
{
	query_fn query = (query_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
							  "NtQueryInformationProcess");
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (!query || snap == INVALID_HANDLE_VALUE)
		return;
	TOKEN_USER *me = token_user(GetCurrentProcess());
	PROCESSENTRY32W pe;
	pe.dwSize = sizeof pe;
	for (BOOL more = Process32FirstW(snap, &pe); more; more = Process32NextW(snap, &pe)) {
		const wchar_t *exe = _wcsicmp(pe.szExeFile, L"wslhost.exe") == 0 ? L"wslhost.exe"
				     : _wcsicmp(pe.szExeFile, L"wslrelay.exe") == 0
					     ? L"wslrelay.exe"
					     : NULL;
		if (!exe)
			continue;
		HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE,
				       pe.th32ProcessID);
		if (!h)
			continue; /* another user's, or gone */
		char *cmd = same_user(h, me) ? command_line(h, query) : NULL;
		hvt_guid id;
		if (cmd && hvt_wsl_cmdline_id(cmd, &id) == 0) {
			char from[48];
			snprintf(from, sizeof from, "%ls pid %lu", exe,
				 (unsigned long)pe.th32ProcessID);
			hvt_wsl_add(f, n, &id, from);
		}
		free(cmd);
		CloseHandle(h);
	}
	free(me);
	CloseHandle(snap);
}

/* ---- wsl.exe -- wslinfo --vm-id ---- */

#define START_WAIT_MS 120000u /* booting WSL takes seconds, a first start much longer */

/* What the pipe holds now, without waiting, appended to out[*len..cap) (the rest dropped). */
static void drain(HANDLE rd, char *out, size_t cap, size_t *len)
{
	DWORD avail = 0, got = 0;
	char sink[256];
	while (PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) && avail) {
		char *to = *len < cap ? out + *len : sink;
		size_t room = *len < cap ? cap - *len : sizeof sink;
		if (!ReadFile(rd, to, avail < room ? avail : (DWORD)room, &got, NULL) || !got)
			return;
		if (to != sink)
			*len += got;
	}
}

int hvt_wsl_platform_start(hvt_guid *id, char *err, size_t errlen)
{
	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
	HANDLE rd, wr, nul;
	if (!CreatePipe(&rd, &wr, &sa, 0))
		return hvt_fail(err, errlen, HVT_WSL_NONE, "cannot make a pipe: %s",
				hvt_strerror((int)GetLastError()));
	SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
	nul = CreateFileW(L"NUL", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
			  &sa, OPEN_EXISTING, 0, NULL);
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = nul;
	si.hStdOutput = wr;
	si.hStdError = nul;
	wchar_t cmd[] = L"wsl.exe -- wslinfo --vm-id";
	BOOL ok =
		CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi);
	DWORD e = GetLastError();
	CloseHandle(wr);
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	if (!ok) {
		CloseHandle(rd);
		return hvt_fail(err, errlen, HVT_WSL_NONE, "cannot run wsl.exe: %s%s",
				hvt_strerror((int)e),
				e == ERROR_FILE_NOT_FOUND ? " (is WSL installed?)" : "");
	}
	/* Not until the pipe closes: a process wsl.exe starts as it boots WSL (wslhost.exe)
	 * may inherit the pipe's write end and live on. Until wsl.exe exits, within
	 * START_WAIT_MS (or Ctrl-C), taking what it writes as it comes. */
	char out[512];
	size_t len = 0;
	DWORD code = 1;
	int stopped = 0;
	ULONGLONG start = GetTickCount64();
	for (;;) {
		DWORD w = WaitForSingleObject(pi.hProcess, 100);
		drain(rd, out, sizeof out - 1, &len);
		if (w == WAIT_OBJECT_0) {
			GetExitCodeProcess(pi.hProcess, &code);
			break;
		}
		if (GetTickCount64() - start >= START_WAIT_MS || hvt_interrupted()) {
			TerminateProcess(pi.hProcess, 1);
			stopped = 1;
			break;
		}
	}
	CloseHandle(rd);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	if (stopped)
		return hvt_fail(err, errlen, HVT_WSL_NONE, "it did not finish within %u s",
				START_WAIT_MS / 1000u);
	if (code != 0 || hvt_wsl_parse_wslinfo(out, len, id) < 0)
		return hvt_fail(err, errlen, HVT_WSL_NONE,
				"it exited with status %lu and printed no VM id (wslinfo --vm-id "
				"needs WSL 2.x)",
				(unsigned long)code);
	return HVT_WSL_OK;
}
