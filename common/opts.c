/* Declaring a tool's options once (see opts.h). */
#include "opts.h"

#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "parse.h"

uint64_t hvt_opt_duration(const char *optname, const char *text, uint64_t max_ms, uint64_t min_ms)
{
	uint64_t ms;
	const char *why;
	if (hvt_parse_duration(text, max_ms, &ms, &why) != 0)
		hvt_usage_error("invalid %s '%s': %s", optname, text, why);
	if (ms < min_ms && min_ms <= 1)
		hvt_usage_error("invalid %s '%s': must be more than 0", optname, text);
	if (ms < min_ms)
		hvt_usage_error("invalid %s '%s': must be at least %llu ms", optname, text,
				(unsigned long long)min_ms);
	return ms;
}

uint64_t hvt_opt_number(const char *optname, const char *text, uint64_t min, uint64_t max)
{
	uint64_t v;
	const char *why;
	if (hvt_parse_u64(text, min, max, 0, &v, &why) != 0)
		hvt_usage_error("invalid %s '%s': %s (expected %llu-%llu)", optname, text, why,
				(unsigned long long)min, (unsigned long long)max);
	return v;
}

/* ---- which options go together ---- */

void hvt_opt_use(struct hvt_opt_used *u, int id)
{
	if (id > 0 && id < HVT_OPT_ID_MAX)
		u->bits[id / 32] |= UINT32_C(1) << (id % 32);
}

int hvt_opt_is_used(const struct hvt_opt_used *u, int id)
{
	return id > 0 && id < HVT_OPT_ID_MAX && ((u->bits[id / 32] >> (id % 32)) & 1u);
}

/* How many ids a side holds (ended by 0 or the end of the array). */
static size_t side_len(const int *ids)
{
	size_t n = 0;
	while (n < HVT_OPT_SET_MAX && ids[n] != 0)
		n++;
	return n;
}

/* The first id of the side that is used, or 0. */
static int first_used(const struct hvt_opt_used *u, const int *ids)
{
	for (size_t i = 0; i < side_len(ids); i++)
		if (hvt_opt_is_used(u, ids[i]))
			return ids[i];
	return 0;
}

/* Appends the name of id to buf (of len, holding a string). */
static void append_name(const struct hvt_opt_spec *s, int id, char *buf, size_t len)
{
	size_t at = strlen(buf);
	const struct hvt_option *o = NULL;
	for (const struct hvt_option *p = s->longopts; p && p->name; p++) {
		if (p->val == id && !p->flag) {
			o = p;
			break;
		}
	}
	int has_short = id > ' ' && id < 127;
	if (o && (s->long_names || !has_short)) {
		snprintf(buf + at, len - at, "--%s", o->name);
		return;
	}
	if (has_short) {
		snprintf(buf + at, len - at, "-%c", id);
		return;
	}
	for (const struct hvt_opt_name *m = s->more; m && m->name; m++) {
		if (m->id == id) {
			snprintf(buf + at, len - at, "%s", m->name);
			return;
		}
	}
	snprintf(buf + at, len - at, "option %d", id); /* a table naming an unknown id */
}

/* "-d, -q or -i" into buf: every id of the side, the last joined by " and " or " or ". */
static const char *side_name(const struct hvt_opt_spec *s, const int *ids, const char *last,
			     char *buf, size_t len)
{
	size_t n = side_len(ids);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			size_t at = strlen(buf);
			snprintf(buf + at, len - at, "%s", i + 1 == n ? last : ", ");
		}
		append_name(s, ids[i], buf, len);
	}
	return buf;
}

/* The message of an exclusive group r if u breaks it: 1, else 0. */
static int exclusive_broken(const struct hvt_opt_spec *s, const struct hvt_opt_rule *r,
			    const struct hvt_opt_used *u, char *msg, size_t len)
{
	char a[256] = "", b[256] = "";
	int first = first_used(u, r->a);
	for (size_t i = 0; first && i < side_len(r->a); i++) {
		int id = r->a[i];
		if (id != first && hvt_opt_is_used(u, id)) {
			append_name(s, first, a, sizeof a);
			append_name(s, id, b, sizeof b);
			snprintf(msg, len, "cannot use %s with %s", a, b);
			return 1;
		}
	}
	return 0;
}

/* The message of rule r if u breaks it: 1, else 0. */
static int broken(const struct hvt_opt_spec *s, const struct hvt_opt_rule *r,
		  const struct hvt_opt_used *u, char *msg, size_t len)
{
	/* the two-sided rules: broken when a is used and b is (conflicts) or is not (the others);
	 * the message is before A between B */
	static const struct {
		int b_used;
		const char *before, *between, *last; /* last: the joint of B's last name */
	} form[] = {
		[HVT_OPT_CONFLICTS] = { 1, "cannot use ", " with ", " or " },
		[HVT_OPT_NEEDS] = { 0, "", " needs ", " or " },
		[HVT_OPT_ONLY_FOR] = { 0, "", " is only for ", " and " },
	};
	char a[256], b[256];
	if (r->kind == HVT_OPT_EXCLUSIVE)
		return exclusive_broken(s, r, u, msg, len);
	if (r->kind <= HVT_OPT_EXCLUSIVE || r->kind > HVT_OPT_ONLY_FOR || !first_used(u, r->a) ||
	    form[r->kind].b_used != (first_used(u, r->b) != 0))
		return 0;
	snprintf(msg, len, "%s%s%s%s", form[r->kind].before,
		 side_name(s, r->a, " or ", a, sizeof a), form[r->kind].between,
		 side_name(s, r->b, form[r->kind].last, b, sizeof b));
	return 1;
}

int hvt_opt_conflict(const struct hvt_opt_spec *spec, const struct hvt_opt_used *u, char *msg,
		     size_t len)
{
	for (const struct hvt_opt_rule *r = spec->rules; r && r->kind != HVT_OPT_END; r++) {
		if (broken(spec, r, u, msg, len)) {
			if (r->note) {
				size_t at = strlen(msg);
				snprintf(msg + at, len - at, " (%s)", r->note);
			}
			return 1;
		}
	}
	return 0;
}

void hvt_opt_check(const struct hvt_opt_spec *spec, const struct hvt_opt_used *u)
{
	char msg[512];
	if (hvt_opt_conflict(spec, u, msg, sizeof msg))
		hvt_usage_error("%s", msg);
}
