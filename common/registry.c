/* The service store (registry.h) over a .reg file (regfile.h) or the live registry. Portable
 * C11; the platform layer is linux/registry.c and win/registry.c. */
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regfile.h"
#include "strutil.h"

/* ---- names and keys ----------------------------------------------------------------------- */

int hvt_service_name_check(const char *name, const char **why)
{
	size_t len = strlen(name), i = 0, chars = 0;
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	while (i < len) {
		uint32_t cp;
		size_t n = hvt_utf8_decode((const unsigned char *)name + i, len - i, 0, &cp);
		if (n == 0) {
			*why = "not valid UTF-8";
			return -1;
		}
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			*why = "control characters are not allowed";
			return -1;
		}
		i += n;
		if (++chars > HVT_SERVICE_NAME_MAX) {
			*why = "too long (at most 256 characters)";
			return -1;
		}
	}
	return 0;
}

int hvt_tool_name_check(const char *tool, const char **why)
{
	size_t n = strlen(tool);
	if (n == 0) {
		*why = "empty tool name";
		return -1;
	}
	if (n > HVT_TOOL_NAME_MAX) {
		*why = "too long (at most 64 characters)";
		return -1;
	}
	for (const char *p = tool; *p; p++) {
		int alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9');
		if (!alnum && (p == tool || !strchr("._-", *p))) {
			*why = "expected letters, digits, '.', '_' or '-', starting with a letter or "
			       "digit";
			return -1;
		}
	}
	return 0;
}

const struct hvt_service_value *hvt_service_value(const struct hvt_service *e, const char *name)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (hvt_ci_cmp(e->values[i].name, name) == 0)
			return &e->values[i];
	return NULL;
}

enum hvt_key_form hvt_service_key_form(const char *key, hvt_guid *g)
{
	hvt_guid tmp;
	if (!g)
		g = &tmp;
	memset(g, 0, sizeof *g);
	if (hvt_guid_parse(key, g, NULL) < 0) {
		memset(g, 0, sizeof *g);
		return HVT_KEY_NOT_GUID;
	}
	return strlen(key) == 36 ? HVT_KEY_STANDARD : HVT_KEY_OTHER_FORM;
}

static int key_name_ok(const char *key, char *err, size_t errlen)
{
	size_t n = strlen(key);
	if (n == 0 || n > HVT_KEY_NAME_MAX || strchr(key, '\\')) {
		hvt_seterr(err, errlen, "invalid key name '%s'", key);
		return -1;
	}
	return 0;
}

/* ---- the service store -------------------------------------------------------------------- */

struct hvt_store {
	int live;
	int flags;
	int changed;
	char *path;
	struct hvt_regfile *rf;
	struct hvt_lock *lock; /* writers only */
};

static uint64_t lock_wait_ms = 10000;

void hvt_store_lock_wait(uint64_t ms)
{
	lock_wait_ms = ms;
}

static const char live_where[] = "HKLM\\" HVT_SERVICES_PATH;

int hvt_store_open_live(struct hvt_store **out, int flags, char *err, size_t errlen)
{
	*out = NULL;
	int rc = hvt_live_open(flags, err, errlen);
	if (rc != HVT_STORE_OK)
		return rc;
	struct hvt_lock *lock = NULL;
	if ((flags & HVT_STORE_WRITE) &&
	    (rc = hvt_lock_take(NULL, lock_wait_ms, &lock, err, errlen)) != HVT_STORE_OK)
		return rc;
	struct hvt_store *s = calloc(1, sizeof *s);
	if (!s) {
		hvt_lock_drop(lock);
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	s->lock = lock;
	s->live = 1;
	s->flags = flags;
	*out = s;
	return HVT_STORE_OK;
}

static int open_file(const char *path, int flags, struct hvt_regfile **out, char *err,
		     size_t errlen);

int hvt_store_open_file(struct hvt_store **out, const char *path, int flags, char *err,
			size_t errlen)
{
	*out = NULL;
	struct hvt_regfile *rf = NULL;
	struct hvt_lock *lock = NULL;
	/* The lock first, then the read: what is read is what the commit replaces. */
	int rc = (flags & HVT_STORE_WRITE) ? hvt_lock_take(path, lock_wait_ms, &lock, err, errlen)
					   : HVT_STORE_OK;
	if (rc != HVT_STORE_OK)
		return rc;
	rc = open_file(path, flags, &rf, err, errlen);
	if (rc != HVT_STORE_OK) {
		hvt_lock_drop(lock);
		return rc;
	}
	struct hvt_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = hvt_xstrdup(path))) {
		free(s);
		hvt_regfile_free(rf);
		hvt_lock_drop(lock);
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	s->flags = flags;
	s->rf = rf;
	s->lock = lock;
	*out = s;
	return HVT_STORE_OK;
}

/* Reads and parses path into *out (a new empty file when missing or empty and CREATE). */
static int open_file(const char *path, int flags, struct hvt_regfile **out, char *err,
		     size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	struct hvt_regfile *rf = NULL;
	int rc = hvt_file_read_all(path, &data, &len, err, errlen);
	if (rc == HVT_STORE_OK && len == 0) {
		/* An empty file (mktemp --suffix=.reg) is an empty store, like a missing one. */
		free(data);
		data = NULL;
		rc = HVT_STORE_NOTFOUND;
		flags |= HVT_STORE_CREATE;
	}
	if (rc == HVT_STORE_NOTFOUND && (flags & HVT_STORE_CREATE)) {
		rf = hvt_regfile_new();
		if (!rf) {
			hvt_seterr(err, errlen, "out of memory");
			return HVT_STORE_ERROR;
		}
		rf->changed = 1; /* a new file is written even if nothing else happens */
	} else if (rc != HVT_STORE_OK) {
		return rc;
	} else {
		rc = hvt_regfile_parse(data, len, path, &rf, err, errlen);
		free(data);
		if (rc < 0)
			return HVT_STORE_SYNTAX;
	}
	*out = rf;
	return HVT_STORE_OK;
}

int hvt_store_check_regedit(const struct hvt_store *s, char *msg, size_t len)
{
	const struct hvt_regsect *first = NULL;
	size_t more = 0;
	for (size_t i = 0; s->rf && i < s->rf->nsects; i++) {
		if (!hvt_regfile_short_root(s->rf->sects[i].path))
			continue;
		if (first)
			more++;
		else
			first = &s->rf->sects[i];
	}
	if (!first)
		return 0;
	char others[64] = "";
	if (more)
		snprintf(others, sizeof others, " (and %lu more section%s)", (unsigned long)more,
			 more == 1 ? "" : "s");
	const char *p = first->path;
	snprintf(msg, len, "%s:%lu: warning: regedit refuses the short root key %.*s: write %s%s",
		 s->path, (unsigned long)first->line, (int)strcspn(p, "\\"), p,
		 hvt_regfile_short_root(p), others);
	return 1;
}

const char *hvt_store_where(const struct hvt_store *s)
{
	return s->live ? live_where : s->path;
}

int hvt_store_is_live(const struct hvt_store *s)
{
	return s->live;
}

int hvt_store_changed(const struct hvt_store *s)
{
	return s->changed;
}

void hvt_store_close(struct hvt_store *s)
{
	if (!s)
		return;
	hvt_regfile_free(s->rf);
	hvt_lock_drop(s->lock);
	free(s->path);
	free(s);
}

/* Frees e's values and what is derived from them (name, tool). */
static void values_clear(struct hvt_service *e)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		free(e->values[i].name);
		free(e->values[i].text);
		free(e->values[i].data);
	}
	free(e->values);
	e->values = NULL;
	e->nvalues = 0;
	free(e->name);
	free(e->tool);
	e->name = e->tool = NULL;
	e->name_type = 0;
}

void hvt_services_free(struct hvt_service *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		values_clear(&v[i]);
	}
	free(v);
}

enum rel { REL_NONE, REL_ANCESTOR, REL_ROOT, REL_SERVICE, REL_SUB };

/* Where path lies relative to the services key; for REL_SERVICE and REL_SUB *x and *xlen give
 * the service key name inside path. */
static enum rel classify(const char *path, const char **x, size_t *xlen)
{
	size_t h = strcspn(path, "\\");
	if (!((h == 18 && hvt_ci_ncmp(path, "HKEY_LOCAL_MACHINE", 18) == 0) ||
	      (h == 4 && hvt_ci_ncmp(path, "HKLM", 4) == 0)))
		return REL_NONE;
	const char *p = path + h;
	const char *r = HVT_SERVICES_PATH;
	/* Component by component. */
	while (*r) {
		if (*p == '\0')
			return REL_ANCESTOR;
		if (*p != '\\')
			return REL_NONE;
		p++;
		size_t a = strcspn(p, "\\"), b = strcspn(r, "\\");
		if (a != b || hvt_ci_ncmp(p, r, a) != 0)
			return REL_NONE;
		p += a;
		r += b;
		if (*r == '\\')
			r++;
	}
	if (*p == '\0')
		return REL_ROOT;
	if (*p != '\\')
		return REL_NONE;
	p++;
	size_t n = strcspn(p, "\\");
	*x = p;
	*xlen = n;
	return p[n] == '\0' || p[n + 1] == '\0' ? REL_SERVICE : REL_SUB;
}

/* An index of names that ignores ASCII case (registry key names): open addressing over
 * entries (owner, name span); the spans point into the parsed file, which outlives the index. */
struct ci_ent {
	const char *p; /* NULL: empty slot */
	size_t len;
	size_t owner; /* what the name belongs to (a service's index, or SIZE_MAX) */
	size_t val;
};

struct ci_map {
	struct ci_ent *e;
	size_t cap, n; /* cap: 0 or a power of two */
};

static size_t ci_slot(const struct ci_map *m, size_t owner, const char *p, size_t len)
{
	size_t i = (size_t)(hvt_ci_hash(p, len) ^ (owner * 0x9E3779B97F4A7C15u)) & (m->cap - 1);
	while (m->e[i].p && !(m->e[i].owner == owner && m->e[i].len == len &&
			      hvt_ci_ncmp(m->e[i].p, p, len) == 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static struct ci_ent *ci_get(const struct ci_map *m, size_t owner, const char *p, size_t len)
{
	if (!m->cap)
		return NULL;
	struct ci_ent *e = &m->e[ci_slot(m, owner, p, len)];
	return e->p ? e : NULL;
}

/* The entry for (owner, p[0..len)), added with val 0 if new; NULL when out of memory. */
static struct ci_ent *ci_put(struct ci_map *m, size_t owner, const char *p, size_t len)
{
	if (2 * (m->n + 1) > m->cap) {
		struct ci_map g = { .cap = m->cap ? 2 * m->cap : 64 };
		if (!(g.e = calloc(g.cap, sizeof *g.e)))
			return NULL;
		for (size_t i = 0; i < m->cap; i++)
			if (m->e[i].p)
				g.e[ci_slot(&g, m->e[i].owner, m->e[i].p, m->e[i].len)] = m->e[i];
		g.n = m->n;
		free(m->e);
		*m = g;
	}
	struct ci_ent *e = &m->e[ci_slot(m, owner, p, len)];
	if (!e->p) {
		*e = (struct ci_ent){ .p = p, .len = len, .owner = owner };
		m->n++;
	}
	return e;
}

/* The services of a file being read, indexed by key name; for each, the names of its direct
 * subkeys seen since the key was last (re)created (gen[i] counts its deletions). */
struct svc_list {
	struct hvt_service *v;
	size_t n;
	size_t *gen;
	struct ci_map keys, subkeys;
	int oom;
};

static void svc_list_index_free(struct svc_list *l)
{
	free(l->gen);
	free(l->keys.e);
	free(l->subkeys.e);
}

/* The service x[0..xlen) (ignoring case); with add, a new entry when there is none (x must
 * then outlive l). */
static struct hvt_service *svc_find(struct svc_list *l, const char *x, size_t xlen, int add)
{
	struct ci_ent *k = ci_get(&l->keys, SIZE_MAX, x, xlen);
	if (k)
		return &l->v[k->val];
	if (!add)
		return NULL;
	struct hvt_service *p = hvt_grow(l->v, l->n, sizeof *p);
	if (p)
		l->v = p;
	size_t *g = p ? hvt_grow(l->gen, l->n, sizeof *g) : NULL;
	if (g)
		l->gen = g;
	if (!g || !(k = ci_put(&l->keys, SIZE_MAX, x, xlen))) {
		l->oom = 1;
		return NULL;
	}
	k->val = l->n;
	struct hvt_service *e = &p[l->n];
	memset(e, 0, sizeof *e);
	g[l->n] = 0;
	if (!(e->key = hvt_xstrndup(x, xlen))) {
		l->oom = 1;
		return NULL;
	}
	l->n++;
	return e;
}

static void svc_clear(struct hvt_service *e)
{
	values_clear(e);
	e->subkeys = 0;
}

/* Sets (or with HVT_REGV_DELETE removes) the value v of e, as importing the line does. */
static int svc_set_value(const struct hvt_regfile *rf, struct hvt_service *e,
			 const struct hvt_regval *v)
{
	size_t i = 0;
	while (i < e->nvalues && hvt_ci_cmp(e->values[i].name, v->name) != 0)
		i++;
	if (i < e->nvalues) {
		struct hvt_service_value *x = &e->values[i];
		free(x->name);
		free(x->text);
		free(x->data);
		memmove(x, x + 1, (e->nvalues - i - 1) * sizeof *x);
		e->nvalues--;
	}
	if (v->kind == HVT_REGV_DELETE)
		return 0;
	struct hvt_service_value *nv = hvt_grow(e->values, e->nvalues, sizeof *nv);
	if (!nv)
		return -1;
	e->values = nv;
	struct hvt_service_value *x = &nv[e->nvalues];
	memset(x, 0, sizeof *x);
	x->type = v->type;
	x->name = hvt_xstrdup(v->name);
	if (!x->name)
		return -1;
	e->nvalues++;
	if (v->type == 1 || v->type == 2)
		return (x->text = hvt_regfile_value_text(rf, v)) ? 0 : -1;
	if (v->len && !(x->data = malloc(v->len)))
		return -1;
	if (v->len)
		memcpy(x->data, v->data, v->len);
	x->len = v->len;
	return 0;
}

/* name, name_type and tool from e's values. */
static int svc_derive(struct hvt_service *e)
{
	const struct hvt_service_value *n = hvt_service_value(e, HVT_SERVICE_VALUE);
	const struct hvt_service_value *t = hvt_service_value(e, HVT_TOOL_VALUE);
	free(e->name);
	free(e->tool);
	e->name = e->tool = NULL;
	e->name_type = n ? n->type : 0;
	if (n && n->text && !(e->name = hvt_xstrdup(n->text)))
		return -1;
	if (t && t->text && !(e->tool = hvt_xstrdup(t->text)))
		return -1;
	return 0;
}

/* The services as importing the file leaves them. */
static int file_list(const struct hvt_regfile *rf, struct svc_list *l)
{
	for (size_t i = 0; i < rf->nsects && !l->oom; i++) {
		const struct hvt_regsect *s = &rf->sects[i];
		const char *x = NULL;
		size_t xlen = 0;
		enum rel r = classify(s->path, &x, &xlen);
		if (r == REL_NONE)
			continue;
		if (r == REL_ANCESTOR || r == REL_ROOT) {
			if (s->deleted)
				for (size_t k = 0; k < l->n; k++) {
					svc_clear(&l->v[k]);
					l->v[k].deleted = 1;
					l->gen[k]++;
				}
			continue;
		}
		if (r == REL_SUB && s->deleted)
			continue;
		struct hvt_service *e = svc_find(l, x, xlen, 1);
		if (!e)
			break;
		size_t ei = (size_t)(e - l->v);
		if (r == REL_SUB) {
			if (e->deleted)
				svc_clear(e);
			e->deleted = 0;
			/* Count distinct direct subkeys seen since the key was (re)created: subkeys
			 * written before [-KEY] or [-ancestor] are gone (found by
			 * fuzz/fuzz_regfile.c). */
			const char *c = x + xlen + 1;
			struct ci_ent *sk = ci_put(&l->subkeys, ei, c, strcspn(c, "\\"));
			if (!sk) {
				l->oom = 1;
				break;
			}
			if (sk->val != l->gen[ei] + 1) {
				sk->val = l->gen[ei] + 1; /* 0: new entry */
				e->subkeys++;
			}
			continue;
		}
		if (s->deleted) {
			svc_clear(e);
			e->deleted = 1;
			l->gen[ei]++;
			continue;
		}
		if (e->deleted)
			svc_clear(e);
		e->deleted = 0;
		/* Key name as last written (case may differ between sections). */
		char *k = hvt_xstrndup(x, xlen);
		if (!k) {
			l->oom = 1;
			break;
		}
		free(e->key);
		e->key = k;
		for (size_t j = 0; j < s->nitems && !l->oom; j++)
			if (s->items[j].val && svc_set_value(rf, e, s->items[j].val) < 0)
				l->oom = 1;
	}
	return l->oom ? -1 : 0;
}

static int cmp_service(const void *a, const void *b)
{
	const struct hvt_service *x = a, *y = b;
	int d = hvt_ci_cmp(x->key, y->key);
	return d ? d : strcmp(x->key, y->key);
}

int hvt_store_list(struct hvt_store *s, struct hvt_service **out, size_t *n, char *err,
		   size_t errlen)
{
	*out = NULL;
	*n = 0;
	struct svc_list l = { 0 };
	if (s->live) {
		int rc = hvt_live_list(&l.v, &l.n, err, errlen);
		if (rc != HVT_STORE_OK)
			return rc;
	} else if (file_list(s->rf, &l) < 0) {
		svc_list_index_free(&l);
		hvt_services_free(l.v, l.n);
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	svc_list_index_free(&l);
	for (size_t i = 0; i < l.n; i++) {
		l.v[i].form = hvt_service_key_form(l.v[i].key, &l.v[i].guid);
		if (svc_derive(&l.v[i]) < 0) {
			hvt_services_free(l.v, l.n);
			hvt_seterr(err, errlen, "out of memory");
			return HVT_STORE_ERROR;
		}
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof l.v[0], cmp_service);
	*out = l.v;
	*n = l.n;
	return HVT_STORE_OK;
}

/* Index of the section where key's values now live: the last [ROOT\key] after anything that
 * deleted it; SIZE_MAX if none. */
static size_t current_section(const struct hvt_regfile *rf, const char *key)
{
	size_t found = SIZE_MAX, klen = strlen(key);
	for (size_t i = 0; i < rf->nsects; i++) {
		const struct hvt_regsect *s = &rf->sects[i];
		const char *x;
		size_t xlen;
		enum rel r = classify(s->path, &x, &xlen);
		if ((r == REL_ANCESTOR || r == REL_ROOT) && s->deleted)
			found = SIZE_MAX;
		if (r != REL_SERVICE || xlen != klen || hvt_ci_ncmp(x, key, klen) != 0)
			continue;
		found = s->deleted ? SIZE_MAX : i;
	}
	return found;
}

static int check_writable(struct hvt_store *s, char *err, size_t errlen)
{
	if (!(s->flags & HVT_STORE_WRITE)) {
		hvt_seterr(err, errlen, "store opened read-only");
		return HVT_STORE_ERROR;
	}
	return HVT_STORE_OK;
}

/* What put and delete check first: a writable store and a valid key name. */
static int check_change(struct hvt_store *s, const char *key, char *err, size_t errlen)
{
	int rc = check_writable(s, err, errlen);
	if (rc != HVT_STORE_OK)
		return rc;
	return key_name_ok(key, err, errlen) < 0 ? HVT_STORE_ERROR : HVT_STORE_OK;
}

int hvt_store_put(struct hvt_store *s, const char *key, const char *name, const char *tool,
		  int flags, char *err, size_t errlen)
{
	int rc = check_change(s, key, err, errlen);
	if (rc != HVT_STORE_OK)
		return rc;
	if (s->live) {
		rc = hvt_live_put(key, name, tool, flags, err, errlen);
		if (rc == HVT_STORE_OK)
			s->changed = 1;
		return rc;
	}
	struct hvt_regfile *rf = s->rf;
	enum hvt_reg_encoding enc;
	char why[200];
	if (hvt_regfile_check_string(rf, HVT_SERVICE_VALUE, name, &enc, why, sizeof why) < 0) {
		hvt_seterr(err, errlen, "%s: %s", s->path, why);
		return HVT_STORE_ERROR;
	}
	if (tool && hvt_regfile_check_string(rf, HVT_TOOL_VALUE, tool, &enc, why, sizeof why) < 0) {
		hvt_seterr(err, errlen, "%s: %s", s->path, why);
		return HVT_STORE_ERROR;
	}
	size_t i = current_section(rf, key);
	if (i != SIZE_MAX && (flags & HVT_PUT_NEW)) {
		hvt_seterr(err, errlen, "key %s exists in %s", key, s->path);
		return HVT_STORE_EXISTS;
	}
	if (i == SIZE_MAX) {
		/* A new section after the last one that concerns the services key (so that it also
		 * comes after any deletion of this key), else at the end. */
		size_t at = rf->nsects;
		for (size_t k = rf->nsects; k-- > 0;) {
			const char *x;
			size_t xlen;
			enum rel r = classify(rf->sects[k].path, &x, &xlen);
			if (r == REL_ROOT || r == REL_SERVICE || r == REL_SUB ||
			    (r == REL_ANCESTOR && rf->sects[k].deleted)) {
				at = k + 1;
				break;
			}
		}
		char *path = malloc(sizeof HVT_SERVICES_KEY + 1 + strlen(key));
		if (!path) {
			hvt_seterr(err, errlen, "out of memory");
			return HVT_STORE_ERROR;
		}
		sprintf(path, "%s\\%s", HVT_SERVICES_KEY, key);
		int r = hvt_regfile_insert_section(rf, at, path);
		free(path);
		if (r < 0) {
			hvt_seterr(err, errlen, "out of memory");
			return HVT_STORE_ERROR;
		}
		i = at;
	}
	int was = rf->changed;
	rf->changed = 0;
	if (hvt_regfile_set_string(rf, i, HVT_SERVICE_VALUE, name, why, sizeof why) < 0 ||
	    (tool && hvt_regfile_set_string(rf, i, HVT_TOOL_VALUE, tool, why, sizeof why) < 0)) {
		rf->changed |= was;
		hvt_seterr(err, errlen, "%s: %s", s->path, why);
		return HVT_STORE_ERROR;
	}
	if (rf->changed)
		s->changed = 1;
	rf->changed |= was;
	return HVT_STORE_OK;
}

int hvt_store_delete(struct hvt_store *s, const char *key, char *err, size_t errlen)
{
	int rc = check_change(s, key, err, errlen);
	if (rc != HVT_STORE_OK)
		return rc;
	if (s->live) {
		rc = hvt_live_delete(key, err, errlen);
		if (rc == HVT_STORE_OK)
			s->changed = 1;
		return rc;
	}
	struct hvt_regfile *rf = s->rf;
	struct svc_list l = { 0 };
	int listed = file_list(rf, &l);
	struct hvt_service *e = listed < 0 ? NULL : svc_find(&l, key, strlen(key), 0);
	int present = e && !e->deleted;
	unsigned subkeys = e ? e->subkeys : 0;
	svc_list_index_free(&l);
	hvt_services_free(l.v, l.n);
	if (listed < 0) {
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	if (!present) {
		hvt_seterr(err, errlen, "no key %s in %s", key, s->path);
		return HVT_STORE_NOTFOUND;
	}
	if (subkeys) {
		hvt_seterr(err, errlen, "key %s has %u subkey%s in %s: not removed", key, subkeys,
			   subkeys == 1 ? "" : "s", s->path);
		return HVT_STORE_SUBKEYS;
	}
	size_t klen = strlen(key);
	for (size_t i = rf->nsects; i-- > 0;) {
		const char *x;
		size_t xlen;
		if (!rf->sects[i].deleted &&
		    classify(rf->sects[i].path, &x, &xlen) == REL_SERVICE && xlen == klen &&
		    hvt_ci_ncmp(x, key, klen) == 0)
			hvt_regfile_remove_section(rf, i);
	}
	s->changed = 1;
	return HVT_STORE_OK;
}

int hvt_store_commit(struct hvt_store *s, char *err, size_t errlen)
{
	if (s->live || !s->rf->changed)
		return HVT_STORE_OK;
	int rc = check_writable(s, err, errlen);
	if (rc != HVT_STORE_OK)
		return rc;
	char *data;
	size_t len;
	if (hvt_regfile_serialize(s->rf, &data, &len) < 0) {
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	rc = hvt_file_replace(s->path, data, len, err, errlen);
	free(data);
	if (rc == HVT_STORE_OK)
		s->rf->changed = 0;
	return rc;
}
