/* getopt_long for hvtools, written from the documented GNU behaviour (see hvgetopt.h).
 * The state lives in struct hvt_getopt, so parsers are reentrant and independent. */
#include "hvgetopt.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

/* Every usage error ends with the same hint; the caller exits 2. */
static int try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", hvt_progname());
	return '?';
}

static void reverse(char **v, int i, int j)
{
	for (j--; i < j; i++, j--) {
		char *t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* Moves the options in [last_nonopt, optind) in front of the operands skipped before them
 * in [first_nonopt, last_nonopt), keeping the order inside each block. A rotation by three
 * reversals: no allocation, and each element is moved at most twice. */
static void exchange(struct hvt_getopt *g, char **argv)
{
	reverse(argv, g->first_nonopt, g->last_nonopt);
	reverse(argv, g->last_nonopt, g->optind);
	reverse(argv, g->first_nonopt, g->optind);
	g->first_nonopt += g->optind - g->last_nonopt;
	g->last_nonopt = g->optind;
}

/* Operands: anything not starting with '-', and a lone "-" (conventionally stdin). */
static bool is_operand(const char *s)
{
	return s[0] != '-' || s[1] == '\0';
}

/* Two entries that would behave identically (aliases) do not make a prefix ambiguous. */
static bool same_option(const struct hvt_option *a, const struct hvt_option *b)
{
	return a->has_arg == b->has_arg && a->flag == b->flag && a->val == b->val;
}

static bool has_prefix(const char *name, const char *prefix, size_t len)
{
	return strncmp(name, prefix, len) == 0;
}

/* argv[g->optind] is "--name" or "--name=value" (name possibly abbreviated). */
static int long_option(struct hvt_getopt *g, int argc, char **argv,
		       const struct hvt_option *longopts, int *longindex)
{
	char *arg = argv[g->optind++];
	char *name = arg + 2;
	size_t len = strcspn(name, "=");
	int found = -1;
	bool ambiguous = false;

	/* An exact match wins even when it is also a prefix of other names. */
	for (int i = 0; longopts[i].name && found < 0; i++)
		if (has_prefix(longopts[i].name, name, len) && longopts[i].name[len] == '\0')
			found = i;
	if (found < 0) {
		for (int i = 0; longopts[i].name; i++) {
			if (!has_prefix(longopts[i].name, name, len))
				continue;
			if (found < 0)
				found = i;
			else if (!same_option(&longopts[found], &longopts[i]))
				ambiguous = true;
		}
	}
	if (ambiguous) {
		/* GNU lists the first match and every later match that differs from it. */
		char list[1024] = "";
		size_t n = 0;
		for (int i = found; longopts[i].name && n < sizeof list; i++)
			if (has_prefix(longopts[i].name, name, len) &&
			    (i == found || !same_option(&longopts[found], &longopts[i])))
				n += (size_t)snprintf(list + n, sizeof list - n, " '--%s'",
						      longopts[i].name);
		hvt_warnx("option '%s' is ambiguous; possibilities:%s", arg, list);
		g->optopt = 0;
		return try_help();
	}
	if (found < 0) {
		hvt_warnx("unrecognized option '%s'", arg);
		g->optopt = 0;
		return try_help();
	}

	const struct hvt_option *o = &longopts[found];
	if (name[len] == '=') {
		if (o->has_arg == hvt_no_argument) {
			hvt_warnx("option '--%s' doesn't allow an argument", o->name);
			g->optopt = o->val;
			return try_help();
		}
		g->optarg = name + len + 1;
	} else if (o->has_arg == hvt_required_argument) {
		/* Optional arguments are only taken with '=', required ones also from the next word. */
		if (g->optind >= argc) {
			hvt_warnx("option '--%s' requires an argument", o->name);
			g->optopt = o->val;
			return try_help();
		}
		g->optarg = argv[g->optind++];
	}
	if (longindex)
		*longindex = found;
	if (o->flag) {
		*o->flag = o->val;
		return 0;
	}
	return o->val;
}

int hvt_getopt_long(struct hvt_getopt *g, int argc, char **argv, const char *optstring,
		    const struct hvt_option *longopts, int *longindex)
{
	/* '+': stop at the first operand (subcommand tools pass the rest on untouched). */
	bool in_order = optstring[0] == '+';
	if (in_order)
		optstring++;

	g->optarg = NULL;
	if (argc < 1)
		return -1;
	/* optind 0 restarts, as in GNU; last_nonopt is 0 only in a state never used. */
	if (g->optind == 0 || g->last_nonopt == 0) {
		if (g->optind == 0)
			g->optind = 1;
		g->first_nonopt = g->last_nonopt = g->optind;
		g->nextchar = 0;
	}

	/* nextchar is the position inside a cluster like -lkv; 0 means take the next word. */
	if (g->nextchar == 0) {
		/* The caller may have moved optind back. */
		if (g->last_nonopt > g->optind)
			g->last_nonopt = g->optind;
		if (g->first_nonopt > g->optind)
			g->first_nonopt = g->optind;

		if (!in_order) {
			/* Operands skipped earlier go behind the options found since, then skip the
			 * next run of operands; [first_nonopt, last_nonopt) is the pending run. */
			if (g->first_nonopt != g->last_nonopt && g->last_nonopt != g->optind)
				exchange(g, argv);
			else if (g->last_nonopt != g->optind)
				g->first_nonopt = g->optind;
			while (g->optind < argc && is_operand(argv[g->optind]))
				g->optind++;
			g->last_nonopt = g->optind;
		}

		/* "--" ends the options; it stays in front of the operands, optind past it. */
		if (g->optind < argc && strcmp(argv[g->optind], "--") == 0) {
			g->optind++;
			if (g->first_nonopt != g->last_nonopt && g->last_nonopt != g->optind)
				exchange(g, argv);
			else if (g->first_nonopt == g->last_nonopt)
				g->first_nonopt = g->optind;
			g->last_nonopt = argc;
			g->optind = argc;
		}

		if (g->optind >= argc) {
			/* Done: point at the operands, which now sit at the end. */
			if (g->first_nonopt != g->last_nonopt)
				g->optind = g->first_nonopt;
			return -1;
		}
		if (is_operand(argv[g->optind]))
			return -1; /* '+' mode */
		if (longopts && argv[g->optind][1] == '-')
			return long_option(g, argc, argv, longopts, longindex);
		g->nextchar = 1;
	}

	char *word = argv[g->optind];
	int c = (unsigned char)word[g->nextchar++];
	/* ':' marks arguments in optstring, so it is never an option itself. */
	const char *spec = c == ':' ? NULL : strchr(optstring, c);
	bool last_in_word = word[g->nextchar] == '\0';
	if (last_in_word) {
		g->optind++;
		g->nextchar = 0;
	}
	if (!spec) {
		hvt_warnx("invalid option -- '%c'", c);
		g->optopt = c;
		return try_help();
	}
	if (spec[1] == ':') {
		if (!last_in_word) {
			/* -w5, -lw5: the rest of the word is the argument. */
			g->optarg = word + g->nextchar;
			g->optind++;
			g->nextchar = 0;
		} else if (spec[2] == ':') {
			/* Optional arguments are only taken attached. */
		} else if (g->optind < argc) {
			g->optarg = argv[g->optind++];
		} else {
			hvt_warnx("option requires an argument -- '%c'", c);
			g->optopt = c;
			return try_help();
		}
	}
	return c;
}
