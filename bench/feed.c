/* The data source of the throughput benchmarks (benchmark only, not a product): writes SIZE
 * MiB to stdout as cheaply as the kernel allows, so that what is measured is the tool reading
 * the pipe, not the program feeding it.
 *   feed SIZE_MIB          into a pipe: vmsplice(2) of one constant 1 MiB buffer (the pipe
 *                          holds references to its pages, nothing is copied); anything
 *                          else: write(2) of that buffer
 *   feed SIZE_MIB CHUNK    write(2) in CHUNK-byte pieces: what a typical writer costs
 * `head -c SIZE /dev/zero` writes 4-8 KiB at a time and allocates and fills a page per 4 KiB:
 * under it every relay measured the same (its writes and the pipe lock were the limit). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define BUF (1u << 20)
static char buf[BUF] __attribute__((aligned(4096)));

/* A whole number from 1 to max, or 0 after a message. */
static unsigned long number(const char *s, unsigned long max, const char *what)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < 1 || v > max) {
		fprintf(stderr, "feed: %s '%s': expected a whole number from 1 to %lu\n", what, s,
			max);
		return 0;
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: feed SIZE_MIB [CHUNK]\n", stderr);
		return 2;
	}
	unsigned long mib = number(argv[1], 1ul << 20, "size (MiB)");
	size_t chunk = argc == 3 ? number(argv[2], BUF, "chunk (bytes)") : 0;
	if (!mib || (argc == 3 && !chunk))
		return 2;
	long long left = (long long)mib * BUF;
	/* Real pages with a pattern, not the shared zero page of an untouched buffer. */
	for (size_t i = 0; i < BUF; i++)
		buf[i] = (char)('a' + i % 26);
	struct stat st;
	int spliced = chunk == 0 && fstat(1, &st) == 0 && S_ISFIFO(st.st_mode);
	if (spliced)
		fcntl(1, F_SETPIPE_SZ, (int)BUF); /* 256 pages per call; may fail: fine */
	if (chunk == 0)
		chunk = BUF;
	while (left > 0) {
		size_t n = left < (long long)chunk ? (size_t)left : chunk;
		ssize_t w;
		if (spliced) {
			struct iovec v = { buf, n };
			w = vmsplice(1, &v, 1, 0);
		} else {
			w = write(1, buf, n);
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 1;
		left -= w;
	}
	return 0;
}
