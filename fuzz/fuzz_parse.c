/* hvt_parse_u64 and hvt_parse_duration against independent references (128-bit arithmetic):
 * the same inputs are accepted, with the same value and the same reason when refused.
 * Input: 1 byte of flags, 8 + 8 bytes of bounds, then the text. */
#include "fuzz.h"

#include "parse.h"

typedef unsigned __int128 u128;

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Returns 0 with *v, or the reason. */
static const char *ref_u64(const char *s, uint64_t min, uint64_t max, int hex_ok, uint64_t *v)
{
	unsigned base = 10;
	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return "not a number";
	u128 x = 0;
	int over = 0;
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return "not a number";
		if (!over) {
			x = x * base + (unsigned)d;
			if (x > UINT64_MAX)
				over = 1;
		}
	}
	if (over || x > max)
		return "too large";
	if (x < min)
		return "too small";
	*v = (uint64_t)x;
	return NULL;
}

static const char not_dur[] = "expected a duration such as 5, 1.5s, 250ms or 2m";

/* floor((W + 0.F) * unit) where F may be any number of digits: the first 18 digits give the
 * value exactly up to an error below unit * 1e-18 < 1, so the true floor is ref or ref + 1,
 * and ref + 1 only when a digit after the 18th is not zero. */
static const char *ref_duration(const char *s, uint64_t max_ms, uint64_t *ms, int *maybe_plus1)
{
	u128 whole = 0;
	int nwhole = 0, over = 0;
	*maybe_plus1 = 0;
	for (; *s >= '0' && *s <= '9'; s++, nwhole++) {
		if (!over) {
			whole = whole * 10 + (unsigned)(*s - '0');
			if (whole > UINT64_MAX)
				over = 1;
		}
	}
	if (nwhole == 0)
		return not_dur;
	uint64_t frac = 0, scale = 1;
	int nfrac = 0, nonzero = 0, tail_nonzero = 0;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			nonzero |= *s != '0';
			if (nfrac < 18) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			} else {
				tail_nonzero |= *s != '0';
			}
		}
		if (nfrac == 0)
			return not_dur;
	}
	uint64_t unit;
	if (strcmp(s, "") == 0 || strcmp(s, "s") == 0)
		unit = 1000;
	else if (strcmp(s, "ms") == 0)
		unit = 1;
	else if (strcmp(s, "m") == 0)
		unit = 60000;
	else if (strcmp(s, "h") == 0)
		unit = 3600000;
	else
		return not_dur;
	if (over)
		return "too large";
	u128 part = (u128)frac * unit / scale;
	u128 total = whole * unit + part;
	*maybe_plus1 = tail_nonzero;
	*ms = total > UINT64_MAX ? UINT64_MAX : (uint64_t)total;
	if (total > max_ms)
		return "too large";
	if (total == 0 && (whole != 0 || nonzero))
		return "too small";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 17)
		return 0;
	uint8_t flags = data[0];
	uint64_t a = get64(data + 1), b = get64(data + 9);
	/* Mostly small bounds (the ones tools use), sometimes anything. */
	if (flags & 0x80) {
		a &= 0xFFFF;
		b = (flags & 0x40) ? 65535 : 0xFFFFFFFFu;
	}
	uint64_t min = a < b ? a : b, max = a < b ? b : a;
	int hex_ok = flags & 1;
	char *s = fuzz_cstr(data + 17, size - 17);

	uint64_t v = 12345, rv = 0;
	const char *why = NULL;
	int rc = hvt_parse_u64(s, min, max, hex_ok, &v, &why);
	const char *want = ref_u64(s, min, max, hex_ok, &rv);
	if (want) {
		CHECK(rc == -1 && why && strcmp(why, want) == 0 && v == 12345,
		      "u64 '%s' [%llu,%llu] hex %d: rc %d why '%s', reference '%s'", s,
		      (unsigned long long)min, (unsigned long long)max, hex_ok, rc, why ? why : "",
		      want);
	} else {
		CHECK(rc == 0 && v == rv,
		      "u64 '%s' [%llu,%llu] hex %d: rc %d value %llu, reference %llu", s,
		      (unsigned long long)min, (unsigned long long)max, hex_ok, rc,
		      (unsigned long long)v, (unsigned long long)rv);
	}
	/* NULL why is allowed. */
	CHECK(hvt_parse_u64(s, min, max, hex_ok, &v, NULL) == rc, "result depends on why");

	uint64_t max_ms = (flags & 2) ? max : 86400000u;
	uint64_t ms = 777, rms = 0;
	int plus1 = 0;
	why = NULL;
	rc = hvt_parse_duration(s, max_ms, &ms, &why);
	want = ref_duration(s, max_ms, &rms, &plus1);
	if (plus1 && want != not_dur) {
		/* Digits past the 18th decide between rms and rms + 1 (rms is set here even when
		 * the reference refuses it). */
		u128 lo = rms, hi = (u128)rms + 1;
		if (rc == 0)
			CHECK(ms >= lo && ms <= hi && ms <= max_ms && ms > 0, "duration '%s': %llu",
			      s, (unsigned long long)ms);
		else
			CHECK(why && ((strcmp(why, "too large") == 0 && hi > max_ms) ||
				      (strcmp(why, "too small") == 0 && lo == 0)),
			      "duration '%s' (max %llu): refused: %s", s,
			      (unsigned long long)max_ms, why ? why : "");
	} else if (want) {
		CHECK(rc == -1 && why && strcmp(why, want) == 0 && ms == 777,
		      "duration '%s' (max %llu): rc %d why '%s', reference '%s'", s,
		      (unsigned long long)max_ms, rc, why ? why : "", want);
	} else {
		CHECK(rc == 0 && ms == rms,
		      "duration '%s' (max %llu): rc %d value %llu, reference %llu", s,
		      (unsigned long long)max_ms, rc, (unsigned long long)ms,
		      (unsigned long long)rms);
	}
	free(s);
	return 0;
}
