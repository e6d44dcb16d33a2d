/* The .reg reader and the service store over it (common/regfile.c, common/registry.c). The input
 * is a file image.
 *  - hvt_regfile_parse: a refusal has a "NAME:LINE: what" / "NAME: what" message; whatever is
 *    accepted serializes back to the same bytes (every line is kept as read).
 *  - Direct edits (set a value with quotes and backslashes in its name, insert a section):
 *    the result parses again and holds the value.
 *  - The store (hvt_store_open_file on a temp file, as hvreg uses it): the list is sorted and
 *    consistent; put(GUID key, name) then commit and reopen shows the key with that name and
 *    every other service unchanged; delete of a listed key without subkeys leaves it absent
 *    or deleted and the others unchanged. */
#include "fuzz.h"

#include <unistd.h>

#include "guid.h"
#include "registry.h"
#include "regfile.h"

static char path[512];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("HVT_FUZZ_TMP");
	if (!dir || !*dir)
		dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(path, sizeof path, "%s/hvt-fuzz-regfile.%ld.reg", dir, (long)getpid());
	atexit(cleanup);
	return 0;
}

static void write_file(const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL, "cannot create %s", path);
	CHECK(fwrite(data, 1, size, f) == size || size == 0, "write %s", path);
	CHECK(fclose(f) == 0, "close %s", path);
}

static int ci_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;
		int y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

static int same_service(const struct hvt_service *a, const struct hvt_service *b)
{
	if (strcmp(a->key, b->key) != 0 || a->form != b->form || a->name_type != b->name_type ||
	    a->subkeys != b->subkeys || a->deleted != b->deleted)
		return 0;
	if (!a->name || !b->name)
		return a->name == b->name;
	return strcmp(a->name, b->name) == 0;
}

static const struct hvt_service *find(const struct hvt_service *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (ci_eq(v[i].key, key))
			return &v[i];
	return NULL;
}

static void list(struct hvt_store *st, struct hvt_service **v, size_t *n)
{
	char err[512];
	int rc = hvt_store_list(st, v, n, err, sizeof err);
	CHECK(rc == HVT_STORE_OK, "list: %d %s", rc, err);
	for (size_t i = 0; i < *n; i++) {
		const struct hvt_service *e = &(*v)[i];
		CHECK(e->key != NULL, "service %zu without key", i);
		if (i > 0)
			CHECK(!ci_eq((*v)[i - 1].key, e->key), "key '%s' listed twice", e->key);
		hvt_guid g;
		enum hvt_key_form form = hvt_service_key_form(e->key, &g);
		CHECK(form == e->form, "key '%s': form %d, listed %d", e->key, (int)form,
		      (int)e->form);
		if (form != HVT_KEY_NOT_GUID)
			CHECK(hvt_guid_equal(&g, &e->guid), "key '%s': GUID differs", e->key);
		CHECK(!e->name || e->name_type == 1 || e->name_type == 2,
		      "key '%s': a name with type %u", e->key, (unsigned)e->name_type);
	}
}

/* Commit, reopen and list. */
static void reopen(struct hvt_store **st, struct hvt_service **v, size_t *n)
{
	char err[512];
	int rc = hvt_store_commit(*st, err, sizeof err);
	CHECK(rc == HVT_STORE_OK, "commit: %d %s", rc, err);
	hvt_store_close(*st);
	rc = hvt_store_open_file(st, path, HVT_STORE_WRITE, err, sizeof err);
	CHECK(rc == HVT_STORE_OK, "reopen after commit: %d %s", rc, err);
	list(*st, v, n);
}

/* Everything in a but the key named skip is in b, unchanged, and b has nothing more besides
 * skip. */
static void others_unchanged(const struct hvt_service *a, size_t na, const struct hvt_service *b,
			     size_t nb, const char *skip, const char *what)
{
	size_t kept = 0;
	for (size_t i = 0; i < na; i++) {
		if (ci_eq(a[i].key, skip))
			continue;
		kept++;
		const struct hvt_service *e = find(b, nb, a[i].key);
		CHECK(e && same_service(&a[i], e), "%s '%s' changed key '%s'", what, skip,
		      a[i].key);
	}
	size_t extra = find(b, nb, skip) ? 1 : 0;
	CHECK(nb == kept + extra, "%s '%s': %zu services before, %zu after", what, skip, na, nb);
}

static void store_checks(const uint8_t *data, size_t size)
{
	char err[512];
	struct hvt_store *st;
	struct hvt_service *v0, *v1;
	size_t n0, n1;
	write_file(data, size);
	int rc = hvt_store_open_file(&st, path, HVT_STORE_WRITE, err, sizeof err);
	CHECK(rc == HVT_STORE_OK, "open: %d %s", rc, err);
	list(st, &v0, &n0);

	/* put: an existing GUID key (in another letter case) or a new one. */
	char key[HVT_GUID_STRLEN];
	hvt_guid g = {
		0x1234abcdu, 0xfacb, 0x11e6, { 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 }
	};
	for (size_t i = 0; i < n0 && (size & 1); i++)
		if (v0[i].form == HVT_KEY_STANDARD)
			g = v0[i].guid;
	hvt_guid_format(&g, (size & 2) ? HVT_GUID_UPPER : 0, key);
	const char *name = (size & 4) ? "fuzz \xc3\xbc \"q\" \\ name" : "fuzz name";
	rc = hvt_store_put(st, key, name, NULL, 0, err, sizeof err);
	if (rc == HVT_STORE_OK) {
		reopen(&st, &v1, &n1);
		const struct hvt_service *e = find(v1, n1, key);
		CHECK(e && !e->deleted && e->name && strcmp(e->name, name) == 0 &&
			      e->name_type == 1,
		      "put %s '%s': listed afterwards as %s", key, name,
		      !e	   ? "missing"
		      : e->deleted ? "deleted"
		      : e->name	   ? e->name
				   : "(no name)");
		others_unchanged(v0, n0, v1, n1, key, "put");
		hvt_services_free(v0, n0);
		v0 = v1;
		n0 = n1;
	} else {
		CHECK(rc == HVT_STORE_ERROR && err[0], "put: %d '%s'", rc, err);
	}

	/* delete: the first present key without subkeys. */
	for (size_t i = 0; i < n0; i++) {
		if (v0[i].deleted || v0[i].subkeys || v0[i].key[0] == '\0' ||
		    strchr(v0[i].key, '\\') || strlen(v0[i].key) > HVT_KEY_NAME_MAX)
			continue;
		char *k = strdup(v0[i].key);
		rc = hvt_store_delete(st, k, err, sizeof err);
		CHECK(rc == HVT_STORE_OK || rc == HVT_STORE_SUBKEYS, "delete '%s': %d %s", k, rc,
		      err);
		if (rc == HVT_STORE_OK) {
			reopen(&st, &v1, &n1);
			const struct hvt_service *e = find(v1, n1, k);
			CHECK(!e || e->deleted,
			      "delete '%s' reported success, the key is still there", k);
			others_unchanged(v0, n0, v1, n1, k, "delete");
			hvt_services_free(v1, n1);
		}
		free(k);
		break;
	}
	hvt_services_free(v0, n0);
	hvt_store_close(st);
}

static void edit_checks(const uint8_t *data, size_t size)
{
	char err[512];
	struct hvt_regfile *rf;
	CHECK(hvt_regfile_parse(data, size, "x.reg", &rf, err, sizeof err) == 0, "reparse");
	/* A new section in the middle, then a value with awkward characters in it. */
	size_t at = rf->nsects ? size % (rf->nsects + 1) : 0;
	CHECK(hvt_regfile_insert_section(rf, at, "HKEY_CURRENT_USER\\Fuzz [x]") == 0, "insert");
	CHECK(rf->nsects > at && strcmp(rf->sects[at].path, "HKEY_CURRENT_USER\\Fuzz [x]") == 0,
	      "inserted section not at %zu", at);
	const char *vname = "a \"b\" \\c\\";
	const char *value = (size & 8) ? "line \\\" end\\" : "";
	size_t target = (size / 3) % rf->nsects;
	int rc = hvt_regfile_set_string(rf, target, vname, value, err, sizeof err);
	if (rf->sects[target].deleted)
		CHECK(rc < 0, "set_string in a deleted section");
	else
		CHECK(rc == 0, "set_string: %s", err);
	char *img;
	size_t len;
	CHECK(hvt_regfile_serialize(rf, &img, &len) == 0, "serialize after edits");
	size_t nsects = rf->nsects;
	hvt_regfile_free(rf);
	rc = hvt_regfile_parse(img, len, "edited.reg", &rf, err, sizeof err);
	CHECK(rc == 0, "the edited file does not parse: %s\n---\n%.*s\n---", err, (int)len, img);
	CHECK(rf->nsects == nsects, "%zu sections after the edit, %zu when read back", nsects,
	      rf->nsects);
	const struct hvt_regsect *s = &rf->sects[target];
	if (!s->deleted) {
		const struct hvt_regval *found = NULL;
		for (size_t j = 0; j < s->nitems; j++)
			if (s->items[j].val && ci_eq(s->items[j].val->name, vname))
				found = s->items[j].val;
		CHECK(found && found->kind == HVT_REGV_STRING && strcmp(found->str, value) == 0,
		      "value set in section %zu does not read back", target);
	}
	hvt_regfile_free(rf);
	free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvt_regfile *rf = NULL;
	char err[300];
	err[0] = '\0';
	/* An exact-size copy: ASan sees any read past the image. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	int rc = hvt_regfile_parse(copy, size, "f.reg", &rf, err, sizeof err);
	if (rc != 0) {
		CHECK(rc == -1 && rf == NULL, "refusal: rc %d", rc);
		CHECK(strncmp(err, "f.reg:", 6) == 0 && err[6], "refusal message '%s'", err);
		free(copy);
		return 0;
	}
	CHECK(rf != NULL && (rf->version == 4 || rf->version == 5), "accepted without a version");
	char *img;
	size_t len;
	CHECK(hvt_regfile_serialize(rf, &img, &len) == 0, "serialize");
	CHECK(len == size && memcmp(img, copy, size) == 0,
	      "serialized image differs from the input (%zu vs %zu bytes)", len, size);
	free(img);
	hvt_regfile_free(rf);

	edit_checks(copy, size);
	store_checks(copy, size);
	free(copy);
	return 0;
}
