/* Portable half of vms.h: the listing entry point, name lookup, the HCS JSON reader, merge. */
#include "vms.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "msg.h"
#include "strutil.h"

static hvt_vms_lister lister = hvt_vms_platform_list;

void hvt_vms_set_lister(hvt_vms_lister fn)
{
	lister = fn ? fn : hvt_vms_platform_list;
}

static void free_vm(struct hvt_vm *vm)
{
	free(vm->name);
	free(vm->state);
	free(vm->type);
	free(vm->owner);
	memset(vm, 0, sizeof *vm);
}

void hvt_vms_free(struct hvt_vm *v, size_t n)
{
	for (size_t i = 0; i < n && v; i++)
		free_vm(&v[i]);
	free(v);
}

static int cmp_vm(const void *pa, const void *pb)
{
	const struct hvt_vm *a = pa, *b = pb;
	if (a->name && b->name) {
		int c = hvt_ci_cmp(a->name, b->name);
		if (c == 0)
			c = strcmp(a->name, b->name);
		if (c)
			return c;
	} else if (a->name || b->name) {
		return a->name ? -1 : 1;
	}
	char x[HVT_GUID_STRLEN], y[HVT_GUID_STRLEN];
	return strcmp(hvt_guid_format(&a->id, 0, x), hvt_guid_format(&b->id, 0, y));
}

void hvt_vms_sort(struct hvt_vm *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_vm);
}

int hvt_vms_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	int rc = lister(out, n, err, errlen);
	if (rc != HVT_VMS_OK) {
		hvt_vms_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	hvt_vms_sort(*out, *n);
	return HVT_VMS_OK;
}

int hvt_vm_lookup(const char *name, hvt_guid *id, char *err, size_t errlen)
{
	struct hvt_vm *v;
	size_t n, exact = 0, folded = 0, ie = 0, ifo = 0;
	char why[400];
	int rc = hvt_vms_list(&v, &n, why, sizeof why);
	if (rc != HVT_VMS_OK)
		return hvt_fail(err, errlen, rc, "cannot look up VM names: %s", why);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name)
			continue;
		if (strcmp(v[i].name, name) == 0) {
			exact++;
			ie = i;
		}
		if (hvt_ci_cmp(v[i].name, name) == 0) {
			folded++;
			ifo = i;
		}
	}
	if (exact == 1 || (exact == 0 && folded == 1)) {
		*id = v[exact == 1 ? ie : ifo].id;
		rc = HVT_VMS_OK;
	} else if (exact > 1 || folded > 1) {
		rc = hvt_fail(err, errlen, HVT_VMS_AMBIGUOUS,
			      "%zu VMs are named '%s': use the VM id (hvlist vms lists the VMs)",
			      exact > 1 ? exact : folded, name);
	} else {
		rc = hvt_fail(err, errlen, HVT_VMS_NOTFOUND,
			      "no VM is named '%s' (hvlist vms lists the VMs)", name);
	}
	hvt_vms_free(v, n);
	return rc;
}

/* ---- HCS JSON ---- */

static int json_fail(struct hvt_jr *r, char *err, size_t errlen)
{
	return hvt_fail(err, errlen, HVT_VMS_ERROR, "invalid JSON at byte %zu: %s", r->err_at,
			r->err ? r->err : "unexpected input");
}

/* The VM id of a compute system, from its RuntimeId and Id (NULL when absent); 0 when it has
 * none. RuntimeId is what hvsockets address: hcsshim binds the listeners for a utility VM to
 * the RuntimeID of the system's properties (internal/uvm/create.go: "Cache the VM ID of the
 * utility VM", uvm.runtimeID = properties.RuntimeID; listenVsock: VMID: uvm.runtimeID). Its
 * properties type writes RuntimeID as a guid.GUID, all zeros when unset (internal/schema1:
 * ContainerProperties, `json:"RuntimeId,omitempty"` does not omit a struct), so zeros count
 * as absent. Id is the caller's name for the system ("CONTAINERID@vm" for hcsshim's utility
 * VMs); it is the VM id only when there is no RuntimeId and it is a GUID. */
static int hcs_vm_id(const char *runtime_id, const char *id, hvt_guid *out)
{
	static const hvt_guid zero;
	if (runtime_id && runtime_id[0]) {
		if (hvt_guid_parse(runtime_id, out, NULL) < 0)
			return 0;
		if (!hvt_guid_equal(out, &zero))
			return 1;
	}
	return id && hvt_guid_parse(id, out, NULL) == 0;
}

/* One compute system object; *keep is 0 when it is not an addressable VM. */
static int parse_system(struct hvt_jr *r, struct hvt_vm *vm, int *keep)
{
	static const char *const keys[] = { "Id",    "RuntimeId",  "Name",
					    "State", "SystemType", "Owner" };
	char *id = NULL, *runtime_id = NULL;
	char **slot[] = { &id, &runtime_id, &vm->name, &vm->state, &vm->type, &vm->owner };
	*keep = 0;
	if (hvt_jr_expect(r, '{') < 0)
		return -1;
	if (!hvt_jr_accept(r, '}')) {
		do {
			char *key;
			if (hvt_jr_string(r, &key) < 0 || hvt_jr_expect(r, ':') < 0) {
				free(key);
				goto fail;
			}
			size_t k;
			for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
				if (strcmp(key, keys[k]) == 0)
					break;
			free(key);
			if (k < sizeof keys / sizeof keys[0] && hvt_jr_peek(r) == HVT_JR_STRING) {
				free(*slot[k]); /* a repeated member: the last one counts */
				if (hvt_jr_string(r, slot[k]) < 0)
					goto fail;
			} else if (hvt_jr_skip(r) < 0) {
				goto fail;
			}
		} while (hvt_jr_accept(r, ','));
		if (hvt_jr_expect(r, '}') < 0)
			goto fail;
	}
	/* SystemType is "Container" or "VirtualMachine" (the HCS JSON schema reference,
	 * MicrosoftDocs/Virtualization-Documentation virtualization/api/hcs/SchemaReference.md:
	 * enum SystemType; ComputeSystemProperties: Id string, RuntimeId Guid, Name, Owner, ...) */
	if (vm->type && strcmp(vm->type, "VirtualMachine") == 0 &&
	    hcs_vm_id(runtime_id, id, &vm->id)) {
		*keep = 1;
		vm->kind = hvt_vm_kind(vm->owner, id);
		if (id && id[0] && (!vm->name || !vm->name[0])) {
			free(vm->name);
			vm->name = id;
			id = NULL;
		}
	}
	free(id);
	free(runtime_id);
	return 0;
fail:
	free(id);
	free(runtime_id);
	return -1;
}

int hvt_vms_parse_hcs(const char *json, size_t len, struct hvt_vm **out, size_t *n, char *err,
		      size_t errlen)
{
	struct hvt_jr r;
	struct hvt_vm *v = NULL;
	size_t cnt = 0, cap = 0;
	*out = NULL;
	*n = 0;
	hvt_jr_init(&r, json, len);
	if (hvt_jr_peek(&r) == HVT_JR_NULL || hvt_jr_peek(&r) == HVT_JR_END) {
		/* "null" or nothing: no compute systems */
		if (hvt_jr_peek(&r) == HVT_JR_NULL && hvt_jr_skip(&r) < 0)
			return json_fail(&r, err, errlen);
		if (hvt_jr_done(&r) < 0)
			return json_fail(&r, err, errlen);
		return HVT_VMS_OK;
	}
	if (hvt_jr_expect(&r, '[') < 0)
		return json_fail(&r, err, errlen);
	if (!hvt_jr_accept(&r, ']')) {
		do {
			if (cnt == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct hvt_vm *nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					hvt_vms_free(v, cnt);
					return hvt_fail(err, errlen, HVT_VMS_ERROR,
							"out of memory");
				}
				v = nv;
				cap = nc;
			}
			int keep;
			memset(&v[cnt], 0, sizeof v[cnt]);
			if (parse_system(&r, &v[cnt], &keep) < 0) {
				free_vm(&v[cnt]);
				hvt_vms_free(v, cnt);
				return json_fail(&r, err, errlen);
			}
			if (keep) {
				v[cnt++].source = "hcs";
			} else {
				free_vm(&v[cnt]);
			}
		} while (hvt_jr_accept(&r, ','));
		if (hvt_jr_expect(&r, ']') < 0) {
			hvt_vms_free(v, cnt);
			return json_fail(&r, err, errlen);
		}
	}
	if (hvt_jr_done(&r) < 0) {
		hvt_vms_free(v, cnt);
		return json_fail(&r, err, errlen);
	}
	*out = v;
	*n = cnt;
	return HVT_VMS_OK;
}

/* ---- HRESULTs ---- */

const char hvt_vms_denied[] =
	"access denied: listing VMs needs an administrator or a member of Hyper-V Administrators";

const char *hvt_vms_hresult_text(uint32_t hr, const char *text, char *buf, size_t len)
{
	if (text && text[0])
		snprintf(buf, len, "%s (0x%08lx)", text, (unsigned long)hr);
	else
		snprintf(buf, len, "error 0x%08lx", (unsigned long)hr);
	return buf;
}

/* HRESULTs (winerror.h): E_ACCESSDENIED, HCS_E_SERVICE_NOT_AVAILABLE, and HRESULT_FROM_WIN32
 * of ERROR_SERVICE_DISABLED (1058), ERROR_SERVICE_DOES_NOT_EXIST (1060) and
 * ERROR_SERVICE_NOT_ACTIVE (1062). Numbers, so that this compiles and is tested everywhere. */
#define HR_ACCESS_DENIED	     0x80070005u
#define HR_HCS_SERVICE_NOT_AVAILABLE 0x80370114u
#define HR_SERVICE_DISABLED	     0x80070422u
#define HR_SERVICE_DOES_NOT_EXIST    0x80070424u
#define HR_SERVICE_NOT_ACTIVE	     0x80070426u

int hvt_vms_hcs_failure(uint32_t hr, const char *text, char *err, size_t errlen)
{
	char buf[300];
	switch (hr) {
	case HR_ACCESS_DENIED: return hvt_fail(err, errlen, HVT_VMS_ERROR, "%s", hvt_vms_denied);
	case HR_HCS_SERVICE_NOT_AVAILABLE:
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE,
				"the Host Compute Service is not available");
	case HR_SERVICE_DISABLED:
	case HR_SERVICE_DOES_NOT_EXIST:
	case HR_SERVICE_NOT_ACTIVE:
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE,
				"the Host Compute Service (vmcompute) is not running");
	}
	return hvt_fail(err, errlen, HVT_VMS_ERROR, "Host Compute Service: %s",
			hvt_vms_hresult_text(hr, text, buf, sizeof buf));
}

/* ---- merge ---- */

/* Whether name is just id's text (HCS names Hyper-V manager VMs by their id). */
static int name_is_id(const char *name, const hvt_guid *id)
{
	hvt_guid g;
	return name && hvt_guid_parse(name, &g, NULL) == 0 && hvt_guid_equal(&g, id);
}

int hvt_vms_merge(struct hvt_vm **a, size_t *na, struct hvt_vm *b, size_t nb)
{
	size_t extra = 0;
	for (size_t j = 0; j < nb; j++) {
		size_t i;
		for (i = 0; i < *na; i++)
			if (hvt_guid_equal(&(*a)[i].id, &b[j].id))
				break;
		if (i == *na)
			extra++;
	}
	struct hvt_vm *v = *a;
	if (extra) {
		v = realloc(*a, (*na + extra) * sizeof *v);
		if (!v) {
			hvt_vms_free(b, nb);
			return -1;
		}
		*a = v;
	}
	for (size_t j = 0; j < nb; j++) {
		struct hvt_vm *bj = &b[j];
		size_t i;
		for (i = 0; i < *na; i++)
			if (hvt_guid_equal(&v[i].id, &bj->id))
				break;
		if (i == *na) {
			v[(*na)++] = *bj;
			memset(bj, 0, sizeof *bj);
			continue;
		}
		struct hvt_vm *ai = &v[i];
		if (bj->name && (!ai->name || name_is_id(ai->name, &ai->id))) {
			free(ai->name);
			ai->name = bj->name;
			bj->name = NULL;
		}
		if (bj->state && !ai->state) {
			ai->state = bj->state;
			bj->state = NULL;
		}
		if (bj->kind && !ai->kind)
			ai->kind = bj->kind;
		if (bj->type && !ai->type) {
			ai->type = bj->type;
			bj->type = NULL;
		}
		/* a VM HCS or WMI lists is found there; the WSL processes add nothing */
		if (ai->source && bj->source && strcmp(ai->source, bj->source) != 0 &&
		    strcmp(bj->source, "wslhost") != 0)
			ai->source = "hcs+wmi";
	}
	hvt_vms_free(b, nb);
	return 0;
}

/* Whether s contains word, ignoring ASCII case. */
static int ci_contains(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (; *s; s++)
		if (hvt_ci_ncmp(s, word, n) == 0)
			return 1;
	return 0;
}

const char *hvt_vm_kind(const char *owner, const char *hcs_id)
{
	static const char *const container_owners[] = { "docker", "containerd", "runhcs", "moby" };
	size_t n = hcs_id ? strlen(hcs_id) : 0;
	if (owner && hvt_ci_cmp(owner, "WSL") == 0)
		return "WSL";
	if (n > 3 && hvt_ci_cmp(hcs_id + n - 3, "@vm") == 0)
		return "container";
	for (size_t i = 0; owner && i < sizeof container_owners / sizeof *container_owners; i++)
		if (ci_contains(owner, container_owners[i]))
			return "container";
	return "VM";
}

const char *hvt_vm_wmi_state(unsigned state, char *buf, size_t len)
{
	switch (state) {
	case 2: return "Running";
	case 3: return "Off";
	case 4: return "Stopping";
	case 6: return "Saved";
	case 9: return "Paused";
	case 10: return "Starting";
	case 11: return "Resetting";
	case 32768: return "Paused";
	case 32769: return "Saved";
	case 32770: return "Starting";
	case 32771: return "Snapshotting";
	case 32773: return "Saving";
	case 32774: return "Stopping";
	case 32776: return "Pausing";
	case 32777: return "Resuming";
	}
	snprintf(buf, len, "Unknown (%u)", state);
	return buf;
}
