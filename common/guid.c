/* GUIDs: parse, format, byte layouts, well-known names, vsock port mapping.
 * Portable C11: no locale-dependent or POSIX-only calls, bytes assembled by shifts. */
#include "guid.h"

#include <string.h>

#include "platform.h"
#include "strutil.h"

/* The well-known ids (hvsocket.md section 2) as their text reads: Data1-3, then the last 8
 * bytes as one number. */
// clang-format off
#define B(x, i) ((uint8_t)((x) >> (8 * (i))))
#define WELL_KNOWN(d1, d2, d3, d4) \
	{ d1, d2, d3, { B(d4, 7), B(d4, 6), B(d4, 5), B(d4, 4), B(d4, 3), B(d4, 2), B(d4, 1), B(d4, 0) } }
// clang-format on
const hvt_guid HVT_GUID_ZERO = WELL_KNOWN(0x00000000u, 0x0000, 0x0000, 0x0000000000000000ull);
const hvt_guid HVT_GUID_BROADCAST = WELL_KNOWN(0xffffffffu, 0xffff, 0xffff, 0xffffffffffffffffull);
const hvt_guid HVT_GUID_CHILDREN = WELL_KNOWN(0x90db8b89u, 0x0d35, 0x4f79, 0x8ce949ea0ac8b7cdull);
const hvt_guid HVT_GUID_LOOPBACK = WELL_KNOWN(0xe0e16197u, 0xdd56, 0x4a10, 0x91955ee7a155a838ull);
const hvt_guid HVT_GUID_PARENT = WELL_KNOWN(0xa42e7cdau, 0xd03f, 0x480c, 0x9cc2a4de20abb878ull);
const hvt_guid HVT_GUID_SILOHOST = WELL_KNOWN(0x36bd0c5cu, 0x7276, 0x4223, 0x88ba7d03b654c568ull);
const hvt_guid HVT_GUID_VSOCK_TEMPLATE =
	WELL_KNOWN(0x00000000u, 0xfacb, 0x11e6, 0xbd5864006a7986d3ull);

static const char expected_guid[] = "expected a GUID such as 00001388-facb-11e6-bd58-64006a7986d3 "
				    "(also {...}, (...), 32 hex digits or {0x...,...})";

/* Exactly n hex digits at s into *v; returns the end or NULL. */
static const char *hex_fixed(const char *s, int n, uint32_t *v)
{
	uint32_t x = 0;
	for (int i = 0; i < n; i++) {
		int d = hvt_hexval(s[i]);
		if (d < 0)
			return NULL;
		x = (x << 4) | (uint32_t)d;
	}
	*v = x;
	return s + n;
}

/* The 32 digits of the D form (dashes when dashed) or the N form into g. */
static const char *parse_plain(const char *s, int dashed, hvt_guid *g)
{
	uint32_t v;
	if (!(s = hex_fixed(s, 8, &v)))
		return NULL;
	g->data1 = v;
	if (dashed && *s++ != '-')
		return NULL;
	if (!(s = hex_fixed(s, 4, &v)))
		return NULL;
	g->data2 = (uint16_t)v;
	if (dashed && *s++ != '-')
		return NULL;
	if (!(s = hex_fixed(s, 4, &v)))
		return NULL;
	g->data3 = (uint16_t)v;
	if (dashed && *s++ != '-')
		return NULL;
	for (int i = 0; i < 8; i++) {
		if (dashed && i == 2 && *s++ != '-')
			return NULL;
		if (!(s = hex_fixed(s, 2, &v)))
			return NULL;
		g->data4[i] = (uint8_t)v;
	}
	return s;
}

/* X form field: 0x or 0X then 1..maxdigits hex digits, then the separator sep. */
static const char *parse_xfield(const char *s, int maxdigits, char sep, uint32_t *v)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return NULL;
	s += 2;
	uint32_t x = 0;
	int n = 0;
	for (int d; (d = hvt_hexval(*s)) >= 0; s++) {
		if (++n > maxdigits)
			return NULL;
		x = (x << 4) | (uint32_t)d;
	}
	if (n == 0 || *s != sep)
		return NULL;
	*v = x;
	return s + 1;
}

/* {0xXXXXXXXX,0xXXXX,0xXXXX,{0xXX,0xXX,0xXX,0xXX,0xXX,0xXX,0xXX,0xXX}} (s past the '{'). */
static const char *parse_x(const char *s, hvt_guid *g)
{
	uint32_t v;
	if (!(s = parse_xfield(s, 8, ',', &v)))
		return NULL;
	g->data1 = v;
	if (!(s = parse_xfield(s, 4, ',', &v)))
		return NULL;
	g->data2 = (uint16_t)v;
	if (!(s = parse_xfield(s, 4, ',', &v)))
		return NULL;
	g->data3 = (uint16_t)v;
	if (*s++ != '{')
		return NULL;
	for (int i = 0; i < 8; i++) {
		if (!(s = parse_xfield(s, 2, i < 7 ? ',' : '}', &v)))
			return NULL;
		g->data4[i] = (uint8_t)v;
	}
	return *s == '}' ? s + 1 : NULL;
}

int hvt_guid_parse(const char *s, hvt_guid *out, const char **why)
{
	hvt_guid g;
	const char *end = NULL;
	size_t len = s ? strlen(s) : 0;

	/* The length picks the form; each parser then checks every character. */
	if (len == 36) {
		end = parse_plain(s, 1, &g);
	} else if (len == 32) {
		end = parse_plain(s, 0, &g);
	} else if (len == 38 && ((s[0] == '{' && s[37] == '}') || (s[0] == '(' && s[37] == ')'))) {
		end = parse_plain(s + 1, 1, &g);
		if (end)
			end++; /* the closing brace, checked above */
	} else if (len > 2 && s[0] == '{' && s[1] == '0') {
		end = parse_x(s + 1, &g);
	}
	if (!end || *end != '\0') {
		if (why)
			*why = expected_guid;
		return -1;
	}
	*out = g;
	return 0;
}

/* n hex digits of v at p; returns the end. */
static char *put_hex(char *p, uint32_t v, int n, const char *digits)
{
	for (int i = n - 1; i >= 0; i--)
		*p++ = digits[(v >> (4 * i)) & 0xf];
	return p;
}

char *hvt_guid_format(const hvt_guid *g, int flags, char *buf)
{
	const char *digits = (flags & HVT_GUID_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = buf;
	if (flags & HVT_GUID_BRACES)
		*p++ = '{';
	p = put_hex(p, g->data1, 8, digits);
	*p++ = '-';
	p = put_hex(p, g->data2, 4, digits);
	*p++ = '-';
	p = put_hex(p, g->data3, 4, digits);
	for (int i = 0; i < 8; i++) {
		if (i == 0 || i == 2)
			*p++ = '-';
		p = put_hex(p, g->data4[i], 2, digits);
	}
	if (flags & HVT_GUID_BRACES)
		*p++ = '}';
	*p = '\0';
	return buf;
}

int hvt_guid_equal(const hvt_guid *a, const hvt_guid *b)
{
	return a->data1 == b->data1 && a->data2 == b->data2 && a->data3 == b->data3 &&
	       memcmp(a->data4, b->data4, sizeof a->data4) == 0;
}

/* Data1-3 stored with the given byte order; Data4 is always as written. */
static void to_bytes(const hvt_guid *g, uint8_t out[16], int little)
{
	uint8_t d1[4] = { (uint8_t)(g->data1 >> 24), (uint8_t)(g->data1 >> 16),
			  (uint8_t)(g->data1 >> 8), (uint8_t)g->data1 };
	uint8_t d2[2] = { (uint8_t)(g->data2 >> 8), (uint8_t)g->data2 };
	uint8_t d3[2] = { (uint8_t)(g->data3 >> 8), (uint8_t)g->data3 };
	for (int i = 0; i < 4; i++)
		out[i] = d1[little ? 3 - i : i];
	for (int i = 0; i < 2; i++) {
		out[4 + i] = d2[little ? 1 - i : i];
		out[6 + i] = d3[little ? 1 - i : i];
	}
	memcpy(out + 8, g->data4, 8);
}

static void from_bytes(const uint8_t in[16], hvt_guid *g, int little)
{
	if (little) {
		g->data1 = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
			   (uint32_t)in[3] << 24;
		g->data2 = (uint16_t)(in[4] | in[5] << 8);
		g->data3 = (uint16_t)(in[6] | in[7] << 8);
	} else {
		g->data1 = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 |
			   (uint32_t)in[3];
		g->data2 = (uint16_t)(in[4] << 8 | in[5]);
		g->data3 = (uint16_t)(in[6] << 8 | in[7]);
	}
	memcpy(g->data4, in + 8, 8);
}

void hvt_guid_to_win(const hvt_guid *g, uint8_t out[16])
{
	to_bytes(g, out, 1);
}
void hvt_guid_from_win(const uint8_t in[16], hvt_guid *g)
{
	from_bytes(in, g, 1);
}
void hvt_guid_to_rfc(const hvt_guid *g, uint8_t out[16])
{
	to_bytes(g, out, 0);
}
void hvt_guid_from_rfc(const uint8_t in[16], hvt_guid *g)
{
	from_bytes(in, g, 0);
}

int hvt_guid_random(hvt_guid *g)
{
	uint8_t b[16];
	int rc = hvt_platform_random(b, sizeof b);
	if (rc != 0)
		return -1;
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant RFC 4122 */
	hvt_guid_from_rfc(b, g);
	return 0;
}

/* The first entry for a GUID is its canonical name. */
static const struct {
	const char *name;
	const hvt_guid *guid;
} names[] = {
	{ "wildcard", &HVT_GUID_ZERO },
	{ "zero", &HVT_GUID_ZERO },
	{ "any", &HVT_GUID_ZERO },
	{ "broadcast", &HVT_GUID_BROADCAST },
	{ "children", &HVT_GUID_CHILDREN },
	{ "loopback", &HVT_GUID_LOOPBACK },
	{ "parent", &HVT_GUID_PARENT },
	{ "silohost", &HVT_GUID_SILOHOST },
	{ "vsock-template", &HVT_GUID_VSOCK_TEMPLATE },
};

const hvt_guid *hvt_guid_by_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (hvt_ci_cmp(name, names[i].name) == 0)
			return names[i].guid;
	return NULL;
}

const char *hvt_guid_name(const hvt_guid *g)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (hvt_guid_equal(g, names[i].guid))
			return names[i].name;
	return NULL;
}

void hvt_guid_from_port(uint32_t port, hvt_guid *g)
{
	*g = HVT_GUID_VSOCK_TEMPLATE;
	g->data1 = port;
}

int hvt_guid_to_port(const hvt_guid *g, uint32_t *port)
{
	hvt_guid t = *g;
	t.data1 = 0;
	if (!hvt_guid_equal(&t, &HVT_GUID_VSOCK_TEMPLATE))
		return -1;
	*port = g->data1;
	return 0;
}
