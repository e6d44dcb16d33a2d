/* Windows side of vms.h: the Host Compute Service and Hyper-V's WMI provider, both loaded at
 * run time (LoadLibrary/GetProcAddress), so the tools start on any Windows and link to no
 * extra import library; a missing DLL or namespace means "not available", never a crash. */
#define COBJMACROS
#include "win.h"

#include <computecore.h>
#include <oleauto.h>
#include <wbemcli.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "vms.h"
#include "strutil.h"
#include "wsl.h"

#define HCS_TIMEOUT_MS 30000u
#define WMI_TIMEOUT_MS 30000

static HMODULE load_system_dll(const wchar_t *name)
{
	return LoadLibraryExW(name, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
}

static int is_access_denied(HRESULT hr)
{
	return hr == E_ACCESSDENIED || hr == (HRESULT)WBEM_E_ACCESS_DENIED;
}

/* The system's text for an HRESULT, or NULL: Win32 errors through hvt_strerror (the wording
 * shared with Linux), others through FormatMessage (FORMAT_MESSAGE_FROM_SYSTEM; the HCS_E_*
 * codes may have none). hr_text adds the number: "text (0x80370100)". Untested here: Wine
 * has neither the Host Compute Service nor Hyper-V's WMI provider, so no test gets an
 * HRESULT from them; the portable halves (hvt_vms_hresult_text, hvt_vms_hcs_failure) are
 * unit-tested in tests/unit/test_vms.c. */
static const char *hr_message(HRESULT hr, char *buf, size_t len)
{
	if (HRESULT_FACILITY(hr) != FACILITY_WIN32)
		return hvt_win_message((DWORD)hr, buf, len);
	snprintf(buf, len, "%s", hvt_strerror(HRESULT_CODE(hr)));
	return buf;
}

static const char *hr_text(HRESULT hr, char *buf, size_t len)
{
	char text[256];
	return hvt_vms_hresult_text((uint32_t)hr, hr_message(hr, text, sizeof text), buf, len);
}

static char *utf8_dup(const wchar_t *w)
{
	if (!w)
		return NULL;
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	char *s = malloc((size_t)n);
	if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* ---- Host Compute Service ---- */

typedef HCS_OPERATION(WINAPI *create_op_fn)(const void *, HCS_OPERATION_COMPLETION);
typedef HRESULT(WINAPI *enumerate_fn)(PCWSTR, HCS_OPERATION);
typedef HRESULT(WINAPI *wait_fn)(HCS_OPERATION, DWORD, PWSTR *);
typedef void(WINAPI *close_op_fn)(HCS_OPERATION);

static int hcs_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	HMODULE dll = load_system_dll(L"computecore.dll");
	if (!dll)
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no Host Compute Service");
	/* GetProcAddress returns FARPROC; the cast through void * is the documented idiom */
	create_op_fn create_op = (create_op_fn)(void *)GetProcAddress(dll, "HcsCreateOperation");
	enumerate_fn enumerate =
		(enumerate_fn)(void *)GetProcAddress(dll, "HcsEnumerateComputeSystems");
	wait_fn wait = (wait_fn)(void *)GetProcAddress(dll, "HcsWaitForOperationResult");
	close_op_fn close_op = (close_op_fn)(void *)GetProcAddress(dll, "HcsCloseOperation");
	if (!create_op || !enumerate || !wait || !close_op) {
		FreeLibrary(dll);
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no Host Compute Service");
	}
	HCS_OPERATION op = create_op(NULL, NULL);
	if (!op) {
		FreeLibrary(dll);
		return hvt_fail(err, errlen, HVT_VMS_ERROR,
				"Host Compute Service: cannot create an operation");
	}
	PWSTR doc = NULL;
	int rc = HVT_VMS_OK;
	HRESULT hr = enumerate(NULL, op);
	if (SUCCEEDED(hr))
		hr = wait(op, HCS_TIMEOUT_MS, &doc);
	if (FAILED(hr)) {
		/* HCS_E_SERVICE_NOT_AVAILABLE and a stopped vmcompute: not available */
		char text[256];
		rc = hvt_vms_hcs_failure((uint32_t)hr, hr_message(hr, text, sizeof text), err,
					 errlen);
	} else {
		char *json = utf8_dup(doc ? doc : L"[]");
		if (!json) {
			rc = hvt_fail(err, errlen, HVT_VMS_ERROR,
				      "Host Compute Service: unreadable answer");
		} else {
			char perr[200];
			rc = hvt_vms_parse_hcs(json, strlen(json), out, n, perr, sizeof perr);
			if (rc != HVT_VMS_OK)
				hvt_fail(err, errlen, rc, "Host Compute Service: %s", perr);
			free(json);
		}
	}
	if (doc)
		LocalFree(doc);
	close_op(op);
	FreeLibrary(dll);
	return rc;
}

/* ---- WMI (root\virtualization\v2, Msvm_ComputerSystem) ---- */

typedef HRESULT(WINAPI *co_init_fn)(LPVOID, DWORD);
typedef void(WINAPI *co_uninit_fn)(void);
typedef HRESULT(WINAPI *co_security_fn)(PSECURITY_DESCRIPTOR, LONG, SOLE_AUTHENTICATION_SERVICE *,
					void *, DWORD, DWORD, void *, DWORD, void *);
typedef HRESULT(WINAPI *co_create_fn)(REFCLSID, LPUNKNOWN, DWORD, REFIID, LPVOID *);
typedef HRESULT(WINAPI *co_blanket_fn)(IUnknown *, DWORD, DWORD, OLECHAR *, DWORD, DWORD,
				       RPC_AUTH_IDENTITY_HANDLE, DWORD);
typedef BSTR(WINAPI *sys_alloc_fn)(const OLECHAR *);
typedef void(WINAPI *sys_free_fn)(BSTR);
typedef HRESULT(WINAPI *variant_clear_fn)(VARIANTARG *);

/* Spelled out so that no import library (wbemuuid) is needed. */
static const CLSID clsid_wbem_locator = {
	0x4590f811, 0x1d3a, 0x11d0, { 0x89, 0x1f, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 }
};
static const IID iid_wbem_locator = {
	0xdc12a687, 0x737f, 0x11cf, { 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 }
};

struct com {
	HMODULE ole32, oleaut32;
	co_init_fn init;
	co_uninit_fn uninit;
	co_security_fn security;
	co_create_fn create;
	co_blanket_fn blanket;
	sys_alloc_fn alloc;
	sys_free_fn free_;
	variant_clear_fn clear;
};

static int com_load(struct com *c)
{
	memset(c, 0, sizeof *c);
	c->ole32 = load_system_dll(L"ole32.dll");
	c->oleaut32 = load_system_dll(L"oleaut32.dll");
	if (!c->ole32 || !c->oleaut32)
		return -1;
	c->init = (co_init_fn)(void *)GetProcAddress(c->ole32, "CoInitializeEx");
	c->uninit = (co_uninit_fn)(void *)GetProcAddress(c->ole32, "CoUninitialize");
	c->security = (co_security_fn)(void *)GetProcAddress(c->ole32, "CoInitializeSecurity");
	c->create = (co_create_fn)(void *)GetProcAddress(c->ole32, "CoCreateInstance");
	c->blanket = (co_blanket_fn)(void *)GetProcAddress(c->ole32, "CoSetProxyBlanket");
	c->alloc = (sys_alloc_fn)(void *)GetProcAddress(c->oleaut32, "SysAllocString");
	c->free_ = (sys_free_fn)(void *)GetProcAddress(c->oleaut32, "SysFreeString");
	c->clear = (variant_clear_fn)(void *)GetProcAddress(c->oleaut32, "VariantClear");
	return c->init && c->uninit && c->security && c->create && c->blanket && c->alloc &&
			       c->free_ && c->clear
		       ? 0
		       : -1;
}

static void com_unload(struct com *c)
{
	if (c->ole32)
		FreeLibrary(c->ole32);
	if (c->oleaut32)
		FreeLibrary(c->oleaut32);
}

/* A string property of obj, as UTF-8 (NULL when absent or not a string). */
static char *wmi_string(struct com *c, IWbemClassObject *obj, const wchar_t *name)
{
	VARIANT v;
	char *s = NULL;
	memset(&v, 0, sizeof v); /* VT_EMPTY; VariantInit would import oleaut32 */
	if (SUCCEEDED(IWbemClassObject_Get(obj, name, 0, &v, NULL, NULL)) && V_VT(&v) == VT_BSTR)
		s = utf8_dup(V_BSTR(&v));
	c->clear(&v);
	return s;
}

static int wmi_uint(struct com *c, IWbemClassObject *obj, const wchar_t *name, unsigned *out)
{
	VARIANT v;
	int ok = 0;
	memset(&v, 0, sizeof v);
	if (SUCCEEDED(IWbemClassObject_Get(obj, name, 0, &v, NULL, NULL))) {
		if (V_VT(&v) == VT_I4) {
			*out = (unsigned)V_I4(&v);
			ok = 1;
		} else if (V_VT(&v) == VT_UI2 || V_VT(&v) == VT_I2) {
			*out = V_VT(&v) == VT_UI2 ? V_UI2(&v) : (unsigned)(unsigned short)V_I2(&v);
			ok = 1;
		}
	}
	c->clear(&v);
	return ok;
}

static int wmi_rows(struct com *c, IEnumWbemClassObject *en, struct hvt_vm **out, size_t *n,
		    char *err, size_t errlen)
{
	struct hvt_vm *v = NULL;
	size_t cnt = 0, cap = 0;
	char eb[128];
	for (;;) {
		IWbemClassObject *obj = NULL;
		ULONG got = 0;
		HRESULT hr = IEnumWbemClassObject_Next(en, WMI_TIMEOUT_MS, 1, &obj, &got);
		if (FAILED(hr) || hr == (HRESULT)WBEM_S_TIMEDOUT) {
			hvt_vms_free(v, cnt);
			if (is_access_denied(hr))
				return hvt_fail(err, errlen, HVT_VMS_ERROR, "%s", hvt_vms_denied);
			return hvt_fail(err, errlen, HVT_VMS_ERROR, "WMI: %s",
					hr == (HRESULT)WBEM_S_TIMEDOUT
						? "timed out"
						: hr_text(hr, eb, sizeof eb));
		}
		if (got == 0)
			break;
		/* Msvm_ComputerSystem also describes the host itself: its Name is the computer
		 * name, a VM's is its id. */
		char *name = wmi_string(c, obj, L"Name");
		hvt_guid id;
		if (name && hvt_guid_parse(name, &id, NULL) == 0) {
			if (cnt == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct hvt_vm *nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					free(name);
					IWbemClassObject_Release(obj);
					hvt_vms_free(v, cnt);
					return hvt_fail(err, errlen, HVT_VMS_ERROR,
							"out of memory");
				}
				v = nv;
				cap = nc;
			}
			struct hvt_vm *vm = &v[cnt++];
			memset(vm, 0, sizeof *vm);
			vm->id = id;
			vm->name = wmi_string(c, obj, L"ElementName");
			unsigned st;
			char sb[32];
			if (wmi_uint(c, obj, L"EnabledState", &st))
				vm->state = _strdup(hvt_vm_wmi_state(st, sb, sizeof sb));
			vm->type = _strdup("VirtualMachine");
			vm->source = "wmi";
			vm->kind = "VM"; /* the Hyper-V manager's VMs */
		}
		free(name);
		IWbemClassObject_Release(obj);
	}
	*out = v;
	*n = cnt;
	return HVT_VMS_OK;
}

static int wmi_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	struct com c;
	char eb[128];
	if (com_load(&c) < 0) {
		com_unload(&c);
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no COM");
	}
	HRESULT hr = c.init(NULL, COINIT_MULTITHREADED);
	int uninit = SUCCEEDED(hr); /* RPC_E_CHANGED_MODE: someone else's apartment; fine */
	/* WMI wants impersonation; too late if the process set its security already */
	c.security(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IMPERSONATE,
		   NULL, EOAC_NONE, NULL);

	int rc = HVT_VMS_OK;
	IWbemLocator *loc = NULL;
	IWbemServices *svc = NULL;
	IEnumWbemClassObject *en = NULL;
	BSTR ns = c.alloc(L"ROOT\\virtualization\\v2");
	BSTR lang = c.alloc(L"WQL");
	BSTR query = c.alloc(L"SELECT Name, ElementName, EnabledState FROM Msvm_ComputerSystem");
	if (!ns || !lang || !query) {
		rc = hvt_fail(err, errlen, HVT_VMS_ERROR, "out of memory");
		goto done;
	}
	hr = c.create(&clsid_wbem_locator, NULL, CLSCTX_INPROC_SERVER, &iid_wbem_locator,
		      (void **)&loc);
	if (FAILED(hr)) {
		rc = hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no WMI");
		goto done;
	}
	hr = IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL, &svc);
	if (FAILED(hr)) {
		if (is_access_denied(hr))
			rc = hvt_fail(err, errlen, HVT_VMS_ERROR, "%s", hvt_vms_denied);
		else if (hr == (HRESULT)WBEM_E_INVALID_NAMESPACE || hr == (HRESULT)WBEM_E_NOT_FOUND)
			rc = hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no Hyper-V WMI provider");
		else
			rc = hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "WMI: %s",
				      hr_text(hr, eb, sizeof eb));
		goto done;
	}
	c.blanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL,
		  RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
	hr = IWbemServices_ExecQuery(
		svc, lang, query, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL, &en);
	if (FAILED(hr)) {
		if (is_access_denied(hr))
			rc = hvt_fail(err, errlen, HVT_VMS_ERROR, "%s", hvt_vms_denied);
		else if (hr == (HRESULT)WBEM_E_INVALID_CLASS)
			rc = hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE, "no Hyper-V WMI provider");
		else
			rc = hvt_fail(err, errlen, HVT_VMS_ERROR, "WMI: %s",
				      hr_text(hr, eb, sizeof eb));
		goto done;
	}
	c.blanket((IUnknown *)en, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL, RPC_C_AUTHN_LEVEL_CALL,
		  RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
	rc = wmi_rows(&c, en, out, n, err, errlen);
done:
	if (en)
		IEnumWbemClassObject_Release(en);
	if (svc)
		IWbemServices_Release(svc);
	if (loc)
		IWbemLocator_Release(loc);
	if (ns)
		c.free_(ns);
	if (lang)
		c.free_(lang);
	if (query)
		c.free_(query);
	if (uninit)
		c.uninit();
	com_unload(&c);
	return rc;
}

/* ---- this user's WSL VM, from its processes' command lines (wsl.h) ---- */

static int wsl_list(struct hvt_vm **out, size_t *n)
{
	struct hvt_wsl_found f[HVT_WSL_FOUND_MAX];
	size_t nf = 0;
	*out = NULL;
	*n = 0;
	hvt_wsl_platform_procs(f, &nf);
	if (nf == 0 || !(*out = calloc(nf, sizeof **out)))
		return -1;
	for (size_t i = 0; i < nf; i++) {
		struct hvt_vm *vm = &(*out)[i];
		vm->id = f[i].id;
		vm->state = _strdup("Running"); /* its host processes are */
		vm->type = _strdup("VirtualMachine");
		vm->owner = _strdup("WSL");
		vm->source = "wslhost";
		vm->kind = "WSL";
	}
	*n = nf;
	return 0;
}

/* Adds the WSL VMs seen in processes to *a (HCS and WMI's list, maybe empty). */
static int add_wsl(struct hvt_vm **a, size_t *na)
{
	struct hvt_vm *w;
	size_t nw;
	if (wsl_list(&w, &nw) < 0)
		return 0;
	return hvt_vms_merge(a, na, w, nw);
}

/* ---- all of them ---- */

static int hcs_wmi_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen);

int hvt_vms_platform_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	int rc = hcs_wmi_list(out, n, err, errlen);
	if (rc != HVT_VMS_OK) {
		/* the WSL VM found without either service is still a VM to list */
		struct hvt_vm *w;
		size_t nw;
		if (wsl_list(&w, &nw) < 0)
			return rc;
		*out = w;
		*n = nw;
		return HVT_VMS_OK;
	}
	if (add_wsl(out, n) < 0) {
		hvt_vms_free(*out, *n);
		*out = NULL;
		*n = 0;
		return hvt_fail(err, errlen, HVT_VMS_ERROR, "out of memory");
	}
	return HVT_VMS_OK;
}

static int hcs_wmi_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	struct hvt_vm *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	char ea[300], eb[300];
	*out = NULL;
	*n = 0;
	int ra = hcs_list(&a, &na, ea, sizeof ea);
	int rb = wmi_list(&b, &nb, eb, sizeof eb);
	if (ra == HVT_VMS_OK && rb == HVT_VMS_OK) {
		if (hvt_vms_merge(&a, &na, b, nb) < 0) {
			hvt_vms_free(a, na);
			return hvt_fail(err, errlen, HVT_VMS_ERROR, "out of memory");
		}
		*out = a;
		*n = na;
		return HVT_VMS_OK;
	}
	if (ra == HVT_VMS_OK || rb == HVT_VMS_OK) {
		/* one source is enough (HCS without Hyper-V manager VMs, WMI without WSL) */
		*out = ra == HVT_VMS_OK ? a : b;
		*n = ra == HVT_VMS_OK ? na : nb;
		return HVT_VMS_OK;
	}
	if (ra == HVT_VMS_UNAVAILABLE && rb == HVT_VMS_UNAVAILABLE) {
		/* the usual reasons go without saying; anything unusual is added */
		const char *extra = strncmp(ea, "no ", 3) != 0	 ? ea
				    : strncmp(eb, "no ", 3) != 0 ? eb
								 : NULL;
		return hvt_fail(err, errlen, HVT_VMS_UNAVAILABLE,
				"not available on this system: neither the Host Compute Service "
				"(computecore.dll, Windows 10 1809 and later) nor Hyper-V's WMI "
				"provider (root\\virtualization\\v2) is present%s%s%s",
				extra ? " (" : "", extra ? extra : "", extra ? ")" : "");
	}
	/* a real error (access denied, ...) says more than "not there" */
	return hvt_fail(err, errlen, HVT_VMS_ERROR, "%s", ra == HVT_VMS_ERROR ? ea : eb);
}

int hvt_vms_supported(void)
{
	return 1;
}

int hvt_vms_platform_hcs(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	return hcs_list(out, n, err, errlen);
}
