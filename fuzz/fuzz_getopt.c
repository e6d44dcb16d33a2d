/* hvt_getopt_long against glibc's getopt_long (the behaviour it documents as its model): for
 * argv built from the input, both must return the same sequence of options, arguments
 * (optarg), optopt, longindex and optind, and leave argv permuted the same way. Messages are
 * not compared (glibc's name the program differently); instead: '?' comes with exactly one
 * error line and the "Try ..." line, anything else prints nothing.
 * Input: byte 0 picks the option strings and table, the rest is split at NUL bytes into
 * words. */
#include "fuzz.h"

#include <getopt.h>

#include "hvgetopt.h"

#define MAXWORDS 24
#define MAXSTEPS 64

static int h_verbose, g_verbose, h_quiet, g_quiet;

/* The unit tests' table: ambiguity, aliases, a flag, optional arguments, exact-match-wins,
 * a value beyond char range. */
static const struct hvt_option h_opts1[] = {
	{ "name", hvt_required_argument, NULL, 'n' },
	{ "nap", hvt_no_argument, NULL, 'p' },
	{ "verbose", hvt_no_argument, &h_verbose, 1 },
	{ "color", hvt_optional_argument, NULL, 'C' },
	{ "colour", hvt_optional_argument, NULL, 'C' },
	{ "col-map", hvt_no_argument, NULL, 'm' },
	{ "debug", hvt_no_argument, NULL, 'd' },
	{ "debug-level", hvt_required_argument, NULL, 'D' },
	{ "big", hvt_no_argument, NULL, 1000 },
	{ "quiet", hvt_no_argument, &h_quiet, 7 },
	{ "quieter", hvt_no_argument, &h_quiet, 7 },
	{ NULL, 0, NULL, 0 },
};
static const struct option g_opts1[] = {
	{ "name", required_argument, NULL, 'n' },   { "nap", no_argument, NULL, 'p' },
	{ "verbose", no_argument, &g_verbose, 1 },  { "color", optional_argument, NULL, 'C' },
	{ "colour", optional_argument, NULL, 'C' }, { "col-map", no_argument, NULL, 'm' },
	{ "debug", no_argument, NULL, 'd' },	    { "debug-level", required_argument, NULL, 'D' },
	{ "big", no_argument, NULL, 1000 },	    { "quiet", no_argument, &g_quiet, 7 },
	{ "quieter", no_argument, &g_quiet, 7 },    { NULL, 0, NULL, 0 },
};

/* hvnc's table. */
static const struct hvt_option h_opts2[] = {
	{ "listen", hvt_no_argument, NULL, 'l' },
	{ "keep-open", hvt_no_argument, NULL, 'k' },
	{ "max-conns", hvt_required_argument, NULL, 'm' },
	{ "exec", hvt_required_argument, NULL, 'e' },
	{ "sh-exec", hvt_required_argument, NULL, 'c' },
	{ "to", hvt_required_argument, NULL, 256 },
	{ "zero", hvt_no_argument, NULL, 'z' },
	{ "wait", hvt_required_argument, NULL, 'w' },
	{ "idle-timeout", hvt_required_argument, NULL, 'i' },
	{ "quit-after", hvt_required_argument, NULL, 'q' },
	{ "no-stdin", hvt_no_argument, NULL, 'd' },
	{ "no-shutdown", hvt_no_argument, NULL, 257 },
	{ "send-only", hvt_no_argument, NULL, 258 },
	{ "recv-only", hvt_no_argument, NULL, 259 },
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "progress", hvt_no_argument, NULL, 260 },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
static const struct option g_opts2[] = {
	{ "listen", no_argument, NULL, 'l' },
	{ "keep-open", no_argument, NULL, 'k' },
	{ "max-conns", required_argument, NULL, 'm' },
	{ "exec", required_argument, NULL, 'e' },
	{ "sh-exec", required_argument, NULL, 'c' },
	{ "to", required_argument, NULL, 256 },
	{ "zero", no_argument, NULL, 'z' },
	{ "wait", required_argument, NULL, 'w' },
	{ "idle-timeout", required_argument, NULL, 'i' },
	{ "quit-after", required_argument, NULL, 'q' },
	{ "no-stdin", no_argument, NULL, 'd' },
	{ "no-shutdown", no_argument, NULL, 257 },
	{ "send-only", no_argument, NULL, 258 },
	{ "recv-only", no_argument, NULL, 259 },
	{ "verbose", no_argument, NULL, 'v' },
	{ "progress", no_argument, NULL, 260 },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char *const optstrings[] = {
	"ab:c::lkvw:", "+ab:c::lkvw:", "lkm:e:c:zw:i:q:dvhV", "+hV", "x", "",
};

struct step {
	int ret, optopt, longindex, optind;
	const char *optarg;
};

static FILE *msgs;
static char msgbuf[1 << 16];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	unsetenv("POSIXLY_CORRECT"); /* glibc would switch to '+' behaviour */
	msgs = fmemopen(msgbuf, sizeof msgbuf, "w");
	if (!msgs)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	unsigned sel = data[0];
	const char *optstring = optstrings[sel % (sizeof optstrings / sizeof optstrings[0])];
	int table = (sel >> 4) & 3; /* 0: table 1, 1: table 2, 2: no long options, 3: table 1 */
	const struct hvt_option *hl = table == 1 ? h_opts2 : table == 2 ? NULL : h_opts1;
	const struct option *gl = table == 1 ? g_opts2 : table == 2 ? NULL : g_opts1;

	/* Words: each in its own exact-size allocation; argv without a NULL terminator (argc is
	 * what bounds it), so reads past either show up under ASan. */
	char *words[MAXWORDS];
	int n = 0;
	words[n++] = fuzz_cstr((const uint8_t *)"fuzz", 4);
	size_t pos = 1;
	while (pos < size && n < MAXWORDS) {
		const uint8_t *nul = memchr(data + pos, 0, size - pos);
		size_t len = nul ? (size_t)(nul - (data + pos)) : size - pos;
		words[n++] = fuzz_cstr(data + pos, len);
		pos += len + 1;
	}
	int argc = n;
	char **ha = malloc(sizeof(char *) * (size_t)argc);
	char **ga = malloc(sizeof(char *) * ((size_t)argc + 1)); /* glibc's may read argv[argc] */
	if (!ha || !ga)
		abort();
	memcpy(ha, words, sizeof(char *) * (size_t)argc);
	memcpy(ga, words, sizeof(char *) * (size_t)argc);
	ga[argc] = NULL;

	struct step hs[MAXSTEPS], gs[MAXSTEPS];
	int nh = 0, ng = 0;
	struct hvt_getopt g = { 0 };
	FILE *real_stderr = stderr;
	h_verbose = g_verbose = h_quiet = g_quiet = 0;
	while (nh < MAXSTEPS) {
		int li = -1;
		rewind(msgs);
		stderr = msgs;
		int c = hvt_getopt_long(&g, argc, ha, optstring, hl, &li);
		fflush(msgs);
		long len = ftell(msgs);
		stderr = real_stderr;
		hs[nh++] = (struct step){ c, c == '?' ? g.optopt : 0, li, g.optind, g.optarg };
		if (len >= 0 && (size_t)len < sizeof msgbuf - 1) {
			msgbuf[len] = '\0';
			if (c == '?') {
				/* The offending text is echoed as it is (it may hold a newline). */
				static const char try[] =
					"\nTry 'hvtools --help' for more information.\n";
				size_t tl = sizeof try - 1;
				CHECK((size_t)len > tl + 9 &&
					      strncmp(msgbuf, "hvtools: ", 9) == 0 &&
					      strcmp(msgbuf + len - tl, try) == 0,
				      "'?' with message '%s'", msgbuf);
			} else {
				CHECK(len == 0, "return %d printed '%s'", c, msgbuf);
			}
		}
		CHECK(g.optind >= 1 && g.optind <= argc, "optind %d of %d", g.optind, argc);
		if (c == -1)
			break;
	}

	opterr = 0;
	optind = 0; /* glibc: full reinitialisation */
	while (ng < MAXSTEPS) {
		int li = -1;
		int c = gl ? getopt_long(argc, ga, optstring, gl, &li)
			   : getopt(argc, ga, optstring);
		/* glibc's optopt for a byte over 0x7f is a negative char; ours is unsigned. */
		int oo = c == '?' ? optopt : 0;
		gs[ng++] = (struct step){ c, oo < 0 ? oo + 256 : oo, li, optind, optarg };
		if (c == -1)
			break;
	}

	CHECK(nh == ng, "%d steps, glibc %d", nh, ng);
	for (int i = 0; i < nh; i++) {
		CHECK(hs[i].ret == gs[i].ret, "step %d: returned %d, glibc %d", i, hs[i].ret,
		      gs[i].ret);
		CHECK(hs[i].optarg == gs[i].optarg, "step %d (%d): optarg '%s', glibc '%s'", i,
		      hs[i].ret, hs[i].optarg ? hs[i].optarg : "(null)",
		      gs[i].optarg ? gs[i].optarg : "(null)");
		CHECK(hs[i].optopt == gs[i].optopt, "step %d: optopt %d, glibc %d", i, hs[i].optopt,
		      gs[i].optopt);
		if (hs[i].ret != '?')
			CHECK(hs[i].longindex == gs[i].longindex, "step %d: longindex %d, glibc %d",
			      i, hs[i].longindex, gs[i].longindex);
		CHECK(hs[i].optind == gs[i].optind, "step %d (%d): optind %d, glibc %d", i,
		      hs[i].ret, hs[i].optind, gs[i].optind);
	}
	CHECK(h_verbose == g_verbose && h_quiet == g_quiet, "flags differ");
	for (int i = 0; i < argc; i++)
		CHECK(ha[i] == ga[i], "argv[%d] after parsing: '%s', glibc '%s'", i, ha[i], ga[i]);

	for (int i = 0; i < n; i++)
		free(words[i]);
	free(ha);
	free(ga);
	return 0;
}
