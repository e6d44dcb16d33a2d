/* Declaring a tool's options once: durations and numbers that parse or exit with the usage
 * error every tool prints, and a table of which options go together, checked by one function.
 * The table is modelled on util-linux's exclusive-option tables (include/optutils.h: ul_excl_t
 * and err_exclusive_options()), with "needs" and "only for" rules beside the exclusive groups,
 * and checked once all options are read, so that the first rule broken in table order is the
 * one reported, whatever the order on the command line. */
#ifndef HVT_OPTS_H
#define HVT_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "hvgetopt.h"

/* A day: more than any connect, idle or probe timeout needs; it also keeps poll()'s int safe. */
#define HVT_OPT_DAY_MS 86400000u

/* The duration text of option optname ("-w") in milliseconds, from min_ms to max_ms. On error
 * exits 2 (hvt_usage_error) with "invalid -w 'TEXT': WHY", WHY being hvt_parse_duration's
 * phrase, or "must be more than 0" below min_ms = 1. */
uint64_t hvt_opt_duration(const char *optname, const char *text, uint64_t max_ms, uint64_t min_ms);

/* The decimal number text of option optname, from min to max. On error exits 2 with
 * "invalid -c 'TEXT': WHY (expected MIN-MAX)". */
uint64_t hvt_opt_number(const char *optname, const char *text, uint64_t min, uint64_t max);

/* ---- which options go together ---- */

/* Options are named by their ids, the values hvt_getopt_long returns for them ('l', or a
 * tool's enum from 256 for long-only ones); ids below HVT_OPT_ID_MAX. Ids that are no option
 * (hvreg's commands) may take part too, named by hvt_opt_spec.more. */
#define HVT_OPT_ID_MAX	512
#define HVT_OPT_SET_MAX 8 /* ids in one side of a rule */

enum hvt_opt_rule_kind {
	HVT_OPT_END, /* ends the table */
	/* a: a group of mutually exclusive options (a util-linux ul_excl_t row):
	 * "cannot use A1 with A2" for the first two used, in the group's order */
	HVT_OPT_EXCLUSIVE,
	/* no option of a with one of b: "cannot use A with B" */
	HVT_OPT_CONFLICTS,
	/* an option of a needs one of b: "A needs B" */
	HVT_OPT_NEEDS,
	/* an option of a goes only with one of b: "A is only for B" */
	HVT_OPT_ONLY_FOR,
};

/* A side with one id is named by that id's name; one with several by all of them:
 * "-d, -q or -i" ("list and show" for HVT_OPT_ONLY_FOR). */
struct hvt_opt_rule {
	enum hvt_opt_rule_kind kind;
	int a[HVT_OPT_SET_MAX]; /* ids, ended by 0 or the end of the array */
	int b[HVT_OPT_SET_MAX];
	const char *note; /* NULL, or said after the message in parentheses */
};

/* Rows of a table, e.g. hvnc's:
 *	{ HVT_OPT_EXCLUSIVE, .a = { 'e', 'c', OPT_TO } },
 *	{ HVT_OPT_CONFLICTS, .a = { 'z' }, .b = { 'e', 'c', OPT_TO } },
 *	{ HVT_OPT_NEEDS, .a = { 'k' }, .b = { 'l' } },
 *	{ .kind = HVT_OPT_END },
 */

struct hvt_opt_name {
	int id;
	const char *name;
};

struct hvt_opt_spec {
	/* Names the options: "-x" for those with a short form, else "--name". */
	const struct hvt_option *longopts;
	int long_names;			  /* "--name" for every option that has one */
	const struct hvt_opt_name *more;  /* names of other ids; ended by { 0, NULL }; or NULL */
	const struct hvt_opt_rule *rules; /* ended by HVT_OPT_END */
};

/* The options given: tools mark each id hvt_getopt_long returns. Zero-initialise. */
struct hvt_opt_used {
	uint32_t bits[HVT_OPT_ID_MAX / 32];
};

void hvt_opt_use(struct hvt_opt_used *u, int id);
int hvt_opt_is_used(const struct hvt_opt_used *u, int id);

/* The first rule of spec that u breaks: returns 1 with its message in msg, else 0. */
int hvt_opt_conflict(const struct hvt_opt_spec *spec, const struct hvt_opt_used *u, char *msg,
		     size_t len);

/* hvt_opt_conflict, and on a broken rule exits 2 with its message (hvt_usage_error). */
void hvt_opt_check(const struct hvt_opt_spec *spec, const struct hvt_opt_used *u);

#endif
