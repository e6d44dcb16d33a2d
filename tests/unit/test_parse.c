/* common/parse.c: bounded integers and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char not_a_duration[] = "expected a duration such as 5, 1.5s, 250ms or 2m";

/* why == NULL: must succeed with value. */
struct u64_case {
	const char *s;
	uint64_t min, max;
	int hex_ok;
	uint64_t value;
	const char *why;
};

static const struct u64_case u64_cases[] = {
	{ "0", 0, UINT64_MAX, 0, 0, NULL },
	{ "1", 0, UINT64_MAX, 0, 1, NULL },
	{ "007", 0, UINT64_MAX, 0, 7, NULL },
	{ "65535", 0, 65535, 0, 65535, NULL },
	{ "4294967295", 0, UINT32_MAX, 0, UINT32_MAX, NULL },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
	{ "000000000000000000000000000000000000000000012", 0, UINT64_MAX, 0, 12, NULL },
	{ "0x0", 0, UINT64_MAX, 1, 0, NULL },
	{ "0xff", 0, UINT64_MAX, 1, 255, NULL },
	{ "0XFF", 0, UINT64_MAX, 1, 255, NULL },
	{ "0xFf", 0, UINT64_MAX, 1, 255, NULL },
	{ "0x1388", 0, UINT64_MAX, 1, 5000, NULL },
	{ "0xffffffffffffffff", 0, UINT64_MAX, 1, UINT64_MAX, NULL },
	{ "0x0000000000000000000000001", 0, UINT64_MAX, 1, 1, NULL },
	{ "10", 0, UINT64_MAX, 1, 10, NULL },  /* decimal still decimal with hex_ok */
	{ "010", 0, UINT64_MAX, 1, 10, NULL }, /* no octal */
	/* bounds */
	{ "5", 5, 5, 0, 5, NULL },
	{ "4", 5, 10, 0, 0, "too small" },
	{ "11", 5, 10, 0, 0, "too large" },
	{ "0", 1, 65535, 0, 0, "too small" },
	{ "65536", 1, 65535, 0, 0, "too large" },
	{ "4294967296", 0, UINT32_MAX, 0, 0, "too large" },
	{ "0x100000000", 0, UINT32_MAX, 1, 0, "too large" },
	{ "18446744073709551616", 0, UINT64_MAX, 0, 0, "too large" },
	{ "99999999999999999999999999999", 0, UINT64_MAX, 0, 0, "too large" },
	{ "0x10000000000000000", 0, UINT64_MAX, 1, 0, "too large" },
	{ "0xfffffffffffffffff", 0, UINT64_MAX, 1, 0, "too large" },
	/* not numbers */
	{ "", 0, UINT64_MAX, 1, 0, "not a number" },
	{ " 1", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1 ", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "\t1", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1\n", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "+1", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "-1", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "-0", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "--1", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1a", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "a", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "ff", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "1.5", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1e3", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1,000", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "1_000", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "0b101", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0x", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0X", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0x10", 0, UINT64_MAX, 0, 0, "not a number" }, /* hex not allowed */
	{ "0xg", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0x-1", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0x 1", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "x10", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "00x10", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "0x0x1", 0, UINT64_MAX, 1, 0, "not a number" },
	{ "\xd9\xa1", 0, UINT64_MAX, 0, 0, "not a number" }, /* Arabic-Indic one */
	{ "１", 0, UINT64_MAX, 0, 0, "not a number" },	     /* fullwidth one */
	/* garbage after an overflow is garbage, not overflow */
	{ "99999999999999999999999x", 0, UINT64_MAX, 0, 0, "not a number" },
	{ "5000abc", 0, 65535, 0, 0, "not a number" },
};

static void test_u64_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(u64_cases); i++) {
		const struct u64_case *c = &u64_cases[i];
		uint64_t v = 424242;
		const char *why = NULL;
		int rc = hvt_parse_u64(c->s, c->min, c->max, c->hex_ok, &v, &why);
		if (!c->why) {
			CHECK(rc == 0, "'%s' failed: %s", c->s, why ? why : "(null)");
			CHECK(v == c->value, "'%s' gave %llu", c->s, (unsigned long long)v);
		} else {
			CHECK(rc == -1, "'%s' accepted", c->s);
			CHECK(why && strcmp(why, c->why) == 0, "'%s': why '%s', want '%s'", c->s,
			      why ? why : "(null)", c->why);
			CHECK(v == 424242, "'%s': output changed on failure", c->s);
		}
	}
}

static void test_u64_all_decimal_boundaries(void **state)
{
	(void)state;
	/* every power of ten and its neighbours against max = that power */
	uint64_t p = 1;
	for (int e = 0; e <= 19; e++, p *= 10) {
		char buf[32];
		uint64_t v;
		const char *why;
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)p);
		assert_int_equal(hvt_parse_u64(buf, p, p, 0, &v, &why), 0);
		assert_true(v == p);
		assert_int_equal(hvt_parse_u64(buf, 0, p - 1, 0, &v, &why), -1);
		assert_string_equal(why, "too large");
		assert_int_equal(hvt_parse_u64(buf, p + 1, UINT64_MAX, 0, &v, &why), -1);
		assert_string_equal(why, "too small");
		snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)p);
		assert_int_equal(hvt_parse_u64(buf, 0, UINT64_MAX, 1, &v, &why), 0);
		assert_true(v == p);
		if (e == 19)
			break; /* p * 10 would overflow */
	}
}

static void test_u64_null_why(void **state)
{
	uint64_t v;
	(void)state;
	assert_int_equal(hvt_parse_u64("x", 0, 10, 0, &v, NULL), -1);
	assert_int_equal(hvt_parse_u64("11", 0, 10, 0, &v, NULL), -1);
	assert_int_equal(hvt_parse_u64(NULL, 0, 10, 0, &v, NULL), -1);
	assert_int_equal(hvt_parse_u64("10", 0, 10, 0, &v, NULL), 0);
}

struct dur_case {
	const char *s;
	uint64_t max;
	uint64_t ms;
	const char *why; /* NULL: must succeed with ms */
};

#define DMAX UINT64_MAX

static const struct dur_case dur_cases[] = {
	{ "0", DMAX, 0, NULL },
	{ "0s", DMAX, 0, NULL },
	{ "0ms", DMAX, 0, NULL },
	{ "0m", DMAX, 0, NULL },
	{ "0h", DMAX, 0, NULL },
	{ "0.0", DMAX, 0, NULL },
	{ "0.000000", DMAX, 0, NULL },
	{ "00000", DMAX, 0, NULL },
	{ "5", DMAX, 5000, NULL },
	{ "5s", DMAX, 5000, NULL },
	{ "00005", DMAX, 5000, NULL },
	{ "1.5", DMAX, 1500, NULL },
	{ "1.5s", DMAX, 1500, NULL },
	{ "250ms", DMAX, 250, NULL },
	{ "2m", DMAX, 120000, NULL },
	{ "1h", DMAX, 3600000, NULL },
	{ "1.25m", DMAX, 75000, NULL },
	{ "0.5h", DMAX, 1800000, NULL },
	{ "0.5s", DMAX, 500, NULL },
	{ "0.001", DMAX, 1, NULL },
	{ "0.001s", DMAX, 1, NULL },
	{ "1ms", DMAX, 1, NULL },
	/* below a millisecond is dropped (floor), not rounded */
	{ "0.0015", DMAX, 1, NULL },
	{ "0.9999", DMAX, 999, NULL },
	{ "1.5ms", DMAX, 1, NULL },
	{ "1.999ms", DMAX, 1, NULL },
	/* values where binary floating point goes wrong */
	{ "0.1", DMAX, 100, NULL },
	{ "0.29", DMAX, 290, NULL },
	{ "4.35", DMAX, 4350, NULL },
	{ "2.675s", DMAX, 2675, NULL },
	{ "1.005", DMAX, 1005, NULL },
	{ "0.57", DMAX, 570, NULL },
	{ "9.95", DMAX, 9950, NULL },
	{ "0.7m", DMAX, 42000, NULL },
	{ "0.1h", DMAX, 360000, NULL },
	/* long fractions: exact, however many digits */
	{ "1.0000000000000000000000000000001", DMAX, 1000, NULL },
	{ "1.9999999999999999999999999999999", DMAX, 1999, NULL },
	{ "0.000277777777777777777777777777h", DMAX, 999, NULL },
	{ "0.000277777777777777777777777778h", DMAX, 1000, NULL },
	{ "0.0166666666666666666666666666667m", DMAX, 1000, NULL },
	{ "0.0166666666666666666666666666666m", DMAX, 999, NULL },
	/* maximum */
	{ "5", 5000, 5000, NULL },
	{ "5", 4999, 0, "too large" },
	{ "300", 300000, 300000, NULL },
	{ "300.001", 300000, 0, "too large" },
	{ "5m", 300000, 300000, NULL },
	{ "6m", 300000, 0, "too large" },
	{ "1h", 3599999, 0, "too large" },
	{ "0", 0, 0, NULL },
	{ "1ms", 0, 0, "too large" },
	{ "18446744073709551615ms", DMAX, UINT64_MAX, NULL },
	{ "18446744073709551615.999ms", DMAX, UINT64_MAX, NULL },
	{ "18446744073709551616ms", DMAX, 0, "too large" },
	{ "18446744073709551.615s", DMAX, UINT64_MAX, NULL },
	{ "18446744073709551.616s", DMAX, 0, "too large" },
	{ "18446744073709552s", DMAX, 0, "too large" },
	{ "18446744073709552", DMAX, 0, "too large" },
	{ "5124095576030h", DMAX, 18446744073708000000u, NULL },
	{ "5124095576031h", DMAX, 0, "too large" },
	{ "307445734561825m", DMAX, 18446744073709500000u, NULL },
	{ "307445734561826m", DMAX, 0, "too large" },
	{ "307445734561825.8m", DMAX, 18446744073709548000u, NULL },
	{ "307445734561825.9m", DMAX, 0, "too large" },
	{ "99999999999999999999999999999999999", DMAX, 0, "too large" },
	{ "99999999999999999999999999999999999.5s", DMAX, 0, "too large" },
	/* non-zero but under a millisecond */
	{ "0.0001", DMAX, 0, "too small" },
	{ "0.0009s", DMAX, 0, "too small" },
	{ "0.5ms", DMAX, 0, "too small" },
	{ "0.999ms", DMAX, 0, "too small" },
	{ "0.00001m", DMAX, 0, "too small" },
	{ "0.0000001h", DMAX, 0, "too small" },
	{ "0.00000000000000000000000000000001", DMAX, 0, "too small" },
	/* not durations */
	{ "", DMAX, 0, not_a_duration },
	{ " 5", DMAX, 0, not_a_duration },
	{ "5 ", DMAX, 0, not_a_duration },
	{ "5 s", DMAX, 0, not_a_duration },
	{ "\t5", DMAX, 0, not_a_duration },
	{ "5\n", DMAX, 0, not_a_duration },
	{ "-1", DMAX, 0, not_a_duration },
	{ "-0", DMAX, 0, not_a_duration },
	{ "+1", DMAX, 0, not_a_duration },
	{ "-1s", DMAX, 0, not_a_duration },
	{ "5x", DMAX, 0, not_a_duration },
	{ "5sec", DMAX, 0, not_a_duration },
	{ "5secs", DMAX, 0, not_a_duration },
	{ "5S", DMAX, 0, not_a_duration },
	{ "5MS", DMAX, 0, not_a_duration },
	{ "5H", DMAX, 0, not_a_duration },
	{ "5d", DMAX, 0, not_a_duration },
	{ "5us", DMAX, 0, not_a_duration },
	{ "5ns", DMAX, 0, not_a_duration },
	{ "5mss", DMAX, 0, not_a_duration },
	{ "5msx", DMAX, 0, not_a_duration },
	{ "5hh", DMAX, 0, not_a_duration },
	{ "5sm", DMAX, 0, not_a_duration },
	{ "5m5s", DMAX, 0, not_a_duration },
	{ "1.", DMAX, 0, not_a_duration },
	{ "1.s", DMAX, 0, not_a_duration },
	{ ".5", DMAX, 0, not_a_duration },
	{ ".", DMAX, 0, not_a_duration },
	{ "1..5", DMAX, 0, not_a_duration },
	{ "1.5.5", DMAX, 0, not_a_duration },
	{ "1,5", DMAX, 0, not_a_duration },
	{ "1e3", DMAX, 0, not_a_duration },
	{ "0x10", DMAX, 0, not_a_duration },
	{ "ms", DMAX, 0, not_a_duration },
	{ "s", DMAX, 0, not_a_duration },
	{ "h", DMAX, 0, not_a_duration },
	{ "inf", DMAX, 0, not_a_duration },
	{ "nan", DMAX, 0, not_a_duration },
	{ "1.5e", DMAX, 0, not_a_duration },
	{ "5s\n", DMAX, 0, not_a_duration },
	{ "5 ms", DMAX, 0, not_a_duration },
	{ "\xd9\xa5", DMAX, 0, not_a_duration },
	/* garbage after an overflow is garbage, not overflow */
	{ "99999999999999999999999999999x", DMAX, 0, not_a_duration },
};

static void test_duration_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(dur_cases); i++) {
		const struct dur_case *c = &dur_cases[i];
		uint64_t ms = 424242;
		const char *why = NULL;
		int rc = hvt_parse_duration(c->s, c->max, &ms, &why);
		if (!c->why) {
			CHECK(rc == 0, "'%s' failed: %s", c->s, why ? why : "(null)");
			CHECK(ms == c->ms, "'%s' gave %llu, want %llu", c->s,
			      (unsigned long long)ms, (unsigned long long)c->ms);
		} else {
			CHECK(rc == -1, "'%s' accepted as %llu", c->s, (unsigned long long)ms);
			CHECK(why && strcmp(why, c->why) == 0, "'%s': why '%s', want '%s'", c->s,
			      why ? why : "(null)", c->why);
			CHECK(ms == 424242, "'%s': output changed on failure", c->s);
		}
	}
}

/* Every millisecond value up to 100 s written as seconds with 3 decimals parses exactly,
 * and so do the same values written in ms. */
static void test_duration_exhaustive_ms(void **state)
{
	(void)state;
	for (uint64_t want = 0; want <= 100000; want++) {
		char buf[40];
		uint64_t ms;
		snprintf(buf, sizeof buf, "%llu.%03llus", (unsigned long long)(want / 1000),
			 (unsigned long long)(want % 1000));
		CHECK(hvt_parse_duration(buf, UINT64_MAX, &ms, NULL) == 0 && ms == want,
		      "'%s' failed", buf);
		snprintf(buf, sizeof buf, "%llums", (unsigned long long)want);
		CHECK(hvt_parse_duration(buf, UINT64_MAX, &ms, NULL) == 0 && ms == want,
		      "'%s' failed", buf);
	}
	/* minutes and hours with tenths: exact multiples */
	for (uint64_t tenths = 0; tenths <= 10000; tenths++) {
		char buf[40];
		uint64_t ms;
		snprintf(buf, sizeof buf, "%llu.%llum", (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10));
		CHECK(hvt_parse_duration(buf, UINT64_MAX, &ms, NULL) == 0 && ms == tenths * 6000,
		      "'%s' failed", buf);
		snprintf(buf, sizeof buf, "%llu.%lluh", (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10));
		CHECK(hvt_parse_duration(buf, UINT64_MAX, &ms, NULL) == 0 && ms == tenths * 360000,
		      "'%s' failed", buf);
	}
}

static void test_duration_null(void **state)
{
	uint64_t ms;
	(void)state;
	assert_int_equal(hvt_parse_duration(NULL, 1000, &ms, NULL), -1);
	assert_int_equal(hvt_parse_duration("x", 1000, &ms, NULL), -1);
	assert_int_equal(hvt_parse_duration("2", 1000, &ms, NULL), -1);
	assert_int_equal(hvt_parse_duration("1", 1000, &ms, NULL), 0);
	assert_true(ms == 1000);
}

static void test_very_long_inputs(void **state)
{
	static char big[100000];
	uint64_t v;
	const char *why;
	(void)state;
	memset(big, '0', sizeof big - 1);
	assert_int_equal(hvt_parse_u64(big, 0, UINT64_MAX, 0, &v, &why), 0);
	assert_true(v == 0);
	assert_int_equal(hvt_parse_duration(big, UINT64_MAX, &v, &why), 0);
	big[sizeof big - 2] = '7';
	assert_int_equal(hvt_parse_u64(big, 0, UINT64_MAX, 0, &v, &why), 0);
	assert_true(v == 7);
	big[1] = '.'; /* "0.000...07" seconds: under a millisecond */
	assert_int_equal(hvt_parse_duration(big, UINT64_MAX, &v, &why), -1);
	assert_string_equal(why, "too small");
	memset(big, '9', sizeof big - 1);
	assert_int_equal(hvt_parse_u64(big, 0, UINT64_MAX, 0, &v, &why), -1);
	assert_string_equal(why, "too large");
	assert_int_equal(hvt_parse_duration(big, UINT64_MAX, &v, &why), -1);
	assert_string_equal(why, "too large");
	big[1] = '.'; /* 9.999...9 seconds */
	assert_int_equal(hvt_parse_duration(big, UINT64_MAX, &v, &why), 0);
	assert_true(v == 9999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_table),
		cmocka_unit_test(test_u64_all_decimal_boundaries),
		cmocka_unit_test(test_u64_null_why),
		cmocka_unit_test(test_duration_table),
		cmocka_unit_test(test_duration_exhaustive_ms),
		cmocka_unit_test(test_duration_null),
		cmocka_unit_test(test_very_long_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
