/* Small string helpers shared inside common/ (and by hvreg): copies, ASCII case-insensitive
 * comparison, hex digits, error messages into caller buffers, a growable buffer, UTF-8 decoding
 * and encoding.
 * hvt_utf8_decode is the one UTF-8 decoder: JSON, tables, .reg files and names use it. */
#ifndef HVT_STRUTIL_H
#define HVT_STRUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* malloc'd copies; NULL when out of memory. */
char *hvt_xstrndup(const char *s, size_t n);
char *hvt_xstrdup(const char *s);

/* ASCII case-insensitive comparisons (registry names are case-insensitive). */
int hvt_ci_ncmp(const char *a, const char *b, size_t n);
int hvt_ci_cmp(const char *a, const char *b);
/* p[0..n) equals the string s, ignoring ASCII case. */
int hvt_ci_eqn(const char *p, size_t n, const char *s);

/* A hash of p[0..n) that ignores ASCII case (equal under hvt_ci_ncmp: equal hash). */
uint64_t hvt_ci_hash(const char *p, size_t n);

/* realloc for an array p of n elements (of size bytes) that grows one element at a time:
 * makes room for element n, keeping the capacity at the power of two at or above the count, so
 * appending is amortized O(1) without a capacity field (lowering the count is fine). Returns
 * the array, or NULL when out of memory (p is then unchanged). */
void *hvt_grow(void *p, size_t n, size_t size);

/* Value of the hex digit c, or -1. */
int hvt_hexval(char c);

/* snprintf into err (nothing when err is NULL or errlen 0). */
void hvt_seterr(char *err, size_t errlen, const char *fmt, ...) HVT_PRINTF(3, 4);
/* hvt_seterr, then returns status: `return hvt_fail(err, errlen, ERR, "...")`. */
int hvt_fail(char *err, size_t errlen, int status, const char *fmt, ...) HVT_PRINTF(4, 5);

/* A growable byte buffer, always NUL-terminated once written to. Out of memory is sticky
 * (oom) and reported once, by hvt_buf_take. Start from { 0 }. */
struct hvt_buf {
	char *p;
	size_t len, cap;
	int oom;
};
void hvt_buf_add(struct hvt_buf *b, const void *s, size_t n);
/* The text (malloc'd, "" when nothing was added), or NULL when out of memory; b is left
 * empty. */
char *hvt_buf_take(struct hvt_buf *b);

/* Decodes one UTF-8 sequence at s (n bytes available). Returns its length and *cp, or 0 for
 * an invalid sequence. With wtf, encoded surrogates (ED A0..BF xx) are accepted: that is how
 * lone surrogates of a UTF-16 file are kept. */
size_t hvt_utf8_decode(const unsigned char *s, size_t n, int wtf, uint32_t *cp);
/* Encodes cp (at most 0x10FFFF; surrogates too, for the above) into out; returns the length. */
size_t hvt_utf8_encode(uint32_t cp, char out[4]);

#endif
