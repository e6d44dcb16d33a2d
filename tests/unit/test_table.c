/* common/table.c and the JSON writer of common/json.c: aligned, raw and JSON listings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "table.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Output goes to a scratch file (fmemopen is not portable) and is read back. */
static FILE *out_open(void)
{
	FILE *f = fopen("test_table.out", "w+b");
	assert_non_null(f);
	return f;
}

static char *out_text(FILE *f)
{
	static char buf[8192];
	fflush(f);
	rewind(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	remove("test_table.out");
	return buf;
}

enum { C_NAME, C_PORT, C_OK, C_NOTE, C_N };
static const struct hvt_column cols[C_N] = {
	{ "NAME", "name", 0, "the name" },
	{ "PORT", "port", HVT_COL_RIGHT, "a number" },
	{ "OK", "ok", 0, "yes or no" },
	{ "NOTE", "note", HVT_COL_HIDDEN, "hidden by default" },
};

static struct hvt_table *sample(void)
{
	struct hvt_table *t = hvt_table_new(cols, C_N);
	size_t r = hvt_table_row(t);
	hvt_table_str(t, r, C_NAME, "alpha");
	hvt_table_num(t, r, C_PORT, 5000);
	hvt_table_bool(t, r, C_OK, 1);
	hvt_table_str(t, r, C_NOTE, "two words");
	r = hvt_table_row(t);
	hvt_table_str(t, r, C_NAME, "b");
	hvt_table_num(t, r, C_PORT, 22);
	hvt_table_bool(t, r, C_OK, 0);
	r = hvt_table_row(t);
	hvt_table_str(t, r, C_NAME, NULL); /* null */
	hvt_table_bool(t, r, C_OK, 1);
	hvt_table_str(t, r, C_NOTE, "tab\there\\");
	return t;
}

static void check_print(struct hvt_table *t, int flags, const char *want)
{
	FILE *f = out_open();
	hvt_table_print(t, f, flags);
	assert_string_equal(out_text(f), want);
}

static void check_json(struct hvt_table *t, const char *want)
{
	FILE *f = out_open();
	struct hvt_jw w;
	hvt_jw_init(&w, f);
	hvt_table_json(t, &w, NULL);
	hvt_jw_finish(&w);
	assert_string_equal(out_text(f), want);
}

static void test_text(void **state)
{
	(void)state;
	struct hvt_table *t = sample();
	assert_int_equal(hvt_table_rows(t), 3);
	/* two spaces between columns, numbers on the right, no trailing blanks, null as - */
	check_print(t, 0,
		    "NAME   PORT  OK\n"
		    "alpha  5000  yes\n"
		    "b        22  no\n"
		    "-         -  yes\n");
	check_print(t, HVT_TABLE_NOHEADINGS,
		    "alpha  5000  yes\n"
		    "b        22  no\n"
		    "-         -  yes\n");
	check_print(t, HVT_TABLE_RAW,
		    "NAME PORT OK\n"
		    "alpha 5000 yes\n"
		    "b 22 no\n"
		    "- - yes\n");
	/* hidden column on; raw escapes blanks and backslashes, tables only control chars */
	hvt_table_show(t, C_NOTE, 1);
	check_print(t, 0,
		    "NAME   PORT  OK   NOTE\n"
		    "alpha  5000  yes  two words\n"
		    "b        22  no   -\n"
		    "-         -  yes  tab\\x09here\\\n");
	check_print(t, HVT_TABLE_RAW | HVT_TABLE_NOHEADINGS,
		    "alpha 5000 yes two\\x20words\n"
		    "b 22 no -\n"
		    "- - yes tab\\x09here\\x5c\n");
	hvt_table_show(t, C_NOTE, 0);
	hvt_table_free(t);

	/* an empty table still has its headings */
	t = hvt_table_new(cols, C_N);
	check_print(t, 0, "NAME  PORT  OK\n");
	check_print(t, HVT_TABLE_NOHEADINGS, "");
	hvt_table_free(t);
}

static void test_widths(void **state)
{
	(void)state;
	struct hvt_table *t = hvt_table_new(cols, C_N);
	size_t r = hvt_table_row(t);
	/* UTF-8 counts by characters; invalid bytes and C1 controls are escaped (4 wide) */
	hvt_table_str(t, r, C_NAME, "\xc3\xa9t\xc3\xa9");
	hvt_table_str(t, r, C_OK, "x");
	r = hvt_table_row(t);
	hvt_table_str(t, r, C_NAME, "\xff\xc2\x85");
	hvt_table_str(t, r, C_OK, "y");
	check_print(t, HVT_TABLE_NOHEADINGS,
		    "\xc3\xa9t\xc3\xa9           -  x\n"
		    "\\xff\\xc2\\x85  -  y\n");
	assert_int_equal(hvt_table_put(NULL, "\xc3\xa9t\xc3\xa9", 0), 3);
	assert_int_equal(hvt_table_put(NULL, "a b\\", 1), 10);
	assert_int_equal(hvt_table_put(NULL, "\x7f", 0), 4);
	hvt_table_free(t);
}

static void test_select(void **state)
{
	char err[300];
	(void)state;
	struct hvt_table *t = sample();
	assert_int_equal(hvt_table_select(t, "ok,Name", err, sizeof err), 0);
	check_print(t, 0,
		    "OK   NAME\n"
		    "yes  alpha\n"
		    "no   b\n"
		    "yes  -\n");
	/* an explicit choice wins over hvt_table_show */
	hvt_table_show(t, C_NOTE, 1);
	check_print(t, HVT_TABLE_NOHEADINGS, "yes  alpha\nno   b\nyes  -\n");
	hvt_table_free(t);

	t = sample();
	assert_int_equal(hvt_table_select(t, "+note", err, sizeof err), 0);
	check_print(t, HVT_TABLE_RAW | HVT_TABLE_NOHEADINGS,
		    "alpha 5000 yes two\\x20words\nb 22 no -\n- - yes tab\\x09here\\x5c\n");
	hvt_table_free(t);

	t = sample();
	/* JSON keys name columns too; one column is not padded */
	assert_int_equal(hvt_table_select(t, "PoRt", err, sizeof err), 0);
	check_print(t, 0, "PORT\n5000\n22\n-\n");
	hvt_table_free(t);

	t = sample();
	assert_int_equal(hvt_table_select(t, "port,port", err, sizeof err), 0);
	check_print(t, HVT_TABLE_NOHEADINGS, "5000  5000\n  22    22\n   -     -\n");
	assert_int_equal(hvt_table_select(t, "nope", err, sizeof err), -1);
	assert_string_equal(err, "unknown column 'nope' (known: NAME, PORT, OK, NOTE)");
	assert_int_equal(hvt_table_select(t, "name,", err, sizeof err), 0);
	assert_int_equal(hvt_table_select(t, "name,,ok", err, sizeof err), -1);
	assert_string_equal(err, "unknown column '' (known: NAME, PORT, OK, NOTE)");
	assert_int_equal(hvt_table_select(t, "", err, sizeof err), -1);
	assert_string_equal(err, "no columns named");
	assert_int_equal(hvt_table_select(t, "+", err, sizeof err), 0); /* the defaults */
	/* a failed select leaves the previous choice */
	check_print(t, HVT_TABLE_NOHEADINGS,
		    "alpha  5000  yes\nb        22  no\n-         -  yes\n");
	hvt_table_free(t);
}

static void test_json_rows(void **state)
{
	char err[300];
	(void)state;
	struct hvt_table *t = sample();
	size_t r = hvt_table_row(t);
	hvt_table_json_cell(t, r, C_NOTE, "shown", "[1, 2]");
	/* every column, hidden ones too, in definition order, types kept */
	check_json(
		t,
		"[\n"
		"  {\"name\": \"alpha\", \"port\": 5000, \"ok\": true, \"note\": \"two words\"},\n"
		"  {\"name\": \"b\", \"port\": 22, \"ok\": false, \"note\": null},\n"
		"  {\"name\": null, \"port\": null, \"ok\": true, \"note\": \"tab\\there\\\\\"},\n"
		"  {\"name\": null, \"port\": null, \"ok\": null, \"note\": [1, 2]}\n"
		"]\n");
	/* -o: those columns only, once each */
	assert_int_equal(hvt_table_select(t, "ok,name,ok", err, sizeof err), 0);
	check_json(t, "[\n"
		      "  {\"ok\": true, \"name\": \"alpha\"},\n"
		      "  {\"ok\": false, \"name\": \"b\"},\n"
		      "  {\"ok\": true, \"name\": null},\n"
		      "  {\"ok\": null, \"name\": null}\n"
		      "]\n");
	check_print(t, HVT_TABLE_NOHEADINGS,
		    "yes  alpha  yes\nno   b      no\nyes  -      yes\n-    -      -\n");
	/* one row as a document of its own (hvreg show --json) */
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	hvt_table_json_row(t, &w, 1);
	char *one = hvt_jw_take(&w);
	assert_string_equal(one, "{\"ok\": false, \"name\": \"b\"}");
	free(one);
	assert_int_equal(hvt_table_cols(t), C_N);
	hvt_table_free(t);

	t = hvt_table_new(cols, C_N);
	check_json(t, "[]\n");
	hvt_table_free(t);
}

static void test_writer(void **state)
{
	(void)state;
	FILE *f = out_open();
	struct hvt_jw w;
	hvt_jw_init(&w, f);
	hvt_jw_object(&w, NULL, 0);
	hvt_jw_str(&w, "s", "q\"b\\n\n\x01\x7f\xc3\xa9\xff\xed\xa0\x80");
	hvt_jw_num(&w, "n", UINT64_MAX);
	hvt_jw_bool(&w, "t", 1);
	hvt_jw_null(&w, "z");
	hvt_jw_str(&w, "ns", NULL);
	hvt_jw_array(&w, "a", 1);
	hvt_jw_num(&w, NULL, 1);
	hvt_jw_object(&w, NULL, 0); /* inside a one-line array: one line too */
	hvt_jw_str(&w, "k", "v");
	hvt_jw_end(&w);
	hvt_jw_end(&w);
	hvt_jw_array(&w, "e", 0);
	hvt_jw_end(&w);
	hvt_jw_object(&w, "o", 0);
	hvt_jw_raw(&w, "r", "{}");
	hvt_jw_end(&w);
	hvt_jw_end(&w);
	hvt_jw_finish(&w);
	assert_string_equal(
		out_text(f),
		"{\n"
		"  \"s\": \"q\\\"b\\\\n\\n\\u0001\\u007f\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\",\n"
		"  \"n\": 18446744073709551615,\n"
		"  \"t\": true,\n"
		"  \"z\": null,\n"
		"  \"ns\": null,\n"
		"  \"a\": [1, {\"k\": \"v\"}],\n"
		"  \"e\": [],\n"
		"  \"o\": {\n"
		"    \"r\": {}\n"
		"  }\n"
		"}\n");
}

/* The one string escaper (every hvt_jw string and key goes through it), into memory. */
static void test_strings(void **state)
{
	(void)state;
	/* input, then its JSON text */
	static const char *const cases[][2] = {
		{ "", "\"\"" },
		{ "unix:/tmp/s", "\"unix:/tmp/s\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "\xc2\x85", "\"\xc2\x85\"" }, /* C1 controls are valid JSON as they are */
		{ "\xff", "\"\\ufffd\"" },
		{ "\xc0\x80", "\"\\ufffd\\ufffd\"" },			    /* overlong NUL */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	    /* surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* over U+10FFFF */
		{ "x\xc3", "\"x\\ufffd\"" }, /* cut short by the end */
	};
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		hvt_jw_str(&w, NULL, cases[i][0]);
		char *got = hvt_jw_take(&w);
		assert_non_null(got);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("case %zu: got %s, want %s", i, got, cases[i][1]);
		free(got);
	}
	/* keys too; nothing written is an empty text */
	hvt_jw_object(&w, NULL, 1);
	hvt_jw_num(&w, "k\n\"", 7);
	hvt_jw_end(&w);
	char *got = hvt_jw_take(&w);
	assert_string_equal(got, "{\"k\\n\\\"\": 7}");
	free(got);
	got = hvt_jw_take(&w);
	assert_string_equal(got, "");
	free(got);
}

/* Fixed-point numbers (hvping's times): exactly that many decimals; never invalid JSON. */
static void test_fixed(void **state)
{
	(void)state;
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	hvt_jw_array(&w, NULL, 1);
	hvt_jw_fixed(&w, NULL, 0.1234567, 6);
	hvt_jw_fixed(&w, NULL, 12.5, 3);
	hvt_jw_fixed(&w, NULL, 2.0, 0);
	hvt_jw_fixed(&w, NULL, 1.0 / 0.0, 3);
	hvt_jw_fixed(&w, NULL, 0.0 / 0.0, 3);
	hvt_jw_fixed(&w, NULL, 1.0, -1);
	hvt_jw_end(&w);
	char *got = hvt_jw_take(&w);
	assert_string_equal(got, "[0.123457, 12.500, 2, null, null, null]");
	free(got);
}

static void test_help(void **state)
{
	(void)state;
	FILE *f = out_open();
	hvt_table_help(cols, C_N, f, "  ");
	assert_string_equal(out_text(f), "  NAME  the name\n"
					 "  PORT  a number\n"
					 "  OK    yes or no\n"
					 "  NOTE  hidden by default\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),   cmocka_unit_test(test_widths),
		cmocka_unit_test(test_select), cmocka_unit_test(test_json_rows),
		cmocka_unit_test(test_writer), cmocka_unit_test(test_strings),
		cmocka_unit_test(test_fixed),  cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
