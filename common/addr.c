/* The shared address grammar (see addr.h). Messages follow one pattern:
 *   invalid address 'S': expected FORMS
 *   invalid PART 'P' in 'S': expected WHAT
 * Parts are handled as (pointer, length) slices of the input, so no input is too long to
 * report; a part is copied into a small buffer only once it is known to fit. */
#include "addr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "parse.h"
#include "vms.h"

#define U32_RANGE "0-4294967295"

static const char any_forms[] =
	"expected hv:VM:SERVICE, vsock:CID:PORT, tcp:HOST:PORT or unix:PATH";
static const char vm_forms[] =
	"expected a GUID, a well-known name (wildcard, parent, loopback, children, silohost, "
	"broadcast) or a VM name";

/* Longest VM name looked up, in bytes (Hyper-V allows 100 characters). */
#define VM_NAME_MAX 512

struct ctx {
	const char *s; /* the whole input, for messages */
	int listen;
	char *err;
	size_t errlen;
};

static HVT_PRINTF(2, 3) int fail(const struct ctx *c, const char *fmt, ...)
{
	if (c->err && c->errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int bad_form(const struct ctx *c, const char *expected)
{
	return fail(c, "invalid address '%s': %s", c->s, expected);
}

static int bad_part(const struct ctx *c, const char *what, const char *p, size_t n,
		    const char *expected)
{
	int shown = n > 1000 ? 1000 : (int)n; /* the message is truncated to errlen anyway */
	return fail(c, "invalid %s '%.*s' in '%s': %s", what, shown, p, c->s, expected);
}

/* p[0..n) equals the lower-case literal lit, ignoring ASCII case. */
static int ieq(const char *p, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != lit[i])
			return 0;
	}
	return 1;
}

/* Copies p[0..n) as a string into buf; -1 when it does not fit (then it is invalid anyway). */
static int slice(char *buf, size_t size, const char *p, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

static int parse_num(const char *p, size_t n, uint64_t min, uint64_t max, int hex_ok, uint64_t *v)
{
	char buf[32];
	if (slice(buf, sizeof buf, p, n) < 0)
		return -1;
	return hvt_parse_u64(buf, min, max, hex_ok, v, NULL);
}

/* Decimal digits, or 0x and hex digits: what a CID or port looks like without a scheme. */
static int looks_numeric(const char *p, size_t n)
{
	size_t i = 0;
	int hex = n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (hex)
		i = 2;
	if (i == n)
		return 0;
	for (; i < n; i++) {
		char ch = p[i];
		int ok = (ch >= '0' && ch <= '9') ||
			 (hex && ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')));
		if (!ok)
			return 0;
	}
	return 1;
}

static int parse_guid(const char *p, size_t n, hvt_guid *g)
{
	char buf[128]; /* longer than any X form */
	if (slice(buf, sizeof buf, p, n) < 0)
		return -1;
	return hvt_guid_parse(buf, g, NULL);
}

/* GUID or well-known name. */
static int parse_vm(const char *p, size_t n, hvt_guid *g)
{
	char buf[32];
	if (parse_guid(p, n, g) == 0)
		return 0;
	if (slice(buf, sizeof buf, p, n) < 0)
		return -1;
	const hvt_guid *known = hvt_guid_by_name(buf);
	if (!known)
		return -1;
	*g = *known;
	return 0;
}

/* Only GUID characters (hex digits, '-', braces, parentheses, ",x" of the X form) and long
 * enough to be one: a mistyped GUID rather than a VM name. */
static int looks_like_guid(const char *p, size_t n)
{
	if (n < 20)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F') || strchr("-{}(),xX", ch)))
			return 0;
	}
	return 1;
}

/* hv:NAME:...: the id of the VM with this name on this host (vms.h). Only hv: addresses
 * look names up; a GUID or well-known name always wins over a VM of that name. */
static int lookup_vm(const struct ctx *c, const char *p, size_t n, hvt_guid *g)
{
	char name[VM_NAME_MAX], why[600];
	if (n == 0 || slice(name, sizeof name, p, n) < 0)
		return bad_part(c, "hv VM id", p, n, vm_forms);
	if (looks_like_guid(p, n)) {
		/* a mistyped GUID, not a name: say what a GUID looks like */
		const char *gwhy = "";
		hvt_guid_parse(name, g, &gwhy);
		return bad_part(c, "hv VM id", p, n, gwhy);
	}
	int rc = hvt_vm_lookup(name, g, why, sizeof why);
	if (rc == HVT_VMS_OK)
		return 0;
	if (rc == HVT_VMS_AMBIGUOUS)
		return bad_part(c, "hv VM id", p, n, why);
	return fail(c, "invalid hv VM id '%s' in '%s': %s; %s", name, c->s, vm_forms, why);
}

/* GUID, vsock-N, N or 0xN. */
static int parse_service(const char *p, size_t n, hvt_guid *g)
{
	uint64_t port;
	if (parse_guid(p, n, g) == 0)
		return 0;
	if (n > 6 && ieq(p, 6, "vsock-")) {
		p += 6;
		n -= 6;
	}
	if (parse_num(p, n, 0, 0xFFFFFFFFu, 1, &port) < 0)
		return -1;
	hvt_guid_from_port((uint32_t)port, g);
	return 0;
}

/* rest: VM:SERVICE, or SERVICE when listening. */
static int parse_hv(const struct ctx *c, const char *rest, struct hvt_addr *a)
{
	const char *colon = strchr(rest, ':');
	const char *svc = rest;
	a->family = HVT_HV;
	a->vm = HVT_GUID_ZERO;
	if (colon) {
		if (parse_vm(rest, (size_t)(colon - rest), &a->vm) < 0 &&
		    lookup_vm(c, rest, (size_t)(colon - rest), &a->vm) < 0)
			return -1;
		svc = colon + 1;
	} else if (!c->listen) {
		return bad_form(c, "expected hv:VM:SERVICE");
	}
	if (parse_service(svc, strlen(svc), &a->service) < 0)
		return bad_part(c, "hv service", svc, strlen(svc),
				"expected a GUID, vsock-N or a port number " U32_RANGE);
	return 0;
}

static int parse_cid(const char *p, size_t n, uint32_t *cid)
{
	static const struct {
		const char *name;
		uint32_t cid;
	} names[] = { { "any", HVT_CID_ANY },
		      { "hypervisor", HVT_CID_HYPERVISOR },
		      { "local", HVT_CID_LOCAL },
		      { "host", HVT_CID_HOST } };
	uint64_t v;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (ieq(p, n, names[i].name)) {
			*cid = names[i].cid;
			return 0;
		}
	}
	if (parse_num(p, n, 0, 0xFFFFFFFFu, 1, &v) < 0)
		return -1;
	*cid = (uint32_t)v;
	return 0;
}

/* Number, template GUID, or "any" when listening. */
static int parse_vsock_port(const struct ctx *c, const char *p, size_t n, uint32_t *port)
{
	uint64_t v;
	hvt_guid g;
	if (c->listen && ieq(p, n, "any")) {
		*port = HVT_PORT_ANY;
		return 0;
	}
	if (parse_num(p, n, 0, 0xFFFFFFFFu, 1, &v) == 0) {
		*port = (uint32_t)v;
		return 0;
	}
	if (parse_guid(p, n, &g) == 0) {
		if (hvt_guid_to_port(&g, port) == 0)
			return 0;
		return bad_part(c, "vsock port", p, n,
				"not a vsock template GUID (xxxxxxxx-facb-11e6-bd58-64006a7986d3)");
	}
	return bad_part(c, "vsock port", p, n,
			c->listen ? "expected a number " U32_RANGE ", any or a vsock template GUID"
				  : "expected a number " U32_RANGE " or a vsock template GUID");
}

/* rest: CID:PORT, or PORT when listening. */
static int parse_vsock(const struct ctx *c, const char *rest, struct hvt_addr *a)
{
	const char *colon = strchr(rest, ':');
	const char *port = rest;
	a->family = HVT_VSOCK;
	a->cid = HVT_CID_ANY;
	if (colon) {
		if (parse_cid(rest, (size_t)(colon - rest), &a->cid) < 0)
			return bad_part(c, "vsock CID", rest, (size_t)(colon - rest),
					"expected a number " U32_RANGE
					", any, host, local or hypervisor");
		port = colon + 1;
	} else if (!c->listen) {
		return bad_form(c, "expected vsock:CID:PORT");
	}
	return parse_vsock_port(c, port, strlen(port), &a->port);
}

static int host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_';
}

/* A name or IPv4 address, or (v6) the inside of [...]: hex digits, ':' and '.', then an
 * optional %zone. Name resolution checks the rest. */
static int valid_host(const char *p, size_t n, int v6)
{
	size_t i = 0;
	if (n == 0 || n >= HVT_HOST_MAX)
		return 0;
	if (v6) {
		int colons = 0;
		for (; i < n && p[i] != '%'; i++) {
			char ch = p[i];
			if (ch == ':')
				colons++;
			else if (!(ch == '.' || (ch >= '0' && ch <= '9') ||
				   (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
				return 0;
		}
		if (colons < 2) /* the shortest IPv6 address is "::" */
			return 0;
		if (i < n && ++i == n) /* '%' without a zone */
			return 0;
	}
	for (; i < n; i++)
		if (!host_char(p[i]))
			return 0;
	return 1;
}

/* rest: HOST:PORT, [V6]:PORT, or PORT when listening. */
static int parse_tcp(const struct ctx *c, const char *rest, struct hvt_addr *a)
{
	static const char bad_host[] = "expected a host name, an IPv4 address or [IPv6]";
	const char *form =
		c->listen ? "expected tcp:HOST:PORT or tcp:PORT" : "expected tcp:HOST:PORT";
	const char *host = rest, *port;
	size_t hostlen = 0;
	int v6 = 0, has_host = 1;
	uint64_t v;
	a->family = HVT_TCP;
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');
		if (!close)
			return bad_part(c, "tcp host", rest, strlen(rest), bad_host);
		if (close[1] != ':')
			return bad_form(c, form);
		host = rest + 1;
		hostlen = (size_t)(close - host);
		port = close + 2;
		v6 = 1;
	} else {
		const char *colon = strrchr(rest, ':');
		if (colon) {
			hostlen = (size_t)(colon - rest);
			port = colon + 1;
		} else if (c->listen) {
			has_host = 0;
			port = rest;
		} else {
			return bad_form(c, form);
		}
	}
	if (has_host && !valid_host(host, hostlen, v6))
		return bad_part(c, "tcp host", v6 ? host - 1 : host, v6 ? hostlen + 2 : hostlen,
				bad_host);
	if (parse_num(port, strlen(port), c->listen ? 0 : 1, 65535, 0, &v) < 0)
		return bad_part(c, "tcp port", port, strlen(port),
				c->listen ? "expected a number 0-65535"
					  : "expected a number 1-65535");
	memcpy(a->host, host, hostlen);
	a->host[hostlen] = '\0';
	a->port = (uint32_t)v;
	return 0;
}

/* rest: PATH, or @NAME for the abstract namespace. */
static int parse_unix(const struct ctx *c, const char *rest, struct hvt_addr *a)
{
	size_t n;
	a->family = HVT_UNIX;
	a->abstract = rest[0] == '@';
	rest += a->abstract;
	n = strlen(rest);
	if (n == 0 || n >= HVT_PATH_MAX)
		return bad_part(c, a->abstract ? "unix abstract name" : "unix path", rest, n,
				a->abstract ? "expected a name of 1-107 bytes"
					    : "expected a path of 1-107 bytes");
	memcpy(a->path, rest, n + 1);
	return 0;
}

/* No scheme: VM:SERVICE when the first part is a GUID or well-known name, CID:PORT when both
 * parts are numbers. */
static int parse_bare(const struct ctx *c, struct hvt_addr *a)
{
	const char *colon = strrchr(c->s, ':');
	hvt_guid g;
	if (colon) {
		size_t n = (size_t)(colon - c->s);
		if (parse_vm(c->s, n, &g) == 0)
			return parse_hv(c, c->s, a);
		if (looks_numeric(c->s, n) && looks_numeric(colon + 1, strlen(colon + 1)))
			return parse_vsock(c, c->s, a);
	}
	return bad_form(c, any_forms);
}

int hvt_addr_parse(const char *s, int flags, struct hvt_addr *out, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		int (*parse)(const struct ctx *, const char *, struct hvt_addr *);
	} schemes[] = { { "hv", parse_hv },
			{ "vsock", parse_vsock },
			{ "tcp", parse_tcp },
			{ "unix", parse_unix } };
	struct ctx c = { s ? s : "", (flags & HVT_ADDR_LISTEN) != 0, err, errlen };
	struct hvt_addr a;
	const char *colon = strchr(c.s, ':');
	int rc = -1, found = 0;

	memset(&a, 0, sizeof a);
	for (size_t i = 0; colon && i < sizeof schemes / sizeof schemes[0]; i++) {
		if (ieq(c.s, (size_t)(colon - c.s), schemes[i].name)) {
			rc = schemes[i].parse(&c, colon + 1, &a);
			found = 1;
			break;
		}
	}
	if (!found)
		rc = parse_bare(&c, &a);
	if (rc == 0)
		*out = a;
	return rc;
}

char *hvt_addr_format(const struct hvt_addr *a, char *buf, size_t len)
{
	char vm[HVT_GUID_STRLEN], svc[HVT_GUID_STRLEN];
	const char *name;
	if (len == 0)
		return buf;
	switch (a->family) {
	case HVT_HV:
		name = hvt_guid_name(&a->vm);
		snprintf(buf, len, "hv:%s:%s", name ? name : hvt_guid_format(&a->vm, 0, vm),
			 hvt_guid_format(&a->service, 0, svc));
		break;
	case HVT_VSOCK:
		if (a->cid == HVT_CID_ANY)
			snprintf(buf, len, "vsock:any:%lu", (unsigned long)a->port);
		else
			snprintf(buf, len, "vsock:%lu:%lu", (unsigned long)a->cid,
				 (unsigned long)a->port);
		break;
	case HVT_TCP:
		if (a->host[0] == '\0')
			snprintf(buf, len, "tcp:%lu", (unsigned long)a->port);
		else if (strchr(a->host, ':'))
			snprintf(buf, len, "tcp:[%s]:%lu", a->host, (unsigned long)a->port);
		else
			snprintf(buf, len, "tcp:%s:%lu", a->host, (unsigned long)a->port);
		break;
	case HVT_UNIX: snprintf(buf, len, "unix:%s%s", a->abstract ? "@" : "", a->path); break;
	default: snprintf(buf, len, "unknown"); break;
	}
	return buf;
}

const char *hvt_family_name(enum hvt_family f)
{
	switch (f) {
	case HVT_HV: return "hv";
	case HVT_VSOCK: return "vsock";
	case HVT_TCP: return "tcp";
	case HVT_UNIX: return "unix";
	}
	return "unknown";
}
