/* Whether a unix socket file has a listener: /proc/net/unix lists bound sockets with their
 * path; a listener has __SO_ACCEPTCON (0x10000) in Flags (common/hybrid.h). */
#include "hybrid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past n blank-separated fields of p. */
static const char *skip_fields(const char *p, int n)
{
	for (int i = 0; i < n; i++) {
		p += strspn(p, " ");
		p += strcspn(p, " \n");
	}
	return p + strspn(p, " ");
}

enum hvt_listen_state hvt_unix_listen_state(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[4096 + 128];
	enum hvt_listen_state st = HVT_LS_STALE;
	if (!f)
		return HVT_LS_UNKNOWN;
	size_t pl = strlen(path);
	/* Num RefCount Protocol Flags Type St Inode Path */
	while (fgets(line, sizeof line, f)) {
		char *end;
		const char *flags = skip_fields(line, 3);
		unsigned long v = strtoul(flags, &end, 16);
		if (end == flags)
			continue;
		const char *p = skip_fields(end, 3);
		size_t ll = strcspn(p, "\n");
		if (ll == pl && memcmp(p, path, pl) == 0 && (v & 0x10000)) {
			st = HVT_LS_LISTEN;
			break;
		}
	}
	fclose(f);
	return st;
}
