/* common/notify.c: --until conditions, matching lines of a message, and the printed forms
 * (text and JSON). Receiving over sockets is tested end to end (e2e/hvnc_notify.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "notify.h"

static void test_until_parse(void **state)
{
	struct hvt_notify_until u;
	(void)state;
	assert_int_equal(hvt_notify_until_parse("READY=1", &u), 0);
	assert_string_equal(u.key, "READY");
	assert_string_equal(u.value, "1");
	assert_int_equal(hvt_notify_until_parse("Ready", &u), 0);
	assert_string_equal(u.key, "Ready");
	assert_null(u.value);
	assert_int_equal(hvt_notify_until_parse("STATUS=", &u), 0);
	assert_string_equal(u.value, "");
	assert_int_equal(hvt_notify_until_parse("A=b=c", &u), 0);
	assert_string_equal(u.key, "A");
	assert_string_equal(u.value, "b=c");
	assert_int_equal(hvt_notify_until_parse("=1", &u), -1);
	assert_int_equal(hvt_notify_until_parse("", &u), -1);
	char long_key[200];
	memset(long_key, 'K', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	assert_int_equal(hvt_notify_until_parse(long_key, &u), -1);
}

static int matches(const char *msg, const char *until)
{
	struct hvt_notify_until u;
	assert_int_equal(hvt_notify_until_parse(until, &u), 0);
	return hvt_notify_match(msg, strlen(msg), &u, 1);
}

static void test_match(void **state)
{
	(void)state;
	const char *m = "X_SYSTEMD_HOSTNAME=vm\nREADY=1\nX_SYSTEMD_UNIT_ACTIVE=ssh-access.target\n";
	assert_true(matches(m, "READY=1"));
	assert_true(matches(m, "READY"));
	assert_true(matches(m, "X_SYSTEMD_UNIT_ACTIVE=ssh-access.target"));
	assert_false(matches(m, "X_SYSTEMD_UNIT_ACTIVE=ssh-access"));
	assert_false(matches(m, "READY=10"));
	assert_false(matches(m, "READ"));	    /* a key is a whole key */
	assert_true(matches("Ready\r\n", "Ready")); /* CR LF line ends */
	assert_true(matches("A=1\r\nREADY=1\r\n", "READY=1"));
	assert_false(matches(m, "HOSTNAME=vm")); /* and starts the line */
	assert_true(matches("Ready\n", "Ready"));
	assert_true(matches("Ready", "Ready")); /* no final newline */
	assert_false(matches("Ready\n", "Ready=1"));
	assert_false(matches("NotReady\n", "Ready"));
	assert_false(matches("", "READY"));
	/* any of several */
	struct hvt_notify_until u[2];
	hvt_notify_until_parse("STOPPING=1", &u[0]);
	hvt_notify_until_parse("READY=1", &u[1]);
	assert_true(hvt_notify_match("READY=1\n", 8, u, 2));
	assert_false(hvt_notify_match("READY=1\n", 8, u, 1));
}

static char *printed(const char *msg, int json)
{
	static char buf[2048];
	FILE *f = tmpfile();
	assert_non_null(f);
	hvt_notify_print(f, msg, strlen(msg), "vsock:3:1234", json);
	rewind(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	(void)state;
	assert_string_equal(printed("READY=1\nSTATUS=up\n", 0), "READY=1\nSTATUS=up\n\n");
	assert_string_equal(printed("A=\x1b[2J\tx\n\nB=2", 0), "A=\\x1b[2J\tx\nB=2\n\n");
	assert_string_equal(printed("READY=1\nA=1\nA=2\nReady\n", 1),
			    "{\"from\": \"vsock:3:1234\", \"fields\": {\"READY\": \"1\", \"A\": "
			    "\"2\"}, \"lines\": [\"READY=1\", \"A=1\", \"A=2\", \"Ready\"]}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_until_parse),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
