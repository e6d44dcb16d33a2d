/* tcp:HOST:PORT, tcp:[V6]:PORT, tcp:PORT when listening: TCP over IPv4 and IPv6. */
#include "family.h"

#include <stdio.h>
#include <string.h>

#include "sockaddr.h"

static int host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_';
}

static int hex_digit(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
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
			if (p[i] == ':')
				colons++;
			else if (!(p[i] == '.' || hex_digit(p[i])))
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

static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	static const char bad_host[] = "expected a host name, an IPv4 address or [IPv6]";
	const char *form =
		c->listen ? "expected tcp:HOST:PORT or tcp:PORT" : "expected tcp:HOST:PORT";
	const char *host = rest, *port;
	size_t hostlen = 0;
	int v6 = 0, has_host = 1;
	uint64_t v;
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');
		if (!close)
			return hvt_addr_bad_part(c, "tcp host", rest, strlen(rest), bad_host);
		if (close[1] != ':')
			return hvt_addr_bad_form(c, form);
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
			return hvt_addr_bad_form(c, form);
		}
	}
	if (has_host && !valid_host(host, hostlen, v6))
		return hvt_addr_bad_part(c, "tcp host", v6 ? host - 1 : host,
					 v6 ? hostlen + 2 : hostlen, bad_host);
	if (hvt_addr_num(port, strlen(port), c->listen ? 0 : 1, 65535, 0, &v) < 0)
		return hvt_addr_bad_part(c, "tcp port", port, strlen(port),
					 c->listen ? "expected a number 0-65535"
						   : "expected a number 1-65535");
	memcpy(a->host, host, hostlen);
	a->host[hostlen] = '\0';
	a->port = (uint32_t)v;
	return 0;
}

static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	if (a->host[0] == '\0')
		snprintf(buf, len, "tcp:%lu", (unsigned long)a->port);
	else if (strchr(a->host, ':'))
		snprintf(buf, len, "tcp:[%s]:%lu", a->host, (unsigned long)a->port);
	else
		snprintf(buf, len, "tcp:%s:%lu", a->host, (unsigned long)a->port);
}

static int env(const struct hvt_addr *local, const struct hvt_addr *peer, struct hvt_env *e)
{
	int n = 0;
	if (peer) {
		n = hvt_env_set(e, n, "TCPREMOTEIP", "%s", peer->host);
		n = hvt_env_set(e, n, "TCPREMOTEPORT", "%u", (unsigned)peer->port);
	}
	return local ? hvt_env_set(e, n, "TCPLOCALPORT", "%u", (unsigned)local->port) : n;
}

static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_ACCESS] = "permission denied: ports below 1024 need privileges",
};

/* getaddrinfo: every address of a name; for a listener without a host, the wildcards. */
static int sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	struct addrinfo want, *res;
	char port[16];
	memset(&want, 0, sizeof want);
	want.ai_family = AF_UNSPEC;
	want.ai_socktype = SOCK_STREAM;
	want.ai_protocol = IPPROTO_TCP;
	want.ai_flags = passive ? AI_PASSIVE : HVT_AI_CONNECT;
	snprintf(port, sizeof port, "%u", (unsigned)a->port);
	int rc = getaddrinfo(a->host[0] ? a->host : NULL, port, &want, &res);
	if (rc != 0)
		return hvt_gai_error(rc);
	/* Listening on every address: [::] first, dual stack (IPv4 too), then 0.0.0.0 where the
	 * system has no IPv6; getaddrinfo would give 0.0.0.0 first and IPv6 clients nothing. */
	int v6_first = passive && a->host[0] == '\0';
	struct addrinfo *ai;
	for (ai = res; ai; ai = ai->ai_next)
		if (!v6_first || ai->ai_family == AF_INET6)
			hvt_sockaddrs_add(out, ai->ai_addr, (size_t)ai->ai_addrlen, 0);
	for (ai = v6_first ? res : NULL; ai; ai = ai->ai_next)
		if (ai->ai_family != AF_INET6)
			hvt_sockaddrs_add(out, ai->ai_addr, (size_t)ai->ai_addrlen, 0);
	freeaddrinfo(res);
	return out->n ? 0 : HVT_EHOSTUNREACH;
}

static int from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, a->host, sizeof a->host);
		a->port = ntohs(in->sin_port);
		return 1;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		/* An IPv4 peer of a dual-stack listener is ::ffff:a.b.c.d: show it as IPv4, as
		 * TCPREMOTEIP has always been for IPv4 clients. */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], a->host, sizeof a->host);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, a->host, sizeof a->host);
		a->port = ntohs(in6->sin6_port);
		return 1;
	}
	return 0;
}

static void sockopts(hvt_sock s, const struct hvt_addr *a, enum hvt_sock_stage st,
		     uint64_t timeout_ms)
{
	(void)timeout_ms;
	(void)a;
	if (st == HVT_STAGE_LISTEN) {
		hvt_tcp_listen_opts(s);
	} else {
		/* The relays write whole buffers: nothing to gain from Nagle, latency to lose. */
		int one = 1;
		hvt_sock_setopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
}

/* A row per role: names, parsing and text, messages, sockets, the rest. */
// clang-format off
const struct hvt_family hvt_family_tcp = {
	.name = "tcp", .syntax = "tcp:HOST:PORT", .proto = "TCP",
	.help = "TCP; HOST is a name, an IPv4 address or [IPv6]",
	.parse = parse, .format = format,
	.env = env, .hints = hints,
	.sockaddrs = sockaddrs, .from_sockaddr = from_sockaddr, .sockopts = sockopts,
};
// clang-format on
