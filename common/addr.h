/* Addresses, the grammar every tool shares (hvsock(7)): SCHEME:REST, where each scheme is a
 * family module (family.h, common/family_*.c) that parses REST and prints it back. Without a
 * scheme, the families' bare forms are tried (VM:SERVICE for hv, CID:PORT for vsock). With
 * HVT_ADDR_LISTEN the VM/CID/HOST part may be left out (hv:SERVICE, vsock:PORT, tcp:PORT). */
#ifndef HVT_ADDR_H
#define HVT_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include "guid.h"

struct hvt_family; /* family.h */

#define HVT_CID_ANY	   0xFFFFFFFFu
#define HVT_CID_HYPERVISOR 0u
#define HVT_CID_LOCAL	   1u
#define HVT_CID_HOST	   2u
#define HVT_PORT_ANY	   0xFFFFFFFFu

#define HVT_HOST_MAX 256
#define HVT_PATH_MAX 108 /* sun_path */
#define HVT_PIPE_MAX 256 /* a pipe's whole name (CreateNamedPipe) */

/* The parts families use; each module says which are its own. */
struct hvt_addr {
	const struct hvt_family *fam; /* NULL: unknown */
	hvt_guid vm, service;	      /* hv */
	int wsl;		      /* hv: VM given as `wsl` (wsl.h); vm is its id when
				       * known, zero while WSL is not running (listeners) */
	uint32_t cid, port;	      /* vsock; port also for tcp */
	char host[HVT_HOST_MAX];      /* tcp: without brackets; "" = any (listen) */
	char path[HVT_PATH_MAX];      /* unix: without the '@' */
	int abstract;		      /* unix: Linux abstract namespace */
	char pipe[HVT_PIPE_MAX + 1];  /* npipe: the whole \\SERVER\pipe\NAME */
};

/* HVT_ADDR_LATER: a connect address looked up again at each connect (hvnc --to), so that
 * what it names may be absent at the start (hv:wsl: before WSL runs). */
enum { HVT_ADDR_LISTEN = 1, HVT_ADDR_LATER = 2 };

/* Returns 0, or -1 with a one-line message in err (no program name) that names the input and
 * what was expected (a usage error), or HVT_ADDR_UNRESOLVED when the address is well formed
 * but what it names is not there now (hv:wsl: while WSL is not running or ambiguous): a
 * failure, exit 1, with the message in err as well. */
#define HVT_ADDR_UNRESOLVED (-2)
int hvt_addr_parse(const char *s, int flags, struct hvt_addr *out, char *err, size_t errlen);

/* Canonical text, which parses back to the same address (well-known VM names by name,
 * services as GUIDs, CID any as "any", [v6]). Returns buf. */
#define HVT_ADDR_STRLEN 400 /* > npipe: + HVT_PIPE_MAX */
char *hvt_addr_format(const struct hvt_addr *a, char *buf, size_t len);

/* Same family and the same canonical text. */
int hvt_addr_equal(const struct hvt_addr *a, const struct hvt_addr *b);

#endif
