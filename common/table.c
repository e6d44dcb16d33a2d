/* Column tables: aligned text, raw text or JSON (see table.h). */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "strutil.h"

enum cell_kind { CELL_NULL = 0, CELL_STR, CELL_NUM, CELL_BOOL, CELL_JSON };

struct cell {
	enum cell_kind kind;
	char *text; /* CELL_STR, CELL_JSON (the text form) */
	char *json; /* CELL_JSON */
	uint64_t num;
	int b;
};

struct hvt_table {
	const struct hvt_column *cols;
	size_t ncols;
	size_t *order; /* the columns to print, in order */
	size_t norder;
	int explicit_; /* chosen by hvt_table_select */
	int *shown;    /* default visibility per column */
	struct cell **rows;
	size_t nrows, caprows;
};

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

static void default_order(struct hvt_table *t)
{
	t->norder = 0;
	for (size_t i = 0; i < t->ncols; i++)
		if (t->shown[i])
			t->order[t->norder++] = i;
}

struct hvt_table *hvt_table_new(const struct hvt_column *cols, size_t ncols)
{
	struct hvt_table *t = xmalloc(sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	/* -o may name a column several times: room for a generous list */
	t->order = xmalloc(sizeof *t->order * (ncols * 4 + 1));
	t->shown = xmalloc(sizeof *t->shown * (ncols + 1));
	for (size_t i = 0; i < ncols; i++)
		t->shown[i] = !(cols[i].flags & HVT_COL_HIDDEN);
	default_order(t);
	return t;
}

static void free_cell(struct cell *c)
{
	free(c->text);
	free(c->json);
	memset(c, 0, sizeof *c);
}

void hvt_table_free(struct hvt_table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free_cell(&t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	free(t->order);
	free(t->shown);
	free(t);
}

static void seterr(char *err, size_t errlen, const char *fmt, ...) HVT_PRINTF(3, 4);
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int hvt_table_select(struct hvt_table *t, const char *list, char *err, size_t errlen)
{
	const char *p = list;
	size_t max = t->ncols * 4, n = 0;
	int add = *p == '+';
	if (add) {
		p++;
		default_order(t);
		n = t->norder;
	}
	size_t *order = xmalloc(sizeof *order * (max + 1));
	memcpy(order, t->order, sizeof *order * n);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		size_t i;
		for (i = 0; i < t->ncols; i++)
			if (hvt_ci_eqn(p, len, t->cols[i].name) ||
			    hvt_ci_eqn(p, len, t->cols[i].key))
				break;
		if (i == t->ncols) {
			char known[512];
			size_t k = 0;
			known[0] = '\0';
			for (size_t j = 0; j < t->ncols && k < sizeof known; j++)
				k += (size_t)snprintf(known + k, sizeof known - k, "%s%s",
						      j ? ", " : "", t->cols[j].name);
			seterr(err, errlen, "unknown column '%.*s' (known: %s)",
			       len > 100 ? 100 : (int)len, p, known);
			free(order);
			return -1;
		}
		if (n < max)
			order[n++] = i;
		if (!e)
			break;
		p = e + 1;
	}
	if (n == 0) {
		seterr(err, errlen, "no columns named");
		free(order);
		return -1;
	}
	memcpy(t->order, order, sizeof *order * n);
	t->norder = n;
	t->explicit_ = 1;
	free(order);
	return 0;
}

void hvt_table_show(struct hvt_table *t, size_t col, int on)
{
	if (col >= t->ncols || t->explicit_)
		return;
	t->shown[col] = on;
	default_order(t);
}

size_t hvt_table_row(struct hvt_table *t)
{
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 16;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of row pointers */
		struct cell **rows = realloc(t->rows, sizeof *rows * cap);
		if (!rows)
			hvt_diex(HVT_EXIT_FAIL, "out of memory");
		t->rows = rows;
		t->caprows = cap;
	}
	t->rows[t->nrows] = xmalloc(sizeof(struct cell) * t->ncols);
	return t->nrows++;
}

size_t hvt_table_rows(const struct hvt_table *t)
{
	return t->nrows;
}

size_t hvt_table_cols(const struct hvt_table *t)
{
	return t->ncols;
}

static struct cell *cell_at(struct hvt_table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		abort(); /* a programming error */
	struct cell *c = &t->rows[row][col];
	free_cell(c);
	return c;
}

void hvt_table_str(struct hvt_table *t, size_t row, size_t col, const char *s)
{
	struct cell *c = cell_at(t, row, col);
	if (s) {
		c->kind = CELL_STR;
		c->text = xstrdup(s);
	}
}

void hvt_table_num(struct hvt_table *t, size_t row, size_t col, uint64_t v)
{
	struct cell *c = cell_at(t, row, col);
	c->kind = CELL_NUM;
	c->num = v;
}

void hvt_table_bool(struct hvt_table *t, size_t row, size_t col, int v)
{
	struct cell *c = cell_at(t, row, col);
	c->kind = CELL_BOOL;
	c->b = v != 0;
}

void hvt_table_json_cell(struct hvt_table *t, size_t row, size_t col, const char *text,
			 const char *json)
{
	struct cell *c = cell_at(t, row, col);
	c->kind = CELL_JSON;
	c->text = text ? xstrdup(text) : NULL;
	c->json = xstrdup(json);
}

/* ---- text ---- */

size_t hvt_table_put(FILE *f, const char *s, int raw)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), width = 0;
	while (left > 0) {
		uint32_t cp = 0;
		size_t n = hvt_utf8_decode(p, left, 0, &cp);
		int esc = n == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
			  (raw && (cp == ' ' || cp == '\\'));
		if (esc) {
			/* invalid bytes, C0, DEL, C1 controls: each byte as \xHH */
			size_t k = n ? n : 1;
			for (size_t i = 0; i < k; i++) {
				if (f)
					fprintf(f, "\\x%c%c", hex[p[i] >> 4], hex[p[i] & 15]);
				width += 4;
			}
			p += k;
			left -= k;
			continue;
		}
		if (f)
			fwrite(p, 1, n, f);
		width++;
		p += n;
		left -= n;
	}
	return width;
}

/* The text of a cell; buf holds numbers. */
static const char *cell_text(const struct cell *c, char *buf, size_t len)
{
	switch (c->kind) {
	case CELL_STR: return c->text;
	case CELL_JSON: return c->text ? c->text : "-";
	case CELL_NUM: snprintf(buf, len, "%llu", (unsigned long long)c->num); return buf;
	case CELL_BOOL: return c->b ? "yes" : "no";
	case CELL_NULL: break;
	}
	return "-";
}

static void pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

void hvt_table_print(const struct hvt_table *t, FILE *f, int flags)
{
	int raw = (flags & HVT_TABLE_RAW) != 0, head = !(flags & HVT_TABLE_NOHEADINGS);
	int align = t->norder > 1; /* one column (completions: -n -o X) is never padded */
	size_t *width = xmalloc(sizeof *width * (t->norder + 1));
	char buf[32];
	for (size_t i = 0; i < t->norder && !raw; i++) {
		const struct hvt_column *col = &t->cols[t->order[i]];
		width[i] = head ? hvt_table_put(NULL, col->name, 0) : 0;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = hvt_table_put(
				NULL, cell_text(&t->rows[r][t->order[i]], buf, sizeof buf), 0);
			if (w > width[i])
				width[i] = w;
		}
	}
	for (size_t r = head ? 0 : 1; r <= t->nrows; r++) {
		for (size_t i = 0; i < t->norder; i++) {
			size_t c = t->order[i];
			int right = (t->cols[c].flags & HVT_COL_RIGHT) != 0,
			    last = i + 1 == t->norder;
			const char *s = r == 0 ? t->cols[c].name
					       : cell_text(&t->rows[r - 1][c], buf, sizeof buf);
			if (i > 0)
				fputs(raw ? " " : "  ", f);
			if (raw) {
				hvt_table_put(f, s, 1);
				continue;
			}
			size_t w = hvt_table_put(NULL, s, 0);
			if (right && align)
				pad(f, width[i] - w);
			hvt_table_put(f, s, 0);
			if (!right && !last && align)
				pad(f, width[i] - w);
		}
		fputc('\n', f);
	}
	free(width);
}

/* ---- JSON ---- */

void hvt_table_json_row(const struct hvt_table *t, struct hvt_jw *w, size_t row)
{
	if (row >= t->nrows)
		abort(); /* a programming error */
	hvt_jw_object(w, NULL, 1);
	size_t n = t->explicit_ ? t->norder : t->ncols;
	for (size_t i = 0; i < n; i++) {
		size_t c = t->explicit_ ? t->order[i] : i, j;
		for (j = 0; j < i && t->order[j] != c; j++)
			;
		if (t->explicit_ && j < i)
			continue; /* -o named it twice: one key */
		const struct cell *cl = &t->rows[row][c];
		const char *k = t->cols[c].key;
		switch (cl->kind) {
		case CELL_STR: hvt_jw_str(w, k, cl->text); break;
		case CELL_NUM: hvt_jw_num(w, k, cl->num); break;
		case CELL_BOOL: hvt_jw_bool(w, k, cl->b); break;
		case CELL_JSON: hvt_jw_raw(w, k, cl->json); break;
		case CELL_NULL: hvt_jw_null(w, k); break;
		}
	}
	hvt_jw_end(w);
}

void hvt_table_json(const struct hvt_table *t, struct hvt_jw *w, const char *key)
{
	hvt_jw_array(w, key, 0);
	for (size_t r = 0; r < t->nrows; r++)
		hvt_table_json_row(t, w, r);
	hvt_jw_end(w);
}

void hvt_table_help(const struct hvt_column *cols, size_t ncols, FILE *f, const char *indent)
{
	size_t w = 0;
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) > w)
			w = strlen(cols[i].name);
	for (size_t i = 0; i < ncols; i++)
		fprintf(f, "%s%-*s  %s\n", indent, (int)w, cols[i].name, cols[i].help);
}
