/* hvt_guid_parse against an independent reference of the five forms (D, B, P, N, X): both must
 * agree on what is accepted and on the value; whatever is accepted formats back (every flag
 * combination) to text that parses to the same GUID; the byte layouts, names and the vsock
 * port mapping round-trip. */
#include "fuzz.h"

#include "guid.h"

static int hexd(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at s, all required. */
static int fixed(const char *s, int n, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		int d = hexd(s[i]);
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/* D form (36 characters with dashes at 8, 13, 18, 23) or N form (32 digits). */
static int ref_plain(const char *s, size_t len, hvt_guid *g)
{
	char digits[33];
	size_t n = 0;
	if (len == 36) {
		for (size_t i = 0; i < 36; i++) {
			int want_dash = i == 8 || i == 13 || i == 18 || i == 23;
			if (want_dash != (s[i] == '-'))
				return -1;
			if (!want_dash)
				digits[n++] = s[i];
		}
	} else if (len == 32) {
		memcpy(digits, s, 32);
		n = 32;
	} else {
		return -1;
	}
	uint32_t v;
	if (fixed(digits, 8, &v))
		return -1;
	g->data1 = v;
	if (fixed(digits + 8, 4, &v))
		return -1;
	g->data2 = (uint16_t)v;
	if (fixed(digits + 12, 4, &v))
		return -1;
	g->data3 = (uint16_t)v;
	for (int i = 0; i < 8; i++) {
		if (fixed(digits + 16 + 2 * i, 2, &v))
			return -1;
		g->data4[i] = (uint8_t)v;
	}
	return 0;
}

/* "0x" + 1..max hex digits, then the literal sep; advances *sp. */
static int xfield(const char **sp, int max, const char *sep, uint32_t *v)
{
	const char *s = *sp;
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	s += 2;
	int n = 0;
	uint64_t x = 0;
	while (hexd(*s) >= 0) {
		x = x << 4 | (uint64_t)hexd(*s);
		s++;
		if (++n > max)
			return -1;
	}
	if (n == 0 || strncmp(s, sep, strlen(sep)) != 0)
		return -1;
	*v = (uint32_t)x;
	*sp = s + strlen(sep);
	return 0;
}

static int ref_x(const char *s, hvt_guid *g)
{
	uint32_t v;
	if (*s++ != '{')
		return -1;
	if (xfield(&s, 8, ",", &v))
		return -1;
	g->data1 = v;
	if (xfield(&s, 4, ",", &v))
		return -1;
	g->data2 = (uint16_t)v;
	if (xfield(&s, 4, ",{", &v))
		return -1;
	g->data3 = (uint16_t)v;
	for (int i = 0; i < 8; i++) {
		if (xfield(&s, 2, i < 7 ? "," : "}}", &v))
			return -1;
		g->data4[i] = (uint8_t)v;
	}
	return *s == '\0' ? 0 : -1;
}

static int ref_parse(const char *s, hvt_guid *g)
{
	size_t len = strlen(s);
	if (len == 36 || len == 32)
		return ref_plain(s, len, g);
	if (len == 38 && ((s[0] == '{' && s[37] == '}') || (s[0] == '(' && s[37] == ')')))
		return ref_plain(s + 1, 36, g);
	return ref_x(s, g);
}

static void check_roundtrip(const hvt_guid *g)
{
	for (int flags = 0; flags < 4; flags++) {
		char buf[HVT_GUID_STRLEN + 8];
		memset(buf, 'Z', sizeof buf);
		hvt_guid_format(g, flags, buf);
		size_t want = (flags & HVT_GUID_BRACES) ? 38 : 36;
		CHECK(strlen(buf) == want, "format flags %d gave '%s'", flags, buf);
		CHECK(buf[want + 1] == 'Z', "format wrote past its NUL");
		for (size_t i = 0; i < want; i++) {
			char c = buf[i];
			int lower = c >= 'a' && c <= 'f', upper = c >= 'A' && c <= 'F';
			CHECK(!((flags & HVT_GUID_UPPER) ? lower : upper),
			      "case of '%s' (flags %d)", buf, flags);
		}
		hvt_guid back;
		const char *why = NULL;
		CHECK(hvt_guid_parse(buf, &back, &why) == 0, "'%s' does not parse back", buf);
		CHECK(hvt_guid_equal(&back, g), "'%s' parses to another GUID", buf);
	}
	/* The X form, as Windows headers write it. */
	char x[128];
	snprintf(x, sizeof x,
		 "{0x%08x,0x%04x,0x%04x,{0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x,0x%02x}}",
		 (unsigned)g->data1, (unsigned)g->data2, (unsigned)g->data3, g->data4[0],
		 g->data4[1], g->data4[2], g->data4[3], g->data4[4], g->data4[5], g->data4[6],
		 g->data4[7]);
	hvt_guid back;
	CHECK(hvt_guid_parse(x, &back, NULL) == 0 && hvt_guid_equal(&back, g), "X form '%s'", x);

	/* Byte layouts. */
	uint8_t w[16], r[16];
	hvt_guid_to_win(g, w);
	hvt_guid_to_rfc(g, r);
	for (int i = 0; i < 4; i++)
		CHECK(w[i] == r[3 - i], "Data1 byte order");
	CHECK(w[4] == r[5] && w[5] == r[4] && w[6] == r[7] && w[7] == r[6], "Data2/3 byte order");
	CHECK(memcmp(w + 8, r + 8, 8) == 0, "Data4 differs between layouts");
	hvt_guid a, b;
	hvt_guid_from_win(w, &a);
	hvt_guid_from_rfc(r, &b);
	CHECK(hvt_guid_equal(&a, g) && hvt_guid_equal(&b, g), "byte layouts do not round-trip");

	/* Names and the vsock template. */
	const char *name = hvt_guid_name(g);
	if (name) {
		const hvt_guid *k = hvt_guid_by_name(name);
		CHECK(k && hvt_guid_equal(k, g), "name '%s' does not map back", name);
	}
	uint32_t port;
	if (hvt_guid_to_port(g, &port) == 0) {
		hvt_guid t;
		hvt_guid_from_port(port, &t);
		CHECK(hvt_guid_equal(&t, g), "port %u does not map back", (unsigned)port);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	hvt_guid g, ref;
	const char *why = NULL;
	memset(&g, 0xA5, sizeof g);
	int rc = hvt_guid_parse(s, &g, &why);
	int want = ref_parse(s, &ref);
	CHECK(rc == 0 || rc == -1, "return value %d", rc);
	CHECK((rc == 0) == (want == 0), "'%s': parse says %d, reference says %d", s, rc, want);
	if (rc == 0) {
		CHECK(hvt_guid_equal(&g, &ref), "'%s': value differs from the reference", s);
		check_roundtrip(&g);
		/* The D form of a D, B or P input is the input's digits, lowercased. */
		size_t len = strlen(s);
		if (len == 36 || len == 38) {
			char buf[HVT_GUID_STRLEN];
			hvt_guid_format(&g, 0, buf);
			const char *d = len == 38 ? s + 1 : s;
			for (size_t i = 0; i < 36; i++) {
				char c = d[i] >= 'A' && d[i] <= 'F' ? (char)(d[i] - 'A' + 'a')
								    : d[i];
				CHECK(buf[i] == c, "'%s' formats as '%s'", s, buf);
			}
		}
	} else {
		CHECK(why && strncmp(why, "expected a GUID", 15) == 0, "'%s': no reason given", s);
	}
	/* A well-known name, when the text is one. */
	const hvt_guid *k = hvt_guid_by_name(s);
	if (k)
		CHECK(hvt_guid_name(k) != NULL, "'%s' has no canonical name", s);
	free(s);

	/* Any 16 bytes as a GUID. */
	if (size >= 16) {
		hvt_guid raw;
		hvt_guid_from_win(data, &raw);
		check_roundtrip(&raw);
	}
	return 0;
}
