/* Whether a unix socket file has a listener: /proc/net/unix lists bound sockets with the path
 * they were bound with; a listener has __SO_ACCEPTCON (0x10000) in Flags (common/hybrid.h).
 * That path and ours may spell one file differently (relative, "//", a symlinked directory):
 * a path that is not the same text is compared by the file it names. */
#include "hybrid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Past n blank-separated fields of p. */
static const char *skip_fields(const char *p, int n)
{
	for (int i = 0; i < n; i++) {
		p += strspn(p, " ");
		p += strcspn(p, " \n");
	}
	return p + strspn(p, " ");
}

/* Whether p[0..n) names the file of *want. */
static int same_file(const char *p, size_t n, const struct stat *want)
{
	char buf[4096];
	struct stat st;
	if (n == 0 || n >= sizeof buf || p[0] == '@') /* an abstract name is no file */
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return stat(buf, &st) == 0 && st.st_dev == want->st_dev && st.st_ino == want->st_ino;
}

enum hvt_listen_state hvt_unix_listen_state(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "r");
	char line[4096 + 128];
	enum hvt_listen_state st = HVT_LS_STALE;
	if (!f)
		return HVT_LS_UNKNOWN;
	size_t pl = strlen(path);
	struct stat want;
	int have = stat(path, &want) == 0;
	/* Num RefCount Protocol Flags Type St Inode Path */
	while (fgets(line, sizeof line, f)) {
		char *end;
		const char *flags = skip_fields(line, 3);
		unsigned long v = strtoul(flags, &end, 16);
		if (end == flags)
			continue;
		const char *p = skip_fields(end, 3);
		size_t ll = strcspn(p, "\n");
		if (!(v & 0x10000))
			continue;
		if ((ll == pl && memcmp(p, path, pl) == 0) || (have && same_file(p, ll, &want))) {
			st = HVT_LS_LISTEN;
			break;
		}
	}
	fclose(f);
	return st;
}
