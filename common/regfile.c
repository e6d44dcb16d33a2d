/* .reg files: reader, editor, writer (regfile.h). Portable C11. The service store over a .reg
 * file or the live registry (registry.h) is registry.c. */
#include "regfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

#if defined(__GNUC__)
#define REG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define REG_PRINTF(a, b)
#endif

static const char header5[] = "Windows Registry Editor Version 5.00";
static const char header4[] = "REGEDIT4";

/* ---- small helpers ------------------------------------------------------------------------ */

static void buf_str(struct hvt_buf *b, const char *s)
{
	hvt_buf_add(b, s, strlen(s));
}

static void buf_ch(struct hvt_buf *b, char c)
{
	hvt_buf_add(b, &c, 1);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blank(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* Only blanks, optionally followed by a ';' comment, up to the end. */
static int rest_is_empty(const char *p)
{
	p = skip_blank(p);
	return *p == '\0' || *p == ';';
}

/* ---- UTF-8 and UTF-16 --------------------------------------------------------------------- */

static void utf8_put(struct hvt_buf *b, uint32_t cp)
{
	char t[4];
	hvt_buf_add(b, t, hvt_utf8_encode(cp, t));
}

/* UTF-16LE code units (len bytes, even) to UTF-8; lone surrogates kept as 3-byte sequences so
 * that writing back gives the same bytes. Stops at a NUL unit when stop_nul. */
static void utf16le_to_utf8(struct hvt_buf *b, const unsigned char *s, size_t len, int stop_nul)
{
	for (size_t i = 0; i + 1 < len; i += 2) {
		uint32_t u = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8;
		if (u == 0 && stop_nul)
			break;
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
			uint32_t u2 = (uint32_t)s[i + 2] | (uint32_t)s[i + 3] << 8;
			if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
				utf8_put(b, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
				i += 2;
				continue;
			}
		}
		utf8_put(b, u);
	}
}

static void put16(struct hvt_buf *b, uint32_t u)
{
	char t[2] = { (char)(u & 0xFF), (char)(u >> 8) };
	hvt_buf_add(b, t, 2);
}

/* UTF-8 (with encoded surrogates) to UTF-16LE; an invalid byte becomes U+FFFD. */
static void utf8_to_utf16le(struct hvt_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = hvt_utf8_decode(p + i, len - i, 1, &cp);
		if (n == 0) {
			cp = 0xFFFD;
			n = 1;
		}
		i += n;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put16(b, 0xD800 + (cp >> 10));
			put16(b, 0xDC00 + (cp & 0x3FF));
		} else {
			put16(b, cp);
		}
	}
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Whether s is valid UTF-8; *bad gets the offset of the first invalid byte. */
static int utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = hvt_utf8_decode((const unsigned char *)s + i, len - i, 1, &cp);
		if (n == 0) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/* ---- model -------------------------------------------------------------------------------- */

static void val_free(struct hvt_regval *v)
{
	if (!v)
		return;
	free(v->name);
	free(v->str);
	free(v->data);
	free(v);
}

static void items_free(struct hvt_regitem *it, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(it[i].raw);
		val_free(it[i].val);
	}
	free(it);
}

static void sect_clear(struct hvt_regsect *s)
{
	free(s->path);
	free(s->head);
	items_free(s->items, s->nitems);
	memset(s, 0, sizeof *s);
}

void hvt_regfile_free(struct hvt_regfile *rf)
{
	if (!rf)
		return;
	free(rf->header);
	items_free(rf->pre, rf->npre);
	for (size_t i = 0; i < rf->nsects; i++)
		sect_clear(&rf->sects[i]);
	free(rf->sects);
	free(rf);
}

/* Inserts item at index at of *items (n entries); takes raw and val. 0 or -1. */
static int items_insert(struct hvt_regitem **items, size_t *n, size_t at, char *raw, size_t line,
			struct hvt_regval *val)
{
	struct hvt_regitem *p = hvt_grow(*items, *n, sizeof *p);
	if (!p)
		return -1;
	*items = p;
	memmove(p + at + 1, p + at, (*n - at) * sizeof *p);
	p[at].raw = raw;
	p[at].line = line;
	p[at].val = val;
	(*n)++;
	return 0;
}

struct hvt_regfile *hvt_regfile_new(void)
{
	struct hvt_regfile *rf = calloc(1, sizeof *rf);
	if (!rf)
		return NULL;
	rf->version = 5;
	rf->enc = HVT_REG_UTF16LE;
	strcpy(rf->eol, "\r\n");
	struct hvt_buf b = { 0 };
	buf_str(&b, header5);
	buf_str(&b, "\r\n");
	rf->header = hvt_buf_take(&b);
	char *blank = hvt_xstrdup("\r\n");
	if (!rf->header || !blank || items_insert(&rf->pre, &rf->npre, 0, blank, 0, NULL) < 0) {
		free(blank);
		hvt_regfile_free(rf);
		return NULL;
	}
	return rf;
}

/* ---- parser ------------------------------------------------------------------------------- */

struct parser {
	const char *name; /* for messages */
	int utf16;	  /* the file was UTF-16 */
	const char *text; /* UTF-8 (or bytes as read) */
	size_t len, pos;
	size_t lineno; /* of the line last read */
	char *err;
	size_t errlen;
	/* the line last read */
	const char *raw; /* in text, EOL included */
	size_t rawlen;
	char *line; /* NUL-terminated copy without EOL */
	size_t linelen;
};

static int perr(struct parser *ps, size_t line, const char *fmt, ...) REG_PRINTF(3, 4);

/* Next line: 1, 0 at the end of the text, -1 on error (message set). */
static int next_line(struct parser *ps)
{
	if (ps->pos >= ps->len)
		return 0;
	const char *s = ps->text + ps->pos;
	const char *nl = memchr(s, '\n', ps->len - ps->pos);
	size_t raw = nl ? (size_t)(nl - s) + 1 : ps->len - ps->pos;
	size_t content = nl ? (size_t)(nl - s) : raw;
	if (nl && content > 0 && s[content - 1] == '\r')
		content--;
	ps->raw = s;
	ps->rawlen = raw;
	ps->pos += raw;
	ps->lineno++;
	if (memchr(s, '\0', raw))
		return perr(ps, ps->lineno, "NUL character in the text%s",
			    ps->utf16 ? "" : " (UTF-16 without byte order mark?)");
	free(ps->line);
	ps->line = hvt_xstrndup(s, content);
	ps->linelen = content;
	if (!ps->line)
		return perr(ps, 0, "out of memory");
	return 1;
}

static int perr(struct parser *ps, size_t line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		hvt_seterr(ps->err, ps->errlen, "%s:%lu: %s", ps->name, (unsigned long)line, msg);
	else
		hvt_seterr(ps->err, ps->errlen, "%s: %s", ps->name, msg);
	return -1;
}

static int oom(struct parser *ps)
{
	return perr(ps, 0, "out of memory");
}

/* A quoted string at *pp (just past the opening quote) up to the closing quote, unescaped into
 * *out: \\ and \" as regedit writes them; \n, \r and \0 as Wine also reads them; any other
 * backslash stays. Returns 0 with *pp past the closing quote, or -1 (message set: what is
 * unterminated, or out of memory). */
static int parse_quoted(struct parser *ps, const char **pp, const char *end, char **out,
			const char *what)
{
	struct hvt_buf b = { 0 };
	const char *p = *pp;
	for (; p < end; p++) {
		if (*p == '"') {
			*out = hvt_buf_take(&b);
			*pp = p + 1;
			return *out ? 0 : oom(ps);
		}
		if (*p == '\\' && p + 1 < end) {
			char c = p[1];
			if (c == '\\' || c == '"') {
				buf_ch(&b, c);
				p++;
				continue;
			}
			if (c == 'n' || c == 'r' || c == '0') {
				buf_ch(&b, c == 'n' ? '\n' : c == 'r' ? '\r' : '\0');
				p++;
				continue;
			}
		}
		buf_ch(&b, *p);
	}
	free(hvt_buf_take(&b));
	return perr(ps, ps->lineno, "unterminated %s (missing '\"')", what);
}

/* Root keys: full names, and the short ones that reg.exe takes and regedit refuses (read, but
 * flagged: hvt_regfile_short_root). */
static const struct {
	const char *name, *full;
} hives[] = {
	{ "HKEY_LOCAL_MACHINE", NULL },	   { "HKEY_CURRENT_USER", NULL },
	{ "HKEY_CLASSES_ROOT", NULL },	   { "HKEY_USERS", NULL },
	{ "HKEY_CURRENT_CONFIG", NULL },   { "HKEY_DYN_DATA", NULL },
	{ "HKEY_PERFORMANCE_DATA", NULL }, { "HKLM", "HKEY_LOCAL_MACHINE" },
	{ "HKCU", "HKEY_CURRENT_USER" },   { "HKCR", "HKEY_CLASSES_ROOT" },
	{ "HKU", "HKEY_USERS" },	   { "HKCC", "HKEY_CURRENT_CONFIG" },
};

/* The row of path's root key, or -1. */
static int hive_of(const char *path)
{
	size_t n = strcspn(path, "\\");
	for (size_t i = 0; i < sizeof hives / sizeof hives[0]; i++)
		if (hvt_ci_eqn(path, n, hives[i].name))
			return (int)i;
	return -1;
}

const char *hvt_regfile_short_root(const char *path)
{
	int i = hive_of(path);
	return i < 0 ? NULL : hives[i].full;
}

/* [PATH] or [-PATH]: content is the line without EOL, p at '['. */
static int parse_key(struct parser *ps, const char *p, struct hvt_regsect *s)
{
	const char *end = ps->line + ps->linelen;
	p++;
	if (*p == '-' && p < end) {
		s->deleted = 1;
		p++;
	}
	/* The first ']' followed by nothing but blanks or a comment closes the key (key names may
	 * contain ']'). */
	const char *close = NULL;
	for (const char *q = p; q < end; q++) {
		if (*q != ']')
			continue;
		const char *r = skip_blank(q + 1);
		if (r == end || *r == ';') {
			close = q;
			break;
		}
	}
	if (!close)
		return perr(ps, ps->lineno, "key without closing ']' (or text after it)");
	if (close == p)
		return perr(ps, ps->lineno, "empty key name");
	s->path = hvt_xstrndup(p, (size_t)(close - p));
	s->head = hvt_xstrndup(ps->raw, ps->rawlen);
	s->line = ps->lineno;
	if (!s->path || !s->head)
		return oom(ps);
	if (hive_of(s->path) < 0)
		return perr(
			ps, ps->lineno,
			"unknown root key in [%s] (expected HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, "
			"HKEY_CLASSES_ROOT, HKEY_USERS or HKEY_CURRENT_CONFIG)",
			s->path);
	return 0;
}

/* Hex bytes after "hex:" / "hex(N):", possibly continued over lines ending in '\'.
 * raw collects the text of the continuation lines. */
static int parse_hex(struct parser *ps, const char *p, const char *end, struct hvt_regval *v,
		     struct hvt_buf *raw)
{
	struct hvt_buf data = { 0 };
	size_t start = ps->lineno;
	for (;;) {
		p = skip_blank(p);
		if (p == end || *p == ';')
			break;
		if (*p == '\\' && skip_blank(p + 1) == end) {
			int nl = next_line(ps);
			if (nl <= 0) {
				free(hvt_buf_take(&data));
				return nl < 0 ? -1
					      : perr(ps, start,
						     "hex value continued ('\\') past the end of the file");
			}
			hvt_buf_add(raw, ps->raw, ps->rawlen);
			p = ps->line;
			end = ps->line + ps->linelen;
			continue;
		}
		int d1 = hvt_hexval(*p), d2 = p + 1 < end ? hvt_hexval(p[1]) : -1;
		if (d1 < 0) {
			free(hvt_buf_take(&data));
			return perr(ps, ps->lineno,
				    "invalid hex byte '%.*s' (expected 2 hex digits and ',')",
				    (int)strcspn(p, ",\\ \t\r\n"), p);
		}
		unsigned byte = (unsigned)d1;
		p++;
		if (d2 >= 0) {
			byte = byte << 4 | (unsigned)d2;
			p++;
		}
		buf_ch(&data, (char)byte);
		p = skip_blank(p);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p == end || *p == ';' || *p == '\\')
			continue;
		free(hvt_buf_take(&data));
		return perr(ps, ps->lineno,
			    "invalid hex data at '%.*s' (expected 2 hex digits and ',')",
			    (int)strcspn(p, ",\\ \t\r\n"), p);
	}
	if (data.oom) {
		free(hvt_buf_take(&data));
		return oom(ps);
	}
	v->len = data.len;
	v->data = (uint8_t *)hvt_buf_take(&data);
	if (!v->data)
		return oom(ps);
	return 0;
}

/* "name"=data or @=data; p at '"' or '@'. On success the item's raw text is in *rawout. */
static int parse_value(struct parser *ps, const char *p, struct hvt_regval **out, char **rawout)
{
	const char *end = ps->line + ps->linelen;
	size_t line = ps->lineno;
	struct hvt_buf raw = { 0 };
	hvt_buf_add(&raw, ps->raw, ps->rawlen);
	struct hvt_regval *v = calloc(1, sizeof *v);
	if (!v)
		return oom(ps);
	int rc = -1;
	if (*p == '@') {
		v->name = hvt_xstrdup("");
		p++;
	} else {
		p++;
		if (parse_quoted(ps, &p, end, &v->name, "value name") < 0)
			goto out;
	}
	if (!v->name) {
		oom(ps);
		goto out;
	}
	p = skip_blank(p);
	if (p == end || *p != '=') {
		perr(ps, line, "expected '=' after the value name");
		goto out;
	}
	p = skip_blank(p + 1);
	if (p < end && *p == '"') {
		p++;
		if (parse_quoted(ps, &p, end, &v->str, "string") < 0)
			goto out;
		v->kind = HVT_REGV_STRING;
		v->type = 1;
		if (!rest_is_empty(p)) {
			perr(ps, line, "unexpected text after the string");
			goto out;
		}
	} else if (p < end && *p == '-') {
		v->kind = HVT_REGV_DELETE;
		if (!rest_is_empty(p + 1)) {
			perr(ps, line, "unexpected text after '-'");
			goto out;
		}
	} else if (end - p >= 6 && hvt_ci_ncmp(p, "dword:", 6) == 0) {
		p += 6;
		uint32_t x = 0;
		int n = 0;
		for (int d; p < end && (d = hvt_hexval(*p)) >= 0; p++, n++)
			x = x << 4 | (uint32_t)d;
		if (n == 0 || n > 8 || !rest_is_empty(p)) {
			perr(ps, line,
			     "invalid dword value (expected dword: and up to 8 hex digits)");
			goto out;
		}
		v->kind = HVT_REGV_DWORD;
		v->type = 4;
		v->dword = x;
		v->data = malloc(4);
		if (!v->data) {
			oom(ps);
			goto out;
		}
		for (int i = 0; i < 4; i++)
			v->data[i] = (uint8_t)(x >> (8 * i));
		v->len = 4;
	} else if (end - p >= 3 && hvt_ci_ncmp(p, "hex", 3) == 0) {
		p += 3;
		uint32_t type = 3;
		if (p < end && *p == '(') {
			p++;
			uint32_t x = 0;
			int n = 0;
			for (int d; p < end && (d = hvt_hexval(*p)) >= 0; p++, n++)
				x = x << 4 | (uint32_t)d;
			if (n == 0 || n > 8 || p == end || *p != ')') {
				perr(ps, line,
				     "invalid hex(N): type (expected up to 8 hex digits in ())");
				goto out;
			}
			p++;
			type = x;
		}
		if (p == end || *p != ':') {
			perr(ps, line, "expected ':' after hex");
			goto out;
		}
		v->kind = HVT_REGV_HEX;
		v->type = type;
		if (parse_hex(ps, p + 1, end, v, &raw) < 0)
			goto out;
	} else {
		perr(ps, line,
		     "unknown value type (expected \"string\", dword:, hex:, hex(N): or -)");
		goto out;
	}
	if (raw.oom) {
		oom(ps);
		goto out;
	}
	*rawout = hvt_buf_take(&raw);
	*out = v;
	return 0;
out:
	free(hvt_buf_take(&raw));
	val_free(v);
	return rc;
}

static int parse_text(struct parser *ps, struct hvt_regfile *rf)
{
	/* Header. */
	int nl = next_line(ps);
	if (nl < 0)
		return -1;
	if (nl == 0)
		return perr(ps, 1, "empty file (expected the header '%s')", header5);
	size_t n = ps->linelen;
	while (n > 0 && is_blank(ps->line[n - 1]))
		n--;
	if (n == sizeof header5 - 1 && memcmp(ps->line, header5, n) == 0)
		rf->version = 5;
	else if (n == sizeof header4 - 1 && memcmp(ps->line, header4, n) == 0)
		rf->version = 4;
	else
		return perr(ps, 1, "not a .reg file (the first line must be '%s' or '%s')", header5,
			    header4);
	rf->header = hvt_xstrndup(ps->raw, ps->rawlen);
	if (!rf->header)
		return oom(ps);
	/* The header's own line end; CRLF when it has none (a one-line file). */
	snprintf(rf->eol, sizeof rf->eol, "%s", ps->rawlen == ps->linelen + 1 ? "\n" : "\r\n");

	struct hvt_regsect *cur = NULL;
	while ((nl = next_line(ps)) > 0) {
		const char *p = skip_blank(ps->line);
		const char *end = ps->line + ps->linelen;
		struct hvt_regval *v = NULL;
		char *raw = NULL;
		size_t line = ps->lineno;
		if (p == end || *p == ';') {
			raw = hvt_xstrndup(ps->raw, ps->rawlen);
			if (!raw)
				return oom(ps);
		} else if (*p == '[') {
			struct hvt_regsect *ns = hvt_grow(rf->sects, rf->nsects, sizeof *ns);
			if (!ns)
				return oom(ps);
			rf->sects = ns;
			cur = &rf->sects[rf->nsects++];
			memset(cur, 0, sizeof *cur);
			if (parse_key(ps, p, cur) < 0)
				return -1;
			continue;
		} else if (*p == '"' || *p == '@') {
			if (!cur)
				return perr(ps, line, "value before the first [key]");
			if (cur->deleted)
				return perr(ps, line, "value under a key deletion [-%s]",
					    cur->path);
			if (parse_value(ps, p, &v, &raw) < 0)
				return -1;
		} else {
			return perr(
				ps, line,
				"unexpected text (expected [key], \"name\"=value, @=value, a ';' comment "
				"or a blank line)");
		}
		int rc = cur ? items_insert(&cur->items, &cur->nitems, cur->nitems, raw, line, v)
			     : items_insert(&rf->pre, &rf->npre, rf->npre, raw, line, v);
		if (rc < 0) {
			free(raw);
			val_free(v);
			return oom(ps);
		}
	}
	return nl;
}

int hvt_regfile_parse(const void *data, size_t len, const char *name, struct hvt_regfile **out,
		      char *err, size_t errlen)
{
	const unsigned char *d = data;
	struct parser ps = { 0 };
	ps.name = name;
	ps.err = err;
	ps.errlen = errlen;
	*out = NULL;

	struct hvt_regfile *rf = calloc(1, sizeof *rf);
	if (!rf)
		return perr(&ps, 0, "out of memory");
	struct hvt_buf text = { 0 };
	if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
		rf->enc = HVT_REG_UTF16LE;
		ps.utf16 = 1;
		if (len % 2) {
			free(rf);
			return perr(&ps, 0, "truncated UTF-16 text (odd number of bytes)");
		}
		utf16le_to_utf8(&text, d + 2, len - 2, 0);
		ps.text = text.p ? text.p : "";
		ps.len = text.len;
	} else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
		free(rf);
		return perr(&ps, 0, "UTF-16 big-endian is not supported (regedit writes UTF-16LE)");
	} else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		rf->enc = HVT_REG_UTF8_BOM;
		ps.text = (const char *)d + 3;
		ps.len = len - 3;
	} else {
		rf->enc = HVT_REG_UTF8;
		ps.text = (const char *)d;
		ps.len = len;
	}
	if (text.oom) {
		free(hvt_buf_take(&text));
		free(rf);
		return perr(&ps, 0, "out of memory");
	}
	int rc = parse_text(&ps, rf);
	free(ps.line);
	free(text.p);
	if (rc < 0) {
		hvt_regfile_free(rf);
		return -1;
	}
	*out = rf;
	return 0;
}

/* ---- writer and edits --------------------------------------------------------------------- */

int hvt_regfile_serialize(const struct hvt_regfile *rf, char **data, size_t *len)
{
	struct hvt_buf t = { 0 };
	buf_str(&t, rf->header);
	for (size_t i = 0; i < rf->npre; i++)
		buf_str(&t, rf->pre[i].raw);
	for (size_t i = 0; i < rf->nsects; i++) {
		buf_str(&t, rf->sects[i].head);
		for (size_t j = 0; j < rf->sects[i].nitems; j++)
			buf_str(&t, rf->sects[i].items[j].raw);
	}
	if (t.oom) {
		free(hvt_buf_take(&t));
		return -1;
	}
	struct hvt_buf o = { 0 };
	if (rf->enc == HVT_REG_UTF16LE) {
		hvt_buf_add(&o, "\xFF\xFE", 2);
		utf8_to_utf16le(&o, t.p, t.len);
	} else {
		if (rf->enc == HVT_REG_UTF8_BOM)
			hvt_buf_add(&o, "\xEF\xBB\xBF", 3);
		hvt_buf_add(&o, t.p, t.len);
	}
	free(hvt_buf_take(&t));
	size_t n = o.len;
	char *p = hvt_buf_take(&o);
	if (!p)
		return -1;
	*data = p;
	*len = n;
	return 0;
}

int hvt_regfile_quote(const char *s, char **out)
{
	struct hvt_buf b = { 0 };
	buf_ch(&b, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_ch(&b, '\\');
		buf_ch(&b, *s);
	}
	buf_ch(&b, '"');
	*out = hvt_buf_take(&b);
	return *out ? 0 : -1;
}

char *hvt_regfile_value_text(const struct hvt_regfile *rf, const struct hvt_regval *v)
{
	if (v->kind == HVT_REGV_STRING)
		return hvt_xstrdup(v->str);
	if (v->kind != HVT_REGV_HEX || (v->type != 1 && v->type != 2))
		return NULL;
	struct hvt_buf b = { 0 };
	if (rf->version == 5) {
		utf16le_to_utf8(&b, v->data, v->len - v->len % 2, 1);
	} else {
		size_t n = 0;
		while (n < v->len && v->data[n])
			n++;
		hvt_buf_add(&b, v->data, n);
	}
	return hvt_buf_take(&b);
}

static int ends_with_eol(const char *raw)
{
	size_t n = strlen(raw);
	return n > 0 && raw[n - 1] == '\n';
}

/* Appends the file's EOL to *raw. */
static int add_eol(const struct hvt_regfile *rf, char **raw)
{
	size_t n = strlen(*raw), e = strlen(rf->eol);
	char *p = realloc(*raw, n + e + 1);
	if (!p)
		return -1;
	memcpy(p + n, rf->eol, e + 1);
	*raw = p;
	return 0;
}

static int is_blank_line(const char *raw)
{
	const char *p = skip_blank(raw);
	return *p == '\0' || *p == '\r' || *p == '\n';
}

/* The last raw line before section at (header, pre lines, or the previous section's end). */
static char **last_raw_before(struct hvt_regfile *rf, size_t at)
{
	if (at > 0) {
		struct hvt_regsect *s = &rf->sects[at - 1];
		return s->nitems ? &s->items[s->nitems - 1].raw : &s->head;
	}
	return rf->npre ? &rf->pre[rf->npre - 1].raw : &rf->header;
}

int hvt_regfile_insert_section(struct hvt_regfile *rf, size_t at, const char *path)
{
	if (at > rf->nsects)
		at = rf->nsects;
	/* Whatever comes before must end its line, and a blank line separates keys as regedit
	 * writes them. */
	char **prev = last_raw_before(rf, at);
	if (!ends_with_eol(*prev) && add_eol(rf, prev) < 0)
		return -1;
	if (!is_blank_line(*prev)) {
		char *blank = hvt_xstrdup(rf->eol);
		if (!blank)
			return -1;
		int rc;
		if (at > 0)
			rc = items_insert(&rf->sects[at - 1].items, &rf->sects[at - 1].nitems,
					  rf->sects[at - 1].nitems, blank, 0, NULL);
		else
			rc = items_insert(&rf->pre, &rf->npre, rf->npre, blank, 0, NULL);
		if (rc < 0) {
			free(blank);
			return -1;
		}
	}
	struct hvt_regsect s = { 0 };
	struct hvt_buf b = { 0 };
	buf_ch(&b, '[');
	buf_str(&b, path);
	buf_ch(&b, ']');
	buf_str(&b, rf->eol);
	s.head = hvt_buf_take(&b);
	s.path = hvt_xstrdup(path);
	char *blank = hvt_xstrdup(rf->eol);
	struct hvt_regsect *ns = hvt_grow(rf->sects, rf->nsects, sizeof *ns);
	if (ns)
		rf->sects = ns;
	if (!s.head || !s.path || !blank || !ns ||
	    items_insert(&s.items, &s.nitems, 0, blank, 0, NULL) < 0) {
		free(blank);
		sect_clear(&s);
		return -1;
	}
	memmove(rf->sects + at + 1, rf->sects + at, (rf->nsects - at) * sizeof *ns);
	rf->sects[at] = s;
	rf->nsects++;
	rf->changed = 1;
	return 0;
}

void hvt_regfile_remove_section(struct hvt_regfile *rf, size_t i)
{
	if (i >= rf->nsects)
		return;
	sect_clear(&rf->sects[i]);
	memmove(rf->sects + i, rf->sects + i + 1, (rf->nsects - i - 1) * sizeof rf->sects[0]);
	rf->nsects--;
	rf->changed = 1;
}

int hvt_regfile_check_string(const struct hvt_regfile *rf, const char *name, const char *value,
			     enum hvt_reg_encoding *enc, char *err, size_t errlen)
{
	*enc = rf->enc;
	if (is_ascii(name) && is_ascii(value))
		return 0;
	if (rf->version == 4) {
		hvt_seterr(err, errlen, "non-ASCII text cannot be written to a REGEDIT4 file");
		return -1;
	}
	if (rf->enc != HVT_REG_UTF8)
		return 0;
	/* regedit reads a file without BOM in the ANSI code page: switch to UTF-16LE (same
	 * meaning for a version 5 file) if the text we have is UTF-8. */
	char *img;
	size_t len, bad;
	if (hvt_regfile_serialize(rf, &img, &len) < 0) {
		hvt_seterr(err, errlen, "out of memory");
		return -1;
	}
	int ok = utf8_valid(img, len, &bad);
	free(img);
	if (!ok) {
		hvt_seterr(
			err, errlen,
			"cannot add non-ASCII text: the file (without byte order mark) is not UTF-8, "
			"and regedit would read it in the ANSI code page");
		return -1;
	}
	*enc = HVT_REG_UTF16LE;
	return 0;
}

int hvt_regfile_set_string(struct hvt_regfile *rf, size_t i, const char *name, const char *value,
			   char *err, size_t errlen)
{
	if (i >= rf->nsects || rf->sects[i].deleted) {
		hvt_seterr(err, errlen, "no such key section");
		return -1;
	}
	struct hvt_regsect *s = &rf->sects[i];
	size_t last_val = SIZE_MAX, same = SIZE_MAX;
	for (size_t j = 0; j < s->nitems; j++) {
		if (!s->items[j].val)
			continue;
		last_val = j;
		if (hvt_ci_cmp(s->items[j].val->name, name) == 0)
			same = j;
	}
	if (same != SIZE_MAX && s->items[same].val->kind == HVT_REGV_STRING &&
	    strcmp(s->items[same].val->str, value) == 0)
		return 0; /* already so */

	enum hvt_reg_encoding enc;
	if (hvt_regfile_check_string(rf, name, value, &enc, err, errlen) < 0)
		return -1;

	struct hvt_regval *v = calloc(1, sizeof *v);
	char *qn = NULL, *qv = NULL;
	struct hvt_buf b = { 0 };
	if (!v || hvt_regfile_quote(name, &qn) < 0 || hvt_regfile_quote(value, &qv) < 0)
		goto oom;
	v->name = hvt_xstrdup(name);
	v->str = hvt_xstrdup(value);
	v->kind = HVT_REGV_STRING;
	v->type = 1;
	if (!v->name || !v->str)
		goto oom;
	buf_str(&b, qn);
	buf_ch(&b, '=');
	buf_str(&b, qv);
	if (same != SIZE_MAX) {
		/* Keep the replaced line's own EOL. */
		const char *old = s->items[same].raw;
		size_t n = strlen(old);
		const char *eol = n >= 2 && old[n - 2] == '\r' && old[n - 1] == '\n' ? "\r\n"
				  : n >= 1 && old[n - 1] == '\n'		     ? "\n"
										     : "";
		buf_str(&b, eol);
		char *raw = hvt_buf_take(&b);
		if (!raw)
			goto oom;
		free(s->items[same].raw);
		val_free(s->items[same].val);
		s->items[same].raw = raw;
		s->items[same].val = v;
		s->items[same].line = 0;
	} else {
		char **prev = last_val != SIZE_MAX ? &s->items[last_val].raw : &s->head;
		if (!ends_with_eol(*prev) && add_eol(rf, prev) < 0)
			goto oom;
		buf_str(&b, rf->eol);
		char *raw = hvt_buf_take(&b);
		if (!raw)
			goto oom;
		size_t at = last_val != SIZE_MAX ? last_val + 1 : 0;
		if (items_insert(&s->items, &s->nitems, at, raw, 0, v) < 0) {
			free(raw);
			goto oom;
		}
	}
	free(qn);
	free(qv);
	rf->enc = enc;
	rf->changed = 1;
	return 0;
oom:
	free(hvt_buf_take(&b));
	free(qn);
	free(qv);
	val_free(v);
	hvt_seterr(err, errlen, "out of memory");
	return -1;
}
