/* Registered hvsocket services (HKLM\...\GuestCommunicationServices\<GUID>, value ElementName)
 * behind one "service store" interface: the live registry (Windows) or a .reg file (anywhere).
 *
 *   struct hvt_store *st;
 *   if (hvt_store_open_file(&st, "x.reg", 0, err, sizeof err) != HVT_STORE_OK) ... err
 *   (or hvt_store_open_live(&st, 0, err, sizeof err): HVT_STORE_NOLIVE on Linux)
 *   hvt_store_list(st, &v, &n, err, sizeof err); ... v[i].guid, v[i].name ...
 *   hvt_services_free(v, n); hvt_store_close(st);
 *
 * Writers open with HVT_STORE_WRITE, call put/delete, then hvt_store_commit (a .reg file is
 * written back atomically only then, and only when something changed; the live registry is
 * changed at once by put/delete). Every function returns an hvt_store_status and, on failure,
 * a one-line message in err (no program name; for malformed files "FILE:LINE: what").
 *
 * The store lives in common/registry.c (portable; the .reg file backend is common/regfile.c); the
 * platform layer below is common/linux/registry.c and common/win/registry.c. */
#ifndef HVT_REGISTRY_H
#define HVT_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"

/* The services key, below HKEY_LOCAL_MACHINE. */
#define HVT_SERVICES_HIVE "HKEY_LOCAL_MACHINE"
#define HVT_SERVICES_PATH                                                                          \
	"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\GuestCommunicationServices"
#define HVT_SERVICES_KEY  HVT_SERVICES_HIVE "\\" HVT_SERVICES_PATH
#define HVT_SERVICE_VALUE "ElementName"
/* Who owns an entry: the value podman writes (ToolName = podman); hvreg --tool writes it too. */
#define HVT_TOOL_VALUE	  "ToolName"
/* Longest --tool name hvt_tool_name_check accepts. */
#define HVT_TOOL_NAME_MAX 64

/* Longest friendly name hvt_service_name_check accepts, in characters. */
#define HVT_SERVICE_NAME_MAX 256
/* Longest registry key name (a component, in characters). */
#define HVT_KEY_NAME_MAX     255

enum hvt_store_status {
	HVT_STORE_OK = 0,
	HVT_STORE_ERROR = -1,	 /* anything else; err says what */
	HVT_STORE_NOLIVE = -2,	 /* no live registry on this system (Linux) */
	HVT_STORE_DENIED = -3,	 /* access denied: not elevated */
	HVT_STORE_NOTFOUND = -4, /* no such key (put/delete), no such file (open without CREATE) */
	HVT_STORE_SYNTAX = -5,	 /* malformed .reg file: err is "FILE:LINE: what" */
	HVT_STORE_SUBKEYS = -6,	 /* delete: the service key has subkeys; nothing was deleted */
	HVT_STORE_EXISTS = -7,	 /* put with HVT_PUT_NEW: the key exists already */
	HVT_STORE_BUSY = -8,	 /* another process holds the lock longer than the wait */
};

enum hvt_key_form {
	HVT_KEY_STANDARD = 0, /* unbraced D form, either letter case: what Hyper-V expects */
	HVT_KEY_OTHER_FORM,   /* a GUID, but braced or in another form */
	HVT_KEY_NOT_GUID,     /* not a GUID at all */
};

/* One value of a service key. */
struct hvt_service_value {
	char *name; /* UTF-8 ("" for the default value) */
	uint32_t
		type; /* registry type: 1 REG_SZ, 2 REG_EXPAND_SZ, 4 REG_DWORD, 3 REG_BINARY, ... */
	char *text;   /* string types: the text (UTF-8); others: NULL */
	uint8_t *data; /* other types: the bytes (REG_DWORD: 4, little-endian) */
	size_t len;
};

/* One subkey of the services key. */
struct hvt_service {
	char *key;     /* key name as stored (UTF-8) */
	hvt_guid guid; /* parsed from key; all zero when form == HVT_KEY_NOT_GUID */
	enum hvt_key_form form;
	char *name;	    /* ElementName as UTF-8; NULL when absent or not a string */
	uint32_t name_type; /* registry type of ElementName: 0 absent, 1 REG_SZ, 2 REG_EXPAND_SZ,
				   other: present but not a string (name is NULL) */
	unsigned subkeys;   /* number of subkeys (0 for a normal service) */
	int deleted;	    /* .reg files: the file deletes this key ([-KEY] last) */
	char *tool;	    /* ToolName as UTF-8 (podman, hvreg --tool); NULL when absent */
	struct hvt_service_value *values; /* every value, ElementName and ToolName too, in the
					     order the key holds them */
	size_t nvalues;
};

struct hvt_store;

enum {
	HVT_STORE_WRITE = 1,  /* put/delete/commit will be used */
	HVT_STORE_CREATE = 2, /* file: a missing file is an empty one (created on commit) */
};

/* Writers (HVT_STORE_WRITE) hold a lock from open to close, so that concurrent hvtools
 * processes never lose each other's changes: a .reg file is locked through FILE.lock beside
 * it (removed at close; a lock left by a killed process does not block), the live registry
 * through a named mutex (Windows). Open waits up to this long for the lock (default 10 s),
 * then fails with HVT_STORE_BUSY and a message naming the lock. */
void hvt_store_lock_wait(uint64_t ms);

/* Opens the live registry. HVT_STORE_NOLIVE (with a message) where there is none. */
int hvt_store_open_live(struct hvt_store **out, int flags, char *err, size_t errlen);
/* Opens a .reg file: read and parsed now (UTF-16LE with BOM, UTF-8 with or without BOM, ASCII;
 * "Windows Registry Editor Version 5.00" or "REGEDIT4"). A file of zero bytes counts as an
 * empty one (what a commit writes is then a complete file). */
int hvt_store_open_file(struct hvt_store **out, const char *path, int flags, char *err,
			size_t errlen);
/* A .reg file that hvtools reads but regedit refuses: 1 with msg "FILE:LINE: warning: ..."
 * naming the first section whose root key is a short name ([HKLM\...]), else 0. */
int hvt_store_check_regedit(const struct hvt_store *s, char *msg, size_t len);
/* For messages: the file name, or "HKLM\SOFTWARE\...\GuestCommunicationServices". */
const char *hvt_store_where(const struct hvt_store *s);
int hvt_store_is_live(const struct hvt_store *s);

/* All subkeys of the services key, sorted by key name (case-insensitive). For .reg files the
 * state after importing the file: later sections override earlier ones, [-KEY] entries give
 * deleted = 1 (kept in the list so callers can show them). */
int hvt_store_list(struct hvt_store *s, struct hvt_service **out, size_t *n, char *err,
		   size_t errlen);
void hvt_services_free(struct hvt_service *v, size_t n);

/* Creates services key \ key (one path component, no backslash) if needed and sets its
 * ElementName to name (REG_SZ) and, unless tool is NULL, its ToolName to tool. With
 * HVT_PUT_NEW an existing key is left alone: HVT_STORE_EXISTS (reserve's race with another
 * writer of the live registry). */
enum { HVT_PUT_NEW = 1 };
int hvt_store_put(struct hvt_store *s, const char *key, const char *name, const char *tool,
		  int flags, char *err, size_t errlen);
/* Deletes services key \ key (matched case-insensitively). HVT_STORE_NOTFOUND if absent,
 * HVT_STORE_SUBKEYS if it has subkeys (nothing deleted). Never touches any other key. */
int hvt_store_delete(struct hvt_store *s, const char *key, char *err, size_t errlen);
/* File: writes the file back if it changed (temp file in the same directory, flush to disk,
 * rename over the original; on failure the original stays). Live: nothing to do. */
int hvt_store_commit(struct hvt_store *s, char *err, size_t errlen);
/* Whether put/delete changed anything since open. */
int hvt_store_changed(const struct hvt_store *s);
/* Frees; uncommitted file changes are dropped. NULL is fine. */
void hvt_store_close(struct hvt_store *s);

/* A friendly name hvtools will write: valid UTF-8, 1..HVT_SERVICE_NAME_MAX characters, no
 * control characters (C0, DEL, C1). Returns 0, or -1 with *why a static phrase. */
int hvt_service_name_check(const char *name, const char **why);
/* A --tool name: 1..HVT_TOOL_NAME_MAX ASCII letters, digits, '.', '_' or '-', starting with
 * a letter or digit (nothing a registry path, XML, YAML, PowerShell or cmd.exe would change).
 * Returns 0, or -1 with *why a static phrase. */
int hvt_tool_name_check(const char *tool, const char **why);
/* The value called name (ignoring case) of e, or NULL. */
const struct hvt_service_value *hvt_service_value(const struct hvt_service *e, const char *name);
/* Classifies a key name; *g gets the GUID unless HVT_KEY_NOT_GUID. */
enum hvt_key_form hvt_service_key_form(const char *key, hvt_guid *g);

/* ---- platform layer (common/linux/registry.c, common/win/registry.c), used by registry.c ---- */

/* The live registry. Linux: every call returns HVT_STORE_NOLIVE with a message. */
int hvt_live_open(int flags, char *err, size_t errlen);
int hvt_live_list(struct hvt_service **out, size_t *n, char *err, size_t errlen);
int hvt_live_put(const char *key, const char *name, const char *tool, int flags, char *err,
		 size_t errlen);
int hvt_live_delete(const char *key, char *err, size_t errlen);

/* Locks: of the live registry (path NULL: Windows, a named mutex) or of the .reg file path
 * (PATH.lock beside it). Waits up to wait_ms; HVT_STORE_BUSY with a message when it cannot. */
struct hvt_lock;
int hvt_lock_take(const char *path, uint64_t wait_ms, struct hvt_lock **out, char *err,
		  size_t errlen);
void hvt_lock_drop(struct hvt_lock *l); /* NULL is fine */
/* Whether this Windows system is a Hyper-V guest rather than a host (registration is the
 * host's business): 0 on Linux. */
int hvt_live_is_guest(void);

/* Whole-file read: HVT_STORE_NOTFOUND when the file does not exist. *data is malloc'd. */
int hvt_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen);
/* Atomic replace: temp file beside path (same directory), written, flushed to disk, renamed
 * over path; keeps the old file's permissions; follows a symlink to its target. On failure
 * path is untouched and the temp file removed. */
int hvt_file_replace(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
