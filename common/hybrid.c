/* A hybrid vsock VMM's PATH_PORT listeners, found by name (common/hybrid.h). */
#include "hybrid.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "platform.h"
#include "sys.h"

static int by_port(const void *a, const void *b)
{
	uint32_t x = ((const struct hvt_hybrid_listener *)a)->port;
	uint32_t y = ((const struct hvt_hybrid_listener *)b)->port;
	return x < y ? -1 : x > y;
}

int hvt_hybrid_list(const char *path, struct hvt_hybrid_listener **out, size_t *n,
		    enum hvt_listen_state *vmm, char *err, size_t errlen)
{
	char dir[4096], pbuf[32];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t dl = slash ? (size_t)(slash - path) : 0, bl = strlen(base), cap = 0;
	if (dl >= sizeof dir || bl == 0) {
		snprintf(err, errlen, "invalid VMM socket '%s': expected a path to a socket file",
			 path);
		return -1;
	}
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	if (!slash)
		strcpy(dir, ".");
	else if (dl == 0)
		strcpy(dir, "/");
	*out = NULL;
	*n = 0;
	*vmm = hvt_path_kind(path) == HVT_PATH_SOCKET ? hvt_unix_listen_state(path) : HVT_LS_STALE;
	DIR *d = opendir(dir);
	if (!d) {
		char eb[128];
		snprintf(err, errlen, "cannot read %s: %s", dir,
			 hvt_platform_strerror(errno, eb, sizeof eb));
		return -1;
	}
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		uint64_t port;
		const char *p = e->d_name + bl + 1;
		if (strncmp(e->d_name, base, bl) != 0 || e->d_name[bl] != '_' ||
		    strlen(p) >= sizeof pbuf || strspn(p, "0123456789") != strlen(p) ||
		    (p[0] == '0' && p[1]) || /* the VMM writes PATH_52, never PATH_052 */
		    hvt_parse_u64(p, 0, 0xFFFFFFFFu, 0, &port, NULL) != 0)
			continue;
		struct hvt_hybrid_listener l = { (uint32_t)port, "", HVT_LS_UNKNOWN };
		if ((size_t)snprintf(l.path, sizeof l.path, "%s_%s", path, p) >= sizeof l.path ||
		    hvt_path_kind(l.path) != HVT_PATH_SOCKET)
			continue;
		l.state = hvt_unix_listen_state(l.path);
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct hvt_hybrid_listener *m = realloc(*out, cap * sizeof **out);
			if (!m) {
				closedir(d);
				free(*out);
				*out = NULL;
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*out = m;
		}
		(*out)[(*n)++] = l;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, by_port);
	return 0;
}
