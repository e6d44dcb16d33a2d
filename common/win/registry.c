/* Windows side of registry.h: the live registry under
 * HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices
 * (64-bit view, UTF-16 <-> UTF-8), and atomic .reg file replacement. Win32 API only, so that
 * every error code here is a Win32 code for hvt_strerror(). */
#include "registry.h"
#include "strutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "msg.h"
#include "platform.h"

static const wchar_t services_w[] =
	L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\GuestCommunicationServices";
static const char services_a[] = "HKLM\\" HVT_SERVICES_PATH;

/* A registry error code as a store status with a message about what. */
static int regerr(LSTATUS code, const char *what, char *err, size_t errlen)
{
	if (code == ERROR_ACCESS_DENIED) {
		hvt_seterr(
			err, errlen,
			"%s: access denied: run %s from an elevated prompt (Run as administrator)",
			what, hvt_progname());
		return HVT_STORE_DENIED;
	}
	hvt_seterr(err, errlen, "%s: %s", what, hvt_strerror((int)code));
	return code == ERROR_FILE_NOT_FOUND ? HVT_STORE_NOTFOUND : HVT_STORE_ERROR;
}

/* UTF-8 -> UTF-16, malloc'd; NULL when not valid UTF-8 (or out of memory). */
static wchar_t *to_wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0)
		return NULL;
	wchar_t *w = malloc((size_t)n * sizeof *w);
	if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		w = NULL;
	}
	return w;
}

/* UTF-16 (len units, not necessarily terminated) -> UTF-8, malloc'd. */
static char *to_utf8(const wchar_t *w, int len)
{
	if (len == 0)
		return calloc(1, 1);
	int n = WideCharToMultiByte(CP_UTF8, 0, w, len, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s && WideCharToMultiByte(CP_UTF8, 0, w, len, s, n, NULL, NULL) != n) {
		free(s);
		return NULL;
	}
	if (s)
		s[n] = '\0';
	return s;
}

/* services key \ key, malloc'd; NULL when key is not valid UTF-8. */
static wchar_t *service_path(const char *key)
{
	wchar_t *wk = to_wide(key);
	if (!wk)
		return NULL;
	size_t n = wcslen(services_w) + 1 + wcslen(wk) + 1;
	wchar_t *p = malloc(n * sizeof *p);
	if (p) {
		wcscpy(p, services_w);
		wcscat(p, L"\\");
		wcscat(p, wk);
	}
	free(wk);
	return p;
}

int hvt_live_open(int flags, char *err, size_t errlen)
{
	/* Fail early when a write will be refused (not elevated). A missing services key is fine:
	 * put creates it. */
	REGSAM sam = KEY_READ | KEY_WOW64_64KEY;
	if (flags & HVT_STORE_WRITE)
		sam |= KEY_CREATE_SUB_KEY;
	HKEY hk;
	LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, services_w, 0, sam, &hk);
	if (rc == ERROR_FILE_NOT_FOUND)
		return HVT_STORE_OK;
	if (rc != ERROR_SUCCESS)
		return regerr(rc, services_a, err, errlen);
	RegCloseKey(hk);
	return HVT_STORE_OK;
}

/* Fills e from the open service key hk: its subkey count and every value. */
static int read_service(HKEY hk, struct hvt_service *e)
{
	DWORD nsub = 0, nval = 0, maxname = 0, maxdata = 0;
	if (RegQueryInfoKeyW(hk, NULL, NULL, NULL, &nsub, NULL, NULL, &nval, &maxname, &maxdata,
			     NULL, NULL) != ERROR_SUCCESS)
		return 0;
	e->subkeys = nsub;
	if (nval == 0)
		return 0;
	e->values = calloc(nval, sizeof *e->values);
	wchar_t *name = malloc((maxname + 1) * sizeof *name);
	BYTE *data = malloc(maxdata + sizeof(wchar_t));
	if (!e->values || !name || !data) {
		free(name);
		free(data);
		return -1;
	}
	int rc = 0;
	for (DWORD i = 0; i < nval && rc == 0; i++) {
		DWORD nlen = maxname + 1, dlen = maxdata, type = 0;
		if (RegEnumValueW(hk, i, name, &nlen, NULL, &type, data, &dlen) != ERROR_SUCCESS)
			continue; /* changed under us: what we got is still a listing */
		struct hvt_service_value *x = &e->values[e->nvalues];
		x->type = type;
		if (!(x->name = to_utf8(name, (int)nlen)))
			rc = -1;
		else if (type == REG_SZ || type == REG_EXPAND_SZ) {
			/* Stored strings need not be terminated; stop at the first NUL. */
			const wchar_t *w = (const wchar_t *)data;
			int len = 0;
			while ((DWORD)len < dlen / sizeof(wchar_t) && w[len])
				len++;
			if (!(x->text = to_utf8(w, len)))
				rc = -1;
		} else if (dlen && !(x->data = malloc(dlen))) {
			rc = -1;
		} else {
			if (dlen)
				memcpy(x->data, data, dlen);
			x->len = dlen;
		}
		e->nvalues++;
	}
	free(name);
	free(data);
	return rc;
}

int hvt_live_list(struct hvt_service **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	HKEY hs;
	LSTATUS rc =
		RegOpenKeyExW(HKEY_LOCAL_MACHINE, services_w, 0, KEY_READ | KEY_WOW64_64KEY, &hs);
	if (rc == ERROR_FILE_NOT_FOUND)
		return HVT_STORE_OK;
	if (rc != ERROR_SUCCESS)
		return regerr(rc, services_a, err, errlen);
	struct hvt_service *v = NULL;
	size_t count = 0;
	int status = HVT_STORE_OK;
	for (DWORD i = 0;; i++) {
		wchar_t name[HVT_KEY_NAME_MAX + 2];
		DWORD len = (DWORD)(sizeof name / sizeof name[0]);
		rc = RegEnumKeyExW(hs, i, name, &len, NULL, NULL, NULL, NULL);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc != ERROR_SUCCESS) {
			status = regerr(rc, services_a, err, errlen);
			break;
		}
		struct hvt_service *nv = realloc(v, (count + 1) * sizeof *nv);
		if (!nv) {
			status = HVT_STORE_ERROR;
			hvt_seterr(err, errlen, "out of memory");
			break;
		}
		v = nv;
		struct hvt_service *e = &v[count];
		memset(e, 0, sizeof *e);
		if (!(e->key = to_utf8(name, (int)len))) {
			status = HVT_STORE_ERROR;
			hvt_seterr(err, errlen, "out of memory");
			break;
		}
		count++;
		HKEY hk;
		if (RegOpenKeyExW(hs, name, 0, KEY_READ | KEY_WOW64_64KEY, &hk) == ERROR_SUCCESS) {
			int r = read_service(hk, e);
			RegCloseKey(hk);
			if (r < 0) {
				status = HVT_STORE_ERROR;
				hvt_seterr(err, errlen, "out of memory");
				break;
			}
		}
	}
	RegCloseKey(hs);
	if (status != HVT_STORE_OK) {
		hvt_services_free(v, count);
		return status;
	}
	*out = v;
	*n = count;
	return HVT_STORE_OK;
}

/* Sets the REG_SZ value vname of hk to text (UTF-8). */
static LSTATUS set_string(HKEY hk, const wchar_t *vname, const char *text)
{
	wchar_t *w = to_wide(text);
	if (!w)
		return ERROR_INVALID_DATA;
	DWORD bytes = (DWORD)((wcslen(w) + 1) * sizeof(wchar_t));
	LSTATUS rc = RegSetValueExW(hk, vname, 0, REG_SZ, (const BYTE *)w, bytes);
	free(w);
	return rc;
}

int hvt_live_put(const char *key, const char *name, const char *tool, int flags, char *err,
		 size_t errlen)
{
	char what[sizeof services_a + HVT_KEY_NAME_MAX * 4 + 2];
	snprintf(what, sizeof what, "%s\\%s", services_a, key);
	wchar_t *path = service_path(key);
	wchar_t *wname = to_wide(name);
	if (!path || !wname) {
		free(path);
		free(wname);
		hvt_seterr(err, errlen, "%s: not valid UTF-8 (or out of memory)", what);
		return HVT_STORE_ERROR;
	}
	HKEY hk;
	DWORD disp;
	LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, REG_OPTION_NON_VOLATILE,
				     KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &hk, &disp);
	free(path);
	free(wname);
	if (rc != ERROR_SUCCESS)
		return regerr(rc, what, err, errlen);
	if ((flags & HVT_PUT_NEW) && disp == REG_OPENED_EXISTING_KEY) {
		RegCloseKey(hk);
		hvt_seterr(err, errlen, "%s exists", what);
		return HVT_STORE_EXISTS;
	}
	rc = set_string(hk, L"" HVT_SERVICE_VALUE, name);
	if (rc == ERROR_SUCCESS && tool)
		rc = set_string(hk, L"" HVT_TOOL_VALUE, tool);
	RegCloseKey(hk);
	if (rc != ERROR_SUCCESS)
		return regerr(rc, what, err, errlen);
	return HVT_STORE_OK;
}

int hvt_live_delete(const char *key, char *err, size_t errlen)
{
	char what[sizeof services_a + HVT_KEY_NAME_MAX * 4 + 2];
	snprintf(what, sizeof what, "%s\\%s", services_a, key);
	wchar_t *wk = to_wide(key);
	if (!wk) {
		hvt_seterr(err, errlen, "%s: not valid UTF-8 (or out of memory)", what);
		return HVT_STORE_ERROR;
	}
	HKEY hs, hk;
	LSTATUS rc =
		RegOpenKeyExW(HKEY_LOCAL_MACHINE, services_w, 0, KEY_READ | KEY_WOW64_64KEY, &hs);
	if (rc != ERROR_SUCCESS) {
		free(wk);
		return regerr(rc, what, err, errlen);
	}
	/* Exactly one key: refuse when it has subkeys (RegDeleteKeyEx would fail with "access
	 * denied", which would wrongly suggest elevation). */
	rc = RegOpenKeyExW(hs, wk, 0, KEY_READ | KEY_WOW64_64KEY, &hk);
	if (rc != ERROR_SUCCESS) {
		RegCloseKey(hs);
		free(wk);
		return regerr(rc, what, err, errlen);
	}
	DWORD nsub = 0;
	rc = RegQueryInfoKeyW(hk, NULL, NULL, NULL, &nsub, NULL, NULL, NULL, NULL, NULL, NULL,
			      NULL);
	RegCloseKey(hk);
	if (rc == ERROR_SUCCESS && nsub > 0) {
		RegCloseKey(hs);
		free(wk);
		hvt_seterr(err, errlen, "%s has %lu subkey%s: not removed", what,
			   (unsigned long)nsub, nsub == 1 ? "" : "s");
		return HVT_STORE_SUBKEYS;
	}
	rc = RegDeleteKeyExW(hs, wk, KEY_WOW64_64KEY, 0);
	RegCloseKey(hs);
	free(wk);
	if (rc != ERROR_SUCCESS)
		return regerr(rc, what, err, errlen);
	return HVT_STORE_OK;
}

/* ---- files ---- */

int hvt_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	HANDLE h = CreateFileA(path, GENERIC_READ,
			       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		hvt_seterr(err, errlen, "%s: %s", path, hvt_strerror((int)e));
		return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? HVT_STORE_NOTFOUND
									      : HVT_STORE_ERROR;
	}
	/* Only a file on disk (not a pipe, a console or a device such as NUL). Untested under
	 * Wine by the test suite (tests/cli/hvreg/file-fifo.sh is the POSIX counterpart). */
	if (GetFileType(h) != FILE_TYPE_DISK) {
		CloseHandle(h);
		hvt_seterr(err, errlen, "%s: not a regular file", path);
		return HVT_STORE_ERROR;
	}
	struct hvt_buf b = { 0 };
	char chunk[65536];
	DWORD got = 0;
	BOOL ok;
	while ((ok = ReadFile(h, chunk, sizeof chunk, &got, NULL)) && got > 0)
		hvt_buf_add(&b, chunk, got);
	DWORD e = ok ? ERROR_NOT_ENOUGH_MEMORY : GetLastError();
	CloseHandle(h);
	*len = b.len;
	*data = hvt_buf_take(&b);
	if (!ok || !*data) {
		free(*data);
		*data = NULL;
		*len = 0;
		hvt_seterr(err, errlen, "read %s: %s", path, hvt_strerror((int)e));
		return HVT_STORE_ERROR;
	}
	return HVT_STORE_OK;
}

int hvt_file_replace(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	/* As on Linux: a read-only file (attribute R) or a directory is not replaced. Untested
	 * under Wine by the test suite (tests/cli/hvreg/file-readonly.sh is the POSIX one). */
	DWORD attr = GetFileAttributesA(path);
	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) {
		hvt_seterr(err, errlen, "%s: not a regular file", path);
		return HVT_STORE_ERROR;
	}
	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_READONLY)) {
		hvt_seterr(err, errlen, "%s: read-only file (attribute R; not replaced)", path);
		return HVT_STORE_ERROR;
	}
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (!tmp) {
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD e = 0;
	for (int tries = 0; tries < 16 && h == INVALID_HANDLE_VALUE; tries++) {
		unsigned char r[4] = { 0 };
		(void)hvt_platform_random(r, sizeof r);
		snprintf(tmp, plen + 16, "%s.%02x%02x%02x%02x", path, r[0], r[1], r[2], r[3]);
		h = CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
				NULL);
		e = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
		if (e && e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS)
			break;
	}
	if (h == INVALID_HANDLE_VALUE) {
		hvt_seterr(err, errlen, "cannot create a temporary file beside %s: %s", path,
			   hvt_strerror((int)e));
		free(tmp);
		return HVT_STORE_ERROR;
	}
	const char *what = "write";
	const char *p = data;
	while (!e && len > 0) {
		DWORD chunk = len > 0x40000000 ? 0x40000000 : (DWORD)len, put = 0;
		if (!WriteFile(h, p, chunk, &put, NULL))
			e = GetLastError();
		p += put;
		len -= put;
	}
	if (!e && !FlushFileBuffers(h) && (what = "flush"))
		e = GetLastError();
	CloseHandle(h);
	if (!e) {
		/* ReplaceFile keeps the original's attributes and ACL; for a new file (or where it is
		 * refused) a plain replacing move. */
		what = "rename";
		for (int tries = 0;; tries++) {
			if (ReplaceFileA(path, tmp, NULL, REPLACEFILE_IGNORE_MERGE_ERRORS, NULL,
					 NULL) ||
			    MoveFileExA(tmp, path,
					MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
				e = 0;
				break;
			}
			e = GetLastError();
			/* A virus scanner, an indexer or a just-ended process may hold the file
			 * for a moment: retry for up to 2 s before giving up. */
			if (tries >= 40 ||
			    (e != ERROR_SHARING_VIOLATION && e != ERROR_LOCK_VIOLATION &&
			     e != ERROR_ACCESS_DENIED && e != ERROR_UNABLE_TO_REMOVE_REPLACED))
				break;
			Sleep(50);
		}
	}
	if (e) {
		hvt_seterr(err, errlen, "%s %s: %s (%s left unchanged)", what, tmp,
			   hvt_strerror((int)e), path);
		DeleteFileA(tmp);
		free(tmp);
		return HVT_STORE_ERROR;
	}
	free(tmp);
	return HVT_STORE_OK;
}

/* ---- locks ---- */

struct hvt_lock {
	HANDLE h; /* the named mutex (live registry) or the lock file */
	int mutex;
};

/* A Hyper-V guest keeps what the host tells it (HostName, VirtualMachineId) under this key
 * (Hyper-V Data Exchange / KVP, documented by Microsoft for guests; untested here: Wine has
 * neither key). A host has the Virtualization key that holds GuestCommunicationServices. */
int hvt_live_is_guest(void)
{
	HKEY hk;
	if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
			  L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization", 0,
			  KEY_READ | KEY_WOW64_64KEY, &hk) == ERROR_SUCCESS) {
		RegCloseKey(hk);
		return 0;
	}
	if (RegOpenKeyExW(HKEY_LOCAL_MACHINE,
			  L"SOFTWARE\\Microsoft\\Virtual Machine\\Guest\\Parameters", 0,
			  KEY_READ | KEY_WOW64_64KEY, &hk) != ERROR_SUCCESS)
		return 0;
	RegCloseKey(hk);
	return 1;
}

int hvt_lock_take(const char *path, uint64_t wait_ms, struct hvt_lock **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	struct hvt_lock *l = calloc(1, sizeof *l);
	char *lpath = path ? malloc(strlen(path) + sizeof ".lock") : NULL;
	if (!l || (path && !lpath)) {
		free(l);
		free(lpath);
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	const char *what = path ? lpath : "the mutex Global\\hvtools-services";
	DWORD e = 0;
	if (!path) {
		/* Every hvtools process that changes the live registry takes this mutex (Global:
		 * one for all sessions; creating it needs the elevation writing needs anyway). */
		l->mutex = 1;
		l->h = CreateMutexW(NULL, FALSE, L"Global\\hvtools-services");
		if (!l->h) {
			e = GetLastError();
		} else {
			DWORD w = WaitForSingleObject(l->h, wait_ms > 0x7FFFFFFF ? 0x7FFFFFFF
										 : (DWORD)wait_ms);
			if (w == WAIT_OBJECT_0 || w == WAIT_ABANDONED) {
				*out = l;
				return HVT_STORE_OK;
			}
			CloseHandle(l->h);
			e = w == WAIT_TIMEOUT ? WAIT_TIMEOUT : GetLastError();
		}
	} else {
		/* The lock file, opened with no sharing and removed when closed: whoever has it
		 * open holds the lock; a killed holder's handle is closed by the system. */
		sprintf(lpath, "%s.lock", path);
		ULONGLONG t0 = GetTickCount64();
		for (;;) {
			l->h = CreateFileA(lpath, GENERIC_READ | GENERIC_WRITE, 0, NULL,
					   OPEN_ALWAYS,
					   FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
			if (l->h != INVALID_HANDLE_VALUE) {
				free(lpath);
				*out = l;
				return HVT_STORE_OK;
			}
			e = GetLastError();
			/* In use, or being deleted by the holder that just let go. */
			if (e != ERROR_SHARING_VIOLATION && e != ERROR_ACCESS_DENIED)
				break;
			if (GetTickCount64() - t0 >= wait_ms) {
				e = WAIT_TIMEOUT;
				break;
			}
			Sleep(5);
		}
	}
	int rc = HVT_STORE_ERROR;
	if (e == WAIT_TIMEOUT) {
		hvt_seterr(err, errlen,
			   "%s: another process is changing it (it holds %s): gave up after %.1f s",
			   path ? path : services_a, what, (double)wait_ms / 1000.0);
		rc = HVT_STORE_BUSY;
	} else {
		hvt_seterr(err, errlen, "cannot take %s: %s", what, hvt_strerror((int)e));
	}
	free(lpath);
	free(l);
	return rc;
}

void hvt_lock_drop(struct hvt_lock *l)
{
	if (!l)
		return;
	if (l->mutex)
		ReleaseMutex(l->h);
	CloseHandle(l->h);
	free(l);
}
