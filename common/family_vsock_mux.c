/* vsock-mux:PATH:PORT: "hybrid vsock" of Firecracker and Cloud Hypervisor (systemd calls it
 * vsock-mux). The VMM exposes the guest's vsock as the unix socket PATH. To reach guest port
 * PORT, connect to PATH and send "CONNECT PORT\n"; the VMM answers "OK HOSTPORT\n" and the rest
 * is the guest's stream; with no guest listener it closes the socket without a word. A guest
 * connecting to host port PORT reaches the unix socket PATH_PORT, which is where a listener
 * goes. Sources: Firecracker docs/vsock.md, Cloud Hypervisor docs/vsock.md
 * (../shared/reference/jobs-in-the-wild.md section 4); untested against either VMM here (not
 * in Debian 12): tests/e2e/vsock_mux.sh plays the VMM as documented. */
#include "family.h"

#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "sockaddr.h"
#include "sys.h"

#define OK_WAIT_MS 5000u /* for the OK line when -w is not given (systemd waits 5 s too) */
/* The VMMs read a command line of at most 32 bytes; an answer is held to the same limit
 * ("OK 4294967295\n" is 14). */
#define LINE_MAX   32u

/* PATH_PORT, the unix socket a guest-initiated connection arrives at. */
static int listen_path(const struct hvt_addr *a, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s_%lu", a->path, (unsigned long)a->port);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* rest: PATH:PORT, split at the last colon (a path may hold colons). */
static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	const char *colon = strrchr(rest, ':');
	char buf[HVT_PATH_MAX];
	uint64_t v;
	if (!colon)
		return hvt_addr_bad_form(c, "expected vsock-mux:PATH:PORT");
	size_t n = (size_t)(colon - rest);
	if (n == 0 || hvt_addr_slice(a->path, sizeof a->path, rest, n) < 0)
		return hvt_addr_bad_part(c, "vsock-mux path", rest, n,
					 "expected the VMM's unix socket, a path of 1-107 bytes");
	if (hvt_addr_num(colon + 1, strlen(colon + 1), 0, HVT_PORT_MAX, 1, &v) < 0)
		return hvt_addr_bad_part(c, "vsock-mux port", colon + 1, strlen(colon + 1),
					 "expected a guest port number " HVT_PORT_RANGE);
	a->port = (uint32_t)v;
	if (c->listen && listen_path(a, buf, sizeof buf) < 0)
		return hvt_addr_bad_part(c, "vsock-mux path", rest, n,
					 "too long to listen on: PATH_PORT must fit in 107 bytes");
	return 0;
}

static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "vsock-mux:%s:%lu", a->path, (unsigned long)a->port);
}

static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_REFUSED] =
		"nothing listens on that guest port yet, the VMM refused the CONNECT (it closes "
		"without a word), or no VMM serves PATH; --retry DURATION waits for the guest",
	[HVT_E_TIMEDOUT] =
		"no whole answer ('OK PORT' and a newline) to the CONNECT line in time: is PATH "
		"a Firecracker or Cloud Hypervisor vsock socket?",
	/* PATH missing or not a socket (sockaddrs), an answer that is not OK (connected) */
	[HVT_E_OTHER] = "PATH must be the VMM's hybrid vsock socket (Firecracker: uds_path, Cloud "
			"Hypervisor: --vsock socket=)",
};

static int sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	struct hvt_addr u = *a;
	u.fam = &hvt_family_unix;
	u.abstract = 0;
	if (passive && listen_path(a, u.path, sizeof u.path) < 0)
		return HVT_ENAMETOOLONG;
	/* connect() on a missing path or a file that is no socket says ENOENT or "refused"; say
	 * which, since "refused" means "no guest listener" here. */
	if (!passive && hvt_path_kind(a->path) != HVT_PATH_SOCKET)
		return hvt_path_kind(a->path) == HVT_PATH_NONE ? HVT_ENOENT : HVT_ENOTSOCK;
	return hvt_addr_sockaddrs(&u, passive, out);
}

static int bind_file(hvt_sock s, const struct sockaddr *sa, size_t len, const struct hvt_addr *a)
{
	char path[HVT_PATH_MAX];
	if (listen_path(a, path, sizeof path) < 0)
		return HVT_ENAMETOOLONG;
	return hvt_unix_bind(s, sa, len, path);
}

static void unlisten(const struct hvt_addr *a)
{
	char path[HVT_PATH_MAX];
	if (listen_path(a, path, sizeof path) == 0)
		hvt_unix_unlink(path);
}

/* The answer as one printable line for a message: other bytes as \xHH. */
static void shown(const char *line, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		o += (size_t)snprintf(buf + o, len - o, ch >= 0x20 && ch < 0x7f ? "%c" : "\\x%02x",
				      ch);
	}
	buf[o] = '\0';
}

/* An error after part of the answer (n bytes): the part is said with it. */
static int cut_short(int code, const char *line, size_t n)
{
	char text[4 * LINE_MAX + 1];
	if (n > 0) {
		shown(line, n, text, sizeof text);
		hvt_connected_said(code, "the VMM answered '%s' to CONNECT, then %s", text,
				   hvt_errkind(code) == HVT_E_TIMEDOUT ? "nothing more in time"
								       : hvt_strerror(code));
	}
	return code;
}

/* The VMM closed the socket before answering, with our line unread (at its connection cap,
 * say): a reset or a broken pipe, the same refusal as a plain close. */
static int closed(int code)
{
	return code == HVT_EPIPE || hvt_errkind(code) == HVT_E_RESET;
}

/* Sends CONNECT and reads the answer one byte at a time, so that not a byte of the guest's
 * stream after the OK line is taken from the socket. The answer must be "OK " and a decimal
 * port, then '\n', within LINE_MAX bytes; anything else is shown and refused. */
static int connected(hvt_sock s, const struct hvt_addr *a, uint64_t timeout_ms)
{
	char line[LINE_MAX + 1], text[4 * LINE_MAX + 1];
	size_t n = 0;
	int len = snprintf(line, sizeof line, "CONNECT %lu\n", (unsigned long)a->port);
	int rc = hvt_sock_send_all(s, line, (size_t)len), newline = 0;
	if (rc != 0)
		return closed(rc) ? HVT_ECONNREFUSED : rc;
	uint64_t wait = timeout_ms ? timeout_ms : OK_WAIT_MS, start = hvt_now_ns();
	while (n < LINE_MAX) {
		uint64_t spent = (hvt_now_ns() - start) / 1000000u;
		if (spent >= wait)
			return cut_short(hvt_err_timeout(), line, n);
		long r = hvt_sock_recv(s, line + n, 1, wait - spent);
		if (r < 0 && n == 0 && closed((int)-r))
			return HVT_ECONNREFUSED;
		if (r < 0)
			return cut_short((int)-r, line, n);
		if (r == 0 && n == 0) /* closed without an answer: no guest listener, or refused */
			return HVT_ECONNREFUSED;
		if (r == 0 || line[n] == '\n') {
			newline = r > 0;
			break;
		}
		n++;
	}
	uint64_t hostport;
	if (newline && n > 3 && strncmp(line, "OK ", 3) == 0 &&
	    hvt_addr_num(line + 3, n - 3, 0, 0xFFFFFFFFu, 0, &hostport) == 0)
		return 0;
	shown(line, n, text, sizeof text);
	hvt_connected_said(HVT_EPROTO, "the VMM answered '%s' to CONNECT%s", text,
			   newline	   ? ", not 'OK PORT'"
			   : n == LINE_MAX ? ": no newline within 32 bytes"
					   : " and closed before the newline");
	return HVT_EPROTO;
}

/* A row per role: names, parsing and text, messages, sockets, the rest. */
// clang-format off
const struct hvt_family hvt_family_vsock_mux = {
	.name = "vsock-mux", .syntax = "vsock-mux:PATH:PORT", .proto = "VSOCKMUX",
	.help = "hybrid vsock (Firecracker, Cloud Hypervisor)",
	.parse = parse, .format = format,
	.hints = hints,
	.sockaddrs = sockaddrs,
	.bind = bind_file, .unlisten = unlisten, .connected = connected,
};
// clang-format on
