/* common/wsl.c and hv:wsl: in common/family_hv.c: the --vm-id reader, wslinfo's output, the
 * order of the sources (processes, then HCS's RuntimeId of Owner WSL, then wsl.exe only
 * with --start-wsl), the messages for none and several, and what hv:wsl:P parses to. The
 * sources are fakes here (wsl.h hvt_wsl_set_sources); the real
 * process reader runs under Wine in e2e/win_wsl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "vms.h"
#include "wsl.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *idtext(const hvt_guid *g)
{
	static char buf[4][HVT_GUID_STRLEN];
	static int k;
	k = (k + 1) % 4;
	return hvt_guid_format(g, 0, buf[k]);
}

#define VM_A "6f2d8a1e-9b3c-4d5e-8f70-1a2b3c4d5e6f"
#define VM_B "11111111-2222-3333-4444-555555555555"
#define VM_H "9c3e5f10-2b4d-4e6f-8a1b-2c3d4e5f6a7b"

static void test_cmdline(void **state)
{
	static const struct {
		const char *cmd, *want; /* want NULL: no id */
	} cases[] = {
		{ "\"C:\\Program Files\\WSL\\wslhost.exe\" --vm-id {" VM_A "} --handle 1234",
		  VM_A },
		{ "wslrelay.exe --mode 1 --vm-id " VM_A " --handle 12", VM_A },
		{ "wslhost.exe --distro-id {" VM_B "} --vm-id {" VM_A "}", VM_A },
		{ "wslhost.exe --vm-id={" VM_A "}", VM_A },
		{ "wslhost.exe --vm-id \"{" VM_A "}\"", VM_A },
		{ "wslhost.exe \"--vm-id\" \"" VM_A "\"", VM_A },
		{ "wslhost.exe --vm-id", NULL },
		{ "wslhost.exe --vm-id nonsense", NULL },
		{ "wslhost.exe --vm-idx {" VM_A "}", NULL },
		{ "wslhost.exe x--vm-id {" VM_A "}", NULL },
		{ "wslhost.exe --distro-id {" VM_A "}", NULL },
		{ "", NULL },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		hvt_guid g;
		int rc = hvt_wsl_cmdline_id(cases[i].cmd, &g);
		if (!cases[i].want) {
			if (rc != -1)
				fail_msg("%zu: '%s' gave %s", i, cases[i].cmd, idtext(&g));
		} else if (rc != 0 || strcmp(idtext(&g), cases[i].want) != 0) {
			fail_msg("%zu: '%s': rc %d", i, cases[i].cmd, rc);
		}
	}
}

static void test_wslinfo(void **state)
{
	hvt_guid g;
	(void)state;
	assert_int_equal(hvt_wsl_parse_wslinfo(VM_A "\r\n", strlen(VM_A) + 2, &g), 0);
	assert_string_equal(idtext(&g), VM_A);
	assert_int_equal(hvt_wsl_parse_wslinfo(" {" VM_B "}\n", strlen(VM_B) + 4, &g), 0);
	assert_string_equal(idtext(&g), VM_B);
	assert_int_equal(hvt_wsl_parse_wslinfo("", 0, &g), -1);
	assert_int_equal(hvt_wsl_parse_wslinfo("\r\n", 2, &g), -1);
	/* wsl.exe's own messages are UTF-16: NUL bytes are never an id */
	static const char utf16[] = "W\0S\0L\0";
	assert_int_equal(hvt_wsl_parse_wslinfo(utf16, sizeof utf16 - 1, &g), -1);
	static const char msg[] = "wslinfo: unknown option --vm-id\n";
	assert_int_equal(hvt_wsl_parse_wslinfo(msg, strlen(msg), &g), -1);
}

/* ---- fakes ---- */

static int nprocs;	    /* how many wslhost.exe the fake sees: ids VM_A, VM_B */
static const char *hcs_doc; /* what the fake HCS answers; NULL: not available */
static int start_calls, start_ok;

static void fake_procs(struct hvt_wsl_found *f, size_t *n)
{
	static const char *const ids[] = { VM_A, VM_B, VM_A };
	for (int i = 0; i < nprocs; i++) {
		hvt_guid g;
		char from[48];
		hvt_guid_parse(ids[i], &g, NULL);
		snprintf(from, sizeof from, "wslhost.exe pid %d", 100 + i);
		hvt_wsl_add(f, n, &g, from);
	}
}

static int fake_start(hvt_guid *id, char *err, size_t errlen)
{
	start_calls++;
	if (!start_ok) {
		snprintf(err, errlen, "cannot run wsl.exe: file not found");
		return HVT_WSL_NONE;
	}
	return hvt_guid_parse(VM_B, id, NULL) == 0 ? HVT_WSL_OK : HVT_WSL_NONE;
}

static int fake_lister(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	if (!hcs_doc) {
		snprintf(err, errlen, "not available on this system");
		return HVT_VMS_UNAVAILABLE;
	}
	return hvt_vms_parse_hcs(hcs_doc, strlen(hcs_doc), out, n, err, errlen);
}

/* Recorded shape (hcsdiag list -raw): WSL's system is named by its VM id, and its RuntimeId
 * is the id hvsockets address; Docker's utility VM is not WSL. */
static const char hcs_wsl[] =
	"[{\"Id\":\"" VM_H "\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"WSL\","
	"\"RuntimeId\":\"" VM_H "\",\"State\":\"Running\",\"RuntimeOsType\":\"Linux\"},"
	"{\"Id\":\"0123abcd@vm\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"docker\","
	"\"RuntimeId\":\"" VM_B "\",\"State\":\"Running\"}]";
static const char hcs_two_wsl[] =
	"[{\"Id\":\"" VM_H "\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"WSL\","
	"\"RuntimeId\":\"" VM_H "\"},"
	"{\"Id\":\"" VM_A "\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"WSL\","
	"\"RuntimeId\":\"" VM_A "\"}]";
static const char hcs_none[] =
	"[{\"Id\":\"0123abcd@vm\",\"SystemType\":\"VirtualMachine\",\"Owner\":\"docker\","
	"\"RuntimeId\":\"" VM_B "\"}]";

static int setup(void **state)
{
	(void)state;
	nprocs = 0;
	hcs_doc = NULL;
	start_calls = start_ok = 0;
	hvt_wsl_set_sources(fake_procs, fake_lister, fake_start);
	hvt_wsl_allow_start(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hvt_wsl_set_sources(NULL, NULL, NULL);
	hvt_wsl_allow_start(0);
	return 0;
}

/* ---- the order of the sources, the messages ---- */

static void test_from_process(void **state)
{
	hvt_guid g;
	char from[48], err[1500];
	(void)state;
	nprocs = 1;
	hcs_doc = hcs_wsl; /* not asked: the process answers first */
	assert_int_equal(hvt_wsl_vm_id(&g, from, sizeof from, err, sizeof err), HVT_WSL_OK);
	assert_string_equal(idtext(&g), VM_A);
	assert_string_equal(from, "wslhost.exe pid 100");
}

static void test_same_id_twice(void **state)
{
	struct hvt_wsl_found f[HVT_WSL_FOUND_MAX];
	size_t n = 0;
	hvt_guid a, b;
	(void)state;
	hvt_guid_parse(VM_A, &a, NULL);
	hvt_guid_parse(VM_B, &b, NULL);
	hvt_wsl_add(f, &n, &a, "wslhost.exe pid 1");
	hvt_wsl_add(f, &n, &a, "wslrelay.exe pid 2");
	assert_int_equal(n, 1);
	assert_string_equal(f[0].from, "wslhost.exe pid 1");
	for (int i = 0; i < 40; i++)
		hvt_wsl_add(f, &n, i % 2 ? &a : &b, "x");
	assert_int_equal(n, 2);
}

static void test_several(void **state)
{
	hvt_guid g;
	char err[1500];
	(void)state;
	nprocs = 2;
	assert_int_equal(hvt_wsl_vm_id(&g, NULL, 0, err, sizeof err), HVT_WSL_AMBIGUOUS);
	assert_string_equal(err, "2 WSL VMs found: " VM_A " (wslhost.exe pid 100), " VM_B
				 " (wslhost.exe pid 101); give the VM id instead of wsl (hvlist "
				 "vms lists the VMs)");
	nprocs = 0;
	hcs_doc = hcs_two_wsl;
	assert_int_equal(hvt_wsl_vm_id(&g, NULL, 0, err, sizeof err), HVT_WSL_AMBIGUOUS);
	assert_non_null(strstr(err, VM_A " (HCS), " VM_H " (HCS)"));
}

static void test_from_hcs(void **state)
{
	hvt_guid g;
	char from[48], err[1500];
	(void)state;
	hcs_doc = hcs_wsl;
	assert_int_equal(hvt_wsl_vm_id(&g, from, sizeof from, err, sizeof err), HVT_WSL_OK);
	assert_string_equal(idtext(&g), VM_H); /* the RuntimeId of Owner WSL, not docker's */
	assert_string_equal(from, "HCS");
	assert_int_equal(start_calls, 0);
}

static void test_none(void **state)
{
	hvt_guid g;
	char err[1500];
	(void)state;
	assert_int_equal(hvt_wsl_vm_id(&g, NULL, 0, err, sizeof err), HVT_WSL_NONE);
	assert_string_equal(err, "no WSL 2 VM of this user is running (no wslhost.exe or "
				 "wslrelay.exe with --vm-id; Host Compute Service: not "
				 "available); start WSL (run wsl.exe) or add --start-wsl");
	hcs_doc = hcs_none;
	assert_int_equal(hvt_wsl_vm_id(&g, NULL, 0, err, sizeof err), HVT_WSL_NONE);
	assert_non_null(strstr(err, "Host Compute Service: no system with Owner WSL"));
	assert_int_equal(start_calls, 0); /* never started without --start-wsl */
}

static void test_start(void **state)
{
	hvt_guid g;
	char from[48], err[1500];
	(void)state;
	hvt_wsl_allow_start(1);
	start_ok = 1;
	assert_int_equal(hvt_wsl_vm_id(&g, from, sizeof from, err, sizeof err), HVT_WSL_OK);
	assert_string_equal(idtext(&g), VM_B);
	assert_string_equal(from, "wsl.exe wslinfo");
	assert_int_equal(start_calls, 1);
	nprocs = 1; /* running already: not started again */
	assert_int_equal(hvt_wsl_vm_id(&g, from, sizeof from, err, sizeof err), HVT_WSL_OK);
	assert_int_equal(start_calls, 1);
	nprocs = 0;
	start_ok = 0;
	assert_int_equal(hvt_wsl_vm_id(&g, NULL, 0, err, sizeof err), HVT_WSL_NONE);
	assert_string_equal(err, "no WSL 2 VM found and 'wsl.exe -- wslinfo --vm-id' failed: "
				 "cannot run wsl.exe: file not found");
}

/* ---- hv:wsl:SERVICE ---- */

static void test_address(void **state)
{
	struct hvt_addr a;
	char err[1500], buf[HVT_ADDR_STRLEN];
	(void)state;
	nprocs = 1;
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", 0, &a, err, sizeof err), 0);
	assert_true(a.wsl);
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf),
			    "hv:" VM_A ":00001388-facb-11e6-bd58-64006a7986d3");
	assert_int_equal(hvt_addr_parse("hv:WSL:vsock-22", HVT_ADDR_LISTEN, &a, err, sizeof err),
			 0);
	assert_string_equal(idtext(&a.vm), VM_A);

	/* not running: a listener waits for it, a connect fails (exit 1, not a usage error) */
	nprocs = 0;
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", HVT_ADDR_LISTEN, &a, err, sizeof err), 0);
	assert_true(a.wsl);
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf),
			    "hv:wsl:00001388-facb-11e6-bd58-64006a7986d3");
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", 0, &a, err, sizeof err),
			 HVT_ADDR_UNRESOLVED);
	assert_non_null(strstr(err, "hv:wsl:5000: no WSL 2 VM of this user is running"));

	/* several: both fail */
	nprocs = 2;
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", HVT_ADDR_LISTEN, &a, err, sizeof err),
			 HVT_ADDR_UNRESOLVED);
	assert_non_null(strstr(err, "hv:wsl:5000: 2 WSL VMs found: "));

	/* a bad service is still a usage error */
	nprocs = 1;
	assert_int_equal(hvt_addr_parse("hv:wsl:nope", 0, &a, err, sizeof err), -1);
}

/* Without fakes on Linux: `wsl` is the Windows host's name for its WSL VM. */
static void test_not_windows(void **state)
{
	struct hvt_addr a;
	char err[1500];
	(void)state;
	hvt_wsl_set_sources(NULL, NULL, NULL);
	if (hvt_vms_supported())
		skip(); /* Windows: the real sources answer (e2e/win_wsl) */
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", 0, &a, err, sizeof err), -1);
	assert_string_equal(err, "hv:wsl:5000: wsl names the WSL VM on the Windows host only; "
				 "inside WSL reach the host with vsock:host:PORT");
	assert_int_equal(hvt_addr_parse("hv:wsl:5000", HVT_ADDR_LISTEN, &a, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_wslinfo),
		cmocka_unit_test(test_same_id_twice),
		cmocka_unit_test_setup_teardown(test_from_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_hcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_windows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
