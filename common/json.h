/* JSON, both directions, kept small:
 *
 * Writer (hvt_jw_*): one document on a FILE as it goes (a caller may flush between values
 * and so stream a long document), or into memory; two-space indentation; objects begun
 * "inline" (table rows) stay on one line. Strings are escaped (", \, control characters;
 * \n \t \r by name, the others as \u00XX), invalid UTF-8 becomes U+FFFD, so the output is
 * always valid JSON. This is the only JSON string escaper of hvtools.
 *
 * Reader (hvt_jr_*): a bounded pull reader over a buffer for documents produced by other
 * programs (the Host Compute Service's compute-system list). No tree is built: the caller
 * walks the structure it expects and skips what it does not want. Every call checks the end
 * of the buffer; nesting deeper than HVT_JR_MAX_DEPTH is an error, not a stack overflow. */
#ifndef HVT_JSON_H
#define HVT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strutil.h"

/* ---- writer ---- */

#define HVT_JW_MAX_DEPTH 16

struct hvt_jw {
	FILE *f; /* NULL: into mem (hvt_jw_init_mem) */
	struct hvt_buf mem;
	int depth;
	int count[HVT_JW_MAX_DEPTH];   /* members written at each level */
	int inline_[HVT_JW_MAX_DEPTH]; /* level printed on one line */
	char close[HVT_JW_MAX_DEPTH];  /* '}' or ']' */
};

void hvt_jw_init(struct hvt_jw *w, FILE *f);
/* A writer into memory; hvt_jw_take hands out the text. */
void hvt_jw_init_mem(struct hvt_jw *w);
/* The text written into memory (malloc'd, the caller frees it; NULL when out of memory).
 * The writer starts afresh. */
char *hvt_jw_take(struct hvt_jw *w);
/* key is NULL for array elements and for the top level. */
void hvt_jw_object(struct hvt_jw *w, const char *key, int one_line);
void hvt_jw_array(struct hvt_jw *w, const char *key, int one_line);
void hvt_jw_end(struct hvt_jw *w); /* closes the innermost object or array */
void hvt_jw_str(struct hvt_jw *w, const char *key, const char *s); /* NULL writes null */
void hvt_jw_num(struct hvt_jw *w, const char *key, uint64_t v);
/* v with exactly decimals (0-17) digits after the point; null when v is not finite. */
void hvt_jw_fixed(struct hvt_jw *w, const char *key, double v, int decimals);
void hvt_jw_bool(struct hvt_jw *w, const char *key, int v);
void hvt_jw_null(struct hvt_jw *w, const char *key);
/* A value already in JSON form (the caller guarantees it is valid). */
void hvt_jw_raw(struct hvt_jw *w, const char *key, const char *json);
/* Ends the document with a newline (call after the last hvt_jw_end). */
void hvt_jw_finish(struct hvt_jw *w);

/* ---- reader ---- */

#define HVT_JR_MAX_DEPTH 64

enum hvt_jr_type {
	HVT_JR_END = 0, /* end of input */
	HVT_JR_OBJECT,	/* next is '{' */
	HVT_JR_ARRAY,	/* '[' */
	HVT_JR_STRING,	/* '"' */
	HVT_JR_NUMBER,
	HVT_JR_TRUE,
	HVT_JR_FALSE,
	HVT_JR_NULL,
	HVT_JR_BAD, /* anything else */
};

struct hvt_jr {
	const char *p, *end;
	const char *start;
	const char *err; /* static phrase of the first error, or NULL */
	size_t err_at;	 /* byte offset of that error */
};

void hvt_jr_init(struct hvt_jr *r, const void *data, size_t len);
/* Type of the next value (after white space); does not consume it. */
enum hvt_jr_type hvt_jr_peek(struct hvt_jr *r);
/* Consumes ch (after white space): '{' '}' '[' ']' ':' ','. Returns 0, or -1 (error set). */
int hvt_jr_expect(struct hvt_jr *r, char ch);
/* Consumes ch if it comes next; returns 1 if it did, 0 if not. */
int hvt_jr_accept(struct hvt_jr *r, char ch);
/* Reads a string value into a malloc'd UTF-8 string (escapes decoded, \u0000 refused,
 * lone surrogates become U+FFFD). Returns 0, or -1 (error set). */
int hvt_jr_string(struct hvt_jr *r, char **out);
/* Skips one value of any type, nested ones included. Returns 0 or -1 (error set). */
int hvt_jr_skip(struct hvt_jr *r);
/* After the document: only white space may follow. Returns 0 or -1. */
int hvt_jr_done(struct hvt_jr *r);

#endif
