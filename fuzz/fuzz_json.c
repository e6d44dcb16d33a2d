/* The JSON writer's string escaper and the pull reader (common/json.c). Byte 0 picks the part,
 * the rest is the input.
 *  0: a string through hvt_jw_str (into memory): valid JSON text (checked by an independent
 *     decoder) that decodes back to the input with each invalid UTF-8 byte as U+FFFD; the
 *     reader's hvt_jr_string decodes it to the same bytes.
 *  1: any bytes through the reader: hvt_jr_skip stays inside the buffer, and a string it
 *     accepts is valid UTF-8 without NUL. */
#include "fuzz.h"

#include "json.h"

/* Decodes the JSON string at s (with quotes) into out; returns the length or -1. */
static long json_decode(const char *s, char *out)
{
	size_t n = 0;
	if (*s++ != '"')
		return -1;
	for (;;) {
		unsigned char c = (unsigned char)*s++;
		if (c == '"')
			return *s == '\0' ? (long)n : -1;
		if (c < 0x20 || c == 0x7f)
			return -1; /* must have been escaped */
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		c = (unsigned char)*s++;
		switch (c) {
		case '"':
		case '\\':
		case '/': out[n++] = (char)c; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'u': {
			unsigned v = 0;
			for (int i = 0; i < 4; i++) {
				char h = *s++;
				int d = h >= '0' && h <= '9'   ? h - '0'
					: h >= 'a' && h <= 'f' ? h - 'a' + 10
							       : -1;
				if (d < 0)
					return -1;
				v = v << 4 | (unsigned)d;
			}
			if (v == 0xfffd) {
				memcpy(out + n, "\xef\xbf\xbd", 3);
				n += 3;
			} else if (v < 0x80) {
				out[n++] = (char)v;
			} else {
				return -1;
			}
			break;
		}
		default: return -1;
		}
	}
}

/* Independent UTF-8 check: returns the length of a valid sequence at p or 0. */
static size_t valid_seq(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4)
		return 0;
	uint32_t cp = p[0] & (0xffu >> (n + 1));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return (size_t)n;
}

static void escape(const uint8_t *d, size_t n)
{
	char *s = fuzz_cstr(d, n);
	size_t slen = strlen(s);
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	hvt_jw_str(&w, NULL, s);
	char *full = hvt_jw_take(&w);
	CHECK(full, "out of memory");
	char *dec = malloc(strlen(full) + 1);
	CHECK(dec, "out of memory");
	long dl = json_decode(full, dec);
	CHECK(dl >= 0, "not a JSON string: %s", full);
	/* Expected: the input with each invalid byte replaced by U+FFFD. */
	char *exp = malloc(slen * 3 + 1);
	CHECK(exp, "out of memory");
	size_t en = 0;
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < slen;) {
		size_t k = valid_seq(u + i);
		if (k == 0) {
			memcpy(exp + en, "\xef\xbf\xbd", 3);
			en += 3;
			i++;
		} else {
			memcpy(exp + en, u + i, k);
			en += k;
			i += k;
		}
	}
	CHECK((size_t)dl == en && memcmp(dec, exp, en) == 0, "JSON text decodes to other bytes");
	/* The reader agrees. */
	struct hvt_jr r;
	char *back = NULL;
	hvt_jr_init(&r, full, strlen(full));
	CHECK(hvt_jr_string(&r, &back) == 0 && hvt_jr_done(&r) == 0, "reader: %s",
	      r.err ? r.err : "?");
	CHECK(strlen(back) == en && memcmp(back, exp, en) == 0, "reader decodes to other bytes");
	free(back);
	free(exp);
	free(dec);
	free(full);
	free(s);
}

static void read_any(const uint8_t *d, size_t n)
{
	/* an exact-size copy: AddressSanitizer sees a read past the end */
	char *buf = malloc(n ? n : 1);
	CHECK(buf, "out of memory");
	if (n)
		memcpy(buf, d, n);
	struct hvt_jr r;
	hvt_jr_init(&r, buf, n);
	if (hvt_jr_peek(&r) == HVT_JR_STRING) {
		char *s = NULL;
		if (hvt_jr_string(&r, &s) == 0) {
			const unsigned char *u = (const unsigned char *)s;
			for (size_t i = 0; u[i];) {
				size_t k = valid_seq(u + i);
				CHECK(k > 0, "reader gave invalid UTF-8 at %zu", i);
				i += k;
			}
			free(s);
		}
	} else if (hvt_jr_skip(&r) == 0) {
		hvt_jr_done(&r);
	}
	CHECK(r.p >= buf && r.p <= buf + n, "reader left the buffer");
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		read_any(data + 1, size - 1);
	else
		escape(data + 1, size - 1);
	return 0;
}
