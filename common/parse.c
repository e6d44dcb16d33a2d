/* Bounded numbers and durations from command-line text.
 * Hand-written (no strtoull/strtod): those skip whitespace, accept signs and depend on the
 * locale and on floating point. */
#include "parse.h"

#include <stddef.h>

static const char not_a_number[] = "not a number";
static const char too_large[] = "too large";
static const char too_small[] = "too small";
static const char not_a_duration[] = "expected a duration such as 5, 1.5s, 250ms or 2m";

static int set_why(const char **why, const char *phrase)
{
	if (why)
		*why = phrase;
	return -1;
}

static int digit(char c, int hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Digits of the given base at *sp into *v, advancing *sp. Returns the digit count, or -1 on
 * overflow (the digits are still consumed so the caller can tell garbage from overflow). */
static int digits(const char **sp, unsigned base, uint64_t *v)
{
	const char *s = *sp;
	uint64_t x = 0;
	int n = 0, over = 0;
	for (int d; (d = digit(*s, base == 16)) >= 0; s++, n++) {
		if (x > (UINT64_MAX - (uint64_t)d) / base)
			over = 1;
		else
			x = x * base + (uint64_t)d;
	}
	*sp = s;
	*v = x;
	return over ? -1 : n;
}

int hvt_parse_u64(const char *s, uint64_t min, uint64_t max, int hex_ok, uint64_t *out,
		  const char **why)
{
	unsigned base = 10;
	uint64_t v;
	if (!s)
		return set_why(why, not_a_number);
	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	int n = digits(&s, base, &v);
	if (n == 0 || *s != '\0')
		return set_why(why, not_a_number);
	if (n < 0 || v > max)
		return set_why(why, too_large);
	if (v < min)
		return set_why(why, too_small);
	*out = v;
	return 0;
}

/* floor(0.FRAC * unit) exactly, for FRAC the n digits at f: multiply the digit string by unit
 * from its last digit; the carry left over is the integer part of the product. */
static uint64_t fraction_ms(const char *f, int n, uint64_t unit)
{
	uint64_t carry = 0;
	for (int i = n - 1; i >= 0; i--)
		carry = ((uint64_t)(f[i] - '0') * unit + carry) / 10;
	return carry;
}

int hvt_parse_duration(const char *s, uint64_t max_ms, uint64_t *out_ms, const char **why)
{
	uint64_t whole, unit;
	const char *frac = NULL;
	int nfrac = 0, nonzero_frac = 0;
	if (!s)
		return set_why(why, not_a_duration);
	int n = digits(&s, 10, &whole);
	if (n == 0)
		return set_why(why, not_a_duration);
	if (*s == '.') {
		/* Only the fraction's digits are used, however many there are. */
		for (frac = ++s; *s >= '0' && *s <= '9'; s++, nfrac++)
			nonzero_frac |= *s != '0';
		if (nfrac == 0)
			return set_why(why, not_a_duration);
	}
	if (s[0] == '\0' || (s[0] == 's' && s[1] == '\0'))
		unit = 1000;
	else if (s[0] == 'm' && s[1] == 's' && s[2] == '\0')
		unit = 1;
	else if (s[0] == 'm' && s[1] == '\0')
		unit = 60000;
	else if (s[0] == 'h' && s[1] == '\0')
		unit = 3600000;
	else
		return set_why(why, not_a_duration);

	if (n < 0 || whole > UINT64_MAX / unit)
		return set_why(why, too_large);
	uint64_t ms = whole * unit;
	uint64_t part = nfrac ? fraction_ms(frac, nfrac, unit) : 0;
	if (ms > UINT64_MAX - part || ms + part > max_ms)
		return set_why(why, too_large);
	ms += part;
	if (ms == 0 && (whole != 0 || nonzero_frac))
		return set_why(why, too_small); /* non-zero but under a millisecond */
	*out_ms = ms;
	return 0;
}
