/* Linux side of vms.h: VMs are Hyper-V's business; there is nothing to list here. */
#include "vms.h"

#include <stdio.h>

int hvt_vms_platform_list(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (err && errlen)
		snprintf(
			err, errlen,
			"not available on this system: VMs are listed on the Windows Hyper-V host");
	return HVT_VMS_UNAVAILABLE;
}

int hvt_vms_supported(void)
{
	return 0;
}

int hvt_vms_platform_hcs(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	return hvt_vms_platform_list(out, n, err, errlen);
}
