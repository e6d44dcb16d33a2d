/* common/family_npipe.c: npipe: addresses parsed, printed back and refused with the family's
 * messages; on a platform without named pipes every npipe: address is the one usage error.
 * Connecting and listening run under Wine in tests/e2e/win_npipe.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "family.h"
#include "npipe.h"

static void test_ok(void **state)
{
	static const struct {
		const char *in, *pipe, *host, *text;
	} cases[] = {
		{ "npipe:openssh-ssh-agent", "\\\\.\\pipe\\openssh-ssh-agent", ".",
		  "npipe:openssh-ssh-agent" },
		{ "npipe:\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\docker_engine", ".",
		  "npipe:docker_engine" },
		{ "NPIPE://./PIPE/a b", "\\\\.\\pipe\\a b", ".", "npipe:a b" },
		{ "npipe:\\\\server\\pipe\\x\\y", "\\\\server\\pipe\\x\\y", "server",
		  "npipe:\\\\server\\pipe\\x\\y" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hvt_addr a, b;
		char err[512] = "", text[HVT_ADDR_STRLEN];
		int rc = hvt_addr_parse(cases[i].in, 0, &a, err, sizeof err);
		if (!hvt_npipe_supported()) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "named pipes are a Windows thing"));
			continue;
		}
		assert_int_equal(rc, 0);
		assert_ptr_equal(a.fam, &hvt_family_npipe);
		assert_string_equal(a.pipe, cases[i].pipe);
		assert_string_equal(a.host, cases[i].host);
		assert_string_equal(hvt_addr_format(&a, text, sizeof text), cases[i].text);
		assert_int_equal(hvt_addr_parse(text, 0, &b, err, sizeof err), 0); /* round trip */
		assert_true(hvt_addr_equal(&a, &b));
	}
}

static void test_errors(void **state)
{
	char longname[300], in[320];
	memset(longname, 'a', 247); /* \\.\pipe\ + 247 = 256: fits; 248 does not */
	longname[247] = '\0';
	static const char *const bad[] = {
		"npipe:",
		"npipe:\\\\srv\\notpipe\\x",
		"npipe:\\\\\\pipe\\x",
		"npipe:\\\\.\\pipe\\",
		"npipe:a\tb",
	};
	(void)state;
	if (!hvt_npipe_supported())
		skip();
	struct hvt_addr a;
	char err[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(hvt_addr_parse(bad[i], 0, &a, err, sizeof err), -1);
		assert_non_null(strstr(err, bad[i] + 6)); /* names the input */
	}
	snprintf(in, sizeof in, "npipe:%s", longname);
	assert_int_equal(hvt_addr_parse(in, 0, &a, err, sizeof err), 0);
	snprintf(in, sizeof in, "npipe:%sa", longname);
	assert_int_equal(hvt_addr_parse(in, 0, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 256 characters"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
