/* Portable half of wsl.h: the order of the sources, the messages, the command-line and
 * wslinfo readers. */
#include "wsl.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "msg.h"
#include "strutil.h"
#include "vms.h"

static hvt_wsl_procs_fn procs_fn = hvt_wsl_platform_procs;
static hvt_wsl_hcs_fn hcs_fn = hvt_vms_platform_hcs;
static hvt_wsl_start_fn start_fn = hvt_wsl_platform_start;
static int start_allowed, faked;
static char last_from[48]; /* where the last id was found */

void hvt_wsl_set_sources(hvt_wsl_procs_fn procs, hvt_wsl_hcs_fn hcs, hvt_wsl_start_fn start)
{
	procs_fn = procs ? procs : hvt_wsl_platform_procs;
	hcs_fn = hcs ? hcs : hvt_vms_platform_hcs;
	start_fn = start ? start : hvt_wsl_platform_start;
	faked = procs || hcs || start;
}

void hvt_wsl_allow_start(int on)
{
	start_allowed = on;
}

int hvt_wsl_supported(void)
{
	return hvt_vms_supported() || faked;
}

void hvt_wsl_add(struct hvt_wsl_found *f, size_t *n, const hvt_guid *id, const char *from)
{
	for (size_t i = 0; i < *n; i++)
		if (hvt_guid_equal(&f[i].id, id))
			return;
	if (*n == HVT_WSL_FOUND_MAX)
		return;
	f[*n].id = *id;
	snprintf(f[*n].from, sizeof f[*n].from, "%s", from);
	(*n)++;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int hvt_wsl_cmdline_id(const char *cmdline, hvt_guid *id)
{
	static const char opt[] = "--vm-id";
	for (const char *p = strstr(cmdline, opt); p; p = strstr(p + 1, opt)) {
		const char *q = p + sizeof opt - 1;
		if (p != cmdline && !is_blank(p[-1]) && p[-1] != '"')
			continue; /* part of another word */
		if (*q == '=' || *q == '"')
			q++;
		else if (!is_blank(*q))
			continue; /* --vm-idx */
		while (is_blank(*q) || *q == '"')
			q++;
		size_t len = 0;
		while (q[len] && !is_blank(q[len]) && q[len] != '"')
			len++;
		char buf[64];
		if (len == 0 || len >= sizeof buf)
			return -1;
		memcpy(buf, q, len);
		buf[len] = '\0';
		return hvt_guid_parse(buf, id, NULL) == 0 ? 0 : -1;
	}
	return -1;
}

int hvt_wsl_parse_wslinfo(const char *out, size_t len, hvt_guid *id)
{
	while (len && is_blank(out[len - 1]))
		len--;
	while (len && is_blank(*out)) {
		out++;
		len--;
	}
	char buf[64];
	if (len == 0 || len >= sizeof buf || memchr(out, '\0', len))
		return -1;
	memcpy(buf, out, len);
	buf[len] = '\0';
	return hvt_guid_parse(buf, id, NULL) == 0 ? 0 : -1;
}

/* "{A} (wslhost.exe pid 12), {B} (HCS)" */
static void list_found(const struct hvt_wsl_found *f, size_t n, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++) {
		char g[HVT_GUID_STRLEN];
		int w = snprintf(buf + at, len - at, "%s%s (%s)", i ? ", " : "",
				 hvt_guid_format(&f[i].id, 0, g), f[i].from);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

/* The WSL VMs the Host Compute Service knows: Owner WSL, their RuntimeId (vms.h). */
static void hcs_ids(struct hvt_wsl_found *f, size_t *n, char *why, size_t whylen)
{
	struct hvt_vm *v = NULL;
	size_t nv = 0;
	int rc = hcs_fn(&v, &nv, why, whylen);
	if (rc == HVT_VMS_OK) {
		snprintf(why, whylen, "no system with Owner WSL");
		hvt_vms_sort(v, nv); /* the order of the message */
		for (size_t i = 0; i < nv; i++)
			if (v[i].kind && strcmp(v[i].kind, "WSL") == 0)
				hvt_wsl_add(f, n, &v[i].id, "HCS");
	} else if (rc == HVT_VMS_UNAVAILABLE) {
		snprintf(why, whylen, "not available");
	}
	hvt_vms_free(v, nv);
}

static const char how_to_start[] = "start WSL (run wsl.exe) or add --start-wsl";

int hvt_wsl_vm_id(hvt_guid *id, char *from, size_t fromlen, char *err, size_t errlen)
{
	struct hvt_wsl_found f[HVT_WSL_FOUND_MAX];
	size_t n = 0;
	char hcs_why[400] = "", list[1000];
	if (!hvt_wsl_supported())
		return hvt_fail(err, errlen, HVT_WSL_UNSUPPORTED,
				"wsl names the WSL VM on the Windows host only; inside WSL "
				"reach the host with vsock:host:PORT");
	procs_fn(f, &n);
	if (n == 0)
		hcs_ids(f, &n, hcs_why, sizeof hcs_why);
	if (n == 0 && start_allowed) {
		char why[400];
		hvt_guid g;
		int rc = start_fn(&g, why, sizeof why);
		if (rc != HVT_WSL_OK)
			return hvt_fail(err, errlen, HVT_WSL_NONE,
					"no WSL 2 VM found and 'wsl.exe -- wslinfo --vm-id' "
					"failed: %s",
					why);
		hvt_wsl_add(f, &n, &g, "wsl.exe wslinfo");
	}
	if (n == 1) {
		*id = f[0].id;
		if (from && fromlen) {
			snprintf(from, fromlen, "%s", f[0].from);
			/* for hvt_wsl_note; only the main thread's callers ask */
			snprintf(last_from, sizeof last_from, "%s", f[0].from);
		}
		return HVT_WSL_OK;
	}
	if (n == 0)
		return hvt_fail(err, errlen, HVT_WSL_NONE,
				"no WSL 2 VM of this user is running (no wslhost.exe or "
				"wslrelay.exe with --vm-id; Host Compute Service: %s); %s",
				hcs_why, how_to_start);
	list_found(f, n, list, sizeof list);
	return hvt_fail(err, errlen, HVT_WSL_AMBIGUOUS,
			"%zu WSL VMs found: %s; give the VM id instead of wsl (hvlist vms lists "
			"the VMs)",
			n, list);
}

void hvt_wsl_note(const struct hvt_addr *a)
{
	char g[HVT_GUID_STRLEN];
	if (a->wsl && !hvt_guid_equal(&a->vm, &HVT_GUID_ZERO))
		hvt_warnx("hv:wsl is the WSL VM %s (%s)", hvt_guid_format(&a->vm, 0, g),
			  last_from[0] ? last_from : "found before");
}
