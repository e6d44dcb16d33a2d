/* Linux side of wsl.h: the WSL VM is a Windows host's; a Linux system (WSL itself included)
 * has no wslhost.exe to read and no wsl.exe to run. hvt_wsl_vm_id says so before asking. */
#include "wsl.h"

#include "strutil.h"

void hvt_wsl_platform_procs(struct hvt_wsl_found *f, size_t *n)
{
	(void)f;
	(void)n;
}

int hvt_wsl_platform_start(hvt_guid *id, char *err, size_t errlen)
{
	(void)id;
	return hvt_fail(err, errlen, HVT_WSL_UNSUPPORTED, "no wsl.exe on this system");
}
