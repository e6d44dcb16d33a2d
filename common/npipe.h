/* Windows named pipes, the npipe: family (common/family_npipe.c): connecting, listening and
 * accepting, for the family's hooks (family.h). The platform halves: common/win/npipe.c
 * (CreateFile / CreateNamedPipe, overlapped) and common/linux/npipe.c (none: named pipes are
 * a Windows thing, and npipe: addresses do not parse there). A connection is the pipe's
 * HANDLE, an end of hvt_npipe_end (relay.h); a listener is the module's own handle. */
#ifndef HVT_NPIPE_H
#define HVT_NPIPE_H

#include <stdint.h>

#include "addr.h"
#include "net.h"

/* 1 when this platform has named pipes. */
int hvt_npipe_supported(void);

/* Opens the pipe a->pipe, retrying every HVT_NPIPE_RETRY_MS while it does not exist
 * (ERROR_FILE_NOT_FOUND) or every instance is busy (ERROR_PIPE_BUSY), for timeout_ms (0:
 * HVT_NPIPE_WAIT_MS). A message-mode pipe is read in message mode. 0 or a code. */
#define HVT_NPIPE_RETRY_MS 200u
#define HVT_NPIPE_WAIT_MS  5000u
int hvt_npipe_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_sock *out);

/* Creates the first instance of the pipe a->pipe (message type: half-close works; overlapped) with the DACL of
 * hvt_npipe_set_sddl, or the default one: the current user, SYSTEM and Administrators. The
 * name must be free. 0 or a code. */
int hvt_npipe_listen(const struct hvt_addr *a, hvt_sock *out);
/* The next client within ms (UINT64_MAX: no limit): a new instance is created for the
 * clients after it before it is returned. 0, hvt_err_timeout() or a code (Ctrl-C:
 * hvt_interrupted() says so). */
int hvt_npipe_accept(hvt_sock l, hvt_sock *out, uint64_t ms);
void hvt_npipe_unlisten(hvt_sock l);

/* The security descriptor (SDDL) for the pipes this process creates, instead of the default;
 * 0, or a code when it is not valid SDDL (checked at once). */
int hvt_npipe_set_sddl(const char *sddl);

extern const struct hvt_end_ops hvt_npipe_end;

#endif
