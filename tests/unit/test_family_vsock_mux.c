/* common/family_vsock_mux.c: vsock-mux:PATH:PORT parsed, printed back, and refused with the
 * family's messages. The handshake runs against a VMM in tests/e2e/vsock_mux.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "family.h"

#define L HVT_ADDR_LISTEN

static void test_ok(void **state)
{
	static const struct {
		const char *in;
		int flags;
		const char *path;
		uint32_t port;
		const char *text;
	} cases[] = {
		{ "vsock-mux:/run/vm.sock:5000", 0, "/run/vm.sock", 5000, NULL },
		{ "VSOCK-MUX:/run/vm.sock:0x10", 0, "/run/vm.sock", 16,
		  "vsock-mux:/run/vm.sock:16" },
		/* the last colon splits: a path may hold colons */
		{ "vsock-mux:/tmp/a:b/v.sock:22", 0, "/tmp/a:b/v.sock", 22, NULL },
		{ "vsock-mux:rel.sock:2147483647", L, "rel.sock", 2147483647u, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hvt_addr a, b;
		char err[256] = "", text[HVT_ADDR_STRLEN];
		assert_int_equal(hvt_addr_parse(cases[i].in, cases[i].flags, &a, err, sizeof err),
				 0);
		assert_ptr_equal(a.fam, hvt_family_find("vsock-mux", 9));
		assert_string_equal(a.path, cases[i].path);
		assert_int_equal(a.port, cases[i].port);
		hvt_addr_format(&a, text, sizeof text);
		assert_string_equal(text, cases[i].text ? cases[i].text : cases[i].in);
		assert_int_equal(hvt_addr_parse(text, cases[i].flags, &b, err, sizeof err), 0);
		assert_true(hvt_addr_equal(&a, &b));
	}
}

static void test_errors(void **state)
{
	static char long_path[120];
	static const struct {
		const char *in;
		int flags;
		const char *msg;
	} cases[] = {
		{ "vsock-mux:/run/vm.sock", 0,
		  "invalid address 'vsock-mux:/run/vm.sock': expected vsock-mux:PATH:PORT" },
		{ "vsock-mux::5000", 0,
		  "invalid vsock-mux path '' in 'vsock-mux::5000': expected the VMM's unix socket, a "
		  "path of 1-107 bytes" },
		{ "vsock-mux:/v:http", 0,
		  "invalid vsock-mux port 'http' in 'vsock-mux:/v:http': expected a guest port "
		  "number 0-2147483647" },
		{ "vsock-mux:/v:2147483648", 0,
		  "invalid vsock-mux port '2147483648' in 'vsock-mux:/v:2147483648': expected a guest "
		  "port number 0-2147483647" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hvt_addr a;
		char err[512] = "";
		assert_int_equal(hvt_addr_parse(cases[i].in, cases[i].flags, &a, err, sizeof err),
				 -1);
		assert_string_equal(err, cases[i].msg);
	}
	/* A path of 100 bytes is fine to connect to, but PATH_2147483647 does not fit sun_path. */
	char in[160], err[512] = "";
	struct hvt_addr a;
	memset(long_path, 'p', 100);
	snprintf(in, sizeof in, "vsock-mux:/%s:2147483647", long_path);
	assert_int_equal(hvt_addr_parse(in, 0, &a, err, sizeof err), 0);
	assert_int_equal(hvt_addr_parse(in, L, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "too long to listen on: PATH_PORT must fit in 107 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
