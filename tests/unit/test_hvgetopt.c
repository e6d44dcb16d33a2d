/* hvt_getopt_long: GNU getopt_long behaviour, table-driven (the expectations were checked
 * against glibc's getopt_long). Each case runs on a heap copy of argv with no NULL terminator
 * and each string in its own allocation, so that under ASan a read past the array or past a
 * string fails; cases that pass a shorter argc check that the rest is neither taken nor moved.
 * Built without msg.c, define HVT_TEST_STANDALONE for a stand-in hvt_progname(). */
#if !defined(_WIN32) && !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* dup, fileno */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include <io.h>
#define dup    _dup
#define dup2   _dup2
#define close  _close
#define fileno _fileno
#else
#include <unistd.h>
#endif

#include "hvgetopt.h"
#include "msg.h"

#ifdef HVT_TEST_STANDALONE
const char *hvt_progname(void)
{
	return "prog";
}
#endif

/* --- fixtures ------------------------------------------------------------------------- */

#define OPTS	"ab:c::lkvw:"
#define TRY	"Try 'PROG --help' for more information.\n"
#define MAXARGS 12

static int verbose;

static const struct hvt_option longopts[] = {
	{ "name", hvt_required_argument, NULL, 'n' },	     /* 0 */
	{ "nap", hvt_no_argument, NULL, 'p' },		     /* 1: makes --na ambiguous */
	{ "verbose", hvt_no_argument, &verbose, 1 },	     /* 2: flag */
	{ "color", hvt_optional_argument, NULL, 'C' },	     /* 3 */
	{ "colour", hvt_optional_argument, NULL, 'C' },	     /* 4: alias of 3, not ambiguous */
	{ "col-map", hvt_no_argument, NULL, 'm' },	     /* 5: makes --col ambiguous */
	{ "debug", hvt_no_argument, NULL, 'd' },	     /* 6: exact match beats 7 */
	{ "debug-level", hvt_required_argument, NULL, 'D' }, /* 7 */
	{ "big", hvt_no_argument, NULL, 1000 },		     /* 8: val beyond char range */
	{ NULL, 0, NULL, 0 },
};

struct gcase {
	const char *name;
	const char *opts;	   /* optstring */
	const char *args[MAXARGS]; /* argv after "prog"; a "|" ends argc, the rest stays */
	const char *trace;	   /* what each call returned, see step() and parse() */
	const char *after;	   /* argv[1..] afterwards (the whole array, also past argc) */
	int optind;		   /* after -1 */
	const char *err;	   /* stderr; PROG stands for hvt_progname() */
};

/* A returned value: the character, or <n> when not printable; nothing for 0. */
static void put_val(char *out, size_t cap, int v)
{
	size_t n = strlen(out);
	if (v > ' ' && v < 127)
		snprintf(out + n, cap - n, "%c", v);
	else if (v != 0)
		snprintf(out + n, cap - n, "<%d>", v);
}

/* One call as text: "w=5" (option w, optarg 5), "n=x@0" (long option, longindex 0),
 * "0@2" (flag set), "?x" (error, optopt x), "?" (error, optopt 0). */
static void step(char *out, size_t cap, int rc, const struct hvt_getopt *g, int li)
{
	size_t n = strlen(out);
	if (n)
		snprintf(out + n, cap - n, " ");
	if (rc == '?') {
		snprintf(out + strlen(out), cap - strlen(out), "?");
		put_val(out, cap, g->optopt);
	} else if (rc == 0) {
		snprintf(out + strlen(out), cap - strlen(out), "0");
	} else {
		put_val(out, cap, rc);
	}
	n = strlen(out);
	if (g->optarg)
		snprintf(out + n, cap - n, "=%s", g->optarg);
	n = strlen(out);
	if (li >= 0)
		snprintf(out + n, cap - n, "@%d", li);
}

/* Runs the parser to -1 (bounded, so a bug cannot hang the test); the trace ends with
 * "verbose=N" when the --verbose flag got set. */
static void parse(struct hvt_getopt *g, int argc, char **argv, const char *opts,
		  const struct hvt_option *lo, char *out, size_t cap)
{
	out[0] = '\0';
	verbose = 0;
	for (int k = 0; k < 100; k++) {
		int li = -1;
		g->optopt = -1; /* so that a '?' without optopt set shows */
		int rc = hvt_getopt_long(g, argc, argv, opts, lo, &li);
		if (rc == -1) {
			if (verbose) {
				size_t n = strlen(out);
				snprintf(out + n, cap - n, " verbose=%d", verbose);
			}
			return;
		}
		step(out, cap, rc, g, li);
	}
	fail_msg("parser did not finish");
}

/* Heap argv from "prog" and args; *argc stops at a "|" marker (not copied), else is *n. */
static char **make_argv(const char *const *args, int *n, int *argc)
{
	int count = 1;
	*argc = 0;
	for (const char *const *a = args; *a; a++)
		if (strcmp(*a, "|") == 0)
			*argc = count;
		else
			count++;
	char **argv = malloc((size_t)count * sizeof *argv);
	assert_non_null(argv);
	argv[0] = malloc(5);
	assert_non_null(argv[0]);
	strcpy(argv[0], "prog");
	for (int i = 1; *args; args++) {
		if (strcmp(*args, "|") == 0)
			continue;
		argv[i] = malloc(strlen(*args) + 1);
		assert_non_null(argv[i]);
		strcpy(argv[i++], *args);
	}
	*n = count;
	if (!*argc)
		*argc = count;
	return argv;
}

static char **argv_of(const char *const *args, int *n)
{
	int argc;
	return make_argv(args, n, &argc);
}

static void free_argv(char **argv, int n)
{
	for (int i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
}

static void join(char *out, size_t cap, char *const *v, int from, int to)
{
	out[0] = '\0';
	for (int i = from; i < to; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%s", i > from ? " " : "", v[i]);
	}
}

/* stderr goes to a temporary file between capture_start() and capture_end(). A sanitizer
 * report raised meanwhile goes there too: the crash then shows only as the test left at RUN
 * (ASAN_OPTIONS=log_path=/tmp/asan keeps the report). */
static FILE *cap_file;
static int cap_saved = -1;

static void capture_start(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	assert_non_null(cap_file);
	cap_saved = dup(2);
	assert_true(cap_saved >= 0);
	assert_true(dup2(fileno(cap_file), 2) >= 0);
}

static void capture_end(char *out, size_t cap)
{
	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_file);
	size_t n = 0;
	int ch;
	while ((ch = getc(cap_file)) != EOF && n + 1 < cap)
		if (ch != '\r') /* Windows text mode */
			out[n++] = (char)ch;
	out[n] = '\0';
	fclose(cap_file);
}

/* Expected stderr with PROG replaced by the program name. */
static void expand(char *out, size_t cap, const char *tmpl)
{
	const char *prog = hvt_progname();
	out[0] = '\0';
	for (const char *p = tmpl; *p;) {
		size_t n = strlen(out);
		if (strncmp(p, "PROG", 4) == 0) {
			snprintf(out + n, cap - n, "%s", prog);
			p += 4;
		} else {
			snprintf(out + n, cap - n, "%c", *p++);
		}
	}
}

/* --- the table ------------------------------------------------------------------------ */

static struct gcase cases[] = {
	/* short options */
	{ "short_plain", OPTS, { "-a", "-k" }, "a k", "-a -k", 3, "" },
	{ "short_cluster", OPTS, { "-lkv" }, "l k v", "-lkv", 2, "" },
	{ "short_arg_attached", OPTS, { "-w5" }, "w=5", "-w5", 2, "" },
	{ "short_arg_separate", OPTS, { "-w", "5" }, "w=5", "-w 5", 3, "" },
	{ "short_cluster_arg_attached", OPTS, { "-lw5" }, "l w=5", "-lw5", 2, "" },
	{ "short_cluster_arg_separate", OPTS, { "-lw", "5", "-k" }, "l w=5 k", "-lw 5 -k", 4, "" },
	{ "short_arg_takes_rest_of_cluster", OPTS, { "-wlk" }, "w=lk", "-wlk", 2, "" },
	{ "short_arg_may_start_with_dash", OPTS, { "-w", "-a" }, "w=-a", "-w -a", 3, "" },
	{ "short_arg_may_be_dashdash", OPTS, { "-w", "--", "x" }, "w=--", "-w -- x", 3, "" },
	{ "short_arg_empty_word", OPTS, { "-w", "" }, "w=", "-w ", 3, "" },
	{ "short_optional_absent", OPTS, { "-c" }, "c", "-c", 2, "" },
	{ "short_optional_attached", OPTS, { "-cfoo" }, "c=foo", "-cfoo", 2, "" },
	{ "short_optional_not_separate", OPTS, { "-c", "foo" }, "c", "-c foo", 2, "" },
	{ "short_optional_in_cluster", OPTS, { "-lcx" }, "l c=x", "-lcx", 2, "" },
	{ "short_invalid", OPTS, { "-x" }, "?x", "-x", 2, "PROG: invalid option -- 'x'\n" TRY },
	{ "short_invalid_in_cluster_continues",
	  OPTS,
	  { "-axk" },
	  "a ?x k",
	  "-axk",
	  2,
	  "PROG: invalid option -- 'x'\n" TRY },
	{ "short_colon_is_invalid",
	  OPTS,
	  { "-:" },
	  "?:",
	  "-:",
	  2,
	  "PROG: invalid option -- ':'\n" TRY },
	{ "short_missing_arg_at_end",
	  OPTS,
	  { "-a", "-w" },
	  "a ?w",
	  "-a -w",
	  3,
	  "PROG: option requires an argument -- 'w'\n" TRY },
	{ "short_missing_arg_cluster_end",
	  OPTS,
	  { "-lw" },
	  "l ?w",
	  "-lw",
	  2,
	  "PROG: option requires an argument -- 'w'\n" TRY },
	/* "|" ends argc: what follows must be neither taken nor moved */
	{ "short_missing_arg_at_argc",
	  OPTS,
	  { "-w", "|", "5" },
	  "?w",
	  "-w 5",
	  2,
	  "PROG: option requires an argument -- 'w'\n" TRY },
	{ "short_dash_in_cluster",
	  OPTS,
	  { "-a-" },
	  "a ?-",
	  "-a-",
	  2,
	  "PROG: invalid option -- '-'\n" TRY },

	/* long options */
	{ "long_plain", OPTS, { "--nap" }, "p@1", "--nap", 2, "" },
	{ "long_required_eq", OPTS, { "--name=x" }, "n=x@0", "--name=x", 2, "" },
	{ "long_required_separate", OPTS, { "--name", "x" }, "n=x@0", "--name x", 3, "" },
	{ "long_required_empty_eq", OPTS, { "--name=" }, "n=@0", "--name=", 2, "" },
	{ "long_value_with_eq", OPTS, { "--name=a=b" }, "n=a=b@0", "--name=a=b", 2, "" },
	{ "long_required_takes_dash_word", OPTS, { "--name", "-a" }, "n=-a@0", "--name -a", 3, "" },
	{ "long_optional_absent", OPTS, { "--color" }, "C@3", "--color", 2, "" },
	{ "long_optional_eq", OPTS, { "--color=auto" }, "C=auto@3", "--color=auto", 2, "" },
	{ "long_optional_not_separate", OPTS, { "--color", "auto" }, "C@3", "--color auto", 2, "" },
	{ "long_flag", OPTS, { "--verbose" }, "0@2 verbose=1", "--verbose", 2, "" },
	{ "long_val_not_char", OPTS, { "--big" }, "<1000>@8", "--big", 2, "" },
	{ "long_abbrev", OPTS, { "--nam", "x" }, "n=x@0", "--nam x", 3, "" },
	{ "long_abbrev_eq", OPTS, { "--debug-l=3" }, "D=3@7", "--debug-l=3", 2, "" },
	{ "long_abbrev_flag", OPTS, { "--verb" }, "0@2 verbose=1", "--verb", 2, "" },
	{ "long_abbrev_aliases_not_ambiguous", OPTS, { "--colo" }, "C@3", "--colo", 2, "" },
	{ "long_abbrev_to_alias", OPTS, { "--colou=x" }, "C=x@4", "--colou=x", 2, "" },
	{ "long_exact_beats_prefix", OPTS, { "--debug" }, "d@6", "--debug", 2, "" },
	{ "long_ambiguous",
	  OPTS,
	  { "--na" },
	  "?",
	  "--na",
	  2,
	  "PROG: option '--na' is ambiguous; possibilities: '--name' '--nap'\n" TRY },
	{ "long_ambiguous_shows_value",
	  OPTS,
	  { "--na=5" },
	  "?",
	  "--na=5",
	  2,
	  "PROG: option '--na=5' is ambiguous; possibilities: '--name' '--nap'\n" TRY },
	{ "long_ambiguous_exact_prefix",
	  OPTS,
	  { "--deb" },
	  "?",
	  "--deb",
	  2,
	  "PROG: option '--deb' is ambiguous; possibilities: '--debug' '--debug-level'\n" TRY },
	/* the alias --colour behaves like --color, so GNU leaves it out of the list */
	{ "long_ambiguous_lists_distinct",
	  OPTS,
	  { "--col" },
	  "?",
	  "--col",
	  2,
	  "PROG: option '--col' is ambiguous; possibilities: '--color' '--col-map'\n" TRY },
	{ "long_unrecognized",
	  OPTS,
	  { "--foo" },
	  "?",
	  "--foo",
	  2,
	  "PROG: unrecognized option '--foo'\n" TRY },
	{ "long_unrecognized_with_value",
	  OPTS,
	  { "--foo=bar" },
	  "?",
	  "--foo=bar",
	  2,
	  "PROG: unrecognized option '--foo=bar'\n" TRY },
	{ "long_no_arg_allowed",
	  OPTS,
	  { "--nap=1" },
	  "?p",
	  "--nap=1",
	  2,
	  "PROG: option '--nap' doesn't allow an argument\n" TRY },
	/* the message names the full option; the flag is left alone */
	{ "long_no_arg_allowed_abbrev_flag",
	  OPTS,
	  { "--verb=1" },
	  "?<1>",
	  "--verb=1",
	  2,
	  "PROG: option '--verbose' doesn't allow an argument\n" TRY },
	{ "long_missing_arg",
	  OPTS,
	  { "--name" },
	  "?n",
	  "--name",
	  2,
	  "PROG: option '--name' requires an argument\n" TRY },
	{ "long_missing_arg_abbrev",
	  OPTS,
	  { "-a", "--nam" },
	  "a ?n",
	  "-a --nam",
	  3,
	  "PROG: option '--name' requires an argument\n" TRY },
	{ "long_missing_arg_at_argc",
	  OPTS,
	  { "--name", "|", "x" },
	  "?n",
	  "--name x",
	  2,
	  "PROG: option '--name' requires an argument\n" TRY },
	{ "long_errors_then_continue",
	  OPTS,
	  { "--foo", "-x", "--nap", "op" },
	  "? ?x p@1",
	  "--foo -x --nap op",
	  4,
	  "PROG: unrecognized option '--foo'\n" TRY "PROG: invalid option -- 'x'\n" TRY },

	/* permutation: options first, operands after them, both in their original order */
	{ "permute_nothing", OPTS, { NULL }, "", "", 1, "" },
	{ "permute_operands_only", OPTS, { "a", "b" }, "", "a b", 1, "" },
	{ "permute_mixed", OPTS, { "a", "-l", "b", "-k", "c" }, "l k", "-l -k a b c", 3, "" },
	{ "permute_with_args",
	  OPTS,
	  { "a", "-w", "5", "b", "-lw6", "c" },
	  "w=5 l w=6",
	  "-w 5 -lw6 a b c",
	  4,
	  "" },
	{ "permute_long",
	  OPTS,
	  { "x", "--name", "y", "z", "--nap" },
	  "n=y@0 p@1",
	  "--name y --nap x z",
	  4,
	  "" },
	{ "permute_option_last", OPTS, { "a", "b", "-l" }, "l", "-l a b", 2, "" },
	{ "permute_missing_arg_at_end",
	  OPTS,
	  { "a", "-w" },
	  "?w",
	  "-w a",
	  2,
	  "PROG: option requires an argument -- 'w'\n" TRY },
	{ "permute_optional_operand", OPTS, { "-c", "foo", "-l" }, "c l", "-c -l foo", 3, "" },
	{ "permute_only_up_to_argc", OPTS, { "a", "-l", "b", "|", "-k" }, "l", "-l a b -k", 2, "" },
	{ "lone_dash_is_operand", OPTS, { "-", "-l" }, "l", "-l -", 2, "" },
	{ "dashdash_ends_options",
	  OPTS,
	  { "a", "-l", "--", "-k", "b" },
	  "l",
	  "-l -- a -k b",
	  3,
	  "" },
	{ "dashdash_first", OPTS, { "--", "-l" }, "", "-- -l", 2, "" },
	{ "dashdash_last", OPTS, { "-l", "--" }, "l", "-l --", 3, "" },
	{ "dashdash_only_first_one", OPTS, { "--", "--", "a" }, "", "-- -- a", 2, "" },
	{ "dashdash_after_operands", OPTS, { "a", "b", "--", "c" }, "", "-- a b c", 2, "" },

	/* '+': stop at the first operand, argv untouched */
	{ "plus_stops_at_operand",
	  "+" OPTS,
	  { "-l", "add", "-w", "5", "x" },
	  "l",
	  "-l add -w 5 x",
	  2,
	  "" },
	{ "plus_operand_first", "+" OPTS, { "add", "-l" }, "", "add -l", 1, "" },
	{ "plus_lone_dash_stops", "+" OPTS, { "-", "-l" }, "", "- -l", 1, "" },
	{ "plus_dashdash", "+" OPTS, { "-l", "--", "-k" }, "l", "-l -- -k", 3, "" },
	{ "plus_arg_not_operand",
	  "+" OPTS,
	  { "-w", "add", "-k", "x" },
	  "w=add k",
	  "-w add -k x",
	  4,
	  "" },
	{ "plus_long",
	  "+" OPTS,
	  { "--name", "v", "sub", "--nap" },
	  "n=v@0",
	  "--name v sub --nap",
	  3,
	  "" },
	{ "plus_is_not_an_option",
	  "+" OPTS,
	  { "-+" },
	  "?+",
	  "-+",
	  2,
	  "PROG: invalid option -- '+'\n" TRY },
};

#define NCASES (sizeof cases / sizeof cases[0])

static void run_case(void **state)
{
	const struct gcase *tc = *state;
	char trace[512], after[512], err[1024], want_err[1024];
	int n, argc;
	char **argv = make_argv(tc->args, &n, &argc);
	struct hvt_getopt g = { 0 };

	capture_start();
	parse(&g, argc, argv, tc->opts, longopts, trace, sizeof trace);
	capture_end(err, sizeof err);

	join(after, sizeof after, argv, 1, n);
	free_argv(argv, n); /* before any assertion, which would jump out */
	expand(want_err, sizeof want_err, tc->err);
	assert_string_equal(trace, tc->trace);
	assert_string_equal(after, tc->after);
	assert_int_equal(g.optind, tc->optind);
	assert_string_equal(err, want_err);
}

/* --- state handling --------------------------------------------------------------------- */

static const char *const mixed[] = { "a", "-lw5", "b", "--name=x", "-k", "c", NULL };

/* {0} and {.optind = 1} are the same starting state; optind = 0 restarts a used one. */
static void test_fresh_states(void **state)
{
	(void)state;
	char t1[256], t2[256], a1[256], a2[256];
	int n;

	char **argv = argv_of(mixed, &n);
	struct hvt_getopt zero = { 0 };
	parse(&zero, n, argv, OPTS, longopts, t1, sizeof t1);
	join(a1, sizeof a1, argv, 1, n);
	assert_string_equal(t1, "l w=5 n=x@0 k");
	assert_string_equal(a1, "-lw5 --name=x -k a b c");
	assert_int_equal(zero.optind, 4);
	free_argv(argv, n);

	argv = argv_of(mixed, &n);
	struct hvt_getopt one = { .optind = 1 };
	parse(&one, n, argv, OPTS, longopts, t2, sizeof t2);
	join(a2, sizeof a2, argv, 1, n);
	assert_string_equal(t2, t1);
	assert_string_equal(a2, a1);
	assert_int_equal(one.optind, 4);

	/* Reuse with optind = 0, on the already permuted argv, in '+' mode this time. */
	one.optind = 0;
	parse(&one, n, argv, "+" OPTS, longopts, t2, sizeof t2);
	assert_string_equal(t2, "l w=5 n=x@0 k");
	assert_int_equal(one.optind, 4);
	free_argv(argv, n);
}

/* Two parsers alternating, each in the middle of a cluster: no shared state. */
static void test_interleaved(void **state)
{
	(void)state;
	static const char *const x[] = { "-lkv", "op", NULL };
	static const char *const y[] = { "-kvw", "9", NULL };
	int nx, ny;
	char **ax = argv_of(x, &nx), **ay = argv_of(y, &ny);
	struct hvt_getopt gx = { 0 }, gy = { 0 };

	assert_int_equal(hvt_getopt_long(&gx, nx, ax, OPTS, longopts, NULL), 'l');
	assert_int_equal(hvt_getopt_long(&gy, ny, ay, OPTS, longopts, NULL), 'k');
	assert_int_equal(hvt_getopt_long(&gx, nx, ax, OPTS, longopts, NULL), 'k');
	assert_int_equal(hvt_getopt_long(&gy, ny, ay, OPTS, longopts, NULL), 'v');
	assert_int_equal(hvt_getopt_long(&gx, nx, ax, OPTS, longopts, NULL), 'v');
	assert_int_equal(hvt_getopt_long(&gy, ny, ay, OPTS, longopts, NULL), 'w');
	assert_string_equal(gy.optarg, "9");
	assert_int_equal(hvt_getopt_long(&gx, nx, ax, OPTS, longopts, NULL), -1);
	assert_int_equal(hvt_getopt_long(&gy, ny, ay, OPTS, longopts, NULL), -1);
	assert_int_equal(gx.optind, 2);
	assert_int_equal(gy.optind, 3);
	free_argv(ax, nx);
	free_argv(ay, ny);
}

/* optarg points into argv (callers keep it after parsing); a NULL longindex is fine. */
static void test_optarg_in_argv(void **state)
{
	(void)state;
	static const char *const a[] = { "--name=v", "-w5", "--color=x", NULL };
	int n;
	char **argv = argv_of(a, &n);
	struct hvt_getopt g = { 0 };

	assert_int_equal(hvt_getopt_long(&g, n, argv, OPTS, longopts, NULL), 'n');
	assert_ptr_equal(g.optarg, argv[1] + 7);
	assert_int_equal(hvt_getopt_long(&g, n, argv, OPTS, longopts, NULL), 'w');
	assert_ptr_equal(g.optarg, argv[2] + 2);
	assert_int_equal(hvt_getopt_long(&g, n, argv, OPTS, longopts, NULL), 'C');
	assert_ptr_equal(g.optarg, argv[3] + 8);
	assert_int_equal(hvt_getopt_long(&g, n, argv, OPTS, longopts, NULL), -1);
	assert_null(g.optarg);
	free_argv(argv, n);
}

/* Without a long option table "--x" is a cluster of short options, as in GNU. */
static void test_no_longopts(void **state)
{
	(void)state;
	static const char *const a[] = { "--l", "op", "-k", NULL };
	char trace[128], after[128], err[512], want[512];
	int n;
	char **argv = argv_of(a, &n);
	struct hvt_getopt g = { 0 };

	capture_start();
	parse(&g, n, argv, OPTS, NULL, trace, sizeof trace);
	capture_end(err, sizeof err);
	join(after, sizeof after, argv, 1, n);
	assert_string_equal(trace, "?- l k");
	assert_string_equal(after, "--l -k op");
	assert_int_equal(g.optind, 3);
	expand(want, sizeof want, "PROG: invalid option -- '-'\n" TRY);
	assert_string_equal(err, want);
	free_argv(argv, n);
}

static void test_argc_zero(void **state)
{
	(void)state;
	struct hvt_getopt g = { 0 };
	assert_int_equal(hvt_getopt_long(&g, 0, NULL, OPTS, longopts, NULL), -1);
}

int main(void)
{
	struct CMUnitTest tests[NCASES + 5];
	size_t i;
	for (i = 0; i < NCASES; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name,
						.test_func = run_case,
						.initial_state = &cases[i] };
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_fresh_states);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_interleaved);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_optarg_in_argv);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_no_longopts);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_argc_zero);
	return cmocka_run_group_tests_name("hvgetopt", tests, NULL, NULL);
}
