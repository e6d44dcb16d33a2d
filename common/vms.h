/* Virtual machines on a Hyper-V host: names, ids and states, for hvlist and for VM names in
 * hv: addresses (hv:myvm:22).
 *
 * Windows (common/win/vms.c) asks the Host Compute Service (HcsEnumerateComputeSystems in
 * computecore.dll, loaded at run time: Windows 10 1809 / Server 2019 and later; it knows
 * running VMs, WSL2 and containers, which are left out) and Hyper-V's WMI provider
 * (root\virtualization\v2, Msvm_ComputerSystem, through COM loaded at run time; it knows
 * every VM of the Hyper-V manager, stopped ones too, with their names), and merges both by
 * VM id. When neither answers (old Windows, Wine, the Host Compute Service not available),
 * the list is HVT_VMS_UNAVAILABLE with a one-line reason.
 * Other systems (common/linux/vms.c): always HVT_VMS_UNAVAILABLE.
 *
 * The JSON parsing, the merge and the meaning of HCS's HRESULTs are portable (common/vms.c)
 * and unit-tested. */
#ifndef HVT_VMS_H
#define HVT_VMS_H

#include <stddef.h>
#include <stdint.h>

#include "guid.h"

struct hvt_vm {
	hvt_guid id;	    /* the VM id hvsockets address */
	char *name;	    /* friendly name (UTF-8), NULL when unknown */
	char *state;	    /* "Running", "Off", "Saved", "Paused", ...; NULL when unknown */
	char *type;	    /* "VirtualMachine" (HCS SystemType; containers are not listed) */
	char *owner;	    /* HCS Owner ("WSL", "VMMS", "docker", ...); NULL */
	const char *source; /* "hcs", "wmi", "hcs+wmi" or "wslhost" (static) */
	const char *kind;   /* "WSL", "container" or "VM" (static; hvt_vm_kind) */
};

enum hvt_vms_status {
	HVT_VMS_OK = 0,
	HVT_VMS_ERROR = -1,	  /* the service answered with an error (access denied, ...) */
	HVT_VMS_UNAVAILABLE = -2, /* no way to list VMs on this system */
	HVT_VMS_NOTFOUND = -3,	  /* hvt_vm_lookup: no VM has this name */
	HVT_VMS_AMBIGUOUS = -4,	  /* hvt_vm_lookup: several VMs have this name */
};

/* Every VM, sorted by name (ignoring ASCII case; unnamed last), then id. Returns
 * HVT_VMS_OK, or a status with a one-line message in err (no program name). */
int hvt_vms_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen);
void hvt_vms_free(struct hvt_vm *v, size_t n);

/* The id of the VM named name (exact match first, else ignoring ASCII case). On failure err
 * is the end of a sentence:
 *   HVT_VMS_NOTFOUND   "no VM is named 'x' (hvlist vms lists the VMs)"
 *   HVT_VMS_AMBIGUOUS  "2 VMs are named 'x': use the VM id (hvlist vms lists the VMs)"
 *   otherwise          "cannot look up VM names: <why>" */
int hvt_vm_lookup(const char *name, hvt_guid *id, char *err, size_t errlen);

/* Where hvt_vms_list gets the VMs from: the platform by default; tests install a fake one.
 * NULL restores the platform's. */
typedef int (*hvt_vms_lister)(struct hvt_vm **out, size_t *n, char *err, size_t errlen);
void hvt_vms_set_lister(hvt_vms_lister fn);

/* Whether this kind of system can have VMs to list at all (Windows: 1, even when neither
 * service answers; elsewhere 0). hvlist shows the vms view by default only where it is 1. */
int hvt_vms_supported(void);

/* The platform's lister (common/linux/vms.c, common/win/vms.c). */
int hvt_vms_platform_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen);
/* The Host Compute Service's VMs alone (no WMI, no WSL processes), unsorted: what wsl.c asks
 * every 2 s while a listener waits for WSL, cheaper than the whole list. */
int hvt_vms_platform_hcs(struct hvt_vm **out, size_t *n, char *err, size_t errlen);

/* ---- portable helpers (common/vms.c) ---- */

/* Parses the result document of HcsEnumerateComputeSystems (UTF-8): a JSON array of objects
 * with string members Id, RuntimeId, Name, State, SystemType, Owner (others are skipped; null
 * is an empty array). Only SystemType "VirtualMachine" entries are kept: a container is not
 * a VM that hvsockets address. The VM id is RuntimeId, the GUID hvsockets address; Id is the
 * compute system's name-like id ("cowork-vm-929216c6", "CONTAINERID@vm"), equal to the VM
 * id only where the owner chose so (WSL). Without RuntimeId (absent, empty or all zeros) an
 * Id that is a GUID is the VM id; an entry with neither is dropped, as is one whose
 * RuntimeId is not a GUID. Id is the name when Name is absent or empty. Returns HVT_VMS_OK
 * or HVT_VMS_ERROR with "invalid JSON at byte N: what" in err. */
int hvt_vms_parse_hcs(const char *json, size_t len, struct hvt_vm **out, size_t *n, char *err,
		      size_t errlen);

/* The reason when listing VMs is refused (access denied), for every source. */
extern const char hvt_vms_denied[];

/* An HRESULT in a message: "TEXT (0x80370100)" with the system's text (FormatMessage on
 * Windows), "error 0x80370100" when text is NULL or empty. Returns buf. */
const char *hvt_vms_hresult_text(uint32_t hr, const char *text, char *buf, size_t len);

/* What a failed HCS enumeration means: HVT_VMS_UNAVAILABLE when the service is not there
 * (HCS_E_SERVICE_NOT_AVAILABLE, or the vmcompute service absent, disabled or stopped),
 * HVT_VMS_ERROR otherwise (access denied, or "Host Compute Service: TEXT (0x...)"), with the
 * one-line reason in err. text is the system's text for hr, or NULL. */
int hvt_vms_hcs_failure(uint32_t hr, const char *text, char *err, size_t errlen);

/* Adds the VMs of b (taken over; b is freed) to *a: a VM already in *a (same id) gets b's
 * name when it has none or its name is only its id (HCS names Hyper-V manager VMs by id),
 * and b's state when it has none; the others are appended. Returns 0, or -1 when out of
 * memory (then *a is unchanged and b freed). */
int hvt_vms_merge(struct hvt_vm **a, size_t *na, struct hvt_vm *b, size_t nb);

/* Sorts as hvt_vms_list does. */
void hvt_vms_sort(struct hvt_vm *v, size_t n);

/* What a VM is for, from its HCS Owner and Id (either NULL when unknown): "WSL" (Owner WSL:
 * microsoft/WSL src/windows/common/wslutil.h c_vmOwner), "container" (a utility VM that runs
 * containers: hcsshim names them "CONTAINERID@vm", and Docker's and containerd's Owner names
 * the program: docker, dockerd.exe, containerd-shim-runhcs-v1.exe, runhcs.exe; matched
 * ignoring case), else "VM". Untested against a real host: Wine has no HCS. */
const char *hvt_vm_kind(const char *owner, const char *hcs_id);

/* Text for Msvm_ComputerSystem.EnabledState (2 Running, 3 Off, 6 Saved, 9 Paused, ...). */
const char *hvt_vm_wmi_state(unsigned state, char *buf, size_t len);

#endif
