/* hv:VM:SERVICE (hv:SERVICE when listening): Hyper-V sockets, AF_HYPERV on Windows. VM is a
 * GUID, a well-known name or the name of a VM on this host (vms.h); SERVICE a GUID, vsock-N,
 * N or 0xN (a vsock port through the template). Windows only: a Linux guest reaches the host
 * with vsock:host:PORT. SOCKADDR_HV and the HVSOCKET_* options are the Windows SDK's
 * (hvsocket.h; ../shared/reference/hvsocket.md). */
#include "family.h"

#include <stdio.h>
#include <string.h>

#include "sockaddr.h"
#include "strutil.h"
#include "vms.h"
#include "wsl.h"

static const char vm_forms[] =
	"expected a GUID, a well-known name (wildcard, parent, loopback, children, silohost, "
	"broadcast) or a VM name";

/* Longest VM name looked up, in bytes (Hyper-V allows 100 characters). */
#define VM_NAME_MAX 512

/* GUID or well-known name. */
static int parse_vm(const char *p, size_t n, hvt_guid *g)
{
	char buf[32];
	if (hvt_addr_guid(p, n, g) == 0)
		return 0;
	if (hvt_addr_slice(buf, sizeof buf, p, n) < 0)
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

/* hv:NAME:...: the id of the VM with this name on this host (vms.h). A GUID or well-known
 * name always wins over a VM of that name. */
static int lookup_vm(const struct hvt_addr_ctx *c, const char *p, size_t n, hvt_guid *g)
{
	char name[VM_NAME_MAX], why[600];
	if (n == 0 || hvt_addr_slice(name, sizeof name, p, n) < 0)
		return hvt_addr_bad_part(c, "hv VM id", p, n, vm_forms);
	if (looks_like_guid(p, n)) {
		/* a mistyped GUID, not a name: say what a GUID looks like */
		const char *gwhy = "";
		hvt_guid_parse(name, g, &gwhy);
		return hvt_addr_bad_part(c, "hv VM id", p, n, gwhy);
	}
	int rc = hvt_vm_lookup(name, g, why, sizeof why);
	if (rc == HVT_VMS_OK)
		return 0;
	if (rc == HVT_VMS_AMBIGUOUS)
		return hvt_addr_bad_part(c, "hv VM id", p, n, why);
	char full[1400];
	snprintf(full, sizeof full, "%s; %s", vm_forms, why);
	return hvt_addr_bad_part(c, "hv VM id", p, n, full);
}

/* hv:wsl:...: the current user's WSL VM (wsl.h), looked up now. A listener may start before
 * WSL does: it waits for the VM (listener.h); so may a --to target, looked up at each
 * connect (sockaddrs). Only several candidates stop them. */
static int parse_wsl(const struct hvt_addr_ctx *c, struct hvt_addr *a)
{
	char why[1400], from[48];
	a->wsl = 1;
	int rc = hvt_wsl_vm_id(&a->vm, from, sizeof from, why, sizeof why);
	if (rc == HVT_WSL_OK || (rc == HVT_WSL_NONE && (c->listen || c->later)))
		return 0;
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "%s: %s", c->s, why);
	return rc == HVT_WSL_UNSUPPORTED ? -1 : HVT_ADDR_UNRESOLVED;
}

/* GUID, vsock-N, N or 0xN: 0, -1 when it is none of them, -2 for a port out of range. */
static int parse_service(const char *p, size_t n, hvt_guid *g)
{
	uint64_t port;
	if (hvt_addr_guid(p, n, g) == 0)
		return 0;
	if (n > 6 && hvt_ci_eqn(p, 6, "vsock-")) {
		p += 6;
		n -= 6;
	}
	if (hvt_addr_num(p, n, 0, 0xFFFFFFFFu, 1, &port) < 0)
		return -1;
	if (port > HVT_PORT_MAX)
		return -2;
	hvt_guid_from_port((uint32_t)port, g);
	return 0;
}

/* rest: VM:SERVICE, or SERVICE when listening. */
static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	const char *colon = strchr(rest, ':');
	const char *svc = rest;
	a->vm = HVT_GUID_ZERO;
	if (colon && hvt_ci_eqn(rest, (size_t)(colon - rest), "wsl")) {
		int rc = parse_wsl(c, a);
		if (rc < 0)
			return rc;
		svc = colon + 1;
	} else if (colon) {
		if (parse_vm(rest, (size_t)(colon - rest), &a->vm) < 0 &&
		    lookup_vm(c, rest, (size_t)(colon - rest), &a->vm) < 0)
			return -1;
		svc = colon + 1;
	} else if (!c->listen) {
		return hvt_addr_bad_form(c, "expected hv:VM:SERVICE");
	}
	int rc = parse_service(svc, strlen(svc), &a->service);
	if (rc < 0)
		return hvt_addr_bad_part(
			c, "hv service", svc, strlen(svc),
			rc == -2 ? HVT_PORT_LIMIT
				 : "expected a GUID, vsock-N or a port number " HVT_PORT_RANGE);
	return 0;
}

/* VM:SERVICE when VM is a GUID or a well-known name. */
static int parse_bare(const struct hvt_addr_ctx *c, const char *s, struct hvt_addr *a, int *rc)
{
	const char *colon = strrchr(s, ':');
	hvt_guid g;
	if (!colon || parse_vm(s, (size_t)(colon - s), &g) < 0)
		return 0;
	*rc = parse(c, s, a);
	return 1;
}

static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	char vm[HVT_GUID_STRLEN], svc[HVT_GUID_STRLEN];
	const char *name =
		a->wsl && hvt_guid_equal(&a->vm, &HVT_GUID_ZERO) ? "wsl" : hvt_guid_name(&a->vm);
	snprintf(buf, len, "hv:%s:%s", name ? name : hvt_guid_format(&a->vm, 0, vm),
		 hvt_guid_format(&a->service, 0, svc));
}

static int env(const struct hvt_addr *local, const struct hvt_addr *peer, struct hvt_env *e)
{
	char vm[HVT_GUID_STRLEN], svc[HVT_GUID_STRLEN];
	(void)local;
	if (!peer)
		return 0;
	hvt_env_set(e, 0, "HVREMOTEVMID", "%s", hvt_guid_format(&peer->vm, 0, vm));
	return hvt_env_set(e, 1, "HVREMOTESERVICEID", "%s",
			   hvt_guid_format(&peer->service, 0, svc));
}

/* What Winsock's errors mean on hvsockets (../shared/reference/hvsocket.md section 6). */
static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_TIMEDOUT] =
		"is the service registered on the host (hvreg add), the VM id right and the VM "
		"running, and is something listening? (WSL2 needs the exact VM id, not a "
		"wildcard listener)",
	[HVT_E_ACCESS] = "is the service registered on the host (hvreg add)? Binding a VM id needs "
			 "elevation, and another user's WSL VM is not yours to bind",
	[HVT_E_ADDRINUSE] =
		"another listener already holds this service (only one wildcard listener per "
		"service)",
	[HVT_E_ADDRNOTAVAIL] = "no VM with that id exists (yet)",
	[HVT_E_NETDOWN] = "the VM is starting or restarting: retry in a moment",
	[HVT_E_NETUNREACH] = "that VM is not running, or no VM has that id",
	[HVT_E_AFNOSUPPORT] =
		"Hyper-V sockets (AF_HYPERV) are not available on this system; from a Linux "
		"guest use vsock:host:PORT",
};

static int sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	SOCKADDR_HV hv;
	uint8_t b[16];
	hvt_guid vm = a->vm;
	if (!HVT_HAVE_HYPERV)
		return HVT_EAFNOSUPPORT;
	/* hv:wsl: connects to the WSL VM of now (hvnc -lk ... --to hv:wsl:P outlives WSL
	 * restarts); when it cannot be found, the id found at start fails as it will, and
	 * without one (WSL was not running then either) the lookup's reason is the error.
	 * Listeners follow it themselves (listener.h). Messages name the address as given at
	 * start. */
	char why[1400];
	if (a->wsl && !passive && hvt_wsl_vm_id(&vm, NULL, 0, why, sizeof why) != HVT_WSL_OK) {
		vm = a->vm;
		if (hvt_guid_equal(&vm, &HVT_GUID_ZERO)) {
			hvt_connected_said(HVT_EHOSTUNREACH, "%s", why);
			return HVT_EHOSTUNREACH;
		}
	}
	memset(&hv, 0, sizeof hv);
	hv.Family = (unsigned short)HVT_AF_HYPERV;
	hvt_guid_to_win(&vm, b);
	memcpy(&hv.VmId, b, 16);
	hvt_guid_to_win(&a->service, b);
	memcpy(&hv.ServiceId, b, 16);
	hvt_sockaddrs_add(out, &hv, sizeof hv, HV_PROTOCOL_RAW);
	return 0;
}

static int from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a)
{
	const SOCKADDR_HV *hv = (const SOCKADDR_HV *)(const void *)sa;
	uint8_t b[16];
	if (!HVT_HAVE_HYPERV || sa->sa_family != HVT_AF_HYPERV || len < sizeof *hv)
		return 0;
	memcpy(b, &hv->VmId, 16);
	hvt_guid_from_win(b, &a->vm);
	memcpy(b, &hv->ServiceId, 16);
	hvt_guid_from_win(b, &a->service);
	return 1;
}

/* A connect without -w: WSL's own timeout for its hvsockets (c_connectTimeoutMs). */
#define HV_CONNECT_DEFAULT_MS 30000u

static void sockopts(hvt_sock s, const struct hvt_addr *a, enum hvt_sock_stage st,
		     uint64_t timeout_ms)
{
	uint32_t one = 1; /* a ULONG */
	(void)a;
	if (st == HVT_STAGE_CONNECT) {
		/* Always set: without it, older builds could block a connect to a service nobody
		 * listens on yet for a very long time. WSL sets 30 s on every hvsocket it connects
		 * (microsoft/WSL src/windows/common/hvsocket.hpp, c_connectTimeoutMs); untested
		 * here. The stack's own timeout must not cut -w short either: 300 s is its
		 * maximum, and a longer -w connects again (common/net.c). */
		uint32_t ms = !timeout_ms ? HV_CONNECT_DEFAULT_MS
			      : timeout_ms > HVSOCKET_CONNECT_TIMEOUT_MAX
				      ? HVSOCKET_CONNECT_TIMEOUT_MAX
				      : (uint32_t)timeout_ms;
		hvt_sock_setopt(s, HV_PROTOCOL_RAW, HVSOCKET_CONNECT_TIMEOUT, &ms, sizeof ms);
	}
	/* A paused VM keeps its connections (HVSOCKET_CONNECTED_SUSPEND). */
	hvt_sock_setopt(s, HV_PROTOCOL_RAW, HVSOCKET_CONNECTED_SUSPEND, &one, sizeof one);
}

/* A row per role: names, parsing and text, messages, sockets, the rest. */
// clang-format off
const struct hvt_family hvt_family_hv = {
	.name = "hv", .syntax = "hv:VM:SERVICE", .proto = "HV",
	.help = "Hyper-V socket (Windows); VM by id or name",
	.parse = parse, .parse_bare = parse_bare, .format = format,
	.env = env, .hints = hints,
	.sockaddrs = sockaddrs, .from_sockaddr = from_sockaddr, .sockopts = sockopts,
	.connect_max_ms = HVSOCKET_CONNECT_TIMEOUT_MAX,
};
// clang-format on
