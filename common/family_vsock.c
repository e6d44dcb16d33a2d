/* vsock:CID:PORT (vsock:PORT when listening): AF_VSOCK, what a Linux guest of Hyper-V (hv_sock),
 * KVM (vhost-vsock) or QEMU's vsock_loopback speaks. Linux only: Windows reaches Linux guests
 * through hv: and the vsock port template. */
#include "family.h"

#include <stdio.h>
#include <string.h>

#include "sockaddr.h"
#include "strutil.h"
#include "vsockdiag.h"

/* A number, any, or the name of CID 0, 1 or 2. */
static int parse_cid(const char *p, size_t n, uint32_t *cid)
{
	static const char *const names[] = { "hypervisor", "local", "host" };
	uint64_t v;
	for (uint32_t i = 0; i < 3; i++) {
		if (hvt_ci_eqn(p, n, names[i])) {
			*cid = i;
			return 0;
		}
	}
	if (hvt_ci_eqn(p, n, "any"))
		v = HVT_CID_ANY;
	else if (hvt_addr_num(p, n, 0, 0xFFFFFFFFu, 1, &v) < 0)
		return -1;
	*cid = (uint32_t)v;
	return 0;
}

/* Number, template GUID, or "any" when listening. */
static int parse_port(const struct hvt_addr_ctx *c, const char *p, size_t n, uint32_t *port)
{
	uint64_t v;
	hvt_guid g;
	if (c->listen && hvt_ci_eqn(p, n, "any")) {
		*port = HVT_PORT_ANY;
		return 0;
	}
	if (hvt_addr_num(p, n, 0, 0xFFFFFFFFu, 1, &v) == 0) {
		*port = (uint32_t)v;
	} else if (hvt_addr_guid(p, n, &g) == 0) {
		if (hvt_guid_to_port(&g, port) < 0)
			return hvt_addr_bad_part(
				c, "vsock port", p, n,
				"not a vsock template GUID (xxxxxxxx-facb-11e6-bd58-64006a7986d3)");
	} else {
		return hvt_addr_bad_part(c, "vsock port", p, n,
					 c->listen ? "expected a number " HVT_PORT_RANGE
						     ", any or a vsock template GUID"
						   : "expected a number " HVT_PORT_RANGE
						     " or a vsock template GUID");
	}
	if (*port > HVT_PORT_MAX)
		return hvt_addr_bad_part(c, "vsock port", p, n, HVT_PORT_LIMIT);
	return 0;
}

/* rest: CID:PORT, or PORT when listening. */
static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	const char *colon = strchr(rest, ':');
	const char *port = rest;
	a->cid = HVT_CID_ANY;
	if (colon) {
		if (parse_cid(rest, (size_t)(colon - rest), &a->cid) < 0)
			return hvt_addr_bad_part(c, "vsock CID", rest, (size_t)(colon - rest),
						 "expected a number " HVT_U32_RANGE
						 ", any, host, local or hypervisor");
		port = colon + 1;
	} else if (!c->listen) {
		return hvt_addr_bad_form(c, "expected vsock:CID:PORT");
	}
	return parse_port(c, port, strlen(port), &a->port);
}

/* Decimal digits, or 0x and hex digits. */
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

/* CID:PORT with two numbers. */
static int parse_bare(const struct hvt_addr_ctx *c, const char *s, struct hvt_addr *a, int *rc)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !looks_numeric(s, (size_t)(colon - s)) ||
	    !looks_numeric(colon + 1, strlen(colon + 1)))
		return 0;
	*rc = parse(c, s, a);
	return 1;
}

static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	char cid[16] = "any", port[16] = "any";
	if (a->cid != HVT_CID_ANY)
		snprintf(cid, sizeof cid, "%lu", (unsigned long)a->cid);
	if (a->port != HVT_PORT_ANY)
		snprintf(port, sizeof port, "%lu", (unsigned long)a->port);
	snprintf(buf, len, "vsock:%s:%s", cid, port);
}

static int env(const struct hvt_addr *local, const struct hvt_addr *peer, struct hvt_env *e)
{
	int n = 0;
	if (peer) {
		n = hvt_env_set(e, n, "VSOCKREMOTECID", "%u", (unsigned)peer->cid);
		n = hvt_env_set(e, n, "VSOCKREMOTEPORT", "%u", (unsigned)peer->port);
	}
	return local ? hvt_env_set(e, n, "VSOCKLOCALPORT", "%u", (unsigned)local->port) : n;
}

/* What vsock errors mean (af_vsock.c, hv_sock.c; ../shared/reference/hvsocket.md section 6). */
static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_TIMEDOUT] =
		"no answer: under Hyper-V (hv_sock) a connect to a port nobody listens on times "
		"out instead of being refused; is something listening, and is the service "
		"registered on the host (hvreg add)?",
	[HVT_E_RESET] =
		"nothing is listening on that vsock port (vsock reports a reset, not a refusal)",
	[HVT_E_ACCESS] =
		"vsock ports below 1024 need CAP_NET_BIND_SERVICE: run as root or use a port of "
		"1024 or more",
	[HVT_E_ADDRINUSE] = "another listener already holds that vsock port",
	[HVT_E_ADDRNOTAVAIL] =
		"that CID is not this machine's: listen on vsock:any:PORT (or vsock:PORT)",
	[HVT_E_NETUNREACH] =
		"no route to that CID: under Hyper-V a guest reaches only the host (CID 2), and "
		"vsock:local needs the vsock_loopback module",
	[HVT_E_NODEV] = "no vsock transport serves that CID (hv_sock in a Hyper-V guest, "
			"vmw_vsock_virtio_transport in a KVM guest, vsock_loopback for CID 1)",
	[HVT_E_AFNOSUPPORT] =
		"AF_VSOCK is not available here: in a Linux guest load the vsock transport "
		"(hv_sock under Hyper-V, vsock_loopback for local tests); on Windows use "
		"hv:VM:PORT",
};

static void listen_note(const struct hvt_addr *local, char *buf, size_t len)
{
	char text[HVT_CID_TEXT_MAX];
	uint32_t cid;
	(void)local;
	if (hvt_local_cid(&cid) == 0)
		snprintf(buf, len, " (%s)", hvt_vsock_cid_text(cid, text, sizeof text));
}

static int sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	struct sockaddr_vm vm;
	(void)passive;
	if (!HVT_HAVE_VSOCK)
		return HVT_EAFNOSUPPORT;
	memset(&vm, 0, sizeof vm);
	vm.svm_family = (unsigned short)HVT_AF_VSOCK;
	vm.svm_cid = a->cid;
	vm.svm_port = a->port;
	hvt_sockaddrs_add(out, &vm, sizeof vm, 0);
	return 0;
}

static int from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a)
{
	const struct sockaddr_vm *vm = (const struct sockaddr_vm *)(const void *)sa;
	if (!HVT_HAVE_VSOCK || sa->sa_family != HVT_AF_VSOCK || len < sizeof *vm)
		return 0;
	a->cid = vm->svm_cid;
	a->port = vm->svm_port;
	return 1;
}

static void sockopts(hvt_sock s, const struct hvt_addr *a, enum hvt_sock_stage st,
		     uint64_t timeout_ms)
{
	(void)a;
	if (st == HVT_STAGE_CONNECT && timeout_ms) {
		/* The kernel's own connect timeout (default 2 s) would cut -w short. */
		struct timeval tv;
		tv.tv_sec = (long)(timeout_ms / 1000);
		tv.tv_usec = (long)(timeout_ms % 1000) * 1000;
		hvt_sock_setopt(s, HVT_AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv, sizeof tv);
	}
}

/* A row per role: names, parsing and text, messages, sockets, the rest. */
// clang-format off
const struct hvt_family hvt_family_vsock = {
	.name = "vsock", .syntax = "vsock:CID:PORT", .proto = "VSOCK",
	.help = "AF_VSOCK (Linux); CID any, host, local or a number",
	.parse = parse, .parse_bare = parse_bare, .format = format,
	.env = env, .hints = hints, .listen_note = listen_note,
	.sockaddrs = sockaddrs, .from_sockaddr = from_sockaddr, .sockopts = sockopts,
};
// clang-format on
