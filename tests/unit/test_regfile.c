/* common/regfile.c: the .reg reader and writer (encodings, round trips, edits, malformed
 * files with line numbers); common/registry.c: the service store over a .reg file, and the live
 * store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "regfile.h"
#include "registry.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define SVC                                                                                        \
	"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\"    \
	"GuestCommunicationServices"
#define T5000 "00001388-facb-11e6-bd58-64006a7986d3"
#define T22   "00000016-facb-11e6-bd58-64006a7986d3"

/* ---- helpers ---- */

struct bytes {
	char *p;
	size_t len;
};

/* UTF-8 text -> UTF-16LE with BOM (ASCII and 2-byte sequences are enough here). */
static struct bytes utf16(const char *s)
{
	size_t n = strlen(s);
	struct bytes b = { malloc(2 + 2 * n), 0 };
	assert_non_null(b.p);
	b.p[b.len++] = (char)0xFF;
	b.p[b.len++] = (char)0xFE;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp = *p++;
		if ((cp & 0xE0) == 0xC0)
			cp = (cp & 0x1F) << 6 | (*p++ & 0x3F);
		b.p[b.len++] = (char)(cp & 0xFF);
		b.p[b.len++] = (char)(cp >> 8);
	}
	return b;
}

static struct hvt_regfile *parse_ok(const void *data, size_t len)
{
	struct hvt_regfile *rf = NULL;
	char err[256] = "";
	if (hvt_regfile_parse(data, len, "t.reg", &rf, err, sizeof err) != 0)
		fail_msg("parse failed: %s", err);
	assert_non_null(rf);
	return rf;
}

static void assert_serializes_to(const struct hvt_regfile *rf, const void *data, size_t len)
{
	char *out;
	size_t n;
	assert_int_equal(hvt_regfile_serialize(rf, &out, &n), 0);
	if (n != len || memcmp(out, data, len) != 0)
		fail_msg("serialized %lu bytes, expected %lu:\n%.*s\n---\n%.*s", (unsigned long)n,
			 (unsigned long)len, (int)n, out, (int)len, (const char *)data);
	free(out);
}

static void roundtrip(const void *data, size_t len)
{
	struct hvt_regfile *rf = parse_ok(data, len);
	assert_serializes_to(rf, data, len);
	hvt_regfile_free(rf);
}

/* A regedit export: other keys, comments, escapes, dword, hex over continuation lines,
 * hex(N), the default value, a deletion entry, a value deletion. */
static const char export_text[] =
	"Windows Registry Editor Version 5.00\r\n"
	"\r\n"
	"; exported by regedit\r\n"
	"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n"
	"\"Path\"=\"C:\\\\Program Files\\\\Contoso\"\r\n"
	"\"Quote\"=\"say \\\"hi\\\"\"\r\n"
	"\"Count\"=dword:0000002a\r\n"
	"\"Blob\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\\\r\n"
	"  17,18,19,1A\r\n"
	"\"Multi\"=hex(7):61,00,62,00,00,00,00,00\r\n"
	"\"Gone\"=-\r\n"
	"@=\"default\"\r\n"
	"\r\n"
	"[-HKEY_CURRENT_USER\\Software\\Old]\r\n"
	"\r\n"
	"[" SVC "\\999E53D4-3D5C-4C3E-8779-BED06EC056E1]\r\n"
	"\"ElementName\"=\"VM Session Service\"\r\n"
	"\r\n";

/* ---- reader ---- */

static void test_parse_export_utf16(void **state)
{
	(void)state;
	struct bytes b = utf16(export_text);
	struct hvt_regfile *rf = parse_ok(b.p, b.len);
	assert_int_equal(rf->version, 5);
	assert_int_equal(rf->enc, HVT_REG_UTF16LE);
	assert_string_equal(rf->eol, "\r\n");
	assert_int_equal(rf->npre, 2); /* blank line and comment */
	assert_int_equal(rf->nsects, 3);

	const struct hvt_regsect *s = &rf->sects[0];
	assert_string_equal(s->path, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso");
	assert_int_equal(s->deleted, 0);
	assert_int_equal(s->line, 4);
	/* 7 values and the blank line after them */
	assert_int_equal(s->nitems, 8);
	const struct hvt_regval *v = s->items[0].val;
	assert_string_equal(v->name, "Path");
	assert_int_equal(v->kind, HVT_REGV_STRING);
	assert_string_equal(v->str, "C:\\Program Files\\Contoso");
	assert_string_equal(s->items[1].val->str, "say \"hi\"");
	v = s->items[2].val;
	assert_int_equal(v->kind, HVT_REGV_DWORD);
	assert_int_equal(v->dword, 42);
	assert_int_equal(v->type, 4);
	v = s->items[3].val;
	assert_int_equal(v->kind, HVT_REGV_HEX);
	assert_int_equal(v->type, 3);
	assert_int_equal(v->len, 27);
	for (size_t i = 0; i < v->len; i++)
		assert_int_equal(v->data[i], i);
	assert_int_equal(s->items[3].line, 8);
	assert_int_equal(s->items[4].line, 10); /* after the continuation line */
	v = s->items[4].val;
	assert_int_equal(v->type, 7);
	assert_int_equal(v->len, 8);
	assert_int_equal(s->items[5].val->kind, HVT_REGV_DELETE);
	assert_string_equal(s->items[6].val->name, "");
	assert_string_equal(s->items[6].val->str, "default");
	assert_null(s->items[7].val);

	assert_int_equal(rf->sects[1].deleted, 1);
	assert_string_equal(rf->sects[1].path, "HKEY_CURRENT_USER\\Software\\Old");
	assert_string_equal(rf->sects[2].items[0].val->str, "VM Session Service");
	assert_int_equal(rf->changed, 0);
	hvt_regfile_free(rf);
	free(b.p);
}

static void test_parse_utf8_variants(void **state)
{
	(void)state;
	/* UTF-8 with LF, no BOM */
	const char *u =
		"Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"x\"=\"Grüße\"\n";
	struct hvt_regfile *rf = parse_ok(u, strlen(u));
	assert_int_equal(rf->enc, HVT_REG_UTF8);
	assert_string_equal(rf->eol, "\n");
	assert_string_equal(rf->sects[0].items[0].val->str, "Grüße");
	hvt_regfile_free(rf);

	/* UTF-8 with BOM */
	const char *ub = "\xEF\xBB\xBFWindows Registry Editor Version 5.00\r\n";
	rf = parse_ok(ub, strlen(ub));
	assert_int_equal(rf->enc, HVT_REG_UTF8_BOM);
	assert_int_equal(rf->nsects, 0);
	hvt_regfile_free(rf);

	/* REGEDIT4, blanks around '=' and before a key, comments after values and keys */
	const char *r4 = "REGEDIT4\r\n\r\n  [HKEY_CLASSES_ROOT\\.x] ; the key\r\n"
			 "\"a\" = \"b\" ; comment\r\n\t\"c\"=dword:1\r\n\"d\"=hex:1,2\r\n";
	rf = parse_ok(r4, strlen(r4));
	assert_int_equal(rf->version, 4);
	assert_string_equal(rf->sects[0].path, "HKEY_CLASSES_ROOT\\.x");
	assert_string_equal(rf->sects[0].items[0].val->str, "b");
	assert_int_equal(rf->sects[0].items[1].val->dword, 1);
	assert_int_equal(rf->sects[0].items[2].val->len, 2);
	assert_int_equal(rf->sects[0].items[2].val->data[1], 2);
	hvt_regfile_free(rf);

	/* A key name containing ']' */
	const char *br = "REGEDIT4\n[HKEY_CURRENT_USER\\a]b]\n";
	rf = parse_ok(br, strlen(br));
	assert_string_equal(rf->sects[0].path, "HKEY_CURRENT_USER\\a]b");
	hvt_regfile_free(rf);
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct bytes b = utf16(export_text);
	roundtrip(b.p, b.len);
	free(b.p);
	roundtrip(export_text, strlen(export_text));
	const char *cases[] = {
		"Windows Registry Editor Version 5.00",
		"Windows Registry Editor Version 5.00\n",
		"Windows Registry Editor Version 5.00  \n\n\n; only comments\n",
		"REGEDIT4\n[HKEY_USERS\\x]\n\"a\"=\"b\"",
		"\xEF\xBB\xBFREGEDIT4\r\n[HKEY_USERS\\x]\r\n@=hex(2):41,00,\\\n   42,00,00,00\r\n",
		"Windows Registry Editor Version 5.00\r\n[HKLM\\x]\r\n\"a\"=\"\xE9\"\r\n", /* not UTF-8 */
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		roundtrip(cases[i], strlen(cases[i]));

	/* UTF-16 with a lone surrogate and a pair: the same bytes come back. */
	const unsigned char w[] = { 0xFF, 0xFE, 'R',  0,    'E',  0,	'G',  0,    'E',  0,   'D',
				    0,	  'I',	0,    'T',  0,	  '4',	0,    '\n', 0,	  ';', 0,
				    0x00, 0xD8, 0x3D, 0xD8, 0x00, 0xDE, 0x00, 0xDC, '\n', 0 };
	roundtrip(w, sizeof w);
}

static void test_new_file(void **state)
{
	(void)state;
	struct hvt_regfile *rf = hvt_regfile_new();
	assert_non_null(rf);
	assert_int_equal(hvt_regfile_insert_section(rf, 0, SVC "\\" T5000), 0);
	char err[128];
	assert_int_equal(
		hvt_regfile_set_string(rf, 0, "ElementName", "vsock port 5000", err, sizeof err),
		0);
	struct bytes want = utf16("Windows Registry Editor Version 5.00\r\n\r\n"
				  "[" SVC "\\" T5000 "]\r\n"
				  "\"ElementName\"=\"vsock port 5000\"\r\n\r\n");
	assert_serializes_to(rf, want.p, want.len);
	free(want.p);
	hvt_regfile_free(rf);
}

static void test_edits(void **state)
{
	(void)state;
	const char *in = "Windows Registry Editor Version 5.00\n\n"
			 "[HKEY_CURRENT_USER\\A]\n"
			 "; keep me\n"
			 "\"x\"=\"1\"\n"
			 "\"Name\"=\"old\" ; comment goes with the value\n"
			 "\"y\"=dword:2\n"
			 "\n"
			 "[HKEY_CURRENT_USER\\B]\n"
			 "\"z\"=\"3\"";
	struct hvt_regfile *rf = parse_ok(in, strlen(in));
	char err[128];
	/* replace (value names are case-insensitive), keep the line's place and EOL */
	assert_int_equal(hvt_regfile_set_string(rf, 0, "name", "new \"q\" \\", err, sizeof err), 0);
	assert_int_equal(rf->changed, 1);
	/* insert into a section without final newline: a newline is added first */
	assert_int_equal(hvt_regfile_set_string(rf, 1, "w", "4", err, sizeof err), 0);
	/* a section at the end and one in the middle */
	assert_int_equal(hvt_regfile_insert_section(rf, 2, "HKEY_CURRENT_USER\\C"), 0);
	assert_int_equal(hvt_regfile_set_string(rf, 2, "c", "5", err, sizeof err), 0);
	assert_int_equal(hvt_regfile_insert_section(rf, 1, "HKEY_CURRENT_USER\\M"), 0);
	const char *want = "Windows Registry Editor Version 5.00\n\n"
			   "[HKEY_CURRENT_USER\\A]\n"
			   "; keep me\n"
			   "\"x\"=\"1\"\n"
			   "\"name\"=\"new \\\"q\\\" \\\\\"\n"
			   "\"y\"=dword:2\n"
			   "\n"
			   "[HKEY_CURRENT_USER\\M]\n"
			   "\n"
			   "[HKEY_CURRENT_USER\\B]\n"
			   "\"z\"=\"3\"\n"
			   "\"w\"=\"4\"\n"
			   "\n"
			   "[HKEY_CURRENT_USER\\C]\n"
			   "\"c\"=\"5\"\n"
			   "\n";
	assert_serializes_to(rf, want, strlen(want));
	/* setting the same value again changes nothing */
	rf->changed = 0;
	assert_int_equal(hvt_regfile_set_string(rf, 3, "C", "5", err, sizeof err), 0);
	assert_int_equal(rf->changed, 0);
	hvt_regfile_remove_section(rf, 1);
	hvt_regfile_remove_section(rf, 2);
	hvt_regfile_remove_section(rf, 7); /* out of range: nothing */
	const char *want2 = "Windows Registry Editor Version 5.00\n\n"
			    "[HKEY_CURRENT_USER\\A]\n"
			    "; keep me\n"
			    "\"x\"=\"1\"\n"
			    "\"name\"=\"new \\\"q\\\" \\\\\"\n"
			    "\"y\"=dword:2\n"
			    "\n"
			    "[HKEY_CURRENT_USER\\B]\n"
			    "\"z\"=\"3\"\n"
			    "\"w\"=\"4\"\n"
			    "\n";
	assert_serializes_to(rf, want2, strlen(want2));
	/* deletion sections take no values */
	hvt_regfile_free(rf);
}

static void test_encoding_rules(void **state)
{
	(void)state;
	char err[160];
	/* non-ASCII into a UTF-8 file without BOM: the file becomes UTF-16LE */
	const char *u = "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n";
	struct hvt_regfile *rf = parse_ok(u, strlen(u));
	assert_int_equal(hvt_regfile_set_string(rf, 0, "n", "é", err, sizeof err), 0);
	assert_int_equal(rf->enc, HVT_REG_UTF16LE);
	struct bytes want = utf16("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n"
				  "\"n\"=\"é\"\n");
	assert_serializes_to(rf, want.p, want.len);
	free(want.p);
	hvt_regfile_free(rf);

	/* ... unless the file is not UTF-8 */
	const char *l1 =
		"Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n\"a\"=\"\xE9\"\n";
	rf = parse_ok(l1, strlen(l1));
	assert_int_equal(hvt_regfile_set_string(rf, 0, "n", "é", err, sizeof err), -1);
	assert_non_null(strstr(err, "not UTF-8"));
	assert_int_equal(rf->enc, HVT_REG_UTF8);
	assert_serializes_to(rf, l1, strlen(l1));
	/* ASCII is fine */
	assert_int_equal(hvt_regfile_set_string(rf, 0, "n", "e", err, sizeof err), 0);
	assert_int_equal(rf->enc, HVT_REG_UTF8);
	hvt_regfile_free(rf);

	/* REGEDIT4: no non-ASCII text */
	const char *r4 = "REGEDIT4\n\n[HKEY_CURRENT_USER\\A]\n";
	rf = parse_ok(r4, strlen(r4));
	assert_int_equal(hvt_regfile_set_string(rf, 0, "n", "é", err, sizeof err), -1);
	assert_string_equal(err, "non-ASCII text cannot be written to a REGEDIT4 file");
	hvt_regfile_free(rf);

	/* a UTF-8 file with BOM keeps it */
	const char *ub =
		"\xEF\xBB\xBFWindows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]\n";
	rf = parse_ok(ub, strlen(ub));
	assert_int_equal(hvt_regfile_set_string(rf, 0, "n", "é", err, sizeof err), 0);
	assert_int_equal(rf->enc, HVT_REG_UTF8_BOM);
	hvt_regfile_free(rf);
}

static const struct bad_case {
	const char *in;
	size_t len; /* 0: strlen */
	const char *err;
} bad_cases[] = {
	{ "", 0,
	  "t.reg:1: empty file (expected the header 'Windows Registry Editor Version 5.00')" },
	{ "Windows Registry Editor Version 4.00\n", 0,
	  "t.reg:1: not a .reg file (the first line must be 'Windows Registry Editor Version 5.00' or "
	  "'REGEDIT4')" },
	{ "\nREGEDIT4\n", 0,
	  "t.reg:1: not a .reg file (the first line must be 'Windows Registry Editor Version 5.00' or "
	  "'REGEDIT4')" },
	{ "REGEDIT4\n\"a\"=\"b\"\n", 0, "t.reg:2: value before the first [key]" },
	{ "REGEDIT4\n\n\n[HKLM\\x\n", 0, "t.reg:4: key without closing ']' (or text after it)" },
	{ "REGEDIT4\n[HKLM\\x] y\n", 0, "t.reg:2: key without closing ']' (or text after it)" },
	{ "REGEDIT4\n[]\n", 0, "t.reg:2: empty key name" },
	{ "REGEDIT4\n[-]\n", 0, "t.reg:2: empty key name" },
	{ "REGEDIT4\n[HKEY_X\\y]\n", 0,
	  "t.reg:2: unknown root key in [HKEY_X\\y] (expected HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, "
	  "HKEY_CLASSES_ROOT, HKEY_USERS or HKEY_CURRENT_CONFIG)" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a=\"b\"\n", 0, "t.reg:3: expected '=' after the value name" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\n", 0, "t.reg:3: unterminated value name (missing '\"')" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=\"b\n", 0, "t.reg:3: unterminated string (missing '\"')" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=\"b\" c\n", 0, "t.reg:3: unexpected text after the string" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=- c\n", 0, "t.reg:3: unexpected text after '-'" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=dword:\n", 0,
	  "t.reg:3: invalid dword value (expected dword: and up to 8 hex digits)" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=dword:123456789\n", 0,
	  "t.reg:3: invalid dword value (expected dword: and up to 8 hex digits)" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=dword:12g\n", 0,
	  "t.reg:3: invalid dword value (expected dword: and up to 8 hex digits)" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex(x):00\n", 0,
	  "t.reg:3: invalid hex(N): type (expected up to 8 hex digits in ())" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex 00\n", 0, "t.reg:3: expected ':' after hex" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex:0g\n", 0,
	  "t.reg:3: invalid hex data at 'g' (expected 2 hex digits and ',')" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex:001\n", 0,
	  "t.reg:3: invalid hex data at '1' (expected 2 hex digits and ',')" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex:00,\\\n 01,\\\n zz\n", 0,
	  "t.reg:5: invalid hex byte 'zz' (expected 2 hex digits and ',')" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=hex:00,\\\n", 0,
	  "t.reg:3: hex value continued ('\\') past the end of the file" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=str:\"x\"\n", 0,
	  "t.reg:3: unknown value type (expected \"string\", dword:, hex:, hex(N): or -)" },
	{ "REGEDIT4\n[-HKLM\\x]\n@=\"b\"\n", 0, "t.reg:3: value under a key deletion [-HKLM\\x]" },
	{ "REGEDIT4\n[HKLM\\x]\nx=1\n", 0,
	  "t.reg:3: unexpected text (expected [key], \"name\"=value, @=value, a ';' comment or a "
	  "blank line)" },
	{ "REGEDIT4\n[HKLM\\x]\n\"a\"=\"b\0\"\n", 27,
	  "t.reg:3: NUL character in the text (UTF-16 without byte order mark?)" },
	{ "R\0E\0G\0", 6, "t.reg:1: NUL character in the text (UTF-16 without byte order mark?)" },
	{ "\xFE\xFF\0R", 4, "t.reg: UTF-16 big-endian is not supported (regedit writes UTF-16LE)" },
	{ "\xFF\xFER\0E", 5, "t.reg: truncated UTF-16 text (odd number of bytes)" },
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct hvt_regfile *rf = (void *)1;
		char err[256] = "";
		size_t len = c->len ? c->len : strlen(c->in);
		if (hvt_regfile_parse(c->in, len, "t.reg", &rf, err, sizeof err) == 0)
			fail_msg("case %lu parsed: %s", (unsigned long)i, c->in);
		assert_null(rf);
		if (strcmp(err, c->err) != 0)
			fail_msg("case %lu:\n got  %s\n want %s", (unsigned long)i, err, c->err);
	}
	/* The same line numbers in a UTF-16 file. */
	struct bytes b =
		utf16("Windows Registry Editor Version 5.00\r\n\r\n[HKLM\\x]\r\n\"a\"=oops\r\n");
	/* (a NUL inside UTF-16 text: no hint about a missing byte order mark) */
	struct bytes z = utf16("REGEDIT4\n[HKLM\\x]\n\"a\"=\"b\"\n");
	z.p[z.len - 6] = 0;
	struct hvt_regfile *zf;
	char zerr[256];
	assert_int_equal(hvt_regfile_parse(z.p, z.len, "z.reg", &zf, zerr, sizeof zerr), -1);
	assert_string_equal(zerr, "z.reg:3: NUL character in the text");
	free(z.p);
	struct hvt_regfile *rf;
	char err[256];
	assert_int_equal(hvt_regfile_parse(b.p, b.len, "u.reg", &rf, err, sizeof err), -1);
	assert_string_equal(
		err,
		"u.reg:4: unknown value type (expected \"string\", dword:, hex:, hex(N): or -)");
	free(b.p);
}

/* ---- names and keys ---- */

static void test_name_check(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(hvt_service_name_check("vsock port 5000", &why), 0);
	assert_int_equal(hvt_service_name_check("Grüße \"x\" \\ ✓", &why), 0);
	assert_int_equal(hvt_service_name_check("", &why), -1);
	assert_string_equal(why, "empty name");
	assert_int_equal(hvt_service_name_check("a\tb", &why), -1);
	assert_string_equal(why, "control characters are not allowed");
	assert_int_equal(hvt_service_name_check("a\x7f", &why), -1);
	assert_int_equal(hvt_service_name_check("a\xC2\x85", &why), -1); /* U+0085 NEL */
	assert_int_equal(hvt_service_name_check("caf\xE9", &why), -1);
	assert_string_equal(why, "not valid UTF-8");
	assert_int_equal(hvt_service_name_check("\xC0\xAF", &why), -1);	    /* overlong */
	assert_int_equal(hvt_service_name_check("\xED\xA0\x80", &why), -1); /* surrogate */
	char name[600];
	memset(name, 'x', 256);
	name[256] = '\0';
	assert_int_equal(hvt_service_name_check(name, &why), 0);
	name[256] = 'x';
	name[257] = '\0';
	assert_int_equal(hvt_service_name_check(name, &why), -1);
	assert_string_equal(why, "too long (at most 256 characters)");
	/* characters, not bytes */
	for (int i = 0; i < 256; i++)
		memcpy(name + 2 * i, "\xC3\xA9", 2);
	name[512] = '\0';
	assert_int_equal(hvt_service_name_check(name, &why), 0);
}

static void test_key_form(void **state)
{
	(void)state;
	hvt_guid g;
	assert_int_equal(hvt_service_key_form(T5000, &g), HVT_KEY_STANDARD);
	assert_int_equal(g.data1, 5000);
	assert_int_equal(hvt_service_key_form("00001388-FACB-11E6-BD58-64006A7986D3", &g),
			 HVT_KEY_STANDARD);
	assert_int_equal(hvt_service_key_form("{00001388-FACB-11E6-BD58-64006A7986D3}", &g),
			 HVT_KEY_OTHER_FORM);
	assert_int_equal(g.data1, 5000);
	assert_int_equal(hvt_service_key_form("00001388facb11e6bd5864006a7986d3", &g),
			 HVT_KEY_OTHER_FORM);
	assert_int_equal(hvt_service_key_form("ssh", &g), HVT_KEY_NOT_GUID);
	assert_int_equal(g.data1, 0);
}

/* ---- the service store over a file ---- */

static const char *tmpfile_name = "test_regfile.tmp.reg";

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static struct bytes read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct bytes b = { malloc(1 << 16), 0 };
	assert_non_null(b.p);
	b.len = fread(b.p, 1, 1 << 16, f);
	fclose(f);
	return b;
}

/* Writes text to the temporary file, opens it for writing and lists it. */
static struct hvt_store *open_listed(const char *text, size_t len, struct hvt_service **v,
				     size_t *n)
{
	struct hvt_store *st;
	char err[256];
	write_file(tmpfile_name, text, len);
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_list(st, v, n, err, sizeof err), HVT_STORE_OK);
	return st;
}

static const struct hvt_service *find(const struct hvt_service *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	fail_msg("no key %s", key);
	return NULL;
}

static void test_store_file_state(void **state)
{
	(void)state;
	/* Import order decides: deletions, re-creation, later values, HKLM alias, subkeys, hex(1)
	 * names, an ancestor deletion that clears what came before it. */
	const char *text =
		"Windows Registry Editor Version 5.00\n\n"
		"[" SVC "\\gone]\n\"ElementName\"=\"x\"\n\n"
		"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization]\n\n"
		"[" SVC "\\" T5000 "]\n\"ElementName\"=\"a\"\n\n"
		"[-" SVC "\\" T5000 "]\n\n"
		"[" SVC "\\00001388-FACB-11E6-BD58-64006A7986D3]\n\"elementname\"=\"b\"\n\n"
		"[hklm\\software\\microsoft\\windows nt\\currentversion\\virtualization\\"
		"guestcommunicationservices\\{00000016-facb-11e6-bd58-64006a7986d3}]\n"
		"\"ElementName\"=hex(1):73,00,73,00,68,00,00,00\n\n"
		"[" SVC "\\" T22 "\\sub1]\n\n[" SVC "\\" T22 "\\sub1\\deeper]\n\n[" SVC "\\" T22
		"\\sub2]\n\n"
		"[" SVC "\\num]\n\"ElementName\"=dword:00000001\n\n"
		"[HKEY_CURRENT_USER\\" HVT_SERVICES_PATH "\\notours]\n\"ElementName\"=\"no\"\n";
	write_file(tmpfile_name, text, strlen(text));
	struct hvt_store *st;
	char err[256];
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, 0, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(hvt_store_is_live(st), 0);
	assert_string_equal(hvt_store_where(st), tmpfile_name);
	struct hvt_service *v;
	size_t n;
	assert_int_equal(hvt_store_list(st, &v, &n, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(n, 5);
	/* sorted by key, case-insensitively */
	assert_string_equal(v[0].key, T22);
	assert_string_equal(v[1].key, "00001388-FACB-11E6-BD58-64006A7986D3");
	assert_string_equal(v[2].key, "gone");
	assert_string_equal(v[3].key, "num");
	assert_string_equal(v[4].key, "{00000016-facb-11e6-bd58-64006a7986d3}");

	const struct hvt_service *e = find(v, n, T22);
	assert_int_equal(e->subkeys, 2);
	assert_null(e->name);
	assert_int_equal(e->deleted, 0);
	e = find(v, n, "00001388-FACB-11E6-BD58-64006A7986D3");
	assert_string_equal(e->name, "b");
	assert_int_equal(e->form, HVT_KEY_STANDARD);
	assert_int_equal(e->guid.data1, 5000);
	e = find(v, n, "gone");
	assert_int_equal(e->deleted, 1);
	assert_int_equal(e->form, HVT_KEY_NOT_GUID);
	e = find(v, n, "num");
	assert_null(e->name);
	assert_int_equal(e->name_type, 4);
	e = find(v, n, "{00000016-facb-11e6-bd58-64006a7986d3}");
	assert_string_equal(e->name, "ssh");
	assert_int_equal(e->name_type, 1);
	assert_int_equal(e->form, HVT_KEY_OTHER_FORM);
	hvt_services_free(v, n);

	/* read-only store refuses edits */
	assert_int_equal(hvt_store_put(st, "x", "y", NULL, 0, err, sizeof err), HVT_STORE_ERROR);
	hvt_store_close(st);
	remove(tmpfile_name);
}

static void test_store_file_edit(void **state)
{
	(void)state;
	struct bytes orig = utf16(export_text);
	write_file(tmpfile_name, orig.p, orig.len);
	struct hvt_store *st;
	char err[256];
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_OK);
	/* the same name again: no change */
	assert_int_equal(hvt_store_put(st, "999e53d4-3d5c-4c3e-8779-bed06ec056e1",
				       "VM Session Service", NULL, 0, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_changed(st), 0);
	assert_int_equal(hvt_store_put(st, T5000, "five", NULL, 0, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(hvt_store_changed(st), 1);
	assert_int_equal(hvt_store_put(st, "bad\\key", "x", NULL, 0, err, sizeof err),
			 HVT_STORE_ERROR);
	assert_string_equal(err, "invalid key name 'bad\\key'");
	assert_int_equal(hvt_store_put(st, "", "x", NULL, 0, err, sizeof err), HVT_STORE_ERROR);
	/* nothing is written before commit */
	struct bytes now = read_file(tmpfile_name);
	assert_true(now.len == orig.len && memcmp(now.p, orig.p, orig.len) == 0);
	free(now.p);
	assert_int_equal(hvt_store_commit(st, err, sizeof err), HVT_STORE_OK);
	hvt_store_close(st);

	char *want_text = malloc(sizeof export_text + 300);
	assert_non_null(want_text);
	sprintf(want_text, "%s[%s\\%s]\r\n\"ElementName\"=\"five\"\r\n\r\n", export_text, SVC,
		T5000);
	struct bytes want = utf16(want_text);
	now = read_file(tmpfile_name);
	assert_true(now.len == want.len && memcmp(now.p, want.p, want.len) == 0);
	free(now.p);
	free(want.p);
	free(want_text);

	/* delete: case-insensitive key match; missing keys are NOTFOUND; back to the original */
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(
		hvt_store_delete(st, "00001388-FACB-11E6-BD58-64006A7986D3", err, sizeof err),
		HVT_STORE_OK);
	assert_int_equal(hvt_store_delete(st, T5000, err, sizeof err), HVT_STORE_NOTFOUND);
	assert_int_equal(hvt_store_commit(st, err, sizeof err), HVT_STORE_OK);
	hvt_store_close(st);
	now = read_file(tmpfile_name);
	assert_true(now.len == orig.len && memcmp(now.p, orig.p, orig.len) == 0);
	free(now.p);
	free(orig.p);
	remove(tmpfile_name);
}

static void test_store_file_subkeys_and_create(void **state)
{
	(void)state;
	remove(tmpfile_name);
	struct hvt_store *st;
	char err[256];
	/* missing file: NOTFOUND without CREATE */
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, 0, err, sizeof err),
			 HVT_STORE_NOTFOUND);
	assert_null(st);
	/* with CREATE: an empty store, written on commit */
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE | HVT_STORE_CREATE,
					     err, sizeof err),
			 HVT_STORE_OK);
	struct hvt_service *v;
	size_t n;
	assert_int_equal(hvt_store_list(st, &v, &n, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(n, 0);
	hvt_services_free(v, n);
	const char *text = "Windows Registry Editor Version 5.00\r\n\r\n";
	assert_int_equal(hvt_store_commit(st, err, sizeof err), HVT_STORE_OK);
	hvt_store_close(st);
	struct bytes want = utf16(text), now = read_file(tmpfile_name);
	assert_true(now.len == want.len && memcmp(now.p, want.p, want.len) == 0);
	free(now.p);
	free(want.p);

	/* a zero-length file is an empty store too */
	write_file(tmpfile_name, "", 0);
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_put(st, T5000, "five", NULL, 0, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(hvt_store_commit(st, err, sizeof err), HVT_STORE_OK);
	hvt_store_close(st);
	want = utf16("Windows Registry Editor Version 5.00\r\n\r\n[" SVC "\\" T5000
		     "]\r\n\"ElementName\"=\"five\"\r\n\r\n");
	now = read_file(tmpfile_name);
	assert_true(now.len == want.len && memcmp(now.p, want.p, want.len) == 0);
	free(now.p);
	free(want.p);

	const char *sub = "REGEDIT4\n\n[" SVC "\\" T22 "]\n\"ElementName\"=\"ssh\"\n\n[" SVC
			  "\\" T22 "\\x]\n";
	write_file(tmpfile_name, sub, strlen(sub));
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_delete(st, T22, err, sizeof err), HVT_STORE_SUBKEYS);
	assert_int_equal(hvt_store_changed(st), 0);
	/* REGEDIT4 refuses non-ASCII names, with the file name in the message */
	assert_int_equal(hvt_store_put(st, T5000, "é", NULL, 0, err, sizeof err), HVT_STORE_ERROR);
	char want_err[128];
	snprintf(want_err, sizeof want_err,
		 "%s: non-ASCII text cannot be written to a REGEDIT4 file", tmpfile_name);
	assert_string_equal(err, want_err);
	hvt_store_close(st);

	/* malformed: HVT_STORE_SYNTAX with a line number */
	const char *bad = "REGEDIT4\n\n[HKLM\\x]\n\"a\"=\"b\n";
	write_file(tmpfile_name, bad, strlen(bad));
	assert_int_equal(hvt_store_open_file(&st, tmpfile_name, HVT_STORE_WRITE, err, sizeof err),
			 HVT_STORE_SYNTAX);
	snprintf(want_err, sizeof want_err, "%s:4: unterminated string (missing '\"')",
		 tmpfile_name);
	assert_string_equal(err, want_err);
	remove(tmpfile_name);
}

/* Found by fuzz/fuzz_regfile.c: a subkey written before [-KEY] is gone, but one written again
 * after it is a subkey even though the same name was seen before the deletion: the key has a
 * subkey, so delete must refuse (it used to report success and leave the key in place). */
static void test_store_file_subkey_after_deletion(void **state)
{
	(void)state;
	const char *text =
		"Windows Registry Editor Version 5.00\n\n"
		"[" SVC "\\" T5000 "\\old]\n\n"
		"[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization]\n\n"
		"[" SVC "\\" T5000 "]\n\"ElementName\"=\"five\"\n\n"
		"[" SVC "\\" T5000 "\\old]\n\n"
		"[" SVC "\\" T22 "\\sub]\n\n"
		"[-" SVC "\\" T22 "]\n\n"
		"[" SVC "\\" T22 "\\sub]\n";
	struct hvt_service *v;
	size_t n;
	char err[256];
	struct hvt_store *st = open_listed(text, strlen(text), &v, &n);
	assert_int_equal(n, 2);
	const struct hvt_service *e = find(v, n, T22);
	assert_int_equal(e->deleted, 0);
	assert_int_equal(e->subkeys, 1);
	/* an ancestor deletion also ends the subkeys written before it */
	e = find(v, n, T5000);
	assert_int_equal(e->subkeys, 1);
	assert_string_equal(e->name, "five");
	hvt_services_free(v, n);
	assert_int_equal(hvt_store_delete(st, T22, err, sizeof err), HVT_STORE_SUBKEYS);
	assert_int_equal(hvt_store_delete(st, T5000, err, sizeof err), HVT_STORE_SUBKEYS);
	assert_int_equal(hvt_store_changed(st), 0);
	hvt_store_close(st);
	remove(tmpfile_name);
}

/* ---- the live store ---- */

static void test_store_live(void **state)
{
	(void)state;
	struct hvt_store *st = NULL;
	char err[512] = "";
	int rc = hvt_store_open_live(&st, HVT_STORE_WRITE, err, sizeof err);
#ifdef _WIN32
	/* Windows (Wine in the test runs): a real round trip under the services key. */
	const char *key = "0000d904-facb-11e6-bd58-64006a7986d3";
	if (rc != HVT_STORE_OK)
		fail_msg("open live: %s", err);
	assert_int_equal(hvt_store_is_live(st), 1);
	(void)hvt_store_delete(st, key, err, sizeof err);
	assert_int_equal(hvt_store_put(st, key, "unit test ✓", NULL, 0, err, sizeof err),
			 HVT_STORE_OK);
	struct hvt_service *v;
	size_t n;
	assert_int_equal(hvt_store_list(st, &v, &n, err, sizeof err), HVT_STORE_OK);
	const struct hvt_service *e = find(v, n, key);
	assert_string_equal(e->name, "unit test ✓");
	assert_int_equal(e->name_type, 1);
	hvt_services_free(v, n);
	assert_int_equal(hvt_store_commit(st, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(hvt_store_delete(st, key, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(hvt_store_delete(st, key, err, sizeof err), HVT_STORE_NOTFOUND);
	hvt_store_close(st);
#else
	assert_int_equal(rc, HVT_STORE_NOLIVE);
	assert_null(st);
	assert_non_null(strstr(err, "--file"));
	assert_non_null(strstr(err, "--print"));
#endif
}

static void test_tool_name_check(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(hvt_tool_name_check("podman", &why), 0);
	assert_int_equal(hvt_tool_name_check("a.b_c-9", &why), 0);
	assert_int_equal(hvt_tool_name_check("", &why), -1);
	assert_int_equal(hvt_tool_name_check("-x", &why), -1);
	assert_int_equal(hvt_tool_name_check("a b", &why), -1);
	assert_int_equal(hvt_tool_name_check("a<b", &why), -1);
	assert_int_equal(hvt_tool_name_check("t\xc3\xb6", &why), -1);
	char longname[HVT_TOOL_NAME_MAX + 2];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(hvt_tool_name_check(longname, &why), -1);
	longname[HVT_TOOL_NAME_MAX] = '\0';
	assert_int_equal(hvt_tool_name_check(longname, &why), 0);
}

/* Every value of a key, in both letter cases of its name; ToolName written by put. */
static void test_store_values_and_tools(void **state)
{
	(void)state;
	static const char text[] = "Windows Registry Editor Version 5.00\n\n"
				   "[" HVT_SERVICES_KEY "\\0000D2F1-FACB-11E6-BD58-64006A7986D3]\n"
				   "\"Purpose\"=\"Network\"\n\"ToolName\"=\"podman\"\n\n"
				   "[" HVT_SERVICES_KEY "\\0000d2f1-facb-11e6-bd58-64006a7986d3]\n"
				   "\"Count\"=dword:0000002a\n\"Purpose\"=-\n\n";
	struct hvt_service *v;
	size_t n;
	char err[256];
	struct hvt_store *st = open_listed(text, strlen(text), &v, &n);
	assert_int_equal(n, 1);
	assert_null(v[0].name);
	assert_string_equal(v[0].tool, "podman");
	assert_int_equal(v[0].nvalues, 2); /* Purpose deleted by the second section */
	assert_null(hvt_service_value(&v[0], "purpose"));
	const struct hvt_service_value *c = hvt_service_value(&v[0], "COUNT");
	assert_non_null(c);
	assert_int_equal(c->type, 4);
	assert_int_equal(c->len, 4);
	assert_int_equal(c->data[0], 0x2a);
	hvt_services_free(v, n);

	assert_int_equal(hvt_store_put(st, "0000D2F1-FACB-11E6-BD58-64006A7986D3", "net", "mine",
				       HVT_PUT_NEW, err, sizeof err),
			 HVT_STORE_EXISTS);
	assert_int_equal(hvt_store_put(st, "0000d2f1-facb-11e6-bd58-64006a7986d3", "net", "mine", 0,
				       err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_put(st, T5000, "five", "mine", HVT_PUT_NEW, err, sizeof err),
			 HVT_STORE_OK);
	assert_int_equal(hvt_store_list(st, &v, &n, err, sizeof err), HVT_STORE_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].tool, "mine");
	assert_string_equal(v[0].name, "five");
	assert_string_equal(v[1].name, "net");
	assert_non_null(hvt_service_value(&v[1], "Count")); /* kept */
	hvt_services_free(v, n);
	hvt_store_close(st);
	remove(tmpfile_name);
}

/* A writer holds the lock until it closes: a second writer gives up after its wait. */
static void test_store_lock(void **state)
{
	(void)state;
	struct hvt_store *a, *b;
	char err[256];
	remove(tmpfile_name);
	assert_int_equal(hvt_store_open_file(&a, tmpfile_name, HVT_STORE_WRITE | HVT_STORE_CREATE,
					     err, sizeof err),
			 HVT_STORE_OK);
	hvt_store_lock_wait(50);
	assert_int_equal(hvt_store_open_file(&b, tmpfile_name, HVT_STORE_WRITE | HVT_STORE_CREATE,
					     err, sizeof err),
			 HVT_STORE_BUSY);
	assert_non_null(strstr(err, "another process is changing it"));
	/* readers take no lock */
	assert_int_equal(hvt_store_open_file(&b, tmpfile_name, HVT_STORE_CREATE, err, sizeof err),
			 HVT_STORE_OK);
	hvt_store_close(b);
	hvt_store_close(a);
	assert_int_equal(hvt_store_open_file(&b, tmpfile_name, HVT_STORE_WRITE | HVT_STORE_CREATE,
					     err, sizeof err),
			 HVT_STORE_OK);
	hvt_store_close(b);
	hvt_store_lock_wait(10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_export_utf16),
		cmocka_unit_test(test_parse_utf8_variants),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_encoding_rules),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_name_check),
		cmocka_unit_test(test_key_form),
		cmocka_unit_test(test_store_file_state),
		cmocka_unit_test(test_store_file_edit),
		cmocka_unit_test(test_store_file_subkeys_and_create),
		cmocka_unit_test(test_store_file_subkey_after_deletion),
		cmocka_unit_test(test_store_live),
		cmocka_unit_test(test_tool_name_check),
		cmocka_unit_test(test_store_values_and_tools),
		cmocka_unit_test(test_store_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
