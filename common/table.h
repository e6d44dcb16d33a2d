/* Listings through one printing layer (the util-linux model): a table of typed cells shown
 * as aligned text with headings, as raw text for scripts, or as JSON.
 *
 *   static const struct hvt_column cols[] = {{"GUID", "guid", 0, "service GUID"}, ...};
 *   struct hvt_table *t = hvt_table_new(cols, n);
 *   if (opt_o && hvt_table_select(t, opt_o, err, sizeof err) < 0) usage error: err
 *   size_t r = hvt_table_row(t); hvt_table_str(t, r, COL_GUID, text); ...
 *   hvt_table_print(t, stdout, flags)  or  hvt_table_json(t, &jw, "services")
 *   hvt_table_free(t);
 *
 * Text forms: a missing value (a cell never set, or a NULL string) is shown as "-"; control
 * characters and invalid UTF-8 as \xHH; raw output also escapes space and backslash, so
 * every cell is one word. JSON keeps types: strings, numbers, true/false, null.
 * Out of memory ends the program (exit 1) like util-linux's xalloc. */
#ifndef HVT_TABLE_H
#define HVT_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum {
	HVT_COL_RIGHT = 1,  /* right-aligned (numbers) */
	HVT_COL_HIDDEN = 2, /* not shown by default: -o names it, or hvt_table_show() */
};

struct hvt_column {
	const char *name; /* heading and -o name (matched ignoring case) */
	const char *key;  /* JSON member name */
	int flags;
	const char *help; /* one line for --help */
};

struct hvt_table;

struct hvt_table *hvt_table_new(const struct hvt_column *cols, size_t ncols);
void hvt_table_free(struct hvt_table *t);

/* -o COLUMNS: "A,B" shows exactly these (in this order), "+A,B" the default ones plus these.
 * A column is named by its heading or its JSON key, ignoring case. Returns 0, or -1 with err
 * "unknown column 'X' (known: A, B, ...)" or "no columns named". */
int hvt_table_select(struct hvt_table *t, const char *list, char *err, size_t errlen);
/* Shows or hides column col by default (e.g. a column an option asks for). No effect once
 * hvt_table_select chose the columns explicitly. */
void hvt_table_show(struct hvt_table *t, size_t col, int on);

/* Appends an empty row (every cell null); returns its index. */
size_t hvt_table_row(struct hvt_table *t);
size_t hvt_table_rows(const struct hvt_table *t);
size_t hvt_table_cols(const struct hvt_table *t); /* the ncols of hvt_table_new */
void hvt_table_str(struct hvt_table *t, size_t row, size_t col, const char *s); /* copied */
void hvt_table_num(struct hvt_table *t, size_t row, size_t col, uint64_t v);
void hvt_table_bool(struct hvt_table *t, size_t row, size_t col, int v); /* yes / no */
/* A cell shown as text in tables (NULL: "-") and as the JSON value json (valid JSON, copied). */
void hvt_table_json_cell(struct hvt_table *t, size_t row, size_t col, const char *text,
			 const char *json);

enum {
	HVT_TABLE_NOHEADINGS = 1, /* -n */
	HVT_TABLE_RAW = 2,	  /* -r: one space between cells, no alignment */
	/* a table of one column is never padded (completions read -n -o X) */
};
void hvt_table_print(const struct hvt_table *t, FILE *f, int flags);

/* The rows as a JSON array named key (NULL inside an array), one object per row on one line.
 * Members: the selected columns when hvt_table_select was used, else every column (hidden
 * ones too), so the keys of the default document never change. */
void hvt_table_json(const struct hvt_table *t, struct hvt_jw *w, const char *key);
/* One row as such an object (an array element, or a document of its own). */
void hvt_table_json_row(const struct hvt_table *t, struct hvt_jw *w, size_t row);

/* One line per column for --help: indent, the name padded, the help text. */
void hvt_table_help(const struct hvt_column *cols, size_t ncols, FILE *f, const char *indent);

/* Writes s escaped for one cell (see above) and returns its width in characters. raw: also
 * escape space and backslash. f may be NULL to measure only. */
size_t hvt_table_put(FILE *f, const char *s, int raw);

#endif
