/* getopt_long written for hvtools: identical behaviour and messages on every platform.
 * GNU semantics: options and operands may be mixed (operands are moved to the end unless
 * the optstring starts with '+'), "--" ends options, long options may be abbreviated to an
 * unambiguous prefix, --opt=value or --opt value. Errors print the GNU message followed by
 * "Try 'prog --help' for more information." and return '?' (callers exit 2). */
#ifndef HVT_GETOPT_H
#define HVT_GETOPT_H

enum { hvt_no_argument = 0, hvt_required_argument = 1, hvt_optional_argument = 2 };

struct hvt_option {
	const char *name;
	int has_arg;
	int *flag;
	int val;
};

struct hvt_getopt {
	int optind;   /* next argv element; start with 1 (zero-initialised state works too) */
	char *optarg; /* argument of the option just returned */
	int optopt;   /* the offending option character on error */
	/* private */
	int nextchar;
	int first_nonopt, last_nonopt;
};

/* Returns the option's val (or 0 when flag is set), '?' on error (message printed), -1 when
 * done; then argv[g->optind..argc-1] are the operands. */
int hvt_getopt_long(struct hvt_getopt *g, int argc, char **argv, const char *optstring,
		    const struct hvt_option *longopts, int *longindex);

#endif
