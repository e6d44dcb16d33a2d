/* The current user's WSL 2 VM: what `wsl` means in hv:wsl:SERVICE. WSL 2 runs one utility VM
 * per Windows user whose id changes at every WSL start (../shared/reference/jobs-in-the-wild.md
 * section 1), so the id is looked up each time it is needed, in this order:
 *   1. the command lines of the user's own wslhost.exe and wslrelay.exe processes, which
 *      carry `--vm-id {GUID}` (microsoft/WSL src/windows/inc/wslhost.h and wslrelay.h:
 *      vm_id_option = L"--vm-id"): no elevation, and WSL is not started by looking;
 *   2. the Host Compute Service: systems with Owner "WSL" (microsoft/WSL
 *      src/windows/common/wslutil.h: c_vmOwner = L"WSL"), their RuntimeId (vms.h); needs
 *      elevation;
 *   3. only when allowed (--start-wsl): `wsl.exe -- wslinfo --vm-id`, which boots WSL.
 * Several ids or none: a one-line error listing what was found and how to start WSL.
 * Platform halves: common/win/wsl.c (processes, wsl.exe), common/linux/wsl.c (nothing: the
 * WSL VM is a Windows host's business; inside WSL the host is vsock:host:PORT). */
#ifndef HVT_WSL_H
#define HVT_WSL_H

#include <stddef.h>

#include "guid.h"

struct hvt_vm; /* vms.h */

enum hvt_wsl_status {
	HVT_WSL_OK = 0,
	HVT_WSL_NONE = -1,	  /* no WSL VM found: WSL is not running */
	HVT_WSL_AMBIGUOUS = -2,	  /* several different ids found */
	HVT_WSL_UNSUPPORTED = -3, /* not a Windows host */
};

/* One WSL VM id and where it was seen ("wslhost.exe pid 1234", "HCS", "wsl.exe wslinfo"). */
struct hvt_wsl_found {
	hvt_guid id;
	char from[48];
};
#define HVT_WSL_FOUND_MAX 16

/* The current user's WSL VM id. from (may be NULL) gets where it was seen, and is then kept
 * for hvt_wsl_note (pass NULL from other threads: hvt_wsl_vm_id is otherwise reentrant). On failure err
 * is one sentence (no program name) that lists the ids found or the places looked in and
 * says how to start WSL. */
int hvt_wsl_vm_id(hvt_guid *id, char *from, size_t fromlen, char *err, size_t errlen);

/* With -v: "hv:wsl is the WSL VM GUID (wslhost.exe pid 12)" for an address given as hv:wsl:
 * whose VM is known (where it was found: the last hvt_wsl_vm_id given a from); nothing for
 * others. */
struct hvt_addr;
void hvt_wsl_note(const struct hvt_addr *a);

/* --start-wsl: let hvt_wsl_vm_id run `wsl.exe -- wslinfo --vm-id` when nothing else finds
 * the VM (it starts WSL). Off by default. */
void hvt_wsl_allow_start(int on);

/* Whether `wsl` can name a VM on this system (Windows: 1; elsewhere 0 unless faked). */
int hvt_wsl_supported(void);

/* ---- where the ids come from: the platform by default; tests install fakes ---- */

/* Adds the ids on the command lines of this user's wslhost.exe / wslrelay.exe to f (through
 * hvt_wsl_add). */
typedef void (*hvt_wsl_procs_fn)(struct hvt_wsl_found *f, size_t *n);
/* The Host Compute Service's compute systems (vms.h hvt_vms_platform_hcs). */
typedef int (*hvt_wsl_hcs_fn)(struct hvt_vm **out, size_t *n, char *err, size_t errlen);
/* Runs `wsl.exe -- wslinfo --vm-id`: HVT_WSL_OK with *id, or a status with a reason. */
typedef int (*hvt_wsl_start_fn)(hvt_guid *id, char *err, size_t errlen);
/* NULL restores the platform's. Fakes make `wsl` supported on any system (unit tests). */
void hvt_wsl_set_sources(hvt_wsl_procs_fn procs, hvt_wsl_hcs_fn hcs, hvt_wsl_start_fn start);

void hvt_wsl_platform_procs(struct hvt_wsl_found *f, size_t *n);
int hvt_wsl_platform_start(hvt_guid *id, char *err, size_t errlen);

/* ---- portable helpers (common/wsl.c) ---- */

/* The GUID after `--vm-id` (as `--vm-id {G}`, `--vm-id G` or `--vm-id={G}`) in a command
 * line; 0, or -1 when there is none or it is not a GUID. */
int hvt_wsl_cmdline_id(const char *cmdline, hvt_guid *id);

/* Adds id (seen at from) to f unless it is there already; at most HVT_WSL_FOUND_MAX. */
void hvt_wsl_add(struct hvt_wsl_found *f, size_t *n, const hvt_guid *id, const char *from);

/* The VM id in what `wslinfo --vm-id` printed (a GUID, braces optional, blanks and a CR LF
 * around it; UTF-16 output of wsl.exe's own messages is not an id); 0 or -1. */
int hvt_wsl_parse_wslinfo(const char *out, size_t len, hvt_guid *id);

#endif
