/* .reg files: reader, editor, writer (regfile.h); and the service store over a .reg file or
 * the live registry (registry.h). Portable C11; the platform layer is posix/registry.c and
 * win/registry.c. */
#include "regfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

static const char header5[] = "Windows Registry Editor Version 5.00";
static const char header4[] = "REGEDIT4";

/* ---- small helpers ------------------------------------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_ch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* Returns the NUL-terminated string (never NULL unless out of memory); b is emptied. */
static char *buf_take(struct buf *b)
{
	if (!b->oom && !b->p)
		buf_add(b, "", 0);
	if (b->oom) {
		free(b->p);
		b->p = NULL;
		b->len = b->cap = 0;
		return NULL;
	}
	char *p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive comparison of n bytes / of strings. */
static int ci_ncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int d = lower((unsigned char)a[i]) - lower((unsigned char)b[i]);
		if (d || !a[i])
			return d;
	}
	return 0;
}

static int ci_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int d = lower((unsigned char)*a) - lower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
}

static void seterr(char *err, size_t errlen, const char *fmt, ...) HVT_REGFILE_PRINTF;
#if defined(__GNUC__)
#define HVT_REGFILE_PRINTF_ATTR __attribute__((format(printf, 3, 4)))
#else
#define HVT_REGFILE_PRINTF_ATTR
#endif
