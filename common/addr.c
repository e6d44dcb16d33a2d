/* Addresses: the scheme dispatch, the bare forms and the helpers the family modules parse
 * with (see addr.h, family.h). Messages follow one pattern:
 *   invalid address 'S': expected FORMS
 *   invalid PART 'P' in 'S': expected WHAT
 * Parts are handled as (pointer, length) slices of the input, so no input is too long to
 * report; a part is copied into a small buffer only once it is known to fit. */
#include "addr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "family.h"
#include "msg.h"
#include "parse.h"
#include "strutil.h"

static HVT_PRINTF(2, 3) int fail(const struct hvt_addr_ctx *c, const char *fmt, ...)
{
	if (c->err && c->errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int hvt_addr_bad_form(const struct hvt_addr_ctx *c, const char *expected)
{
	return fail(c, "invalid address '%s': %s", c->s, expected);
}

int hvt_addr_bad_part(const struct hvt_addr_ctx *c, const char *what, const char *p, size_t n,
		      const char *expected)
{
	int shown = n > 1000 ? 1000 : (int)n; /* the message is truncated to errlen anyway */
	return fail(c, "invalid %s '%.*s' in '%s': %s", what, shown, p, c->s, expected);
}

int hvt_addr_slice(char *buf, size_t size, const char *p, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int hvt_addr_num(const char *p, size_t n, uint64_t min, uint64_t max, int hex_ok, uint64_t *v)
{
	char buf[32];
	if (hvt_addr_slice(buf, sizeof buf, p, n) < 0)
		return -1;
	return hvt_parse_u64(buf, min, max, hex_ok, v, NULL);
}

int hvt_addr_guid(const char *p, size_t n, hvt_guid *g)
{
	char buf[128]; /* longer than any X form */
	if (hvt_addr_slice(buf, sizeof buf, p, n) < 0)
		return -1;
	return hvt_guid_parse(buf, g, NULL);
}

const struct hvt_family *hvt_family_find(const char *name, size_t n)
{
	for (size_t i = 0; hvt_families[i]; i++)
		if (hvt_ci_eqn(name, n, hvt_families[i]->name))
			return hvt_families[i];
	return NULL;
}

void hvt_families_help(FILE *f)
{
	for (size_t i = 0; hvt_families[i]; i++)
		fprintf(f, "  %-22s  %s\n", hvt_families[i]->syntax, hvt_families[i]->help);
}

/* "expected hv:VM:SERVICE, vsock:CID:PORT, tcp:HOST:PORT or unix:PATH" */
static int bad_any(const struct hvt_addr_ctx *c)
{
	char forms[512];
	size_t n = 0;
	for (size_t i = 0; hvt_families[i] && n < sizeof forms; i++) {
		const char *sep = i == 0 ? "" : hvt_families[i + 1] ? ", " : " or ";
		n += (size_t)snprintf(forms + n, sizeof forms - n, "%s%s", sep,
				      hvt_families[i]->syntax);
	}
	return fail(c, "invalid address '%s': expected %s", c->s, forms);
}

int hvt_addr_parse(const char *s, int flags, struct hvt_addr *out, char *err, size_t errlen)
{
	struct hvt_addr_ctx c = { s ? s : "", (flags & HVT_ADDR_LISTEN) != 0, err, errlen,
				  (flags & HVT_ADDR_LATER) != 0 };
	struct hvt_addr a;
	const char *colon = strchr(c.s, ':');
	const struct hvt_family *f = colon ? hvt_family_find(c.s, (size_t)(colon - c.s)) : NULL;
	int rc = -1;

	memset(&a, 0, sizeof a);
	if (f) {
		a.fam = f;
		rc = f->parse(&c, colon + 1, &a);
	} else {
		size_t i;
		for (i = 0; hvt_families[i]; i++) {
			a.fam = hvt_families[i];
			if (a.fam->parse_bare && a.fam->parse_bare(&c, c.s, &a, &rc))
				break;
		}
		if (!hvt_families[i])
			return bad_any(&c);
	}
	if (rc == 0)
		*out = a;
	return rc;
}

char *hvt_addr_format(const struct hvt_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (a->fam)
		a->fam->format(a, buf, len);
	else
		snprintf(buf, len, "unknown");
	return buf;
}

int hvt_addr_equal(const struct hvt_addr *a, const struct hvt_addr *b)
{
	char ta[HVT_ADDR_STRLEN], tb[HVT_ADDR_STRLEN];
	return a->fam == b->fam &&
	       strcmp(hvt_addr_format(a, ta, sizeof ta), hvt_addr_format(b, tb, sizeof tb)) == 0;
}
