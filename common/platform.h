/* Small platform hooks used by the portable files of common/ (not by tools).
 * common/linux/platform.c, common/win/platform.c. */
#ifndef HVT_PLATFORM_H
#define HVT_PLATFORM_H

#include <stddef.h>

/* Binary stdin/stdout on Windows; nothing on Linux. */
void hvt_platform_init(void);
/* Text of a platform error code into buf; returns buf. */
const char *hvt_platform_strerror(int code, char *buf, size_t len);
/* Fill buf with len random bytes from the OS; 0 or error code. */
int hvt_platform_random(void *buf, size_t len);

#endif
