/* common/vms.c and the JSON reader of common/json.c: the Host Compute Service's
 * compute-system list, merging with WMI's VMs, sorting, and name lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "vms.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

static const char *idtext(const hvt_guid *g)
{
	static char buf[4][HVT_GUID_STRLEN];
	static int k;
	k = (k + 1) % 4;
	return hvt_guid_format(g, 0, buf[k]);
}

/* Shaped like HcsEnumerateComputeSystems' answer (what `hcsdiag list -raw` prints) on a host
 * with a Hyper-V manager VM, WSL 2, Docker with a Linux utility VM and containers, and a VM
 * of some other owner; member order and extra members as HCS writes them, field names from
 * the HCS schema's ComputeSystemProperties. What each entry checks:
 *  0 VMMS VM: Id and Name its VM id, RuntimeId all zeros (unset, as hcsshim writes a zero
 *    guid.GUID): the Id is the VM id
 *  1 WSL: Id = RuntimeId (WSL names its system by the VM id), no Name: the Id is the name
 *  2 Docker's utility VM: Id "CONTAINERID@vm", RuntimeId another GUID: RuntimeId is the VM id,
 *    the Id the name
 *  3 a Hyper-V isolated container in that VM (SystemType Container, with a RuntimeId): left out
 *  4 a process-isolated container whose Id is a GUID, named "web": left out
 *  5 a named VM (Id "cowork-vm-929216c6", braced upper-case RuntimeId, non-ASCII Name)
 *  6 no RuntimeId and an Id that is not a GUID: left out (nothing to address)
 *  7 no RuntimeId and a braced GUID Id: the Id is the VM id; Name first a number (ignored),
 *    then a string (the last one counts)
 *  8 RuntimeId not a GUID: left out (the Id is not the VM id, even though it is a GUID)
 *  9 no SystemType: left out
 * 10 no Id, no RuntimeId: left out
 * 11 empty Name and RuntimeId: the Id is the VM id and the name */
#define UVM_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const char hcs_doc[] =
	"[{\"Id\":\"A1B2C3D4-0000-1111-2222-333344445555\",\"SystemType\":\"VirtualMachine\","
	"\"Name\":\"A1B2C3D4-0000-1111-2222-333344445555\",\"Owner\":\"VMMS\","
	"\"RuntimeId\":\"00000000-0000-0000-0000-000000000000\",\"State\":\"Running\","
	"\"RuntimeOsType\":\"Windows\"},\r\n"
	" {\"Id\":\"6F2D8A1E-9B3C-4D5E-8F70-1A2B3C4D5E6F\",\"SystemType\":\"VirtualMachine\","
	"\"Owner\":\"WSL\",\"RuntimeId\":\"6f2d8a1e-9b3c-4d5e-8f70-1a2b3c4d5e6f\","
	"\"State\":\"Running\",\"RuntimeOsType\":\"Linux\","
	"\"Stopped\":false,\"ExitType\":null,\"Statistics\":{\"Timestamp\":\"2024-01-01T00:00:00Z\","
	"\"Memory\":{\"UsageCommitBytes\":123456789,\"Peak\":1.5e9}},"
	"\"ProcessList\":[{\"ProcessId\":4,\"ImageName\":\"init\"},[],{}]},\n"
	" {\"Id\":\"" UVM_ID "@vm\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"docker\","
	"\"RuntimeId\":\"9c3e5f10-2b4d-4e6f-8a1b-2c3d4e5f6a7b\",\"State\":\"Running\","
	"\"RuntimeOsType\":\"Linux\"},\n"
	" {\"Id\":\"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\","
	"\"SystemType\":\"Container\",\"Name\":\"c1\",\"Owner\":\"docker\","
	"\"RuntimeId\":\"44d1e2f3-0000-4000-8000-000000000044\",\"HostingSystemId\":\"" UVM_ID
	"@vm\",\"State\":\"Running\"},\n"
	" {\"Id\":\"5E0C7A2B-1111-4222-8333-444455556666\",\"SystemType\":\"Container\","
	"\"Name\":\"web\",\"Owner\":\"docker\",\"State\":\"Running\"},\n"
	" {\"Id\":\"cowork-vm-929216c6\",\"SystemType\":\"VirtualMachine\","
	"\"Name\":\"cowork \\u00e9\\ud83d\\ude00\\\"q\\\"\",\"Owner\":\"cowork\","
	"\"RuntimeId\":\"{B7E04C1D-5A6B-4C7D-8E9F-0A1B2C3D4E5F}\",\"State\":\"Running\"},\n"
	" {\"Id\":\"orphan-vm\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"test\","
	"\"State\":\"Stopped\"},\n"
	" {\"Id\":\"{7D2B6F7A-1111-2222-3333-444455556666}\",\"Name\":5,\"State\":\"Paused\","
	"\"SystemType\":\"VirtualMachine\",\"Name\":\"late\"},\n"
	" {\"Id\":\"D00DD00D-0000-0000-0000-000000000008\",\"SystemType\":\"VirtualMachine\","
	"\"Name\":\"bad runtime id\",\"RuntimeId\":\"not-a-guid\"},\n"
	" {\"Id\":\"E1E1E1E1-0000-0000-0000-000000000009\","
	"\"RuntimeId\":\"E1E1E1E1-0000-0000-0000-000000000009\",\"Name\":\"untyped\"},\n"
	" {\"SystemType\":\"VirtualMachine\",\"Name\":\"no id\"},\n"
	" {\"Id\":\"0A0A0A0A-0000-0000-0000-000000000011\",\"Name\":\"\",\"RuntimeId\":\"\","
	"\"SystemType\":\"VirtualMachine\"}\n"
	"]\n";

static const char *shown(const char *s)
{
	return s ? s : "NULL";
}

/* Equal strings, or both NULL. */
static int same(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static void test_parse_hcs(void **state)
{
	struct hvt_vm *v;
	size_t n;
	char err[200] = "";
	(void)state;
	assert_int_equal(hvt_vms_parse_hcs(hcs_doc, strlen(hcs_doc), &v, &n, err, sizeof err),
			 HVT_VMS_OK);
	/* what is kept, in order (the comment above says why) */
	static const struct {
		const char *id, *name, *state, *owner, *kind;
	} want[] = {
		{ "a1b2c3d4-0000-1111-2222-333344445555", "A1B2C3D4-0000-1111-2222-333344445555",
		  "Running", "VMMS", "VM" }, /* 0 */
		{ "6f2d8a1e-9b3c-4d5e-8f70-1a2b3c4d5e6f", "6F2D8A1E-9B3C-4D5E-8F70-1A2B3C4D5E6F",
		  "Running", "WSL", "WSL" }, /* 1 */
		{ "9c3e5f10-2b4d-4e6f-8a1b-2c3d4e5f6a7b", UVM_ID "@vm", "Running", "docker",
		  "container" }, /* 2 */
		{ "b7e04c1d-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "cowork \xc3\xa9\xf0\x9f\x98\x80\"q\"",
		  "Running", "cowork", "VM" },						  /* 5 */
		{ "7d2b6f7a-1111-2222-3333-444455556666", "late", "Paused", NULL, "VM" }, /* 7 */
		{ "0a0a0a0a-0000-0000-0000-000000000011", "0A0A0A0A-0000-0000-0000-000000000011",
		  NULL, NULL, "VM" }, /* 11 */
	};
	assert_int_equal(n, N_ELEMS(want));
	for (size_t i = 0; i < n; i++) {
		CHECK(strcmp(idtext(&v[i].id), want[i].id) == 0, "%zu: id %s", i, idtext(&v[i].id));
		CHECK(same(v[i].name, want[i].name), "%zu: name %s", i, shown(v[i].name));
		CHECK(same(v[i].state, want[i].state), "%zu: state %s", i, shown(v[i].state));
		CHECK(same(v[i].owner, want[i].owner), "%zu: owner %s", i, shown(v[i].owner));
		CHECK(same(v[i].kind, want[i].kind), "%zu: kind %s", i, shown(v[i].kind));
		CHECK(same(v[i].type, "VirtualMachine"), "%zu: type %s", i, shown(v[i].type));
		CHECK(same(v[i].source, "hcs"), "%zu: source %s", i, shown(v[i].source));
	}
	hvt_vms_free(v, n);

	/* no compute systems */
	static const char *const empty[] = { "[]", " [ ] \n", "null", "", "[]\0" };
	for (size_t i = 0; i < N_ELEMS(empty); i++) {
		size_t len = strlen(empty[i]) + (i == 4);
		assert_int_equal(hvt_vms_parse_hcs(empty[i], len, &v, &n, err, sizeof err),
				 HVT_VMS_OK);
		assert_int_equal(n, 0);
		hvt_vms_free(v, n);
	}
}

/* hv:NAME:SERVICE looks names up in what HCS lists: a container's name never resolves, a
 * utility VM's Id resolves to its RuntimeId. */
static int hcs_lister(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	return hvt_vms_parse_hcs(hcs_doc, strlen(hcs_doc), out, n, err, errlen);
}

static void test_lookup_hcs(void **state)
{
	hvt_guid g;
	char err[300];
	(void)state;
	hvt_vms_set_lister(hcs_lister);
	assert_int_equal(hvt_vm_lookup("web", &g, err, sizeof err), HVT_VMS_NOTFOUND);
	assert_string_equal(err, "no VM is named 'web' (hvlist vms lists the VMs)");
	assert_int_equal(hvt_vm_lookup("c1", &g, err, sizeof err), HVT_VMS_NOTFOUND);
	assert_int_equal(hvt_vm_lookup("untyped", &g, err, sizeof err), HVT_VMS_NOTFOUND);
	assert_int_equal(hvt_vm_lookup("orphan-vm", &g, err, sizeof err), HVT_VMS_NOTFOUND);
	assert_int_equal(hvt_vm_lookup(UVM_ID "@vm", &g, err, sizeof err), HVT_VMS_OK);
	assert_string_equal(idtext(&g), "9c3e5f10-2b4d-4e6f-8a1b-2c3d4e5f6a7b");
	assert_int_equal(hvt_vm_lookup("LATE", &g, err, sizeof err), HVT_VMS_OK);
	assert_string_equal(idtext(&g), "7d2b6f7a-1111-2222-3333-444455556666");
	hvt_vms_set_lister(NULL);
}

/* The portable half of the Windows HCS error path (common/win/vms.c passes FormatMessage's
 * text; the live path needs a Hyper-V host and is not run here). */
static void test_hcs_failure(void **state)
{
	static const struct {
		uint32_t hr;
		const char *text;
		int rc;
		const char *err;
	} cases[] = {
		{ 0x80370114u, NULL, HVT_VMS_UNAVAILABLE,
		  "the Host Compute Service is not available" },
		{ 0x80370114u, "the requested service is not available", HVT_VMS_UNAVAILABLE,
		  "the Host Compute Service is not available" },
		{ 0x80070426u, "the service has not been started", HVT_VMS_UNAVAILABLE,
		  "the Host Compute Service (vmcompute) is not running" },
		{ 0x80070424u, NULL, HVT_VMS_UNAVAILABLE,
		  "the Host Compute Service (vmcompute) is not running" },
		{ 0x80070422u, NULL, HVT_VMS_UNAVAILABLE,
		  "the Host Compute Service (vmcompute) is not running" },
		{ 0x80070005u, "access is denied", HVT_VMS_ERROR,
		  "access denied: listing VMs needs an administrator or a member of Hyper-V "
		  "Administrators" },
		{ 0x80370100u, "the operation could not be started", HVT_VMS_ERROR,
		  "Host Compute Service: the operation could not be started (0x80370100)" },
		{ 0x8037011bu, NULL, HVT_VMS_ERROR, "Host Compute Service: error 0x8037011b" },
		{ 0x8037011bu, "", HVT_VMS_ERROR, "Host Compute Service: error 0x8037011b" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char err[300] = "";
		int rc = hvt_vms_hcs_failure(cases[i].hr, cases[i].text, err, sizeof err);
		CHECK(rc == cases[i].rc, "0x%08lx: status %d, want %d", (unsigned long)cases[i].hr,
		      rc, cases[i].rc);
		CHECK(strcmp(err, cases[i].err) == 0, "0x%08lx:\n got  %s\n want %s",
		      (unsigned long)cases[i].hr, err, cases[i].err);
	}
	char buf[64];
	assert_string_equal(hvt_vms_hresult_text(0x80041003u, "access denied", buf, sizeof buf),
			    "access denied (0x80041003)");
	assert_string_equal(hvt_vms_hresult_text(0x80041003u, NULL, buf, sizeof buf),
			    "error 0x80041003");
}

static void test_parse_hcs_errors(void **state)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "{}", "invalid JSON at byte 0: expected '['" },
		{ "[", "invalid JSON at byte 1: expected '{'" },
		{ "[1]", "invalid JSON at byte 1: expected '{'" },
		{ "[{\"Id\":1}", "invalid JSON at byte 9: expected ']'" },
		{ "[{\"Id\" 1}]", "invalid JSON at byte 7: expected ':'" },
		{ "[{Id:1}]", "invalid JSON at byte 2: expected a string" },
		{ "[{\"Id\":\"x}]", "invalid JSON at byte 7: unterminated string" },
		{ "[{\"Id\":\"\\q\"}]", "invalid JSON at byte 7: invalid escape in string" },
		{ "[{\"Id\":\"\\u12\"}]", "invalid JSON at byte 7: invalid \\u escape in string" },
		{ "[{\"Id\":\"\\u0000\"}]", "invalid JSON at byte 7: \\u0000 in string" },
		{ "[{\"Id\":\"a\nb\"}]", "invalid JSON at byte 7: control character in string" },
		{ "[{\"Id\":\"\xff\"}]", "invalid JSON at byte 7: invalid UTF-8 in string" },
		{ "[{\"X\":01}]", "invalid JSON at byte 7: expected '}'" },
		{ "[{\"X\":-}]", "invalid JSON at byte 6: invalid number" },
		{ "[{\"X\":1.}]", "invalid JSON at byte 6: invalid number" },
		{ "[{\"X\":1e}]", "invalid JSON at byte 6: invalid number" },
		{ "[{\"X\":tru}]", "invalid JSON at byte 6: expected a value" },
		{ "[{\"X\":[1,]}]", "invalid JSON at byte 9: expected a value" },
		{ "[{\"X\":{\"a\"}}]", "invalid JSON at byte 10: expected ':'" },
		{ "[{\"X\":{1:2}}]", "invalid JSON at byte 7: expected a member name" },
		{ "[{}] x", "invalid JSON at byte 5: unexpected text after the document" },
		{ "[{},]", "invalid JSON at byte 4: expected '{'" },
		{ "[{\"X\":", "invalid JSON at byte 6: unexpected end of input" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct hvt_vm *v = (struct hvt_vm *)&v;
		size_t n = 99;
		char err[200] = "";
		int rc = hvt_vms_parse_hcs(cases[i].in, strlen(cases[i].in), &v, &n, err,
					   sizeof err);
		CHECK(rc == HVT_VMS_ERROR, "'%s' accepted", cases[i].in);
		CHECK(strcmp(err, cases[i].err) == 0, "'%s':\n got  %s\n want %s", cases[i].in, err,
		      cases[i].err);
		assert_null(v);
		assert_int_equal(n, 0);
	}
}

/* Deep nesting is an error, not a stack overflow. */
static void test_depth(void **state)
{
	char doc[400];
	struct hvt_vm *v;
	size_t n;
	char err[200];
	(void)state;
	for (int depth = 60; depth <= 150; depth += 90) {
		int k = snprintf(doc, sizeof doc, "[{\"X\":");
		for (int i = 0; i < depth; i++)
			doc[k++] = '[';
		for (int i = 0; i < depth; i++)
			doc[k++] = ']';
		k += snprintf(doc + k, sizeof doc - (size_t)k, "}]");
		int rc = hvt_vms_parse_hcs(doc, (size_t)k, &v, &n, err, sizeof err);
		if (depth == 60) {
			assert_int_equal(rc, HVT_VMS_OK);
			hvt_vms_free(v, n);
		} else {
			assert_int_equal(rc, HVT_VMS_ERROR);
			assert_true(strstr(err, "nested too deeply") != NULL);
		}
	}
}

/* Every prefix and random damage: no crash, no read past the end (run under ASan). */
static void test_fuzz(void **state)
{
	size_t len = strlen(hcs_doc);
	uint32_t seed = 99;
	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		char *m = malloc(cut ? cut : 1);
		assert_non_null(m);
		memcpy(m, hcs_doc, cut);
		struct hvt_vm *v;
		size_t n;
		char err[200];
		if (hvt_vms_parse_hcs(m, cut, &v, &n, err, sizeof err) == HVT_VMS_OK)
			hvt_vms_free(v, n);
		free(m);
	}
	static const char alphabet[] = "[]{}\":,\\u0aZ \n-1e.tfn";
	for (int iter = 0; iter < 20000; iter++) {
		char *m = malloc(len);
		assert_non_null(m);
		memcpy(m, hcs_doc, len);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
		}
		struct hvt_vm *v;
		size_t n;
		char err[200];
		if (hvt_vms_parse_hcs(m, len, &v, &n, err, sizeof err) == HVT_VMS_OK)
			hvt_vms_free(v, n);
		free(m);
	}
}

static struct hvt_vm vm(const char *id, const char *name, const char *state, const char *source)
{
	struct hvt_vm x;
	memset(&x, 0, sizeof x);
	assert_int_equal(hvt_guid_parse(id, &x.id, NULL), 0);
	if (name) {
		x.name = malloc(strlen(name) + 1);
		strcpy(x.name, name);
	}
	if (state) {
		x.state = malloc(strlen(state) + 1);
		strcpy(x.state, state);
	}
	x.source = source;
	return x;
}

#define ID1 "11111111-0000-0000-0000-000000000001"
#define ID2 "22222222-0000-0000-0000-000000000002"
#define ID3 "33333333-0000-0000-0000-000000000003"

static void test_merge(void **state)
{
	(void)state;
	/* HCS: a VMMS VM named by its id, WSL */
	struct hvt_vm *a = calloc(2, sizeof *a);
	size_t na = 2;
	a[0] = vm(ID1, ID1, "Running", "hcs");
	a[1] = vm(ID2, "WSL", "Running", "hcs");
	/* WMI: the VMMS VM with its name, a stopped VM HCS does not know */
	struct hvt_vm *b = calloc(2, sizeof *b);
	b[0] = vm(ID1, "web server", "Running", "wmi");
	b[1] = vm(ID3, "db", "Off", "wmi");
	assert_int_equal(hvt_vms_merge(&a, &na, b, 2), 0);
	assert_int_equal(na, 3);
	assert_string_equal(a[0].name, "web server");
	assert_string_equal(a[0].source, "hcs+wmi");
	assert_string_equal(a[1].name, "WSL");
	assert_string_equal(a[1].source, "hcs");
	assert_string_equal(a[2].name, "db");
	assert_string_equal(a[2].state, "Off");
	assert_string_equal(a[2].source, "wmi");

	hvt_vms_sort(a, na);
	assert_string_equal(a[0].name, "db");
	assert_string_equal(a[1].name, "web server");
	assert_string_equal(a[2].name, "WSL");
	hvt_vms_free(a, na);

	/* a real name is kept; a missing state is filled in */
	a = calloc(1, sizeof *a);
	na = 1;
	a[0] = vm(ID1, "kept", NULL, "hcs");
	b = calloc(1, sizeof *b);
	b[0] = vm(ID1, "other", "Saved", "wmi");
	assert_int_equal(hvt_vms_merge(&a, &na, b, 1), 0);
	assert_int_equal(na, 1);
	assert_string_equal(a[0].name, "kept");
	assert_string_equal(a[0].state, "Saved");
	hvt_vms_free(a, na);

	/* unnamed VMs sort last, by id */
	a = calloc(3, sizeof *a);
	a[0] = vm(ID2, NULL, NULL, "hcs");
	a[1] = vm(ID1, NULL, NULL, "hcs");
	a[2] = vm(ID3, "z", NULL, "hcs");
	hvt_vms_sort(a, 3);
	assert_string_equal(a[0].name, "z");
	assert_string_equal(idtext(&a[1].id), ID1);
	assert_string_equal(idtext(&a[2].id), ID2);
	hvt_vms_free(a, 3);
}

static int fake_rc;

static int fake(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	if (fake_rc != HVT_VMS_OK) {
		snprintf(err, errlen, "fake says no");
		return fake_rc;
	}
	struct hvt_vm *v = calloc(4, sizeof *v);
	v[0] = vm(ID1, "Alpha", "Running", "wmi");
	v[1] = vm(ID2, "beta", "Off", "wmi");
	v[2] = vm(ID3, "BETA", "Off", "wmi");
	v[3] = vm("44444444-0000-0000-0000-000000000004", NULL, NULL, "hcs");
	*out = v;
	*n = 4;
	return HVT_VMS_OK;
}

static void test_list_and_lookup(void **state)
{
	struct hvt_vm *v;
	size_t n;
	hvt_guid g;
	char err[300];
	(void)state;
	hvt_vms_set_lister(fake);
	fake_rc = HVT_VMS_OK;
	assert_int_equal(hvt_vms_list(&v, &n, err, sizeof err), HVT_VMS_OK);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].name, "Alpha");
	assert_string_equal(v[1].name, "BETA"); /* equal ignoring case: byte order decides */
	assert_string_equal(v[2].name, "beta");
	assert_null(v[3].name);
	hvt_vms_free(v, n);

	assert_int_equal(hvt_vm_lookup("Alpha", &g, err, sizeof err), HVT_VMS_OK);
	assert_string_equal(idtext(&g), ID1);
	assert_int_equal(hvt_vm_lookup("alpha", &g, err, sizeof err), HVT_VMS_OK);
	assert_string_equal(idtext(&g), ID1);
	assert_int_equal(hvt_vm_lookup("beta", &g, err, sizeof err), HVT_VMS_OK);
	assert_string_equal(idtext(&g), ID2);
	assert_int_equal(hvt_vm_lookup("Beta", &g, err, sizeof err), HVT_VMS_AMBIGUOUS);
	assert_string_equal(err,
			    "2 VMs are named 'Beta': use the VM id (hvlist vms lists the VMs)");
	assert_int_equal(hvt_vm_lookup("gamma", &g, err, sizeof err), HVT_VMS_NOTFOUND);
	assert_string_equal(err, "no VM is named 'gamma' (hvlist vms lists the VMs)");

	fake_rc = HVT_VMS_UNAVAILABLE;
	assert_int_equal(hvt_vms_list(&v, &n, err, sizeof err), HVT_VMS_UNAVAILABLE);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_string_equal(err, "fake says no");
	assert_int_equal(hvt_vm_lookup("Alpha", &g, err, sizeof err), HVT_VMS_UNAVAILABLE);
	assert_string_equal(err, "cannot look up VM names: fake says no");
	fake_rc = HVT_VMS_ERROR;
	assert_int_equal(hvt_vm_lookup("Alpha", &g, err, sizeof err), HVT_VMS_ERROR);

	/* the platform's own list answers something sensible */
	hvt_vms_set_lister(NULL);
	int rc = hvt_vms_list(&v, &n, err, sizeof err);
	if (!hvt_vms_supported()) {
		assert_int_equal(rc, HVT_VMS_UNAVAILABLE);
		assert_string_equal(err,
				    "not available on this system: VMs are listed on the Windows "
				    "Hyper-V host");
	} else if (rc == HVT_VMS_OK) {
		hvt_vms_free(v, n);
	} else {
		assert_true(err[0] != '\0');
	}
}

static void test_wmi_state(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(hvt_vm_wmi_state(2, buf, sizeof buf), "Running");
	assert_string_equal(hvt_vm_wmi_state(3, buf, sizeof buf), "Off");
	assert_string_equal(hvt_vm_wmi_state(6, buf, sizeof buf), "Saved");
	assert_string_equal(hvt_vm_wmi_state(32768, buf, sizeof buf), "Paused");
	assert_string_equal(hvt_vm_wmi_state(32769, buf, sizeof buf), "Saved");
	assert_string_equal(hvt_vm_wmi_state(7, buf, sizeof buf), "Unknown (7)");
}

/* The reader on its own: strings and skipping. */
static void test_reader(void **state)
{
	struct hvt_jr r;
	char *s;
	(void)state;
	static const char doc[] =
		" {\"a\\/b\\b\\f\\n\\r\\t\" : \"\\ud800x\\udc00\" , \"n\": -0.5E+3 }\0";
	hvt_jr_init(&r, doc, sizeof doc - 1);
	assert_int_equal(hvt_jr_peek(&r), HVT_JR_OBJECT);
	assert_int_equal(hvt_jr_expect(&r, '{'), 0);
	assert_int_equal(hvt_jr_string(&r, &s), 0);
	assert_string_equal(s, "a/b\b\f\n\r\t");
	free(s);
	assert_int_equal(hvt_jr_expect(&r, ':'), 0);
	assert_int_equal(hvt_jr_string(&r, &s), 0);
	assert_string_equal(s, "\xef\xbf\xbdx\xef\xbf\xbd"); /* lone surrogates */
	free(s);
	assert_int_equal(hvt_jr_accept(&r, ','), 1);
	assert_int_equal(hvt_jr_accept(&r, ','), 0);
	assert_int_equal(hvt_jr_skip(&r), 0); /* "n" */
	assert_int_equal(hvt_jr_expect(&r, ':'), 0);
	assert_int_equal(hvt_jr_peek(&r), HVT_JR_NUMBER);
	assert_int_equal(hvt_jr_skip(&r), 0);
	assert_int_equal(hvt_jr_expect(&r, '}'), 0);
	assert_int_equal(hvt_jr_done(&r), 0); /* a trailing NUL is fine */
	assert_int_equal(hvt_jr_peek(&r), HVT_JR_END);
	assert_int_equal(hvt_jr_expect(&r, ']'), -1);
	assert_string_equal(r.err, "expected ']'");
	assert_int_equal(hvt_jr_skip(&r), -1);
	assert_string_equal(r.err, "expected ']'"); /* the first error stays */

	static const char *const values[] = { "true",	  "false",
					      "null",	  "0",
					      "-12.5e-3", "\"\"",
					      "[[],{}]",  "{\"a\":[1,{\"b\":null}]}" };
	for (size_t i = 0; i < N_ELEMS(values); i++) {
		hvt_jr_init(&r, values[i], strlen(values[i]));
		CHECK(hvt_jr_skip(&r) == 0 && hvt_jr_done(&r) == 0, "'%s': %s", values[i],
		      r.err ? r.err : "?");
	}
	hvt_jr_init(&r, "tru", 3);
	assert_int_equal(hvt_jr_peek(&r), HVT_JR_BAD);
	hvt_jr_init(&r, "\"x\"", 3);
	assert_int_equal(hvt_jr_expect(&r, '{'), -1);
	assert_string_equal(r.err, "expected '{'");
	assert_int_equal(r.err_at, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_hcs),   cmocka_unit_test(test_lookup_hcs),
		cmocka_unit_test(test_hcs_failure), cmocka_unit_test(test_parse_hcs_errors),
		cmocka_unit_test(test_depth),	    cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_merge),	    cmocka_unit_test(test_list_and_lookup),
		cmocka_unit_test(test_wmi_state),   cmocka_unit_test(test_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
