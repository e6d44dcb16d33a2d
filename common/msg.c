/* Messages in the err(3) shape and the shared --version / stdout checks. */
#include "msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

static char progname[64] = "hvtools";

void hvt_init(const char *argv0)
{
	const char *base = argv0 ? argv0 : "hvtools";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = strlen(base);
	if (n > 4 && (strcmp(base + n - 4, ".exe") == 0 || strcmp(base + n - 4, ".EXE") == 0))
		n -= 4;
	if (n >= sizeof progname)
		n = sizeof progname - 1;
	memcpy(progname, base, n);
	progname[n] = '\0';
	hvt_platform_init();
	atexit(hvt_close_stdout);
}

const char *hvt_progname(void)
{
	return progname;
}

const char *hvt_strerror(int code)
{
	static char buf[256];
	return hvt_platform_strerror(code, buf, sizeof buf);
}

/* "prog: MESSAGE[: error text]\n" in one write, so that the lines of concurrent servers
 * (hvnc -lk -v, hvping -l -v and their connections' processes) never interleave mid-line.
 * A message is at most about 4 KiB (an address is at most 1 KiB of it); longer is cut. */
static HVT_PRINTF(2, 0) void emit(const char *errtext, const char *fmt, va_list ap)
{
	char body[4096], line[4608];
	vsnprintf(body, sizeof body, fmt, ap);
	int n = snprintf(line, sizeof line, "%s: %s%s%s\n", progname, body, errtext ? ": " : "",
			 errtext ? errtext : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line) {
		n = (int)sizeof line - 1;
		line[n - 1] = '\n';
	}
	fflush(stdout);
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr); /* Windows' C runtime buffers stderr when it is a file or a pipe */
}

void hvt_vwarnx(const char *fmt, va_list ap)
{
	emit(NULL, fmt, ap);
}

void hvt_warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hvt_vwarnx(fmt, ap);
	va_end(ap);
}

static HVT_PRINTF(2, 0) void vwarnc(int code, const char *fmt, va_list ap)
{
	emit(hvt_strerror(code), fmt, ap);
}

void hvt_warn(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarnc(code, fmt, ap);
	va_end(ap);
}

void hvt_die(int status, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarnc(code, fmt, ap);
	va_end(ap);
	exit(status);
}

void hvt_diex(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hvt_vwarnx(fmt, ap);
	va_end(ap);
	exit(status);
}

void hvt_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hvt_vwarnx(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(HVT_EXIT_USAGE);
}

void hvt_version(void)
{
	printf("%s (hvtools) %s\n", progname, HVT_VERSION);
	exit(HVT_EXIT_OK);
}

void hvt_close_stdout(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	/* A full disk or closed pipe must not pass silently: check both flush and the error flag. */
	int bad = ferror(stdout);
	errno = 0;
	if (fflush(stdout) != 0 || bad) {
		int e = errno ? errno : EIO;
		fprintf(stderr, "%s: write error on standard output: %s\n", progname, strerror(e));
		_Exit(HVT_EXIT_FAIL);
	}
}
