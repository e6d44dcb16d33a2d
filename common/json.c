/* JSON writer and bounded pull reader (see json.h). */
#include "json.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

/* Every byte of the document goes through here: to the FILE, or appended to the buffer. */
static void out(struct hvt_jw *w, const char *s, size_t n)
{
	if (w->f) {
		fwrite(s, 1, n, w->f);
		return;
	}
	hvt_buf_add(&w->mem, s, n);
}

static void outs(struct hvt_jw *w, const char *s)
{
	out(w, s, strlen(s));
}

/* The one JSON string escaper of hvtools: s as a string literal, quotes included. */
static void quote(struct hvt_jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	out(w, "\"", 1);
	while (left > 0) {
		char esc[8];
		uint32_t cp;
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			out(w, esc, 2);
			p++;
			left--;
		} else if (*p < 0x20 || *p == 0x7F) {
			const char *named = *p == '\n'	 ? "\\n"
					    : *p == '\t' ? "\\t"
					    : *p == '\r' ? "\\r"
							 : NULL;
			if (named) {
				out(w, named, 2);
			} else {
				/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): bytes */
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				out(w, esc, 6);
			}
			p++;
			left--;
		} else {
			size_t n = hvt_utf8_decode(p, left, 0, &cp);
			if (n == 0) {
				out(w, "\\ufffd", 6);
				n = 1;
			} else {
				out(w, (const char *)p, n);
			}
			p += n;
			left -= n;
		}
	}
	out(w, "\"", 1);
}

void hvt_jw_init(struct hvt_jw *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->f = f;
}

void hvt_jw_init_mem(struct hvt_jw *w)
{
	hvt_jw_init(w, NULL);
}

char *hvt_jw_take(struct hvt_jw *w)
{
	char *s = hvt_buf_take(&w->mem);
	hvt_jw_init_mem(w);
	return s;
}

static void indent(struct hvt_jw *w)
{
	out(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		out(w, "  ", 2);
}

/* Separator and key before a value. */
static void member(struct hvt_jw *w, const char *key)
{
	if (w->depth > 0) {
		int d = w->depth - 1;
		if (w->count[d]++ > 0)
			out(w, ",", 1);
		if (!w->inline_[d])
			indent(w);
		else if (w->count[d] > 1)
			out(w, " ", 1);
	}
	if (key) {
		quote(w, key);
		out(w, ": ", 2);
	}
}

static void open_container(struct hvt_jw *w, const char *key, int one_line, char op, char cl)
{
	member(w, key);
	out(w, &op, 1);
	if (w->depth >= HVT_JW_MAX_DEPTH) /* a programming error; keep the output valid anyway */
		abort();
	int parent_inline = w->depth > 0 && w->inline_[w->depth - 1];
	w->count[w->depth] = 0;
	w->inline_[w->depth] = one_line || parent_inline;
	w->close[w->depth] = cl;
	w->depth++;
}

void hvt_jw_object(struct hvt_jw *w, const char *key, int one_line)
{
	open_container(w, key, one_line, '{', '}');
}

void hvt_jw_array(struct hvt_jw *w, const char *key, int one_line)
{
	open_container(w, key, one_line, '[', ']');
}

void hvt_jw_end(struct hvt_jw *w)
{
	if (w->depth == 0)
		abort();
	w->depth--;
	if (w->count[w->depth] > 0 && !w->inline_[w->depth])
		indent(w);
	out(w, &w->close[w->depth], 1);
}

void hvt_jw_str(struct hvt_jw *w, const char *key, const char *s)
{
	member(w, key);
	if (s)
		quote(w, s);
	else
		outs(w, "null");
}

void hvt_jw_num(struct hvt_jw *w, const char *key, uint64_t v)
{
	char buf[24];
	member(w, key);
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	outs(w, buf);
}

void hvt_jw_fixed(struct hvt_jw *w, const char *key, double v, int decimals)
{
	char buf[400]; /* DBL_MAX in %f is 309 digits */
	member(w, key);
	if (!(v >= -DBL_MAX && v <= DBL_MAX) || decimals < 0 || decimals > 17) { /* NaN, inf */
		outs(w, "null");
		return;
	}
	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	outs(w, buf);
}

void hvt_jw_bool(struct hvt_jw *w, const char *key, int v)
{
	member(w, key);
	outs(w, v ? "true" : "false");
}

void hvt_jw_null(struct hvt_jw *w, const char *key)
{
	member(w, key);
	outs(w, "null");
}

void hvt_jw_raw(struct hvt_jw *w, const char *key, const char *json)
{
	member(w, key);
	outs(w, json);
}

void hvt_jw_finish(struct hvt_jw *w)
{
	out(w, "\n", 1);
}

/* ---- reader ---- */

void hvt_jr_init(struct hvt_jr *r, const void *data, size_t len)
{
	r->start = r->p = data;
	r->end = r->p + len;
	r->err = NULL;
	r->err_at = 0;
}

static int jr_fail(struct hvt_jr *r, const char *why)
{
	if (!r->err) {
		r->err = why;
		r->err_at = (size_t)(r->p - r->start);
	}
	return -1;
}

static void ws(struct hvt_jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int literal(struct hvt_jr *r, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(r->end - r->p) >= n && memcmp(r->p, word, n) == 0;
}

enum hvt_jr_type hvt_jr_peek(struct hvt_jr *r)
{
	ws(r);
	if (r->p >= r->end)
		return HVT_JR_END;
	switch (*r->p) {
	case '{': return HVT_JR_OBJECT;
	case '[': return HVT_JR_ARRAY;
	case '"': return HVT_JR_STRING;
	case 't': return literal(r, "true") ? HVT_JR_TRUE : HVT_JR_BAD;
	case 'f': return literal(r, "false") ? HVT_JR_FALSE : HVT_JR_BAD;
	case 'n': return literal(r, "null") ? HVT_JR_NULL : HVT_JR_BAD;
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return HVT_JR_NUMBER;
		return HVT_JR_BAD;
	}
}

int hvt_jr_accept(struct hvt_jr *r, char ch)
{
	ws(r);
	if (r->p < r->end && *r->p == ch) {
		r->p++;
		return 1;
	}
	return 0;
}

int hvt_jr_expect(struct hvt_jr *r, char ch)
{
	static const char *const what[] = { "expected '{'", "expected '}'", "expected '['",
					    "expected ']'", "expected ':'", "expected ','" };
	if (hvt_jr_accept(r, ch))
		return 0;
	const char *chars = "{}[]:,";
	const char *at = strchr(chars, ch);
	return jr_fail(r, at && ch ? what[at - chars] : "unexpected character");
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		*v = *v * 16 + d;
	}
	return 0;
}

/* Scans (out == NULL) or decodes a string whose opening quote is at r->p. The decoded form
 * is never longer than the text, so the caller sizes out by the scanned length. */
static int string_pass(struct hvt_jr *r, char *out, size_t *outlen, const char **endp)
{
	const char *p = r->p + 1;
	size_t n = 0;
	for (;;) {
		if (p >= r->end)
			return jr_fail(r, "unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return jr_fail(r, "control character in string");
		if (c != '\\') {
			uint32_t cp;
			size_t k = hvt_utf8_decode((const unsigned char *)p, (size_t)(r->end - p),
						   0, &cp);
			if (k == 0)
				return jr_fail(r, "invalid UTF-8 in string");
			if (out)
				memcpy(out + n, p, k);
			n += k;
			p += k;
			continue;
		}
		if (p + 1 >= r->end)
			return jr_fail(r, "unterminated string");
		char e = p[1];
		static const char enc[] = "\"\\/bfnrt", dec[] = "\"\\/\b\f\n\r\t";
		const char *simple = e ? strchr(enc, e) : NULL;
		if (simple) {
			if (out)
				out[n] = dec[simple - enc];
			n++;
			p += 2;
			continue;
		}
		if (e != 'u')
			return jr_fail(r, "invalid escape in string");
		unsigned cp, lo;
		if (r->end - p < 6 || hex4(p + 2, &cp) < 0)
			return jr_fail(r, "invalid \\u escape in string");
		p += 6;
		if (cp == 0)
			return jr_fail(r, "\\u0000 in string");
		if (cp >= 0xD800 && cp <= 0xDBFF && r->end - p >= 6 && p[0] == '\\' &&
		    p[1] == 'u' && hex4(p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD; /* lone surrogate */
		}
		/* 6 or 12 bytes of text give at most 3 or 4 bytes of UTF-8 */
		char tmp[4];
		size_t k = hvt_utf8_encode(cp, tmp);
		if (out)
			memcpy(out + n, tmp, k);
		n += k;
	}
	*outlen = n;
	*endp = p + 1;
	return 0;
}

int hvt_jr_string(struct hvt_jr *r, char **out)
{
	size_t n;
	const char *end;
	*out = NULL;
	if (hvt_jr_peek(r) != HVT_JR_STRING)
		return jr_fail(r, "expected a string");
	if (string_pass(r, NULL, &n, &end) < 0)
		return -1;
	char *s = malloc(n + 1);
	if (!s)
		return jr_fail(r, "out of memory");
	string_pass(r, s, &n, &end);
	s[n] = '\0';
	r->p = end;
	*out = s;
	return 0;
}

static int skip_number(struct hvt_jr *r)
{
	const char *p = r->p;
	if (p < r->end && *p == '-')
		p++;
	if (p >= r->end || !(*p >= '0' && *p <= '9'))
		return jr_fail(r, "invalid number");
	if (*p == '0')
		p++;
	else
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	if (p < r->end && *p == '.') {
		p++;
		if (p >= r->end || !(*p >= '0' && *p <= '9'))
			return jr_fail(r, "invalid number");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < r->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < r->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= r->end || !(*p >= '0' && *p <= '9'))
			return jr_fail(r, "invalid number");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	return 0;
}

static int skip_depth(struct hvt_jr *r, int depth)
{
	size_t n;
	const char *end = NULL; /* set by string_pass when it succeeds (the analyzer loses track) */
	if (depth > HVT_JR_MAX_DEPTH)
		return jr_fail(r, "nested too deeply");
	switch (hvt_jr_peek(r)) {
	case HVT_JR_OBJECT:
		r->p++;
		if (hvt_jr_accept(r, '}'))
			return 0;
		do {
			if (hvt_jr_peek(r) != HVT_JR_STRING)
				return jr_fail(r, "expected a member name");
			if (string_pass(r, NULL, &n, &end) < 0)
				return -1;
			r->p = end;
			if (hvt_jr_expect(r, ':') < 0 || skip_depth(r, depth + 1) < 0)
				return -1;
		} while (hvt_jr_accept(r, ','));
		return hvt_jr_expect(r, '}');
	case HVT_JR_ARRAY:
		r->p++;
		if (hvt_jr_accept(r, ']'))
			return 0;
		do {
			if (skip_depth(r, depth + 1) < 0)
				return -1;
		} while (hvt_jr_accept(r, ','));
		return hvt_jr_expect(r, ']');
	case HVT_JR_STRING:
		if (string_pass(r, NULL, &n, &end) < 0)
			return -1;
		r->p = end;
		return 0;
	case HVT_JR_NUMBER: return skip_number(r);
	case HVT_JR_TRUE: r->p += 4; return 0;
	case HVT_JR_FALSE: r->p += 5; return 0;
	case HVT_JR_NULL: r->p += 4; return 0;
	case HVT_JR_END: return jr_fail(r, "unexpected end of input");
	case HVT_JR_BAD: break;
	}
	return jr_fail(r, "expected a value");
}

int hvt_jr_skip(struct hvt_jr *r)
{
	return skip_depth(r, 1);
}

int hvt_jr_done(struct hvt_jr *r)
{
	ws(r);
	/* Windows APIs hand out NUL-terminated text; a trailing NUL is not garbage. */
	while (r->p < r->end && *r->p == '\0')
		r->p++;
	if (r->p != r->end)
		return jr_fail(r, "unexpected text after the document");
	return 0;
}
