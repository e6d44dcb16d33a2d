/* Whether a unix socket file has a listener: /proc/net/unix lists bound sockets with their
 * path; a listener has __SO_ACCEPTCON (0x10000) in Flags (common/hybrid.h). */
#include "hybrid.h"

#include <stdio.h>
#include <string.h>

enum hvt_listen_state hvt_unix_listen_state(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[4096 + 128];
	enum hvt_listen_state st = HVT_LS_STALE;
	if (!f)
		return HVT_LS_UNKNOWN;
	size_t pl = strlen(path);
	while (fgets(line, sizeof line, f)) {
		unsigned long flags;
		int off = 0;
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %n", &flags, &off) != 1 || off == 0)
			continue;
		size_t ll = strcspn(line + off, "\n");
		if (ll == pl && memcmp(line + off, path, pl) == 0 && (flags & 0x10000)) {
			st = HVT_LS_LISTEN;
			break;
		}
	}
	fclose(f);
	return st;
}
