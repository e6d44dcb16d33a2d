/* Internals shared by the Windows files of common/ (common/win/). Include this first: it
 * brings the Windows headers in the order mingw-w64 needs. */
#ifndef HVT_WIN_H
#define HVT_WIN_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <stdint.h>

#include "addr.h"
#include "net.h"

/* C runtime errno values travel as HVT_CRT_ERR | errno (bit 29 marks application-defined
 * Win32 codes), so they never collide with Win32/WSA codes of the same number. */
#define HVT_CRT_ERR 0x20000000

/* The system's text (FormatMessage, FORMAT_MESSAGE_FROM_SYSTEM) for a Win32 error or an
 * HRESULT, in err(3) shape (lower-case first letter, no period), into buf; NULL when the
 * system has none. */
const char *hvt_win_message(DWORD code, char *buf, size_t len);

/* The stop event: manual-reset, set by the console handler on Ctrl-C / Ctrl-Break / console
 * close (common/win/sys.c). Every blocking wait of common/win/ waits for it too, so nothing
 * polls and an interrupt is seen at once. */
HANDLE hvt_win_stop_event(void);

/* Waits for h (or nothing when NULL), the stop event and, when not NULL, `cancel`, at most
 * ms (UINT64_MAX = forever): 1 when h is signalled, 0 timed out, -WSAEINTR on Ctrl-C,
 * -ERROR_CANCELLED when cancel was set. */
int hvt_win_wait_handle(HANDLE h, HANDLE cancel, uint64_t ms);

/* Waits until s is readable or at EOF (want_write 0), or writable / failed (1), at most ms
 * (UINT64_MAX = forever), with WSAEventSelect: no polling. Returns 1 ready, 0 timed out, or
 * -code (-WSAEINTR on Ctrl-C, -ERROR_CANCELLED when `cancel`, if not NULL, was set). A
 * socket waited for reading is left in blocking mode, one waited for writing (a connect in
 * progress) in non-blocking mode. */
int hvt_win_wait(SOCKET s, int want_write, uint64_t ms, HANDLE cancel);

/* Half-closes connection s and reads and drops what the peer still sends until its EOF, or
 * for at most ms (0: only what has arrived already), so that a close does not reset it. */
void hvt_win_drain(SOCKET s, uint64_t ms);

#endif
