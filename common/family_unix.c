/* unix:PATH, unix:@NAME (Linux's abstract namespace): local stream sockets (AF_UNIX; Windows
 * 10 1803 and later have them too). */
#include "family.h"

#include <stdio.h>
#include <string.h>

#include "sockaddr.h"

static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	size_t n;
	a->abstract = rest[0] == '@';
	rest += a->abstract;
	n = strlen(rest);
	if (n == 0 || n >= HVT_PATH_MAX)
		return hvt_addr_bad_part(c, a->abstract ? "unix abstract name" : "unix path", rest,
					 n,
					 a->abstract ? "expected a name of 1-107 bytes"
						     : "expected a path of 1-107 bytes");
	memcpy(a->path, rest, n + 1);
	return 0;
}

static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "unix:%s%s", a->abstract ? "@" : "", a->path);
}

static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_REFUSED] = "nothing accepts on that path: a socket file left by a listener that "
			  "ended, or not a socket at all",
	[HVT_E_TIMEDOUT] = "the listener's queue stayed full: it accepts too slowly, or not at all",
	[HVT_E_ADDRINUSE] = "something else exists at that path (hvnc replaces only a stale socket "
			    "file)",
	[HVT_E_ACCESS] = "permission denied: check the path's directory and the socket file's mode",
};

static int sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	struct sockaddr_un un;
	size_t n = strlen(a->path), off = a->abstract ? 1 : 0;
	(void)passive;
	if (off + n + !a->abstract > sizeof un.sun_path) /* a path needs its NUL, a name not */
		return HVT_ENAMETOOLONG;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path + off, a->path, n);
	/* A path counts its NUL; an abstract name is exactly its bytes after the leading NUL. */
	hvt_sockaddrs_add(out, &un, offsetof(struct sockaddr_un, sun_path) + off + n + !a->abstract,
			  0);
	return 0;
}

static int from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)(const void *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t n = len > off ? len - off : 0;
	if (sa->sa_family != AF_UNIX)
		return 0;
	if (n > sizeof un->sun_path)
		n = sizeof un->sun_path;
	if (n > 0 && un->sun_path[0] == '\0') {
		a->abstract = 1;
		n--;
		if (n >= sizeof a->path)
			n = sizeof a->path - 1;
		memcpy(a->path, un->sun_path + 1, n);
	} else {
		if (n >= sizeof a->path)
			n = sizeof a->path - 1;
		memcpy(a->path, un->sun_path, n);
		a->path[strnlen(a->path, n)] = '\0';
	}
	return 1;
}

static int bind_file(hvt_sock s, const struct sockaddr *sa, size_t len, const struct hvt_addr *a)
{
	return hvt_unix_bind(s, sa, len, a->abstract ? NULL : a->path);
}

static void unlisten(const struct hvt_addr *a)
{
	if (!a->abstract)
		hvt_unix_unlink(a->path);
}

/* A row per role: names, parsing and text, messages, sockets, the rest. */
// clang-format off
const struct hvt_family hvt_family_unix = {
	.name = "unix", .syntax = "unix:PATH", .proto = "UNIX",
	.help = "unix socket; PATH or @NAME (Linux abstract name)",
	.parse = parse, .format = format,
	.hints = hints,
	.sockaddrs = sockaddrs, .from_sockaddr = from_sockaddr,
	.bind = bind_file, .unlisten = unlisten,
};
// clang-format on
