/* npipe:NAME, npipe:\\SERVER\pipe\NAME: Windows named pipes (npipe.h). Their connections are
 * HANDLEs, not sockets: the family connects, listens and accepts itself (family.h) and moves
 * bytes with the pipe end of the event engine (common/win/pipe.c). On Linux an npipe:
 * address is a usage error. */
#include "family.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "npipe.h"

#define EXPECTED "expected npipe:NAME or npipe:\\\\SERVER\\pipe\\NAME"

static int slash(char ch)
{
	return ch == '\\' || ch == '/';
}

static int parse(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a)
{
	if (!hvt_npipe_supported())
		return hvt_addr_bad_form(c, "named pipes are a Windows thing (npipe: addresses "
					    "work in the Windows build of hvtools)");
	const char *server = ".", *name = rest;
	size_t slen = 1;
	if (slash(rest[0]) && slash(rest[1])) { /* \\SERVER\pipe\NAME */
		server = rest + 2;
		slen = strcspn(server, "\\/");
		const char *p = server + slen;
		if (slen == 0 || slen >= HVT_HOST_MAX || !slash(p[0]) ||
		    strncasecmp(p + 1, "pipe", 4) != 0 || !slash(p[5]))
			return hvt_addr_bad_form(c, EXPECTED);
		name = p + 6;
	}
	size_t n = strlen(name);
	if (n == 0)
		return hvt_addr_bad_form(c, EXPECTED);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20)
			return hvt_addr_bad_part(c, "pipe name", name, n,
						 "expected printable characters");
	int len = snprintf(a->pipe, sizeof a->pipe, "\\\\%.*s\\pipe\\%s", (int)slen, server, name);
	if (len < 0 || (size_t)len >= sizeof a->pipe)
		return hvt_addr_bad_form(c, "expected at most 256 characters in all of "
					    "\\\\SERVER\\pipe\\NAME (the Windows limit)");
	hvt_addr_slice(a->host, sizeof a->host, server, slen);
	return 0;
}

/* The local pipes by their name alone, as users write them. */
static void format(const struct hvt_addr *a, char *buf, size_t len)
{
	if (strcmp(a->host, ".") == 0)
		snprintf(buf, len, "npipe:%s", a->pipe + strlen("\\\\.\\pipe\\"));
	else
		snprintf(buf, len, "npipe:%s", a->pipe);
}

static int env(const struct hvt_addr *local, const struct hvt_addr *peer, struct hvt_env *e)
{
	(void)peer;
	return local ? hvt_env_set(e, 0, "NPIPE", "%s", local->pipe) : 0;
}

static const char *const hints[HVT_E_COUNT] = {
	[HVT_E_REFUSED] =
		"no pipe of that name: is its server running? (hvnc -w, hvping -W: how long to "
		"wait for it; 5 s by default)",
	[HVT_E_TIMEDOUT] = "every instance of the pipe stayed busy: its server serves one client "
			   "at a time (hvnc -w, hvping -W wait longer)",
	[HVT_E_ACCESS] = "the pipe's security descriptor does not let this user in (another "
			 "user's or an elevated server's pipe; a listener widens it with "
			 "--pipe-sddl)",
	[HVT_E_ADDRINUSE] = "another process already serves a pipe of that name",
};

const struct hvt_family hvt_family_npipe = {
	.name = "npipe",
	.syntax = "npipe:NAME",
	.help = "a Windows named pipe \\\\.\\pipe\\NAME, or npipe:\\\\SERVER\\pipe\\NAME",
	.proto = "NPIPE",
	.parse = parse,
	.format = format,
	.env = env,
	.hints = hints,
	.end = &hvt_npipe_end,
	.connect = hvt_npipe_connect,
	.listen = hvt_npipe_listen,
	.accept = hvt_npipe_accept,
	.unlisten_handle = hvt_npipe_unlisten,
};
