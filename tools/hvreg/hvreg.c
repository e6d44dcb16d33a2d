/* hvreg: register hvsocket services on a Hyper-V host (GuestCommunicationServices), in the
 * live registry, in a .reg file, or as commands to run on the host. See hvreg(1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guid.h"
#include "hvgetopt.h"
#include "json.h"
#include "msg.h"
#include "opts.h"
#include "parse.h"
#include "regfile.h"
#include "register.h"
#include "registry.h"
#include "regprint.h"
#include "services.h"
#include "strutil.h"
#include "table.h"

/* Tool-specific exit codes (hvreg(1) EXIT STATUS). */
enum {
	EXIT_NOTFOUND = 3, /* remove, show: no service matches */
	EXIT_CONFLICT = 4, /* add: registered under another name; remove, show: several match */
};

#define MAX_PORT    0x7FFFFFFFu /* SDK: valid vsock ports 0-0x7FFFFFFF */
#define POOL_MAX    1000	/* reserve N: at most this many at once */
/* reserve takes ports from the dynamic range (49152-65535), never WSL's 50000-50005. */
#define POOL_LO	    49152u
#define POOL_SPAN   16384u
#define WSL_PORT_LO 50000u
#define WSL_PORT_HI 50005u

enum cmd { CMD_ADD, CMD_REMOVE, CMD_LIST, CMD_SHOW, CMD_RESERVE };

static struct {
	const char *name;   /* --name */
	const char *file;   /* --file */
	const char *tool;   /* --tool */
	const char *prefix; /* --name-prefix */
	enum hvt_print_form print;
	int force, json, verbose, ensure, dry_run;
} opt;

enum { OPT_FORCE = 256, OPT_FILE, OPT_PRINT, OPT_TOOL, OPT_PREFIX, OPT_ENSURE, OPT_DRY_RUN };
/* The command as an id in the options table (which options go with which command). */
#define CMD_ID(cmd) (300 + (int)(cmd))

static const struct hvt_option longopts[] = {
	{ "name", hvt_required_argument, NULL, 'n' },
	{ "force", hvt_no_argument, NULL, OPT_FORCE },
	{ "file", hvt_required_argument, NULL, OPT_FILE },
	{ "print", hvt_required_argument, NULL, OPT_PRINT },
	{ "tool", hvt_required_argument, NULL, OPT_TOOL },
	{ "name-prefix", hvt_required_argument, NULL, OPT_PREFIX },
	{ "ensure", hvt_no_argument, NULL, OPT_ENSURE },
	{ "dry-run", hvt_no_argument, NULL, OPT_DRY_RUN },
	{ "wait", hvt_required_argument, NULL, 'w' },
	{ "json", hvt_no_argument, NULL, 'j' },
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Which options go with which command and with each other (common/opts.h). */
#define CHANGING CMD_ID(CMD_ADD), CMD_ID(CMD_REMOVE), CMD_ID(CMD_RESERVE)
static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_ONLY_FOR, .a = { 'n' }, .b = { CMD_ID(CMD_ADD) } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_FORCE }, .b = { CMD_ID(CMD_ADD) } },
	{ HVT_OPT_NEEDS, .a = { OPT_FORCE }, .b = { 'n' }, .note = "the new name" },
	{ HVT_OPT_ONLY_FOR, .a = { 'j' },
	  .b = { CMD_ID(CMD_LIST), CMD_ID(CMD_SHOW), CMD_ID(CMD_RESERVE) } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_PRINT }, .b = { CHANGING } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_DRY_RUN }, .b = { CHANGING } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_TOOL }, .b = { CHANGING } },
	{ HVT_OPT_ONLY_FOR, .a = { 'w' }, .b = { CHANGING } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_PREFIX }, .b = { CMD_ID(CMD_RESERVE) } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_ENSURE }, .b = { CMD_ID(CMD_RESERVE) } },
	{ HVT_OPT_NEEDS, .a = { CMD_ID(CMD_RESERVE) }, .b = { OPT_TOOL },
	  .note = "who owns the pool" },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_PRINT, OPT_FILE } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_PRINT, 'j' } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_PRINT, 'w' } },
	{ .kind = HVT_OPT_END },
};
static const struct hvt_opt_name commands[] = {
	{ CMD_ID(CMD_ADD), "add" },	    { CMD_ID(CMD_REMOVE), "remove" },
	{ CMD_ID(CMD_LIST), "list" },	    { CMD_ID(CMD_SHOW), "show" },
	{ CMD_ID(CMD_RESERVE), "reserve" }, { 0, NULL },
};
/* hvreg names its options by their long names: --name, --json. */
static const struct hvt_opt_spec opt_spec = { longopts, 1, commands, rules };

static void usage(void)
{
	printf("Usage: %s [OPTIONS] add [SERVICE]\n"
	       "       %s [OPTIONS] remove SERVICE|NAME\n"
	       "       %s [OPTIONS] remove --tool TOOL\n"
	       "       %s [OPTIONS] reserve N --tool TOOL\n"
	       "       %s [OPTIONS] list\n"
	       "       %s [OPTIONS] show SERVICE|NAME\n",
	       hvt_progname(), hvt_progname(), hvt_progname(), hvt_progname(), hvt_progname(),
	       hvt_progname());
	fputs("\n"
	      "Register hvsocket services on a Hyper-V host (HKLM\\SOFTWARE\\Microsoft\\Windows NT\\\n"
	      "CurrentVersion\\Virtualization\\GuestCommunicationServices), in the live registry,\n"
	      "in a .reg file, or as commands to run on the host.\n"
	      "\n"
	      "SERVICE is a GUID (00001388-facb-11e6-bd58-64006a7986d3, {...}, (...), 32 hex digits,\n"
	      "{0x...}) or a vsock port (5000, vsock-5000, 0x1388) mapped through the vsock template.\n"
	      "add without SERVICE registers a new random GUID. add prints the service GUID.\n"
	      "\n"
	      "Commands:\n"
	      "  add [SERVICE]        register a service (again: nothing changes)\n"
	      "  remove SERVICE|NAME  unregister exactly one service (with --tool and no\n"
	      "                       SERVICE: every service of that tool)\n"
	      "  reserve N            register N free vsock ports (1-1000) for --tool at once\n"
	      "  list                 list the registered services\n"
	      "  show SERVICE|NAME    show one service\n"
	      "\n"
	      "Options:\n"
	      "  -n, --name NAME      add: friendly name (ElementName); default \"vsock port N\"\n"
	      "                       for vsock ports, else \"hvtools service\"\n"
	      "      --force          add: rename a service registered under another name\n"
	      "                       (or owned by another tool)\n"
	      "      --tool TOOL      add, reserve: record TOOL as the owner (ToolName);\n"
	      "                       remove: only TOOL's services\n"
	      "      --name-prefix P  reserve: names \"P vsock port N\" (default: TOOL)\n"
	      "      --ensure         reserve: top TOOL's pool up to N (nothing when it has N)\n"
	      "      --dry-run        add, remove, reserve: say what would change, change nothing\n"
	      "      --file FILE      use the .reg file FILE instead of the live registry\n"
	      "                       (add and reserve create it when missing)\n"
	      "      --print FORMAT   add, remove, reserve: print what to run on the host\n"
	      "                       instead, as powershell, cmd (reg.exe commands), reg (.reg\n"
	      "                       file text), gpo (Group Policy Preferences Registry.xml),\n"
	      "                       ansible (task list) or dsc (PowerShell DSC configuration)\n"
	      "  -w, --wait SECS      wait at most SECS for another hvreg changing the same file\n"
	      "                       or registry (default 10)\n"
	      "  -j, --json           list, show, reserve: print one JSON document (hvreg(1))\n"
	      "  -v, --verbose        report what was done (or why nothing was) on stderr\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure (also: the file or registry stayed locked), 2 usage\n"
	      "error, 3 no such service, 4 conflict (registered under another name or tool, or\n"
	      "NAME matches several services).\n",
	      stdout);
	exit(HVT_EXIT_OK);
}

/* ---- text helpers ---- */

static char *guid_text(const hvt_guid *g, char buf[HVT_GUID_STRLEN])
{
	return hvt_guid_format(g, 0, buf);
}

/* ---- services ---- */

/* SERVICE: a GUID in any form, or a vsock port (N, 0xN, vsock-N). Returns 0, -1 when it is
 * neither (*why), -2 when it is a port out of range (*why). */
static int parse_service(const char *s, hvt_guid *g, int *is_port, uint32_t *port, const char **why)
{
	*is_port = 0;
	if (hvt_guid_parse(s, g, why) == 0)
		return 0;
	const char *num = s;
	int prefixed = 0;
	if (strncmp(s, "vsock-", 6) == 0 || strncmp(s, "VSOCK-", 6) == 0) {
		num = s + 6;
		prefixed = 1;
	}
	uint64_t v;
	const char *pwhy;
	if (hvt_parse_u64(num, 0, MAX_PORT, 1, &v, &pwhy) < 0) {
		/* A number that is too large is a bad port; other text is not a service at all. */
		if (strcmp(pwhy, "not a number") != 0) {
			*why = "too large (vsock ports are 0-2147483647)";
			return -2;
		}
		if (prefixed) {
			*why = "not a number";
			return -2;
		}
		*why = "expected a GUID (such as 00001388-facb-11e6-bd58-64006a7986d3, {...}, (...), "
		       "32 hex digits or {0x...}) or a vsock port (5000, vsock-5000, 0x1388)";
		return -1;
	}
	*port = (uint32_t)v;
	*is_port = 1;
	hvt_guid_from_port(*port, g);
	return 0;
}

/* SERVICE that must be a GUID or a vsock port: a usage error otherwise, saying "invalid
 * service" and why, or the caller's not_one ("--print needs ...") when given. */
static void need_service(const char *arg, hvt_guid *g, const char *not_one)
{
	int is_port;
	uint32_t port;
	const char *why;
	int rc = parse_service(arg, g, &is_port, &port, &why);
	if (rc == -2)
		hvt_usage_error("invalid vsock port '%s': %s", arg, why);
	if (rc < 0 && not_one)
		hvt_usage_error("%s: '%s'", not_one, arg);
	if (rc < 0)
		hvt_usage_error("invalid service '%s': %s", arg, why);
}

/* Indexes (into out, capacity n) of the services that arg names: exact key name, else the
 * GUID (any key form), else ElementName (exact, else ignoring ASCII case). Deleted entries of
 * a .reg file never match. Returns the count. */
static size_t resolve(const struct hvt_service *v, size_t n, const char *arg, size_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && hvt_ci_cmp(v[i].key, arg) == 0)
			out[k++] = i;
	if (k)
		return k;
	hvt_guid g;
	int is_port;
	uint32_t port;
	const char *why;
	if (parse_service(arg, &g, &is_port, &port, &why) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!v[i].deleted && v[i].form != HVT_KEY_NOT_GUID &&
			    hvt_guid_equal(&v[i].guid, &g))
				out[k++] = i;
		if (k)
			return k;
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && v[i].name && strcmp(v[i].name, arg) == 0)
			out[k++] = i;
	if (k)
		return k;
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && v[i].name && hvt_ci_cmp(v[i].name, arg) == 0)
			out[k++] = i;
	return k;
}

/* "  GUID  name" lines on stderr for the entries idx (all when idx is NULL). */
static void list_stderr(const struct hvt_service *v, size_t n, const size_t *idx)
{
	for (size_t j = 0; j < n; j++) {
		const struct hvt_service *e = idx ? &v[idx[j]] : &v[j];
		if (!idx && e->deleted)
			continue;
		char gb[HVT_GUID_STRLEN];
		fputs("  ", stderr);
		hvt_table_put(stderr,
			      e->form == HVT_KEY_NOT_GUID ? e->key : guid_text(&e->guid, gb), 0);
		if (e->form == HVT_KEY_OTHER_FORM) {
			fputs(" (key ", stderr);
			hvt_table_put(stderr, e->key, 0);
			fputc(')', stderr);
		}
		fputs("  ", stderr);
		hvt_table_put(stderr, e->name ? e->name : "(no name)", 0);
		fputc('\n', stderr);
	}
}

static size_t count_live(const struct hvt_service *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !v[i].deleted;
	return k;
}

static void warn_form(const struct hvt_service *e)
{
	if (e->deleted)
		return;
	if (e->form == HVT_KEY_OTHER_FORM)
		hvt_warnx("warning: key '%s' is not the unbraced GUID form Hyper-V expects",
			  e->key);
	else if (e->form == HVT_KEY_NOT_GUID)
		hvt_warnx("warning: key '%s' is not a GUID", e->key);
}

/* ---- output ---- */

static const char *name_or_note(const struct hvt_service *e, char *buf, size_t len)
{
	if (e->deleted)
		return "(deleted by this file)";
	if (e->name)
		return e->name;
	if (e->name_type == 0)
		return e->nvalues ? "-" : "(no name)"; /* podman's: VALUES says what it is */
	snprintf(buf, len, "(ElementName is not a string: type %lu)", (unsigned long)e->name_type);
	return buf;
}

/* The listing as a table of the columns hvlist services shows (services.h), deleted entries
 * included. As text: GUID, PORT and NAME, with a note where the name is missing and the key
 * for a key that is no GUID (JSON keeps null for both). */
static struct hvt_table *services_table(const struct hvt_service *v, size_t n)
{
	struct hvt_table *t = hvt_table_new(hvt_service_columns, HVT_SVC_N);
	hvt_table_show(t, HVT_SVC_CANONICAL, 0); /* the warnings say which keys are not */
	for (size_t i = 0; i < n; i++) {
		const struct hvt_service *e = &v[i];
		size_t r = hvt_service_row(t, e);
		char nb[64];
		if (e->form == HVT_KEY_NOT_GUID)
			hvt_table_json_cell(t, r, HVT_SVC_GUID, e->key, "null");
		const char *shown = name_or_note(e, nb, sizeof nb);
		if (shown != e->name) {
			struct hvt_jw w;
			hvt_jw_init_mem(&w);
			hvt_jw_str(&w, NULL, e->name);
			char *json = hvt_jw_take(&w);
			if (!json)
				hvt_diex(HVT_EXIT_FAIL, "out of memory");
			hvt_table_json_cell(t, r, HVT_SVC_NAME, shown, json);
			free(json);
		}
	}
	return t;
}

static void print_entries(const struct hvt_service *v, size_t n)
{
	struct hvt_table *t = services_table(v, n);
	if (opt.json) {
		struct hvt_jw w;
		hvt_jw_init(&w, stdout);
		hvt_table_json(t, &w, NULL);
		hvt_jw_finish(&w);
	} else if (n) {
		hvt_table_print(t, stdout, 0);
	}
	hvt_table_free(t);
}

static void do_list(const struct hvt_service *v, size_t n)
{
	print_entries(v, n);
	for (size_t i = 0; i < n; i++)
		warn_form(&v[i]);
}

static void do_show(const struct hvt_service *e, const char *where, int live)
{
	if (opt.json) {
		struct hvt_table *t = services_table(e, 1);
		struct hvt_jw w;
		hvt_jw_init(&w, stdout);
		hvt_table_json_row(t, &w, 0);
		hvt_jw_finish(&w);
		hvt_table_free(t);
	} else {
		char gb[HVT_GUID_STRLEN], nb[64];
		uint32_t port;
		int guid = e->form != HVT_KEY_NOT_GUID;
		printf("guid: %s\n", guid ? guid_text(&e->guid, gb) : "-");
		fputs("name: ", stdout);
		hvt_table_put(stdout, name_or_note(e, nb, sizeof nb), 0);
		putchar('\n');
		if (guid && hvt_guid_to_port(&e->guid, &port) == 0)
			printf("port: %lu\n", (unsigned long)port);
		else
			printf("port: -\n");
		fputs("tool: ", stdout);
		hvt_table_put(stdout, e->tool ? e->tool : "-", 0);
		putchar('\n');
		char *values = hvt_service_values_text(e);
		if (values) {
			fputs("values: ", stdout);
			hvt_table_put(stdout, values, 0);
			putchar('\n');
			free(values);
		}
		fputs("key:  " HVT_SERVICES_KEY "\\", stdout);
		hvt_table_put(stdout, e->key, 0);
		putchar('\n');
		if (!live)
			printf("file: %s\n", where);
		if (e->subkeys)
			printf("subkeys: %u\n", e->subkeys);
	}
	warn_form(e);
}

/* ---- --print and --dry-run ---- */

static void check_print(const struct hvt_reg_change *c, size_t n, const char *remove_tool)
{
	char err[512];
	if (hvt_print_check(opt.print, c, n, remove_tool, err, sizeof err) < 0)
		hvt_usage_error("%s", err);
	for (size_t i = 0; opt.print == HVT_PRINT_REG && i < n; i++)
		for (const char *p = c[i].name; p && *p; p++)
			if ((unsigned char)*p >= 0x80) {
				hvt_warnx(
					"warning: regedit reads a .reg file without byte order mark in the "
					"ANSI code page: for a non-ASCII name write the file with --file");
				return;
			}
}

/* --dry-run: one line on stderr per change that would be made; in: "in FILE", "on the host". */
static void describe(const struct hvt_reg_change *c, size_t n, const char *remove_tool,
		     const char *in)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].remove) {
			if (strncmp(in, "in ", 3) == 0)
				hvt_warnx("dry run: would remove %s from %s", c[i].key, in + 3);
			else
				hvt_warnx("dry run: would remove %s %s", c[i].key, in);
			continue;
		}
		if (c[i].tool)
			hvt_warnx("dry run: would register %s as \"%s\" (ToolName %s) %s", c[i].key,
				  c[i].name, c[i].tool, in);
		else
			hvt_warnx("dry run: would register %s as \"%s\" %s", c[i].key, c[i].name,
				  in);
	}
	if (remove_tool)
		hvt_warnx("dry run: would remove every service whose ToolName is %s %s",
			  remove_tool, in);
}

/* --print: the script, or with --dry-run what it would do. */
static void print_or_describe(const struct hvt_reg_change *c, size_t n, const char *remove_tool)
{
	check_print(c, n, remove_tool);
	if (opt.dry_run)
		describe(c, n, remove_tool, "on the host (nothing printed)");
	else
		hvt_print_changes(stdout, opt.print, c, n, remove_tool);
}

/* ---- store ---- */

static int exit_for(int status)
{
	return status == HVT_STORE_NOTFOUND ? EXIT_NOTFOUND : HVT_EXIT_FAIL;
}

static struct hvt_store *open_store(int flags)
{
	struct hvt_store *st;
	char err[512];
	/* --dry-run reads only: no lock, and a missing file is an empty one, not created. */
	if (opt.dry_run && (flags & HVT_STORE_WRITE))
		flags = HVT_STORE_CREATE;
	int rc = opt.file ? hvt_store_open_file(&st, opt.file, flags, err, sizeof err)
			  : hvt_store_open_live(&st, flags, err, sizeof err);
	if (rc != HVT_STORE_OK)
		hvt_diex(HVT_EXIT_FAIL, "%s", err);
	if (hvt_store_check_regedit(st, err, sizeof err))
		hvt_warnx("%s", err);
	return st;
}

/* Order of the listing: by GUID as shown, keys that are no GUID last. */
static int cmp_shown(const void *a, const void *b)
{
	const struct hvt_service *x = a, *y = b;
	int xg = x->form != HVT_KEY_NOT_GUID, yg = y->form != HVT_KEY_NOT_GUID;
	if (xg != yg)
		return yg - xg;
	if (xg) {
		char gx[HVT_GUID_STRLEN], gy[HVT_GUID_STRLEN];
		int d = strcmp(guid_text(&x->guid, gx), guid_text(&y->guid, gy));
		if (d)
			return d;
		/* The same GUID under several keys: the standard form first. */
		if (x->form != y->form)
			return (int)x->form - (int)y->form;
	}
	return strcmp(x->key, y->key);
}

static void list_store(struct hvt_store *st, struct hvt_service **v, size_t *n)
{
	char err[512];
	int rc = hvt_store_list(st, v, n, err, sizeof err);
	if (rc != HVT_STORE_OK)
		hvt_diex(HVT_EXIT_FAIL, "%s", err);
	if (*n > 1)
		qsort(*v, *n, sizeof **v, cmp_shown);
}

/* The one service arg names; exits 3 or 4 otherwise. */
static size_t find_one(const struct hvt_service *v, size_t n, const char *arg, const char *where)
{
	size_t *idx = malloc((n ? n : 1) * sizeof *idx);
	if (!idx)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	size_t k = resolve(v, n, arg, idx);
	if (k == 1) {
		size_t i = idx[0];
		free(idx);
		return i;
	}
	if (k > 1) {
		hvt_warnx("'%s' matches %lu services in %s: name one by its GUID", arg,
			  (unsigned long)k, where);
		list_stderr(v, k, idx);
		free(idx);
		exit(EXIT_CONFLICT);
	}
	free(idx);
	if (count_live(v, n) == 0)
		hvt_diex(EXIT_NOTFOUND, "no service matches '%s': no services are registered in %s",
			 arg, where);
	hvt_warnx("no service matches '%s' in %s; registered services:", arg, where);
	list_stderr(v, n, NULL);
	exit(EXIT_NOTFOUND);
}

static void store_call(int rc, const char *err)
{
	if (rc != HVT_STORE_OK)
		hvt_diex(exit_for(rc), "%s", err);
}

/* "in WHERE", for describe(). */
static const char *in_where(const struct hvt_store *st)
{
	static char buf[700];
	snprintf(buf, sizeof buf, "in %s", hvt_store_where(st));
	return buf;
}

/* Makes the changes in st and commits them, or with --dry-run says what they would be. */
static void apply(struct hvt_store *st, const struct hvt_reg_change *c, size_t n)
{
	char err[512];
	if (opt.dry_run) {
		describe(c, n, NULL, in_where(st));
		return;
	}
	for (size_t i = 0; i < n; i++)
		store_call(c[i].remove ? hvt_store_delete(st, c[i].key, err, sizeof err)
				       : hvt_store_put(st, c[i].key, c[i].name, c[i].tool, 0, err,
						       sizeof err),
			   err);
	store_call(hvt_store_commit(st, err, sizeof err), err);
}

/* An entry as a store would list it, for the output of reserve --dry-run and the like. */
static void make_entry(struct hvt_service *e, const hvt_guid *g, const char *name, const char *tool)
{
	char gb[HVT_GUID_STRLEN];
	memset(e, 0, sizeof *e);
	e->guid = *g;
	e->form = HVT_KEY_STANDARD;
	e->name_type = 1;
	e->key = hvt_xstrdup(guid_text(g, gb));
	e->name = hvt_xstrdup(name);
	e->tool = hvt_xstrdup(tool);
	e->values = calloc(2, sizeof *e->values);
	if (!e->key || !e->name || !e->tool || !e->values)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	const char *vn[2] = { HVT_SERVICE_VALUE, HVT_TOOL_VALUE }, *vt[2] = { name, tool };
	for (int i = 0; i < 2; i++) {
		e->values[i].name = hvt_xstrdup(vn[i]);
		e->values[i].text = hvt_xstrdup(vt[i]);
		e->values[i].type = 1;
		if (!e->values[i].name || !e->values[i].text)
			hvt_diex(HVT_EXIT_FAIL, "out of memory");
		e->nvalues++;
	}
}

/* The services of --tool (all when no --tool), as shallow copies: free only the array. */
static struct hvt_service *of_tool(const struct hvt_service *v, size_t n, size_t *k)
{
	struct hvt_service *out = calloc(n ? n : 1, sizeof *out);
	if (!out)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	*k = 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && (!opt.tool || (v[i].tool && strcmp(v[i].tool, opt.tool) == 0)))
			out[(*k)++] = v[i];
	return out;
}

/* ---- commands ---- */

static void cmd_add(const char *arg)
{
	hvt_guid g;
	if (arg) {
		need_service(arg, &g, NULL);
	} else if (hvt_guid_random(&g) < 0) {
		hvt_diex(HVT_EXIT_FAIL, "cannot generate a random GUID");
	}
	char gb[HVT_GUID_STRLEN], defname[64];
	guid_text(&g, gb);
	hvt_service_default_name(&g, defname, sizeof defname);

	if (opt.print) {
		struct hvt_reg_change c = { 0, gb, opt.name ? opt.name : defname, opt.tool };
		print_or_describe(&c, 1, NULL);
		return;
	}

	struct hvt_store *st = open_store(HVT_STORE_WRITE | HVT_STORE_CREATE);
	const char *where = hvt_store_where(st);
	struct hvt_service *v;
	size_t n;
	list_store(st, &v, &n);
	const struct hvt_service *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].deleted || v[i].form == HVT_KEY_NOT_GUID ||
		    !hvt_guid_equal(&v[i].guid, &g))
			continue;
		if (v[i].form == HVT_KEY_STANDARD)
			cur = &v[i];
		else
			hvt_warnx(
				"warning: key '%s' in %s also names this service; Hyper-V expects the "
				"unbraced form (remove it with: hvreg remove '%s')",
				v[i].key, where, v[i].key);
	}
	/* A key without ElementName (podman's) keeps its other values and gets the name. */
	const char *name = opt.name ? opt.name : cur && cur->name ? cur->name : defname;
	int same_name = cur && cur->name && strcmp(cur->name, name) == 0;
	int same_tool = !opt.tool || (cur && cur->tool && strcmp(cur->tool, opt.tool) == 0);
	if (same_name && same_tool) {
		if (opt.verbose || opt.dry_run)
			hvt_warnx("%s%s is already registered as \"%s\" in %s: nothing %s",
				  opt.dry_run ? "dry run: " : "", gb, cur->name, where,
				  opt.dry_run ? "would change" : "changed");
		/* Nothing to write: the file (or registry) is left as it is. */
		printf("%s\n", gb);
		hvt_services_free(v, n);
		hvt_store_close(st);
		return;
	}
	if (cur && cur->name && !same_name && !opt.force) {
		hvt_warnx(
			"%s is already registered as \"%s\" in %s (use --force to rename it to \"%s\")",
			gb, cur->name, where, name);
		exit(EXIT_CONFLICT);
	}
	if (cur && cur->tool && !same_tool && !opt.force) {
		hvt_warnx("%s belongs to tool %s in %s (use --force to give it to %s)", gb,
			  cur->tool, where, opt.tool);
		exit(EXIT_CONFLICT);
	}
	for (size_t i = 0; i < n; i++)
		if (&v[i] != cur && !v[i].deleted && v[i].name && strcmp(v[i].name, name) == 0 &&
		    !(v[i].form != HVT_KEY_NOT_GUID && hvt_guid_equal(&v[i].guid, &g))) {
			char ob[HVT_GUID_STRLEN];
			hvt_warnx(
				"warning: %s in %s has the same name \"%s\": remove and show by name "
				"will be ambiguous",
				v[i].form == HVT_KEY_NOT_GUID ? v[i].key
							      : guid_text(&v[i].guid, ob),
				where, name);
		}
	struct hvt_reg_change c = { 0, cur ? cur->key : gb, name, opt.tool };
	if (opt.dry_run && cur && cur->name && !same_name)
		hvt_warnx("dry run: would rename %s from \"%s\" to \"%s\" in %s", gb, cur->name,
			  name, where);
	else if (opt.dry_run && cur && same_name)
		hvt_warnx("dry run: would give %s to tool %s in %s", gb, opt.tool, where);
	else
		apply(st, &c, 1);
	if (opt.dry_run) {
		/* said above or by apply */
	} else if (opt.verbose) {
		const char *what = !cur ? "registered" : !cur->name ? "named" : "renamed";
		if (cur && cur->name && !same_name)
			hvt_warnx("%s %s from \"%s\" to \"%s\" in %s", what, gb, cur->name, name,
				  where);
		else if (cur && same_name)
			hvt_warnx("gave %s to tool %s in %s", gb, opt.tool, where);
		else
			hvt_warnx("%s %s as \"%s\" in %s", what, gb, name, where);
	} else if (!opt.name && !(cur && cur->name)) {
		hvt_warnx("no --name given: registered as \"%s\"", name);
	}
	printf("%s\n", gb);
	hvt_services_free(v, n);
	hvt_store_close(st);
}

static void cmd_remove(const char *arg)
{
	if (opt.print) {
		if (!arg) {
			print_or_describe(NULL, 0, opt.tool);
			return;
		}
		if (opt.tool)
			hvt_usage_error("--print cannot check that '%s' belongs to tool %s: leave "
					"out --tool, or SERVICE to remove all of the tool's",
					arg, opt.tool);
		hvt_guid g;
		need_service(arg, &g, "--print needs a service GUID or vsock port, not a name");
		char gb[HVT_GUID_STRLEN];
		struct hvt_reg_change c = { 1, guid_text(&g, gb), NULL, NULL };
		print_or_describe(&c, 1, NULL);
		return;
	}
	struct hvt_store *st = open_store(HVT_STORE_WRITE);
	const char *where = hvt_store_where(st);
	struct hvt_service *v;
	size_t n, k;
	list_store(st, &v, &n);
	struct hvt_service *mine = of_tool(v, n, &k);
	struct hvt_reg_change *c = calloc(k ? k : 1, sizeof *c);
	if (!c)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	size_t nc = 0;
	if (arg) {
		char where_tool[700];
		snprintf(where_tool, sizeof where_tool, "%s%s%s%s", where,
			 opt.tool ? " (tool " : "", opt.tool ? opt.tool : "",
			 opt.tool ? " only)" : "");
		c[nc++] = (struct hvt_reg_change){ 1, mine[find_one(mine, k, arg, where_tool)].key,
						   NULL, NULL };
	} else {
		for (size_t i = 0; i < k; i++)
			c[nc++] = (struct hvt_reg_change){ 1, mine[i].key, NULL, NULL };
		if (!k && (opt.verbose || opt.dry_run))
			hvt_warnx("no services of tool %s in %s: nothing to remove", opt.tool,
				  where);
	}
	apply(st, c, nc);
	for (size_t i = 0; opt.verbose && !opt.dry_run && i < nc; i++) {
		const struct hvt_service *e = NULL;
		for (size_t j = 0; j < k && !e; j++)
			if (mine[j].key == c[i].key)
				e = &mine[j];
		if (e && e->name)
			hvt_warnx("removed %s \"%s\" from %s", c[i].key, e->name, where);
		else
			hvt_warnx("removed %s from %s", c[i].key, where);
	}
	free(c);
	free(mine);
	hvt_services_free(v, n);
	hvt_store_close(st);
}

/* The i-th port of tool's sequence: the dynamic range from a start that the tool's name
 * gives, so that a tool gets the same ports on every host where they are free. */
static uint32_t pool_port(const char *tool, uint32_t i)
{
	uint32_t start = (uint32_t)(hvt_ci_hash(tool, strlen(tool)) % POOL_SPAN);
	return POOL_LO + (start + i) % POOL_SPAN;
}

/* Whether port p is taken: WSL's, or registered in v (in any key form). */
static int port_taken(uint32_t p, const struct hvt_service *v, size_t n)
{
	if (p >= WSL_PORT_LO && p <= WSL_PORT_HI)
		return 1;
	hvt_guid g;
	hvt_guid_from_port(p, &g);
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && v[i].form != HVT_KEY_NOT_GUID &&
		    hvt_guid_equal(&v[i].guid, &g))
			return 1;
	return 0;
}

static void cmd_reserve(const char *count)
{
	uint32_t want = (uint32_t)hvt_opt_number("pool size", count, 1, POOL_MAX);
	const char *prefix = opt.prefix ? opt.prefix : opt.tool;
	char probe[HVT_SERVICE_NAME_MAX * 4 + 32];
	const char *why;
	/* an empty prefix: the names hvreg add gives ("vsock port N"), not " vsock port N" */
	const char *sep = *prefix ? " " : "";
	snprintf(probe, sizeof probe, "%s%svsock port 65535", prefix, sep);
	if (hvt_service_name_check(probe, &why) < 0)
		hvt_usage_error("invalid --name-prefix '%s': %s", prefix, why);

	struct hvt_store *st = NULL;
	struct hvt_service *v = NULL;
	size_t n = 0, have = 0;
	struct hvt_service *pool = NULL;
	if (!opt.print) {
		st = open_store(HVT_STORE_WRITE | HVT_STORE_CREATE);
		list_store(st, &v, &n);
		pool = of_tool(v, n, &have);
	}
	/* With --print the host's registry is unknown: the printed pool is the first N ports
	 * of the tool's sequence, the same every time (so --ensure changes nothing). */
	uint32_t need = opt.ensure || opt.print ? (want > have ? want - (uint32_t)have : 0) : want;
	struct hvt_service *out = calloc(have + need + 1, sizeof *out);
	struct hvt_reg_change *c = calloc(need + 1, sizeof *c);
	if (!out || !c)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	size_t nout = 0, nc = 0;
	for (uint32_t i = 0; i < POOL_SPAN && nc < need; i++) {
		uint32_t p = pool_port(opt.tool, i);
		if (port_taken(p, v, n))
			continue;
		hvt_guid g;
		hvt_guid_from_port(p, &g);
		char name[sizeof probe];
		snprintf(name, sizeof name, "%s%svsock port %lu", prefix, sep, (unsigned long)p);
		if (st && !opt.dry_run) {
			char err[512], gb[HVT_GUID_STRLEN];
			int rc = hvt_store_put(st, guid_text(&g, gb), name, opt.tool, HVT_PUT_NEW,
					       err, sizeof err);
			if (rc == HVT_STORE_EXISTS) /* taken meanwhile (not by an hvreg): next */
				continue;
			store_call(rc, err);
		}
		make_entry(&out[nout], &g, name, opt.tool);
		struct hvt_service *e = &out[nout];
		c[nc++] = (struct hvt_reg_change){ 0, e->key, e->name, e->tool };
		nout++;
	}
	if (nc < need)
		hvt_diex(HVT_EXIT_FAIL, "only %lu of the %lu vsock ports %lu-%lu are free in %s",
			 (unsigned long)nc, (unsigned long)need, (unsigned long)POOL_LO,
			 (unsigned long)(POOL_LO + POOL_SPAN - 1),
			 st ? hvt_store_where(st) : "the tool's sequence");
	if (opt.print) {
		print_or_describe(c, nc, NULL);
	} else {
		char err[512];
		if (opt.dry_run)
			describe(c, nc, NULL, in_where(st));
		else
			store_call(hvt_store_commit(st, err, sizeof err), err);
		if ((opt.verbose || opt.dry_run) && opt.ensure && need == 0)
			hvt_warnx("%s: tool %s has %lu services (--ensure %lu): nothing %s",
				  hvt_store_where(st), opt.tool, (unsigned long)have,
				  (unsigned long)want, opt.dry_run ? "would change" : "changed");
		else if (opt.verbose && !opt.dry_run)
			hvt_warnx("registered %lu vsock ports for tool %s in %s", (unsigned long)nc,
				  opt.tool, hvt_store_where(st));
		/* --ensure shows the whole pool, else the new entries. */
		size_t shown = opt.ensure ? have + nout : nout;
		struct hvt_service *all = calloc(shown + 1, sizeof *all);
		if (!all)
			hvt_diex(HVT_EXIT_FAIL, "out of memory");
		if (opt.ensure)
			memcpy(all, pool, have * sizeof *all);
		memcpy(all + (opt.ensure ? have : 0), out, nout * sizeof *all);
		if (shown > 1)
			qsort(all, shown, sizeof *all, cmp_shown);
		print_entries(all, shown);
		free(all);
	}
	hvt_services_free(out, nout);
	free(c);
	free(pool);
	hvt_services_free(v, n);
	hvt_store_close(st);
}

static void cmd_list(void)
{
	struct hvt_store *st = open_store(0);
	struct hvt_service *v;
	size_t n;
	list_store(st, &v, &n);
	do_list(v, n);
	if (opt.verbose && n == 0)
		hvt_warnx("no services are registered in %s", hvt_store_where(st));
	hvt_services_free(v, n);
	hvt_store_close(st);
}

static void cmd_show(const char *arg)
{
	struct hvt_store *st = open_store(0);
	struct hvt_service *v;
	size_t n;
	list_store(st, &v, &n);
	size_t i = find_one(v, n, arg, hvt_store_where(st));
	do_show(&v[i], hvt_store_where(st), hvt_store_is_live(st));
	hvt_services_free(v, n);
	hvt_store_close(st);
}

int main(int argc, char **argv)
{
	hvt_init(argv[0]);
	struct hvt_getopt go = { .optind = 1 };
	struct hvt_opt_used used = { { 0 } };
	int c;
	while ((c = hvt_getopt_long(&go, argc, argv, "n:w:jvhV", longopts, NULL)) != -1) {
		hvt_opt_use(&used, c);
		switch (c) {
		case 'n': opt.name = go.optarg; break;
		case OPT_FORCE: opt.force = 1; break;
		case OPT_FILE: opt.file = go.optarg; break;
		case OPT_PRINT:
			if (!(opt.print = hvt_print_form_parse(go.optarg)))
				hvt_usage_error("invalid --print format '%s' (expected %s)",
						go.optarg, hvt_print_form_names);
			break;
		case OPT_TOOL: opt.tool = go.optarg; break;
		case OPT_PREFIX: opt.prefix = go.optarg; break;
		case OPT_ENSURE: opt.ensure = 1; break;
		case OPT_DRY_RUN: opt.dry_run = 1; break;
		case 'w':
			hvt_store_lock_wait(hvt_opt_duration("-w", go.optarg, HVT_OPT_DAY_MS, 0));
			break;
		case 'j': opt.json = 1; break;
		case 'v': opt.verbose = 1; break;
		case 'h': usage(); break;
		case 'V': hvt_version(); break;
		default: exit(HVT_EXIT_USAGE);
		}
	}
	char **args = argv + go.optind;
	int nargs = argc - go.optind;
	if (nargs == 0)
		hvt_usage_error("missing command (add, remove, reserve, list or show)");
	enum cmd cmd;
	const char *word = args[0];
	if (strcmp(word, "add") == 0)
		cmd = CMD_ADD;
	else if (strcmp(word, "remove") == 0)
		cmd = CMD_REMOVE;
	else if (strcmp(word, "list") == 0)
		cmd = CMD_LIST;
	else if (strcmp(word, "show") == 0)
		cmd = CMD_SHOW;
	else if (strcmp(word, "reserve") == 0)
		cmd = CMD_RESERVE;
	else
		hvt_usage_error(
			"unknown command '%s' (expected add, remove, reserve, list or show)", word);

	/* Which options go with which command: the arguments here, the options in rules[]. */
	int max_args = cmd == CMD_LIST ? 0 : 1;
	int min_args = cmd == CMD_SHOW || cmd == CMD_RESERVE || (cmd == CMD_REMOVE && !opt.tool);
	if (nargs - 1 > max_args)
		hvt_usage_error("too many arguments for %s: '%s'", word, args[max_args + 1]);
	if (nargs - 1 < min_args)
		hvt_usage_error(
			cmd == CMD_RESERVE ? "reserve needs N, the pool size (1-1000)"
			: cmd == CMD_REMOVE
				? "remove needs a SERVICE (GUID or vsock port), a NAME or --tool"
				: "%s needs a SERVICE (GUID or vsock port) or a NAME",
			word);
	hvt_opt_use(&used, CMD_ID(cmd));
	hvt_opt_check(&opt_spec, &used);
	if (opt.file && !*opt.file)
		hvt_usage_error("empty --file name");
	if (opt.name) {
		const char *why;
		if (hvt_service_name_check(opt.name, &why) < 0)
			hvt_usage_error("invalid --name: %s", why);
	}
	if (opt.tool) {
		const char *why;
		if (hvt_tool_name_check(opt.tool, &why) < 0)
			hvt_usage_error("invalid --tool '%s': %s", opt.tool, why);
	}

	const char *arg = nargs > 1 ? args[1] : NULL;
	switch (cmd) {
	case CMD_ADD: cmd_add(arg); break;
	case CMD_REMOVE: cmd_remove(arg); break;
	case CMD_LIST: cmd_list(); break;
	case CMD_SHOW: cmd_show(arg); break;
	case CMD_RESERVE: cmd_reserve(arg); break;
	}
	return HVT_EXIT_OK;
}
