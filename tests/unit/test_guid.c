/* common/guid.c: parse forms, formatting, byte layouts, names, port mapping, random. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guid.h"

/* Table cases report which row failed, not just the line of the check. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char expected_why[] = "expected a GUID such as 00001388-facb-11e6-bd58-64006a7986d3 "
				   "(also {...}, (...), 32 hex digits or {0x...,...})";

/* Every GUID in docs/reference hvsocket.md, with both byte layouts. */
static const struct known {
	const char *text;
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
} known[] = {
	{ "00000000-0000-0000-0000-000000000000", 0, 0, 0, { 0, 0, 0, 0, 0, 0, 0, 0 } },
	{ "ffffffff-ffff-ffff-ffff-ffffffffffff",
	  0xffffffffu,
	  0xffff,
	  0xffff,
	  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "90db8b89-0d35-4f79-8ce9-49ea0ac8b7cd",
	  0x90db8b89u,
	  0x0d35,
	  0x4f79,
	  { 0x8c, 0xe9, 0x49, 0xea, 0x0a, 0xc8, 0xb7, 0xcd } },
	{ "e0e16197-dd56-4a10-9195-5ee7a155a838",
	  0xe0e16197u,
	  0xdd56,
	  0x4a10,
	  { 0x91, 0x95, 0x5e, 0xe7, 0xa1, 0x55, 0xa8, 0x38 } },
	{ "a42e7cda-d03f-480c-9cc2-a4de20abb878",
	  0xa42e7cdau,
	  0xd03f,
	  0x480c,
	  { 0x9c, 0xc2, 0xa4, 0xde, 0x20, 0xab, 0xb8, 0x78 } },
	{ "36bd0c5c-7276-4223-88ba-7d03b654c568",
	  0x36bd0c5cu,
	  0x7276,
	  0x4223,
	  { 0x88, 0xba, 0x7d, 0x03, 0xb6, 0x54, 0xc5, 0x68 } },
	{ "00000000-facb-11e6-bd58-64006a7986d3",
	  0,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "00000016-facb-11e6-bd58-64006a7986d3",
	  22,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "000004d2-facb-11e6-bd58-64006a7986d3",
	  1234,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "00000ac9-facb-11e6-bd58-64006a7986d3",
	  2761,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "00001388-facb-11e6-bd58-64006a7986d3",
	  5000,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "0000c350-facb-11e6-bd58-64006a7986d3",
	  50000,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "00019e10-facb-11e6-bd58-64006a7986d3",
	  106000,
	  0xfacb,
	  0x11e6,
	  { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 } },
	{ "999e53d4-3d5c-4c3e-8779-bed06ec056e1",
	  0x999e53d4u,
	  0x3d5c,
	  0x4c3e,
	  { 0x87, 0x79, 0xbe, 0xd0, 0x6e, 0xc0, 0x56, 0xe1 } },
	{ "01234567-89ab-cdef-0123-456789abcdef",
	  0x01234567u,
	  0x89ab,
	  0xcdef,
	  { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef } },
};

static hvt_guid known_guid(const struct known *k)
{
	hvt_guid g;
	g.data1 = k->d1;
	g.data2 = k->d2;
	g.data3 = k->d3;
	memcpy(g.data4, k->d4, 8);
	return g;
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'f')
			*s = (char)(*s - 'a' + 'A');
}

/* All five text forms of g, written by the test independently of hvt_guid_format. */
static void forms_of(const hvt_guid *g, char forms[6][100])
{
	const uint8_t *b = g->data4;
	char d[40];
	snprintf(d, sizeof d, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 (unsigned long)g->data1, (unsigned)g->data2, (unsigned)g->data3, b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7]);
	snprintf(forms[0], 100, "%s", d);
	snprintf(forms[1], 100, "{%s}", d);
	snprintf(forms[2], 100, "(%s)", d);
	snprintf(forms[3], 100, "%08lx%04x%04x%02x%02x%02x%02x%02x%02x%02x%02x",
		 (unsigned long)g->data1, (unsigned)g->data2, (unsigned)g->data3, b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7]);
	snprintf(
		forms[4], 100,
		"{0x%08lx,0x%04x,0x%04x,{0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x}}",
		(unsigned long)g->data1, (unsigned)g->data2, (unsigned)g->data3, b[0], b[1], b[2],
		b[3], b[4], b[5], b[6], b[7]);
	/* X form with the fewest digits .NET would accept */
	snprintf(forms[5], 100, "{0x%lx,0x%x,0x%x,{0x%x,0x%x,0x%x,0x%x,0x%x,0x%x,0x%x,0x%x}}",
		 (unsigned long)g->data1, (unsigned)g->data2, (unsigned)g->data3, b[0], b[1], b[2],
		 b[3], b[4], b[5], b[6], b[7]);
}

static void expect_parse(const char *s, const hvt_guid *want)
{
	hvt_guid g;
	const char *why = NULL;
	CHECK(hvt_guid_parse(s, &g, &why) == 0, "parse '%s' failed: %s", s, why ? why : "(null)");
	CHECK(hvt_guid_equal(&g, want), "parse '%s' gave another GUID", s);
}

static void test_parse_all_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(known); i++) {
		hvt_guid want = known_guid(&known[i]);
		char forms[6][100];
		expect_parse(known[i].text, &want);
		forms_of(&want, forms);
		for (int f = 0; f < 6; f++) {
			expect_parse(forms[f], &want);
			upper(forms[f]);
			expect_parse(forms[f], &want); /* also turns 0x into 0X */
		}
	}
}

static void test_parse_literal_examples(void **state)
{
	static const char *const five_thousand[] = {
		"00001388-facb-11e6-bd58-64006a7986d3",
		"00001388-FACB-11E6-BD58-64006A7986D3",
		"00001388-FaCb-11e6-Bd58-64006a7986D3",
		"{00001388-facb-11e6-bd58-64006a7986d3}",
		"{00001388-FACB-11E6-BD58-64006A7986D3}",
		"(00001388-facb-11e6-bd58-64006a7986d3)",
		"00001388facb11e6bd5864006a7986d3",
		"00001388FACB11E6BD5864006A7986D3",
		"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
		"{0x1388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x0,0x6a,0x79,0x86,0xd3}}",
		"{0X1388,0XFACB,0X11E6,{0XBD,0X58,0X64,0X00,0X6A,0X79,0X86,0XD3}}",
		"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	};
	hvt_guid want;
	(void)state;
	hvt_guid_from_port(5000, &want);
	for (size_t i = 0; i < N_ELEMS(five_thousand); i++)
		expect_parse(five_thousand[i], &want);

	hvt_guid zero = HVT_GUID_ZERO;
	expect_parse("{0x0,0x0,0x0,{0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0}}", &zero);
	expect_parse("00000000000000000000000000000000", &zero);
	expect_parse("{0xffffffff,0xffff,0xffff,{0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff}}",
		     &HVT_GUID_BROADCAST);
}

static const char *const malformed[] = {
	"",
	" ",
	"0",
	"{}",
	"()",
	"{",
	"}",
	"-",
	"----",
	"parent",
	"wildcard",
	"00001388",
	/* truncated and extended D */
	"00001388-facb-11e6-bd58-64006a7986d",
	"00001388-facb-11e6-bd58-64006a7986d3a",
	"00001388-facb-11e6-bd58-64006a7986d3-",
	"00001388-facb-11e6-bd58",
	"0001388-facb-11e6-bd58-64006a7986d3",
	"000001388-facb-11e6-bd58-64006a7986d3",
	/* whitespace anywhere */
	" 00001388-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-64006a7986d3 ",
	"00001388-facb-11e6-bd58-64006a7986d3\n",
	"\t00001388-facb-11e6-bd58-64006a7986d3",
	"00001388 -facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58 64006a7986d3",
	"{ 00001388-facb-11e6-bd58-64006a7986d3}",
	"{00001388-facb-11e6-bd58-64006a7986d3 }",
	"{0x00001388, 0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3} }",
	" 00001388facb11e6bd5864006a7986d3",
	/* wrong separators and dash positions */
	"00001388_facb_11e6_bd58_64006a7986d3",
	"00001388:facb:11e6:bd58:64006a7986d3",
	"00001388-facb-11e6-bd5864-006a7986d3",
	"00001388-facb-11e6bd58-64006a7986d3-",
	"00001388facb-11e6-bd58-64006a7986d3-",
	"0000-1388-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-6400-6a7986d3",
	"00001388-facb-11e6-bd58.64006a7986d3",
	"00001388--facb-11e6-bd58-64006a7986d",
	"00001388-facb-11e6-bd58-64006a7986d3}",
	/* non-hex */
	"g0001388-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-64006a7986dz",
	"0000138x-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-64006a7986d\xc3\xa9",
	"0000138\x80-facb-11e6-bd58-64006a7986d3",
	"00001388facb11e6bd5864006a7986dg",
	"+0001388-facb-11e6-bd58-64006a7986d3",
	"-0001388-facb-11e6-bd58-64006a7986d3",
	/* braces */
	"{00001388-facb-11e6-bd58-64006a7986d3)",
	"(00001388-facb-11e6-bd58-64006a7986d3}",
	"{00001388-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-64006a7986d3}",
	"[00001388-facb-11e6-bd58-64006a7986d3]",
	"<00001388-facb-11e6-bd58-64006a7986d3>",
	"{{00001388-facb-11e6-bd58-64006a7986d3}}",
	"}00001388-facb-11e6-bd58-64006a7986d3{",
	"{00001388facb11e6bd5864006a7986d3}",
	"(00001388facb11e6bd5864006a7986d3)",
	"{0001388-facb-11e6-bd58-64006a7986d3}",
	"{000001388-facb-11e6-bd58-64006a7986d3}",
	/* N form wrong length */
	"00001388facb11e6bd5864006a7986d",
	"00001388facb11e6bd5864006a7986d3a",
	/* X form */
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}}",
	"{0x00001388,0xfacb,0x11e6,0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3,0x00}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3,}}",
	"{0x00001388,0xfacb,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x000001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0x0facb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x011e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{0x0bd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0x0d3}}",
	"{0x,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{0x,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,facb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{bd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x00001388;0xfacb;0x11e6;{0xbd;0x58;0x64;0x00;0x6a;0x79;0x86;0xd3}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xg3}}",
	"{0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}x",
	"(0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3})",
	"0x00001388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}",
	"{0x-1,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0x+1,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}",
	"{0",
	"{0x",
	"{0x1",
	"{0x1,",
	"{0x1,0x2,0x3,{",
	/* other GUID-like things users paste */
	"urn:uuid:00001388-facb-11e6-bd58-64006a7986d3",
	"00001388-facb-11e6-bd58-64006a7986d3,",
	"vsock-5000",
	"5000",
	"0x1388",
};

static void expect_fail(const char *s)
{
	hvt_guid g = HVT_GUID_PARENT;
	const char *why = NULL;
	CHECK(hvt_guid_parse(s, &g, &why) == -1, "'%s' parsed", s);
	CHECK(why != NULL && strcmp(why, expected_why) == 0, "'%s': wrong why", s);
	CHECK(hvt_guid_equal(&g, &HVT_GUID_PARENT), "'%s': output changed on failure", s);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(malformed); i++)
		expect_fail(malformed[i]);
	/* NULL why is allowed */
	hvt_guid g;
	assert_int_equal(hvt_guid_parse("nope", &g, NULL), -1);
	assert_int_equal(hvt_guid_parse(NULL, &g, NULL), -1);
}

static void test_parse_very_long(void **state)
{
	(void)state;
	static char big[70000];
	memset(big, 'a', sizeof big - 1);
	expect_fail(big);
	/* a valid GUID followed by a mile of garbage */
	memcpy(big, "00001388-facb-11e6-bd58-64006a7986d3", 36);
	expect_fail(big);
	/* a long X form: too many digits in a field */
	strcpy(big, "{0x");
	memset(big + 3, '0', 1000);
	strcpy(big + 1003, "1,0x0,0x0,{0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0}}");
	expect_fail(big);
}

/* Every single-character change of valid strings: accepted only when it swaps a hex digit for
 * another hex digit. Every truncation and every one-character extension fails. */
static void test_parse_mutations(void **state)
{
	static const char subst[] = " \t-{}()x,0aF:g\x7f\xff";
	const char *bases[] = {
		"00001388-facb-11e6-bd58-64006a7986d3",
		"{a42e7cda-d03f-480c-9cc2-a4de20abb878}",
		"(a42e7cda-d03f-480c-9cc2-a4de20abb878)",
		"a42e7cdad03f480c9cc2a4de20abb878",
		"{0xa42e7cda,0xd03f,0x480c,{0x9c,0xc2,0xa4,0xde,0x20,0xab,0xb8,0x78}}",
	};
	(void)state;
	for (size_t b = 0; b < N_ELEMS(bases); b++) {
		char s[100];
		size_t len = strlen(bases[b]);
		for (size_t i = 0; i < len; i++) {
			int is_hex = strchr("0123456789abcdefABCDEF", bases[b][i]) != NULL;
			/* In the X form an 'x' follows a '0' that must stay a '0' */
			int is_x_zero = bases[b][i + 1] == 'x';
			for (size_t k = 0; k < sizeof subst - 1; k++) {
				hvt_guid g;
				int sub_hex = strchr("0123456789abcdefABCDEF", subst[k]) != NULL;
				strcpy(s, bases[b]);
				s[i] = subst[k];
				if (s[i] == bases[b][i])
					continue;
				int want = (is_hex && sub_hex && !is_x_zero) ? 0 : -1;
				/* 'x' and 'X' are interchangeable in the prefix */
				if (bases[b][i] == 'x' && subst[k] == 'X')
					want = 0;
				CHECK(hvt_guid_parse(s, &g, NULL) == want, "mutation '%s' gave %d",
				      s, -1 - want);
			}
			strcpy(s, bases[b]);
			s[i] = '\0';
			expect_fail(s);
		}
		for (size_t k = 0; k < sizeof subst - 1; k++) {
			snprintf(s, sizeof s, "%s%c", bases[b], subst[k]);
			expect_fail(s);
			snprintf(s, sizeof s, "%c%s", subst[k], bases[b]);
			expect_fail(s);
		}
	}
}

/* Deterministic random strings of GUID characters: never crash, and anything accepted must
 * round-trip through the canonical form. */
static void test_parse_fuzz(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxX-{}(),: g";
	uint32_t seed = 12345;
	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		char s[80];
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % 75;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		s[len] = '\0';
		hvt_guid g, h;
		const char *why = NULL;
		if (hvt_guid_parse(s, &g, &why) == 0) {
			char buf[HVT_GUID_STRLEN];
			assert_int_equal(hvt_guid_parse(hvt_guid_format(&g, 0, buf), &h, NULL), 0);
			assert_true(hvt_guid_equal(&g, &h));
		} else {
			assert_non_null(why);
		}
	}
}

static void test_format(void **state)
{
	char buf[HVT_GUID_STRLEN];
	(void)state;
	for (size_t i = 0; i < N_ELEMS(known); i++) {
		hvt_guid g = known_guid(&known[i]);
		char want[60];
		assert_string_equal(hvt_guid_format(&g, 0, buf), known[i].text);
		assert_int_equal(strlen(buf), 36);
		strcpy(want, known[i].text);
		upper(want);
		assert_string_equal(hvt_guid_format(&g, HVT_GUID_UPPER, buf), want);
		snprintf(want, sizeof want, "{%s}", known[i].text);
		assert_string_equal(hvt_guid_format(&g, HVT_GUID_BRACES, buf), want);
		assert_int_equal(strlen(buf), HVT_GUID_STRLEN - 1);
		upper(want);
		assert_string_equal(hvt_guid_format(&g, HVT_GUID_BRACES | HVT_GUID_UPPER, buf),
				    want);
		/* the return value is the buffer */
		assert_ptr_equal(hvt_guid_format(&g, 0, buf), buf);
	}
}

static void test_format_exact_buffer(void **state)
{
	/* HVT_GUID_STRLEN is exactly enough; ASan catches any overrun of the heap buffer. */
	char *buf = malloc(HVT_GUID_STRLEN);
	(void)state;
	hvt_guid_format(&HVT_GUID_BROADCAST, HVT_GUID_BRACES | HVT_GUID_UPPER, buf);
	assert_string_equal(buf, "{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}");
	free(buf);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(known); i++) {
		hvt_guid g = known_guid(&known[i]), h;
		char buf[HVT_GUID_STRLEN];
		uint8_t b[16];
		for (int flags = 0; flags < 4; flags++) {
			assert_int_equal(hvt_guid_parse(hvt_guid_format(&g, flags, buf), &h, NULL),
					 0);
			assert_true(hvt_guid_equal(&g, &h));
		}
		hvt_guid_to_win(&g, b);
		hvt_guid_from_win(b, &h);
		assert_true(hvt_guid_equal(&g, &h));
		hvt_guid_to_rfc(&g, b);
		hvt_guid_from_rfc(b, &h);
		assert_true(hvt_guid_equal(&g, &h));
	}
}

static void test_byte_layouts(void **state)
{
	/* the two examples of hvsocket.md section 5 */
	static const struct {
		const char *text;
		uint8_t win[16];
	} ex[] = {
		{ "00000ac9-facb-11e6-bd58-64006a7986d3",
		  { 0xc9, 0x0a, 0x00, 0x00, 0xcb, 0xfa, 0xe6, 0x11, 0xbd, 0x58, 0x64, 0x00, 0x6a,
		    0x79, 0x86, 0xd3 } },
		{ "a42e7cda-d03f-480c-9cc2-a4de20abb878",
		  { 0xda, 0x7c, 0x2e, 0xa4, 0x3f, 0xd0, 0x0c, 0x48, 0x9c, 0xc2, 0xa4, 0xde, 0x20,
		    0xab, 0xb8, 0x78 } },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(ex); i++) {
		hvt_guid g, h;
		uint8_t b[16], rfc[16];
		assert_int_equal(hvt_guid_parse(ex[i].text, &g, NULL), 0);
		hvt_guid_to_win(&g, b);
		assert_memory_equal(b, ex[i].win, 16);
		hvt_guid_from_win(ex[i].win, &h);
		assert_true(hvt_guid_equal(&g, &h));
		/* RFC bytes are the hex digits of the text in order */
		const char *t = ex[i].text;
		for (int k = 0; k < 16; k++) {
			while (*t == '-')
				t++;
			unsigned v;
			assert_int_equal(sscanf(t, "%2x", &v), 1);
			rfc[k] = (uint8_t)v;
			t += 2;
		}
		hvt_guid_to_rfc(&g, b);
		assert_memory_equal(b, rfc, 16);
		hvt_guid_from_rfc(rfc, &h);
		assert_true(hvt_guid_equal(&g, &h));
	}
	/* the same bytes read in the two layouts differ exactly in Data1-3 */
	static const uint8_t seq[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	hvt_guid w, r;
	hvt_guid_from_win(seq, &w);
	hvt_guid_from_rfc(seq, &r);
	assert_int_equal(w.data1, 0x04030201u);
	assert_int_equal(w.data2, 0x0605);
	assert_int_equal(w.data3, 0x0807);
	assert_int_equal(r.data1, 0x01020304u);
	assert_int_equal(r.data2, 0x0506);
	assert_int_equal(r.data3, 0x0708);
	assert_memory_equal(w.data4, seq + 8, 8);
	assert_memory_equal(r.data4, seq + 8, 8);
}

static void test_equal(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(known); i++) {
		for (size_t j = 0; j < N_ELEMS(known); j++) {
			hvt_guid a = known_guid(&known[i]), b = known_guid(&known[j]);
			assert_int_equal(hvt_guid_equal(&a, &b) != 0, i == j);
		}
	}
	/* each field counts */
	hvt_guid a = HVT_GUID_PARENT, b;
	b = a;
	b.data1 ^= 1;
	assert_false(hvt_guid_equal(&a, &b));
	b = a;
	b.data2 ^= 0x8000;
	assert_false(hvt_guid_equal(&a, &b));
	b = a;
	b.data3 ^= 1;
	assert_false(hvt_guid_equal(&a, &b));
	for (int k = 0; k < 8; k++) {
		b = a;
		b.data4[k] ^= 0x10;
		assert_false(hvt_guid_equal(&a, &b));
	}
}

static void test_random(void **state)
{
	enum { COUNT = 500 };
	static hvt_guid g[COUNT];
	(void)state;
	for (int i = 0; i < COUNT; i++) {
		char buf[HVT_GUID_STRLEN];
		hvt_guid h;
		assert_int_equal(hvt_guid_random(&g[i]), 0);
		assert_int_equal(g[i].data3 >> 12, 4);	      /* version 4 */
		assert_int_equal(g[i].data4[0] & 0xc0, 0x80); /* RFC 4122 variant */
		hvt_guid_format(&g[i], 0, buf);
		assert_int_equal(buf[14], '4');
		assert_true(strchr("89ab", buf[19]) != NULL);
		assert_int_equal(hvt_guid_parse(buf, &h, NULL), 0);
		assert_true(hvt_guid_equal(&g[i], &h));
		for (int j = 0; j < i; j++)
			assert_false(hvt_guid_equal(&g[i], &g[j]));
	}
	/* the random bits are not stuck: every bit outside version/variant varies */
	uint8_t or_all[16] = { 0 }, and_all[16];
	memset(and_all, 0xff, sizeof and_all);
	for (int i = 0; i < COUNT; i++) {
		uint8_t b[16];
		hvt_guid_to_rfc(&g[i], b);
		for (int k = 0; k < 16; k++) {
			or_all[k] |= b[k];
			and_all[k] &= b[k];
		}
	}
	static const uint8_t fixed_or[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x4f, 0xff,
					      0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t fixed_and[16] = {
		0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0
	};
	assert_memory_equal(or_all, fixed_or, 16);
	assert_memory_equal(and_all, fixed_and, 16);
}

static void test_names(void **state)
{
	static const struct {
		const char *name;
		const hvt_guid *guid;
		const char *canonical;
	} names[] = {
		{ "zero", &HVT_GUID_ZERO, "wildcard" },
		{ "wildcard", &HVT_GUID_ZERO, "wildcard" },
		{ "any", &HVT_GUID_ZERO, "wildcard" },
		{ "broadcast", &HVT_GUID_BROADCAST, "broadcast" },
		{ "children", &HVT_GUID_CHILDREN, "children" },
		{ "loopback", &HVT_GUID_LOOPBACK, "loopback" },
		{ "parent", &HVT_GUID_PARENT, "parent" },
		{ "silohost", &HVT_GUID_SILOHOST, "silohost" },
		{ "vsock-template", &HVT_GUID_VSOCK_TEMPLATE, "vsock-template" },
		{ "PARENT", &HVT_GUID_PARENT, "parent" },
		{ "Parent", &HVT_GUID_PARENT, "parent" },
		{ "WildCard", &HVT_GUID_ZERO, "wildcard" },
		{ "ANY", &HVT_GUID_ZERO, "wildcard" },
		{ "Vsock-Template", &HVT_GUID_VSOCK_TEMPLATE, "vsock-template" },
		{ "SILOHOST", &HVT_GUID_SILOHOST, "silohost" },
	};
	static const char *const unknown[] = {
		"",
		"parents",
		"paren",
		" parent",
		"parent ",
		"host",
		"local",
		"vsock",
		"vsock-",
		"vsock-template-",
		"child",
		"loop-back",
		"silo-host",
		"wildcard\n",
		"00000000-0000-0000-0000-000000000000",
		"hypervisor",
		"\xc3\xa9",
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(names); i++) {
		const hvt_guid *g = hvt_guid_by_name(names[i].name);
		CHECK(g != NULL, "name '%s' unknown", names[i].name);
		CHECK(hvt_guid_equal(g, names[i].guid), "name '%s': wrong GUID", names[i].name);
		CHECK(strcmp(hvt_guid_name(g), names[i].canonical) == 0, "name of '%s' is '%s'",
		      names[i].name, hvt_guid_name(g));
	}
	for (size_t i = 0; i < N_ELEMS(unknown); i++)
		CHECK(hvt_guid_by_name(unknown[i]) == NULL, "'%s' known", unknown[i]);

	/* the constants hold the documented values */
	static const struct {
		const hvt_guid *g;
		const char *text;
	} consts[] = {
		{ &HVT_GUID_ZERO, "00000000-0000-0000-0000-000000000000" },
		{ &HVT_GUID_BROADCAST, "ffffffff-ffff-ffff-ffff-ffffffffffff" },
		{ &HVT_GUID_CHILDREN, "90db8b89-0d35-4f79-8ce9-49ea0ac8b7cd" },
		{ &HVT_GUID_LOOPBACK, "e0e16197-dd56-4a10-9195-5ee7a155a838" },
		{ &HVT_GUID_PARENT, "a42e7cda-d03f-480c-9cc2-a4de20abb878" },
		{ &HVT_GUID_SILOHOST, "36bd0c5c-7276-4223-88ba-7d03b654c568" },
		{ &HVT_GUID_VSOCK_TEMPLATE, "00000000-facb-11e6-bd58-64006a7986d3" },
	};
	for (size_t i = 0; i < N_ELEMS(consts); i++) {
		char buf[HVT_GUID_STRLEN];
		assert_string_equal(hvt_guid_format(consts[i].g, 0, buf), consts[i].text);
		const char *name = hvt_guid_name(consts[i].g);
		assert_non_null(name);
		assert_true(hvt_guid_equal(hvt_guid_by_name(name), consts[i].g));
	}

	/* GUIDs without a name */
	hvt_guid g;
	hvt_guid_from_port(5000, &g);
	assert_null(hvt_guid_name(&g));
	g = HVT_GUID_PARENT;
	g.data4[7] ^= 1;
	assert_null(hvt_guid_name(&g));
	assert_int_equal(hvt_guid_parse("999E53D4-3D5C-4C3E-8779-BED06EC056E1", &g, NULL), 0);
	assert_null(hvt_guid_name(&g));
}

static void test_ports(void **state)
{
	static const struct {
		uint32_t port;
		const char *text;
	} ports[] = {
		{ 0, "00000000-facb-11e6-bd58-64006a7986d3" },
		{ 22, "00000016-facb-11e6-bd58-64006a7986d3" },
		{ 1234, "000004d2-facb-11e6-bd58-64006a7986d3" },
		{ 2761, "00000ac9-facb-11e6-bd58-64006a7986d3" },
		{ 5000, "00001388-facb-11e6-bd58-64006a7986d3" },
		{ 50000, "0000c350-facb-11e6-bd58-64006a7986d3" },
		{ 106000, "00019e10-facb-11e6-bd58-64006a7986d3" },
		{ 0x7fffffffu, "7fffffff-facb-11e6-bd58-64006a7986d3" },
		/* beyond the SDK's range but valid for the kernel */
		{ 0x80000000u, "80000000-facb-11e6-bd58-64006a7986d3" },
		{ 0xffffffffu, "ffffffff-facb-11e6-bd58-64006a7986d3" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEMS(ports); i++) {
		hvt_guid g, h;
		char buf[HVT_GUID_STRLEN];
		uint32_t port = 12345;
		hvt_guid_from_port(ports[i].port, &g);
		assert_string_equal(hvt_guid_format(&g, 0, buf), ports[i].text);
		assert_int_equal(hvt_guid_to_port(&g, &port), 0);
		assert_int_equal(port, ports[i].port);
		assert_int_equal(hvt_guid_parse(ports[i].text, &h, NULL), 0);
		assert_true(hvt_guid_equal(&g, &h));
		/* the kernel reads the port as the first 4 Windows bytes, little-endian */
		uint8_t b[16];
		hvt_guid_to_win(&g, b);
		assert_int_equal((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
					 (uint32_t)b[3] << 24,
				 ports[i].port);
	}

	/* a change in any of the other 12 bytes makes it a non-template GUID */
	for (int k = 4; k < 16; k++) {
		for (int bit = 0; bit < 8; bit++) {
			hvt_guid g;
			uint8_t b[16];
			uint32_t port = 777;
			hvt_guid_from_port(5000, &g);
			hvt_guid_to_win(&g, b);
			b[k] = (uint8_t)(b[k] ^ (1u << bit));
			hvt_guid_from_win(b, &g);
			assert_int_equal(hvt_guid_to_port(&g, &port), -1);
			assert_int_equal(port, 777);
		}
	}
	static const hvt_guid *const others[] = { &HVT_GUID_ZERO,     &HVT_GUID_BROADCAST,
						  &HVT_GUID_PARENT,   &HVT_GUID_LOOPBACK,
						  &HVT_GUID_CHILDREN, &HVT_GUID_SILOHOST };
	for (size_t i = 0; i < N_ELEMS(others); i++) {
		uint32_t port;
		assert_int_equal(hvt_guid_to_port(others[i], &port), -1);
	}
	uint32_t port = 1;
	assert_int_equal(hvt_guid_to_port(&HVT_GUID_VSOCK_TEMPLATE, &port), 0);
	assert_int_equal(port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_all_forms),
		cmocka_unit_test(test_parse_literal_examples),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_very_long),
		cmocka_unit_test(test_parse_mutations),
		cmocka_unit_test(test_parse_fuzz),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_exact_buffer),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_byte_layouts),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
