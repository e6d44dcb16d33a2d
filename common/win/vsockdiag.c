/* Windows side of vsockdiag.h: Windows has no AF_VSOCK and no socket diag interface. A
 * recorded Linux dump can still be read (hvt_vsockdiag_load is portable). */
#include "vsockdiag.h"

#include <stdio.h>
#include <string.h>

int hvt_vsockdiag_supported(void)
{
	return 0;
}

int hvt_vsockdiag_dump(struct hvt_vsock_dump *d, const char *save_path, char *err, size_t errlen)
{
	(void)d;
	(void)save_path;
	if (err && errlen)
		snprintf(err, errlen,
			 "not available on this system: vsock sockets are listed on "
			 "Linux (NETLINK_SOCK_DIAG); a Linux guest's sockets are seen "
			 "from inside the guest");
	return HVT_VSOCKDIAG_UNAVAILABLE;
}

void hvt_vsock_info(struct hvt_vsock_info *info)
{
	memset(info, 0, sizeof *info);
	info->cid_err = -1;
}

int hvt_sock_owners(const uint32_t *inodes, size_t n, struct hvt_sock_owner **out, size_t *nout)
{
	(void)inodes;
	(void)n;
	*out = NULL;
	*nout = 0;
	return 0;
}
