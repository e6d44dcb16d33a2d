/* common/opts.c: duration and number options, and the table of which options go together.
 * The usage errors exit in the tools; here hvt_usage_error is this file's own, which keeps the
 * message and jumps back to the test (the linker takes it before msg.c's, which opts.c is the
 * only one to need here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "opts.h"

static jmp_buf usage_jmp;
static char usage_msg[512];

void hvt_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(usage_msg, sizeof usage_msg, fmt, ap);
	va_end(ap);
	longjmp(usage_jmp, 1);
}

/* Runs EXPR, which must fail with the usage error MSG. */
#define EXPECT_USAGE(expr, msg)                                                                    \
	do {                                                                                       \
		usage_msg[0] = '\0';                                                               \
		if (setjmp(usage_jmp) == 0) {                                                      \
			(void)(expr);                                                              \
			fail_msg("no usage error from %s", #expr);                                 \
		}                                                                                  \
		assert_string_equal(usage_msg, msg);                                               \
	} while (0)

static void test_duration(void **state)
{
	(void)state;
	assert_int_equal(hvt_opt_duration("-w", "5", HVT_OPT_DAY_MS, 0), 5000);
	assert_int_equal(hvt_opt_duration("-w", "250ms", HVT_OPT_DAY_MS, 1), 250);
	assert_int_equal(hvt_opt_duration("-w", "0", HVT_OPT_DAY_MS, 0), 0);
	assert_int_equal(hvt_opt_duration("-w", "24h", HVT_OPT_DAY_MS, 0), HVT_OPT_DAY_MS);
	EXPECT_USAGE(hvt_opt_duration("-w", "5x", HVT_OPT_DAY_MS, 0),
		     "invalid -w '5x': expected a duration such as 5, 1.5s, 250ms or 2m");
	EXPECT_USAGE(hvt_opt_duration("-i", "25h", HVT_OPT_DAY_MS, 0),
		     "invalid -i '25h': too large");
	EXPECT_USAGE(hvt_opt_duration("-W", "0", HVT_OPT_DAY_MS, 1),
		     "invalid -W '0': must be more than 0");
	EXPECT_USAGE(hvt_opt_duration("-W", "0ms", HVT_OPT_DAY_MS, 1),
		     "invalid -W '0ms': must be more than 0");
	EXPECT_USAGE(hvt_opt_duration("-W", "0.0001", HVT_OPT_DAY_MS, 1),
		     "invalid -W '0.0001': too small");
	EXPECT_USAGE(hvt_opt_duration("-t", "5ms", 60000, 10),
		     "invalid -t '5ms': must be at least 10 ms");
	assert_int_equal(hvt_opt_duration("-t", "10ms", 60000, 10), 10);
}

static void test_number(void **state)
{
	(void)state;
	assert_int_equal(hvt_opt_number("-c", "1", 1, UINT32_MAX), 1);
	assert_int_equal(hvt_opt_number("-c", "4294967295", 1, UINT32_MAX), UINT32_MAX);
	assert_int_equal(hvt_opt_number("-s", "0", 0, 65536), 0);
	EXPECT_USAGE(hvt_opt_number("-c", "0", 1, UINT32_MAX),
		     "invalid -c '0': too small (expected 1-4294967295)");
	EXPECT_USAGE(hvt_opt_number("-m", "100001", 1, 100000),
		     "invalid -m '100001': too large (expected 1-100000)");
	EXPECT_USAGE(hvt_opt_number("-s", "", 0, 65536),
		     "invalid -s '': not a number (expected 0-65536)");
	EXPECT_USAGE(hvt_opt_number("-s", "0x10", 0, 65536),
		     "invalid -s '0x10': not a number (expected 0-65536)");
}

static void test_used(void **state)
{
	(void)state;
	struct hvt_opt_used u = { { 0 } };
	assert_false(hvt_opt_is_used(&u, 'l'));
	hvt_opt_use(&u, 'l');
	hvt_opt_use(&u, 256);
	hvt_opt_use(&u, HVT_OPT_ID_MAX - 1);
	assert_true(hvt_opt_is_used(&u, 'l'));
	assert_true(hvt_opt_is_used(&u, 256));
	assert_true(hvt_opt_is_used(&u, HVT_OPT_ID_MAX - 1));
	assert_false(hvt_opt_is_used(&u, 'k'));
	assert_false(hvt_opt_is_used(&u, 257));
	/* out of range: ignored, never used ('?' and -1 come from getopt) */
	hvt_opt_use(&u, HVT_OPT_ID_MAX);
	hvt_opt_use(&u, -1);
	hvt_opt_use(&u, 0);
	assert_false(hvt_opt_is_used(&u, HVT_OPT_ID_MAX));
	assert_false(hvt_opt_is_used(&u, -1));
	assert_false(hvt_opt_is_used(&u, 0));
}

/* ---- the table: a made-up tool with hvnc's and hvreg's kinds of rules ---- */

/* Options without an entry here are named by their short form, also with long_names. */
enum { OPT_TO = 256, CMD_ADD = 300, CMD_LIST, CMD_SHOW };

static const struct hvt_option longopts[] = {
	{ "exec", hvt_required_argument, NULL, 'e' },
	{ "sh-exec", hvt_required_argument, NULL, 'c' },
	{ "to", hvt_required_argument, NULL, OPT_TO },
	{ NULL, 0, NULL, 0 },
};

static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_EXCLUSIVE, .a = { 'e', 'c', OPT_TO } },
	{ HVT_OPT_CONFLICTS, .a = { 'z' }, .b = { 'd', 'q', OPT_TO } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'd', 'i' } },
	{ HVT_OPT_NEEDS, .a = { 'k' }, .b = { 'l' } },
	{ HVT_OPT_NEEDS, .a = { 'x' }, .b = { 'l', 'k' }, .note = "a note" },
	{ HVT_OPT_ONLY_FOR, .a = { 'j' }, .b = { CMD_LIST, CMD_SHOW } },
	{ HVT_OPT_ONLY_FOR, .a = { 'z', 'e' }, .b = { CMD_ADD } },
	{ .kind = HVT_OPT_END },
};

static const struct hvt_opt_name cmds[] = {
	{ CMD_ADD, "add" },
	{ CMD_LIST, "list" },
	{ CMD_SHOW, "show" },
	{ 0, NULL },
};

/* The message for the ids given (ended by 0), or "" when no rule is broken. */
static const char *check(int long_names, const int *ids)
{
	static char msg[512];
	const struct hvt_opt_spec spec = { longopts, long_names, cmds, rules };
	struct hvt_opt_used u = { { 0 } };
	for (; *ids; ids++)
		hvt_opt_use(&u, *ids);
	if (!hvt_opt_conflict(&spec, &u, msg, sizeof msg))
		msg[0] = '\0';
	return msg;
}

#define CHECK(long_names, want, ...)                                                               \
	do {                                                                                       \
		const int ids_[] = { __VA_ARGS__, 0 };                                             \
		assert_string_equal(check(long_names, ids_), want);                                \
	} while (0)

static void test_rules(void **state)
{
	(void)state;
	/* fine together, or alone */
	CHECK(0, "", 'l', 'k', 'e', CMD_ADD);
	CHECK(0, "", OPT_TO, 'i', CMD_ADD, 'x', 'l');
	CHECK(0, "", 'j', CMD_SHOW);
	/* exclusive groups: the first two used, in the table's order, whatever the order given */
	CHECK(0, "cannot use -e with -c", 'c', 'e');
	CHECK(0, "cannot use -e with --to", OPT_TO, 'e');
	CHECK(0, "cannot use -c with --to", 'c', OPT_TO);
	CHECK(0, "cannot use -e with -c", 'e', 'c', OPT_TO);
	CHECK(0, "cannot use -d with -i", 'i', 'd');
	/* conflicts: each side named whole */
	CHECK(0, "cannot use -z with -d, -q or --to", 'q', 'z');
	/* the first rule broken is reported */
	CHECK(0, "cannot use -e with -c", 'z', 'e', 'c', 'k');
	CHECK(0, "cannot use -z with -d, -q or --to", 'k', 'z', 'd', 'i');
	/* needs, with a note */
	CHECK(0, "-k needs -l", 'k');
	CHECK(0, "-x needs -l or -k (a note)", 'x');
	CHECK(0, "", 'x', 'k', 'l');
	/* only for: the commands (ids with names of their own) joined by "and" */
	CHECK(0, "-j is only for list and show", 'j', CMD_ADD);
	CHECK(0, "-j is only for list and show", 'j');
	CHECK(0, "-z or -e is only for add", 'z', CMD_LIST);
	/* long names where there are (hvreg's style); short ones for the others */
	CHECK(1, "cannot use --exec with --sh-exec", 'e', 'c');
	CHECK(1, "cannot use -z with -d, -q or --to", 'z', 'd');
	CHECK(1, "-z or --exec is only for add", 'e', CMD_SHOW);
	CHECK(1, "-k needs -l", 'k');
}

static void test_check_exits(void **state)
{
	(void)state;
	const struct hvt_opt_spec spec = { longopts, 0, cmds, rules };
	struct hvt_opt_used u = { { 0 } };
	hvt_opt_use(&u, 'l');
	hvt_opt_check(&spec, &u); /* returns: nothing broken */
	hvt_opt_use(&u, 'z');
	hvt_opt_use(&u, OPT_TO);
	EXPECT_USAGE(hvt_opt_check(&spec, &u), "cannot use -z with -d, -q or --to");
	/* an id no table names still gives a message */
	static const struct hvt_opt_rule odd[] = { { HVT_OPT_NEEDS, .a = { 400 }, .b = { 'l' } },
						   { .kind = HVT_OPT_END } };
	const struct hvt_opt_spec odd_spec = { longopts, 0, NULL, odd };
	struct hvt_opt_used v = { { 0 } };
	hvt_opt_use(&v, 400);
	EXPECT_USAGE(hvt_opt_check(&odd_spec, &v), "option 400 needs -l");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),    cmocka_unit_test(test_number),
		cmocka_unit_test(test_used),	    cmocka_unit_test(test_rules),
		cmocka_unit_test(test_check_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
