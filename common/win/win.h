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

/* Blocking waits are cut into slices this long so that Ctrl-C (hvt_interrupted) is noticed. */
#define HVT_WIN_SLICE_MS 100u

/* Waits until s is readable (want_write 0) or writable / failed (1), at most ms
 * (UINT64_MAX = forever). Returns 1 ready, 0 timed out, or -code (-WSAEINTR on Ctrl-C). */
int hvt_win_wait(SOCKET s, int want_write, uint64_t ms);

#endif
