/* .reg files (regedit's export/import format), portable: read, edit, write back.
 *
 * Read: UTF-16LE with BOM (what regedit writes), UTF-8 with or without BOM, ASCII; header
 * "Windows Registry Editor Version 5.00" or "REGEDIT4"; CRLF or LF; ';' comments; keys
 * [PATH] and deletions [-PATH] (the root in full, or short: HKLM..., which regedit refuses);
 * values "name"= or @= with "string", dword:, hex:, hex(N): (continued over lines ending in
 * '\'), and - (delete the value).
 * Edit: every line is kept as read (raw text) and written back unchanged unless the edit
 * touches it, so keys and comments the caller does not change stay byte-for-byte the same.
 * Write: in the file's own encoding and line ending; new files like regedit (UTF-16LE with
 * BOM, CRLF, "Windows Registry Editor Version 5.00", a blank line after each key). */
#ifndef HVT_REGFILE_H
#define HVT_REGFILE_H

#include <stddef.h>
#include <stdint.h>

enum hvt_reg_encoding {
	HVT_REG_UTF16LE = 0, /* with BOM */
	HVT_REG_UTF8,	     /* no BOM: UTF-8 or ASCII (bytes kept as they are) */
	HVT_REG_UTF8_BOM,
};

enum hvt_regval_kind {
	HVT_REGV_STRING = 0, /* "text" (REG_SZ) */
	HVT_REGV_DWORD,	     /* dword:XXXXXXXX */
	HVT_REGV_HEX,	     /* hex: (REG_BINARY) or hex(N): bytes */
	HVT_REGV_DELETE,     /* - : delete the value */
};

struct hvt_regval {
	char *name; /* UTF-8, unescaped; "" for the default value (@) */
	enum hvt_regval_kind kind;
	uint32_t type; /* registry type: 1 string, 4 dword, 3 hex:, N for hex(N):, 0 delete */
	char *str;     /* HVT_REGV_STRING: unescaped UTF-8 text */
	uint8_t *data; /* HVT_REGV_HEX: the bytes; HVT_REGV_DWORD: 4 bytes little-endian */
	size_t len;
	uint32_t dword; /* HVT_REGV_DWORD */
};

/* One line of text (or a value with its continuation lines) as read, EOL included. */
struct hvt_regitem {
	char *raw;		/* UTF-8 text (UTF-16 files are converted losslessly) */
	size_t line;		/* first line number, 1-based; 0 for lines added by an edit */
	struct hvt_regval *val; /* NULL for blank and comment lines */
};

/* A [PATH] or [-PATH] line and the lines up to the next one. */
struct hvt_regsect {
	char *path;  /* as written, without brackets and '-' */
	int deleted; /* [-PATH] */
	size_t line;
	char *head; /* the [..] line, raw, EOL included */
	struct hvt_regitem *items;
	size_t nitems;
};

struct hvt_regfile {
	int version; /* 5 ("Windows Registry Editor Version 5.00") or 4 (REGEDIT4) */
	enum hvt_reg_encoding enc;
	char eol[3];		 /* "\r\n" or "\n": for lines added by edits */
	char *header;		 /* the header line, raw, EOL included */
	struct hvt_regitem *pre; /* blank and comment lines before the first key */
	size_t npre;
	struct hvt_regsect *sects;
	size_t nsects;
	int changed; /* set by the edit functions */
};

/* An empty file as regedit writes it: version 5, UTF-16LE, CRLF. NULL when out of memory. */
struct hvt_regfile *hvt_regfile_new(void);

/* Parses a file image. name is used in messages. Returns 0, or -1 with err
 * "NAME:LINE: what" (or "NAME: what" when no line applies). */
int hvt_regfile_parse(const void *data, size_t len, const char *name, struct hvt_regfile **out,
		      char *err, size_t errlen);

/* The file image in rf->enc (BOM included). Returns 0 or -1 (out of memory). */
int hvt_regfile_serialize(const struct hvt_regfile *rf, char **data, size_t *len);

void hvt_regfile_free(struct hvt_regfile *rf);

/* Sets value name (matched case-insensitively; the last one in the section is replaced) in
 * section i to the string value, or adds it after the section's last value. Returns 0, or -1
 * with err (out of memory; a non-ASCII text in a REGEDIT4 file). A UTF-8 file without BOM
 * that receives non-ASCII text is switched to UTF-16LE (what regedit reads as Unicode). */
int hvt_regfile_set_string(struct hvt_regfile *rf, size_t i, const char *name, const char *value,
			   char *err, size_t errlen);

/* Whether hvt_regfile_set_string can write name and value to rf. Returns 0 with *enc the
 * encoding the file must then have, or -1 with err (as hvt_regfile_set_string). */
int hvt_regfile_check_string(const struct hvt_regfile *rf, const char *name, const char *value,
			     enum hvt_reg_encoding *enc, char *err, size_t errlen);

/* Inserts a new section [path] (with a blank line after it) before section index at
 * (at == nsects: at the end). Returns 0 or -1 (out of memory). */
int hvt_regfile_insert_section(struct hvt_regfile *rf, size_t at, const char *path);

/* Removes section i with all its lines. */
void hvt_regfile_remove_section(struct hvt_regfile *rf, size_t i);

/* The text of a string value (REG_SZ or REG_EXPAND_SZ, also as hex(1)/hex(2): bytes up to the
 * first NUL, UTF-16LE in a version 5 file) as malloc'd UTF-8. NULL if v is not a string type
 * or when out of memory. */
char *hvt_regfile_value_text(const struct hvt_regfile *rf, const struct hvt_regval *v);

/* For a key path whose root is a short name (HKLM, HKCU, HKCR, HKU, HKCC: read here, refused by
 * regedit), the full name of that root; NULL for a full name. */
const char *hvt_regfile_short_root(const char *path);

/* Sets *out to the .reg quoted form of s (malloc'd): "..." with \ and " escaped. For callers
 * printing .reg text. Returns 0 or -1 (out of memory). */
int hvt_regfile_quote(const char *s, char **out);

#endif
