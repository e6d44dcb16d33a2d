/* A hybrid vsock VMM's host-side listeners (hvlist --vmm PATH): a guest connecting to host
 * port P reaches the unix socket PATH_P (Firecracker and Cloud Hypervisor docs/vsock.md;
 * common/family_vsock_mux.c). Found by name next to PATH (common/hybrid.c); whether a socket
 * file has a listener is asked of the system (common/linux/hybrid.c: /proc/net/unix;
 * common/win/hybrid.c: unknown). */
#ifndef HVT_HYBRID_H
#define HVT_HYBRID_H

#include <stddef.h>
#include <stdint.h>

enum hvt_listen_state { HVT_LS_UNKNOWN, HVT_LS_LISTEN, HVT_LS_STALE };

struct hvt_hybrid_listener {
	uint32_t port;
	char path[4096];
	enum hvt_listen_state state;
};

/* The PATH_PORT socket files of the VMM socket path, by port; *vmm: the state of PATH itself.
 * 0, or -1 with err (PATH's directory cannot be read). Free *out with free(). */
int hvt_hybrid_list(const char *path, struct hvt_hybrid_listener **out, size_t *n,
		    enum hvt_listen_state *vmm, char *err, size_t errlen);

/* Whether a process listens on the unix socket file path (without connecting to it, which
 * would use up a one-shot listener). */
enum hvt_listen_state hvt_unix_listen_state(const char *path);

#endif
