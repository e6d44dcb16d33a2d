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
#include "registry.h"
#include "services.h"
#include "strutil.h"
#include "table.h"

/* Tool-specific exit codes (hvreg(1) EXIT STATUS). */
enum {
	EXIT_NOTFOUND = 3, /* remove, show: no service matches */
	EXIT_CONFLICT = 4, /* add: registered under another name; remove, show: several match */
};

#define MAX_PORT 0x7FFFFFFFu /* SDK: valid vsock ports 0-0x7FFFFFFF */

enum cmd { CMD_ADD, CMD_REMOVE, CMD_LIST, CMD_SHOW };
enum print_fmt { PRINT_NONE, PRINT_POWERSHELL, PRINT_CMD, PRINT_REG };

static struct {
	const char *name; /* --name */
	const char *file; /* --file */
	enum print_fmt print;
	int force, json, verbose;
} opt;

enum { OPT_FORCE = 256, OPT_FILE, OPT_PRINT };
/* The command as an id in the options table (which options go with which command). */
#define CMD_ID(cmd) (300 + (int)(cmd))

static const struct hvt_option longopts[] = {
	{ "name", hvt_required_argument, NULL, 'n' },
	{ "force", hvt_no_argument, NULL, OPT_FORCE },
	{ "file", hvt_required_argument, NULL, OPT_FILE },
	{ "print", hvt_required_argument, NULL, OPT_PRINT },
	{ "json", hvt_no_argument, NULL, 'j' },
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Which options go with which command and with each other (common/opts.h). */
static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_ONLY_FOR, .a = { 'n' }, .b = { CMD_ID(CMD_ADD) } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_FORCE }, .b = { CMD_ID(CMD_ADD) } },
	{ HVT_OPT_NEEDS, .a = { OPT_FORCE }, .b = { 'n' }, .note = "the new name" },
	{ HVT_OPT_ONLY_FOR, .a = { 'j' }, .b = { CMD_ID(CMD_LIST), CMD_ID(CMD_SHOW) } },
	{ HVT_OPT_ONLY_FOR, .a = { OPT_PRINT }, .b = { CMD_ID(CMD_ADD), CMD_ID(CMD_REMOVE) } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_PRINT, OPT_FILE } },
	{ .kind = HVT_OPT_END },
};
static const struct hvt_opt_name commands[] = {
	{ CMD_ID(CMD_ADD), "add" },
	{ CMD_ID(CMD_REMOVE), "remove" },
	{ CMD_ID(CMD_LIST), "list" },
	{ CMD_ID(CMD_SHOW), "show" },
	{ 0, NULL },
};
/* hvreg names its options by their long names: --name, --json. */
static const struct hvt_opt_spec opt_spec = { longopts, 1, commands, rules };

static void usage(void)
{
	printf("Usage: %s [OPTIONS] add [SERVICE]\n"
	       "       %s [OPTIONS] remove SERVICE|NAME\n"
	       "       %s [OPTIONS] list\n"
	       "       %s [OPTIONS] show SERVICE|NAME\n",
	       hvt_progname(), hvt_progname(), hvt_progname(), hvt_progname());
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
	      "  remove SERVICE|NAME  unregister exactly one service\n"
	      "  list                 list the registered services\n"
	      "  show SERVICE|NAME    show one service\n"
	      "\n"
	      "Options:\n"
	      "  -n, --name NAME      add: friendly name (ElementName); default \"vsock port N\"\n"
	      "                       for vsock ports, else \"hvtools service\"\n"
	      "      --force          add: rename a service registered under another name\n"
	      "      --file FILE      use the .reg file FILE instead of the live registry\n"
	      "                       (add creates it when missing)\n"
	      "      --print FORMAT   add, remove: print what to run on the host instead, as\n"
	      "                       powershell, cmd (reg.exe commands) or reg (.reg file text)\n"
	      "  -j, --json           list, show: print one JSON document (keys in hvreg(1))\n"
	      "  -v, --verbose        report what was done (or why nothing was) on stderr\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "Exit status: 0 ok, 1 failure, 2 usage error, 3 no such service,\n"
	      "4 conflict (registered under another name, or NAME matches several services).\n",
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

static void default_name(const hvt_guid *g, char *buf, size_t len)
{
	uint32_t port;
	if (hvt_guid_to_port(g, &port) == 0)
		snprintf(buf, len, "vsock port %lu", (unsigned long)port);
	else
		snprintf(buf, len, "hvtools service");
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
		return "(no name)";
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

static void do_list(const struct hvt_service *v, size_t n)
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

/* ---- --print ---- */

/* PowerShell single-quoted string: ' and the typographic single quotes PowerShell also
 * accepts (U+2018..U+201B) are doubled. */
static void ps_quote(const char *s)
{
	putchar('\'');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'') {
			fputs("''", stdout);
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9B) {
			fwrite(p, 1, 3, stdout);
			fwrite(p, 1, 3, stdout);
			p += 2;
		} else {
			putchar(*p);
		}
	}
	putchar('\'');
}

/* reg.exe argument in double quotes for cmd.exe; the caller has rejected '"' and '%'.
 * Backslashes before the closing quote are doubled (argv parsing rules). */
static void cmd_quote(const char *s)
{
	putchar('"');
	fputs(s, stdout);
	size_t n = strlen(s), k = 0;
	while (k < n && s[n - 1 - k] == '\\')
		k++;
	for (size_t i = 0; i < k; i++)
		putchar('\\');
	putchar('"');
}

static void print_commands(int add, const char *key, const char *name)
{
	char *path = malloc(sizeof HVT_SERVICES_PATH + strlen(key) + 1);
	if (!path)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	sprintf(path, "%s\\%s", HVT_SERVICES_PATH, key);
	switch (opt.print) {
	case PRINT_POWERSHELL:
		/* The 64-bit view opened explicitly: in a 32-bit PowerShell HKLM:\SOFTWARE is
		 * redirected to WOW6432Node, where Hyper-V does not look. */
		fputs("$hklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey('LocalMachine', "
		      "'Registry64')\n",
		      stdout);
		if (add) {
			fputs("$key = $hklm.CreateSubKey(", stdout);
			ps_quote(path);
			fputs(")\n$key.SetValue('ElementName', ", stdout);
			ps_quote(name);
			fputs(", 'String')\n$key.Close()\n", stdout);
		} else {
			fputs("$hklm.DeleteSubKey(", stdout);
			ps_quote(path);
			fputs(")\n", stdout);
		}
		break;
	case PRINT_CMD:
		printf("reg %s \"HKLM\\%s\"", add ? "add" : "delete", path);
		if (add) {
			fputs(" /v ElementName /t REG_SZ /d ", stdout);
			cmd_quote(name);
		}
		fputs(" /f /reg:64\n", stdout);
		break;
	case PRINT_REG:
		printf("Windows Registry Editor Version 5.00\n\n[%s%s\\%s]\n", add ? "" : "-",
		       HVT_SERVICES_HIVE, path);
		if (add) {
			char *q;
			if (hvt_regfile_quote(name, &q) < 0)
				hvt_diex(HVT_EXIT_FAIL, "out of memory");
			printf("\"ElementName\"=%s\n", q);
			free(q);
		}
		putchar('\n');
		break;
	case PRINT_NONE: break;
	}
	free(path);
}

static void check_print_name(const char *name)
{
	if (opt.print == PRINT_CMD && strpbrk(name, "\"%"))
		hvt_usage_error(
			"--print cmd cannot pass a name containing '\"' or '%%' safely through "
			"cmd.exe: use --print powershell or --print reg");
	if (opt.print == PRINT_REG) {
		for (const char *p = name; *p; p++)
			if ((unsigned char)*p >= 0x80) {
				hvt_warnx(
					"warning: regedit reads a .reg file without byte order mark in the "
					"ANSI code page: for a non-ASCII name write the file with --file");
				break;
			}
	}
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

/* ---- commands ---- */

static void cmd_add(const char *arg)
{
	hvt_guid g;
	if (arg) {
		int is_port;
		uint32_t port;
		const char *why;
		int rc = parse_service(arg, &g, &is_port, &port, &why);
		if (rc == -2)
			hvt_usage_error("invalid vsock port '%s': %s", arg, why);
		if (rc < 0)
			hvt_usage_error("invalid service '%s': %s", arg, why);
	} else if (hvt_guid_random(&g) < 0) {
		hvt_diex(HVT_EXIT_FAIL, "cannot generate a random GUID");
	}
	char gb[HVT_GUID_STRLEN], defname[64];
	guid_text(&g, gb);
	default_name(&g, defname, sizeof defname);
	const char *name = opt.name ? opt.name : defname;

	if (opt.print) {
		check_print_name(name);
		print_commands(1, gb, name);
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

	char err[512];
	const char *what; /* for -v */
	if (cur && cur->name && (!opt.name || strcmp(cur->name, opt.name) == 0)) {
		if (opt.verbose)
			hvt_warnx("%s is already registered as \"%s\" in %s: nothing changed", gb,
				  cur->name, where);
		/* Nothing to write: the file (or registry) is left as it is. */
		printf("%s\n", gb);
		hvt_services_free(v, n);
		hvt_store_close(st);
		return;
	}
	if (cur && cur->name && !opt.force) {
		hvt_warnx(
			"%s is already registered as \"%s\" in %s (use --force to rename it to \"%s\")",
			gb, cur->name, where, opt.name);
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
	if (cur)
		what = cur->name ? "renamed" : "named";
	else
		what = "registered";
	store_call(hvt_store_put(st, cur ? cur->key : gb, name, err, sizeof err), err);
	store_call(hvt_store_commit(st, err, sizeof err), err);
	if (opt.verbose) {
		if (cur && cur->name)
			hvt_warnx("%s %s from \"%s\" to \"%s\" in %s", what, gb, cur->name, name,
				  where);
		else
			hvt_warnx("%s %s as \"%s\" in %s", what, gb, name, where);
	} else if (!opt.name) {
		hvt_warnx("no --name given: registered as \"%s\"", name);
	}
	printf("%s\n", gb);
	hvt_services_free(v, n);
	hvt_store_close(st);
}

static void cmd_remove(const char *arg)
{
	if (opt.print) {
		hvt_guid g;
		int is_port;
		uint32_t port;
		const char *why;
		int rc = parse_service(arg, &g, &is_port, &port, &why);
		if (rc == -2)
			hvt_usage_error("invalid vsock port '%s': %s", arg, why);
		if (rc < 0)
			hvt_usage_error(
				"--print needs a service GUID or vsock port, not a name: '%s'",
				arg);
		char gb[HVT_GUID_STRLEN];
		print_commands(0, guid_text(&g, gb), NULL);
		return;
	}
	struct hvt_store *st = open_store(HVT_STORE_WRITE);
	const char *where = hvt_store_where(st);
	struct hvt_service *v;
	size_t n;
	list_store(st, &v, &n);
	const struct hvt_service *e = &v[find_one(v, n, arg, where)];
	char err[512];
	store_call(hvt_store_delete(st, e->key, err, sizeof err), err);
	store_call(hvt_store_commit(st, err, sizeof err), err);
	if (opt.verbose)
		hvt_warnx("removed %s \"%s\" from %s", e->key, e->name ? e->name : "", where);
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
	while ((c = hvt_getopt_long(&go, argc, argv, "n:jvhV", longopts, NULL)) != -1) {
		hvt_opt_use(&used, c);
		switch (c) {
		case 'n': opt.name = go.optarg; break;
		case OPT_FORCE: opt.force = 1; break;
		case OPT_FILE: opt.file = go.optarg; break;
		case OPT_PRINT:
			if (strcmp(go.optarg, "powershell") == 0)
				opt.print = PRINT_POWERSHELL;
			else if (strcmp(go.optarg, "cmd") == 0)
				opt.print = PRINT_CMD;
			else if (strcmp(go.optarg, "reg") == 0)
				opt.print = PRINT_REG;
			else
				hvt_usage_error(
					"invalid --print format '%s' (expected powershell, cmd or reg)",
					go.optarg);
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
		hvt_usage_error("missing command (add, remove, list or show)");
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
	else
		hvt_usage_error("unknown command '%s' (expected add, remove, list or show)", word);

	/* Which options go with which command: the arguments here, the options in rules[]. */
	int max_args = cmd == CMD_LIST ? 0 : 1, min_args = cmd == CMD_REMOVE || cmd == CMD_SHOW;
	if (nargs - 1 > max_args)
		hvt_usage_error("too many arguments for %s: '%s'", word, args[max_args + 1]);
	if (nargs - 1 < min_args)
		hvt_usage_error("%s needs a SERVICE (GUID or vsock port) or a NAME", word);
	hvt_opt_use(&used, CMD_ID(cmd));
	hvt_opt_check(&opt_spec, &used);
	if (opt.file && !*opt.file)
		hvt_usage_error("empty --file name");
	if (opt.name) {
		const char *why;
		if (hvt_service_name_check(opt.name, &why) < 0)
			hvt_usage_error("invalid --name: %s", why);
	}

	const char *arg = nargs > 1 ? args[1] : NULL;
	switch (cmd) {
	case CMD_ADD: cmd_add(arg); break;
	case CMD_REMOVE: cmd_remove(arg); break;
	case CMD_LIST: cmd_list(); break;
	case CMD_SHOW: cmd_show(arg); break;
	}
	return HVT_EXIT_OK;
}
