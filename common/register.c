/* Registration while serving (register.h), over the service store (registry.h). */
#include "register.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "msg.h"
#include "registry.h"
#include "sys.h"

static char added_key[HVT_GUID_STRLEN]; /* what we added, "" for nothing */
static atomic_flag undone = ATOMIC_FLAG_INIT;
static int undo_verbose;

void hvt_service_default_name(const hvt_guid *g, char *buf, size_t len)
{
	uint32_t port;
	if (hvt_guid_to_port(g, &port) == 0)
		snprintf(buf, len, "vsock port %lu", (unsigned long)port);
	else
		snprintf(buf, len, "hvtools service");
}

/* The hvreg command that registers the service, for messages. */
static void hvreg_line(char *buf, size_t len, const char *key, const char *name, const char *tool)
{
	/* NAME in single quotes for sh and PowerShell alike: ' is written '' (PowerShell) only
	 * when present, which cmd.exe users retype anyway. */
	char q[HVT_SERVICE_NAME_MAX * 8 + 3];
	size_t k = 0;
	q[k++] = '\'';
	for (const char *p = name; *p && k < sizeof q - 3; p++) {
		if (*p == '\'')
			q[k++] = '\'';
		q[k++] = *p;
	}
	q[k++] = '\'';
	q[k] = '\0';
	snprintf(buf, len, "hvreg add %s -n %s --tool %s", key, q, tool);
}

void hvt_register_undo(void)
{
	if (!added_key[0] || atomic_flag_test_and_set(&undone))
		return;
	struct hvt_store *st;
	char err[512];
	int rc = hvt_store_open_live(&st, HVT_STORE_WRITE, err, sizeof err);
	if (rc == HVT_STORE_OK) {
		rc = hvt_store_delete(st, added_key, err, sizeof err);
		hvt_store_close(st);
	}
	if (rc != HVT_STORE_OK && rc != HVT_STORE_NOTFOUND)
		hvt_warnx("cannot remove the service registered for this run: %s", err);
	else if (undo_verbose)
		hvt_warnx("removed the registration of %s", added_key);
}

void hvt_register_serving(const hvt_guid *g, const char *name, const char *tool, int verbose)
{
	char key[HVT_GUID_STRLEN], defname[64], cmd[HVT_SERVICE_NAME_MAX * 8 + 200], err[512];
	hvt_guid_format(g, 0, key);
	if (!name) {
		hvt_service_default_name(g, defname, sizeof defname);
		name = defname;
	}
	hvreg_line(cmd, sizeof cmd, key, name, tool);
	if (hvt_live_is_guest())
		hvt_diex(
			HVT_EXIT_USAGE,
			"--register: this is a Hyper-V guest; services are registered on the host: "
			"run there (elevated): %s",
			cmd);
	struct hvt_store *st;
	int rc = hvt_store_open_live(&st, HVT_STORE_WRITE, err, sizeof err);
	if (rc == HVT_STORE_NOLIVE)
		hvt_diex(HVT_EXIT_USAGE,
			 "--register: services are registered in the Hyper-V host's registry, and "
			 "this system has none: run on the host (elevated): %s",
			 cmd);
	struct hvt_service *v = NULL;
	size_t n = 0;
	if (rc == HVT_STORE_OK)
		rc = hvt_store_list(st, &v, &n, err, sizeof err);
	for (size_t i = 0; rc == HVT_STORE_OK && i < n; i++)
		if (v[i].form != HVT_KEY_NOT_GUID && hvt_guid_equal(&v[i].guid, g)) {
			if (verbose)
				hvt_warnx("%s is registered already (as \"%s\"): left as it is",
					  key, v[i].name ? v[i].name : "");
			hvt_services_free(v, n);
			hvt_store_close(st);
			return;
		}
	hvt_services_free(v, n);
	if (rc == HVT_STORE_OK)
		rc = hvt_store_put(st, key, name, tool, HVT_PUT_NEW, err, sizeof err);
	hvt_store_close(st);
	if (rc == HVT_STORE_EXISTS) /* registered by someone else just now: theirs */
		return;
	if (rc != HVT_STORE_OK) {
		hvt_warnx("%s", err);
		if (rc == HVT_STORE_DENIED)
			hvt_warnx("or register the service once from an elevated prompt: %s", cmd);
		exit(HVT_EXIT_FAIL);
	}
	snprintf(added_key, sizeof added_key, "%s", key);
	undo_verbose = verbose;
	atexit(hvt_register_undo);
	hvt_on_close(hvt_register_undo);
	if (verbose)
		hvt_warnx("registered %s as \"%s\" until this run ends", key, name);
}

void hvt_register_listen(const struct hvt_addr *a, const char *name, const char *tool, int verbose)
{
	char buf[HVT_ADDR_STRLEN];
	const char *why;
	if (!a->fam || strcmp(a->fam->name, "hv") != 0)
		hvt_usage_error("--register is for hv: addresses (the service a Hyper-V host "
				"registers), not '%s'",
				hvt_addr_format(a, buf, sizeof buf));
	if (name && hvt_service_name_check(name, &why) < 0)
		hvt_usage_error("invalid --register name: %s", why);
	hvt_register_serving(&a->service, name, tool, verbose);
}
