/* Messages (err(3) shape, program name prefixed) and the exit-code table. */
#ifndef HVT_MSG_H
#define HVT_MSG_H

#include <stdarg.h>

/* The one exit-code table. Tools may add their own codes from 3 up and document them. */
enum {
	HVT_EXIT_OK = 0,
	HVT_EXIT_FAIL = 1,
	HVT_EXIT_USAGE = 2,
};

#if defined(__GNUC__)
#define HVT_NORETURN __attribute__((noreturn))
#if defined(__MINGW32__)
/* mingw: "printf" means msvcrt's dialect (no %zu); the build uses mingw's C99 printf
 * (__USE_MINGW_ANSI_STDIO, common/CMakeLists.txt). */
#define HVT_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#else
#define HVT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#endif
#else
#define HVT_NORETURN
#define HVT_PRINTF(a, b)
#endif

/* Sets the program name from argv[0] (no directory, no .exe), switches stdio to binary on
 * Windows, and registers the stdout check at exit. Call first in main(). */
void hvt_init(const char *argv0);
const char *hvt_progname(void);

/* prog: fmt: <system error text for code> */
HVT_NORETURN void hvt_die(int status, int code, const char *fmt, ...) HVT_PRINTF(3, 4);
/* prog: fmt */
HVT_NORETURN void hvt_diex(int status, const char *fmt, ...) HVT_PRINTF(2, 3);
void hvt_warn(int code, const char *fmt, ...) HVT_PRINTF(2, 3);
void hvt_warnx(const char *fmt, ...) HVT_PRINTF(1, 2);
void hvt_vwarnx(const char *fmt, va_list ap) HVT_PRINTF(1, 0);

/* prog: fmt, then "Try 'prog --help' for more information.", exit 2. */
HVT_NORETURN void hvt_usage_error(const char *fmt, ...) HVT_PRINTF(1, 2);

/* "prog (hvtools) VERSION" to stdout, exit 0. */
HVT_NORETURN void hvt_version(void);

/* Flushes stdout; on a write error reports it and exits 1. Runs at exit; tools may call it
 * earlier. */
void hvt_close_stdout(void);

/* Text for a platform error code (errno on Linux, WSA/Win32 code on Windows). */
const char *hvt_strerror(int code);

#endif
