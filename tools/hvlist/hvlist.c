/* hvlist: list what hvsockets depend on: the services registered on the Hyper-V host, the
 * VMs (and their ids), and the vsock sockets of a Linux system. See man/hvlist.1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guid.h"
#include "hybrid.h"
#include "hvgetopt.h"
#include "json.h"
#include "msg.h"
#include "opts.h"
#include "registry.h"
#include "sys.h"
#include "services.h"
#include "table.h"
#include "vms.h"
#include "vsockdiag.h"

enum { V_SERVICES = 1, V_VMS = 2, V_SOCKETS = 4, V_HYBRID = 8 };

static struct {
	const char *file, *columns, *dump_file, *dump_save, *vmm;
	int noheadings, raw, json, processes, listening;
	int views; /* the views to show */
	int named; /* the views named on the command line (0: all this system offers) */
} opt;

/* ---- columns ---- */

/* services: hvt_service_columns (services.h, shared with hvreg list) but DELETED: the
 * entries a .reg file deletes are not registered, so they are not listed */
#define SVC_NCOLS HVT_SVC_DELETED

enum { VC_ID, VC_STATE, VC_KIND, VC_NAME, VC_TYPE, VC_OWNER, VC_SOURCE, VC_N };
static const struct hvt_column vm_cols[VC_N] = {
	{ "ID", "id", 0, "VM id (the VM part of hv:VM:SERVICE)" },
	{ "STATE", "state", 0, "Running, Off, Saved, Paused, ..." },
	{ "KIND", "kind", 0, "WSL, container (a utility VM for containers) or VM" },
	{ "NAME", "name", 0, "VM name (HCS: its Name, else its Id)" },
	{ "TYPE", "type", HVT_COL_HIDDEN, "VirtualMachine (containers are not listed)" },
	{ "OWNER", "owner", HVT_COL_HIDDEN, "who created it (WSL, VMMS, docker, ...)" },
	{ "SOURCE", "source", HVT_COL_HIDDEN,
	  "where it was found: hcs, wmi, hcs+wmi, or wslhost (a WSL process's command line)" },
};

enum {
	KC_TYPE,
	KC_STATE,
	KC_LOCAL,
	KC_PEER,
	KC_SERVICE,
	KC_REG,
	KC_PROCESS,
	KC_LCID,
	KC_LPORT,
	KC_PCID,
	KC_PPORT,
	KC_INODE,
	KC_SHUT,
	KC_N
};
static const struct hvt_column socket_cols[KC_N] = {
	{ "TYPE", "type", HVT_COL_HIDDEN, "stream, seqpacket or dgram" },
	{ "STATE", "state", 0, "LISTEN, ESTAB, SYN-SENT, UNCONN, CLOSING (ss's names)" },
	{ "LOCAL", "local", 0, "local CID:PORT (* = any)" },
	{ "PEER", "peer", 0, "peer CID:PORT" },
	{ "SERVICE", "service", 0, "service GUID the Hyper-V host must register for this port" },
	{ "REG", "registered", HVT_COL_HIDDEN,
	  "SERVICE is registered in --file (shown with --file)" },
	{ "PROCESS", "process", HVT_COL_HIDDEN, "processes using the socket (shown with -p)" },
	{ "LCID", "local_cid", HVT_COL_HIDDEN | HVT_COL_RIGHT, "local CID (4294967295 = any)" },
	{ "LPORT", "local_port", HVT_COL_HIDDEN | HVT_COL_RIGHT, "local port (4294967295 = any)" },
	{ "PCID", "peer_cid", HVT_COL_HIDDEN | HVT_COL_RIGHT, "peer CID" },
	{ "PPORT", "peer_port", HVT_COL_HIDDEN | HVT_COL_RIGHT, "peer port" },
	{ "INODE", "inode", HVT_COL_HIDDEN | HVT_COL_RIGHT, "socket inode" },
	{ "SHUT", "shutdown", HVT_COL_HIDDEN, "directions shut down locally: rd, wr, rdwr or -" },
};

enum { HC_PORT, HC_STATE, HC_SOCKET, HC_ADDRESS, HC_N };
static const struct hvt_column hybrid_cols[HC_N] = {
	{ "PORT", "port", HVT_COL_RIGHT, "host port the guest connects to (CID 2)" },
	{ "STATE", "state", 0, "LISTEN, or stale: a socket file nothing accepts on (? unknown)" },
	{ "SOCKET", "socket", 0, "the unix socket file PATH_PORT" },
	{ "ADDRESS", "address", HVT_COL_HIDDEN, "what hvnc -l listens on there" },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static void usage(void)
{
	printf("Usage: %s [options] [services|vms|sockets|hybrid|all]...\n"
	       "List what hvsockets depend on: the services registered on the Hyper-V host, the\n"
	       "VMs and their ids, and the vsock sockets of a Linux system.\n"
	       "\n"
	       "Views (default: all that this system offers):\n"
	       "  services   services registered on the host (GuestCommunicationServices): the live\n"
	       "             registry on Windows, or a .reg file with --file anywhere\n"
	       "  vms        VMs: id, state, kind (WSL, container, VM), name (Windows: Host\n"
	       "             Compute Service, WMI, and this user's WSL processes)\n"
	       "  sockets    vsock sockets (Linux: NETLINK_SOCK_DIAG), the local CID and the\n"
	       "             loaded transports\n"
	       "  hybrid     with --vmm PATH: the host-side listeners of a hybrid vsock VMM\n"
	       "             (Firecracker, Cloud Hypervisor): the unix sockets PATH_PORT\n"
	       "  all        every view this system offers\n"
	       "\n"
	       "Options:\n"
	       "  -f, --file FILE       services from the .reg file FILE; with sockets, also mark\n"
	       "                        listening ports whose service FILE does not register\n"
	       "  -o, --output COLUMNS  columns of a single view: A,B,... or +A,B (add to default)\n"
	       "  -n, --noheadings      no titles and no column headings\n"
	       "  -r, --raw             raw output: cells separated by one space, escaped\n"
	       "  -j, --json            print one JSON document (keys in hvlist(1))\n"
	       "  -l, --listening       sockets: only listening sockets\n"
	       "  -p, --processes       sockets: show the processes using each socket\n"
	       "      --dump-file FILE  sockets: read a recorded NETLINK_SOCK_DIAG dump instead of\n"
	       "                        asking the kernel (also: HVLIST_DUMP_FILE=FILE)\n"
	       "      --dump-save FILE  sockets: also save the kernel's raw answer to FILE\n"
	       "      --vmm PATH        hybrid: the VMM's vsock socket (uds_path); alone, shows\n"
	       "                        only the hybrid view\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n",
	       hvt_progname());
	printf("\nColumns of services:\n");
	hvt_table_help(hvt_service_columns, SVC_NCOLS, stdout, "  ");
	printf("\nColumns of vms:\n");
	hvt_table_help(vm_cols, VC_N, stdout, "  ");
	printf("\nColumns of sockets:\n");
	hvt_table_help(socket_cols, KC_N, stdout, "  ");
	printf("\nColumns of hybrid:\n");
	hvt_table_help(hybrid_cols, HC_N, stdout, "  ");
	printf("\nExit status: 0 success, 1 failure (also when a view named on the command line\n"
	       "is not available on this system), 2 usage error.\n");
	exit(HVT_EXIT_OK);
}

enum { OPT_DUMP_FILE = 256, OPT_DUMP_SAVE };
enum { OPT_VMM = 280 }; /* issue 19 */

static const struct hvt_option longopts[] = {
	{ "file", hvt_required_argument, NULL, 'f' },
	{ "output", hvt_required_argument, NULL, 'o' },
	{ "noheadings", hvt_no_argument, NULL, 'n' },
	{ "raw", hvt_no_argument, NULL, 'r' },
	{ "json", hvt_no_argument, NULL, 'j' },
	{ "listening", hvt_no_argument, NULL, 'l' },
	{ "processes", hvt_no_argument, NULL, 'p' },
	{ "dump-file", hvt_required_argument, NULL, OPT_DUMP_FILE },
	{ "dump-save", hvt_required_argument, NULL, OPT_DUMP_SAVE },
	{ "vmm", hvt_required_argument, NULL, OPT_VMM },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Which options go together (common/opts.h); the rules about the views and about a recorded
 * dump from the environment are in main(). */
static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_EXCLUSIVE, .a = { 'j', 'r' } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_DUMP_FILE, OPT_DUMP_SAVE } },
	{ .kind = HVT_OPT_END },
};
static const struct hvt_opt_spec opt_spec = { longopts, 0, NULL, rules };

/* ---- one view's result ---- */

struct view {
	const char *name; /* "services", "vms", "sockets" */
	int status;	  /* 0 ok, else failed (err says why) */
	int unavailable;  /* failed because this system cannot provide it */
	char err[600];
	char title[700];
	struct hvt_table *t;
};

static struct view views[4] = { { "services", 0, 0, "", "", NULL },
				{ "vms", 0, 0, "", "", NULL },
				{ "sockets", 0, 0, "", "", NULL },
				{ "hybrid", 0, 0, "", "", NULL } };
#define VIEW_SERVICES (&views[0])
#define VIEW_VMS      (&views[1])
#define VIEW_SOCKETS  (&views[2])
#define VIEW_HYBRID   (&views[3])

static struct {
	int have_info;
	struct hvt_vsock_info info;
	const char *dump; /* replayed file, or NULL */
} sock_meta;

/* A view's table; show: columns to show by default besides the usual ones (-1 ends). */
static struct hvt_table *new_table(const struct hvt_column *cols, size_t n, const int *show)
{
	struct hvt_table *t = hvt_table_new(cols, n);
	char err[600];
	for (; show && *show >= 0; show++)
		hvt_table_show(t, (size_t)*show, 1);
	if (opt.columns && hvt_table_select(t, opt.columns, err, sizeof err) < 0)
		hvt_usage_error("-o: %s", err);
	return t;
}

/* ---- services ---- */

static struct hvt_service *services; /* the registered services (deleted entries dropped) */
static size_t nservices;
static int services_loaded;
static char services_where[600]; /* the file, or the registry key */

/* Loads the services from --file or the live registry. Returns 0; or -1 with v->err, and
 * v->unavailable when there is no live registry. */
static int load_services(struct view *v)
{
	struct hvt_store *st;
	struct hvt_service *all;
	size_t n;
	int rc = opt.file ? hvt_store_open_file(&st, opt.file, 0, v->err, sizeof v->err)
			  : hvt_store_open_live(&st, 0, v->err, sizeof v->err);
	if (rc == HVT_STORE_NOLIVE) {
		snprintf(v->err, sizeof v->err,
			 "no live Windows registry on this system: use --file FILE.reg (an export "
			 "of the host's GuestCommunicationServices key)");
		v->unavailable = 1;
		return -1;
	}
	if (rc != HVT_STORE_OK)
		return -1;
	char note[600];
	if (hvt_store_check_regedit(st, note, sizeof note))
		hvt_warnx("%s", note);
	snprintf(services_where, sizeof services_where, "%s", hvt_store_where(st));
	rc = hvt_store_list(st, &all, &n, v->err, sizeof v->err);
	hvt_store_close(st);
	if (rc != HVT_STORE_OK)
		return -1;
	/* a .reg file may delete keys ([-KEY]): those are not registered */
	services = all;
	nservices = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].deleted) {
			free(all[i].key);
			free(all[i].name);
			continue;
		}
		all[nservices++] = all[i];
	}
	services_loaded = 1;
	return 0;
}

static int is_registered(const hvt_guid *g)
{
	for (size_t i = 0; i < nservices; i++)
		if (services[i].form != HVT_KEY_NOT_GUID && hvt_guid_equal(&services[i].guid, g))
			return 1;
	return 0;
}

static void view_services(struct view *v)
{
	v->t = new_table(hvt_service_columns, SVC_NCOLS, NULL);
	if (!services_loaded && load_services(v) < 0) {
		v->status = -1;
		return;
	}
	snprintf(v->title, sizeof v->title, "Services in %s:", services_where);
	for (size_t i = 0; i < nservices; i++)
		hvt_service_row(v->t, &services[i]);
}

/* ---- vms ---- */

static void view_vms(struct view *v)
{
	struct hvt_vm *vm;
	size_t n;
	v->t = new_table(vm_cols, VC_N, NULL);
	snprintf(v->title, sizeof v->title, "VMs:");
	int rc = hvt_vms_list(&vm, &n, v->err, sizeof v->err);
	if (rc != HVT_VMS_OK) {
		v->status = -1;
		v->unavailable = rc == HVT_VMS_UNAVAILABLE;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t r = hvt_table_row(v->t);
		char gb[HVT_GUID_STRLEN];
		hvt_table_str(v->t, r, VC_ID, hvt_guid_format(&vm[i].id, 0, gb));
		hvt_table_str(v->t, r, VC_STATE, vm[i].state);
		hvt_table_str(v->t, r, VC_KIND, vm[i].kind);
		hvt_table_str(v->t, r, VC_NAME, vm[i].name);
		hvt_table_str(v->t, r, VC_TYPE, vm[i].type);
		hvt_table_str(v->t, r, VC_OWNER, vm[i].owner);
		hvt_table_str(v->t, r, VC_SOURCE, vm[i].source);
	}
	hvt_vms_free(vm, n);
}

/* ---- sockets ---- */

#define ANY 0xFFFFFFFFu

static int cmp_sock(const void *pa, const void *pb)
{
	const struct hvt_vsock_sock *a = pa, *b = pb;
	int la = a->state == HVT_VSS_LISTEN, lb = b->state == HVT_VSS_LISTEN;
	if (la != lb)
		return lb - la; /* listeners first */
#define CMP(f)                                                                                     \
	if (a->f != b->f)                                                                          \
		return a->f < b->f ? -1 : 1;
	CMP(local_port)
	CMP(local_cid)
	CMP(peer_cid)
	CMP(peer_port)
	CMP(type)
	CMP(state)
	CMP(inode)
#undef CMP
	return 0;
}

static void endpoint(char *buf, size_t len, uint32_t cid, uint32_t port)
{
	char c[16], p[16];
	snprintf(c, sizeof c, "%lu", (unsigned long)cid);
	snprintf(p, sizeof p, "%lu", (unsigned long)port);
	snprintf(buf, len, "%s:%s", cid == ANY ? "*" : c, port == ANY ? "*" : p);
}

/* The port whose service GUID the host must register for this socket: a listener's own port;
 * for a connection, the local port when a listener holds it (accepted here), else the peer's
 * (connected out); an unconnected socket's local port. ANY when there is none. */
static uint32_t service_port(const struct hvt_vsock_sock *s, const struct hvt_vsock_dump *d)
{
	if (s->state == HVT_VSS_LISTEN)
		return s->local_port;
	for (size_t i = 0; i < d->n; i++)
		if (d->socks[i].state == HVT_VSS_LISTEN &&
		    d->socks[i].local_port == s->local_port && d->socks[i].type == s->type)
			return s->local_port;
	if (s->peer_port != ANY)
		return s->peer_port;
	return s->local_port;
}

/* "cmd[pid],cmd[pid]" and the JSON array of {pid, command, fd} for the socket inode. */
static void process_cell(struct hvt_table *t, size_t r, uint32_t inode,
			 const struct hvt_sock_owner *o, size_t no)
{
	size_t tl = 1, k = 0, tn = 0;
	for (size_t i = 0; i < no; i++)
		if (o[i].inode == inode)
			tl += strlen(o[i].command) + 16;
	char *text = calloc(1, tl);
	if (!text)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	hvt_jw_array(&w, NULL, 1);
	for (size_t i = 0; i < no; i++) {
		if (o[i].inode != inode)
			continue;
		hvt_jw_object(&w, NULL, 1);
		hvt_jw_num(&w, "pid", (uint64_t)o[i].pid);
		hvt_jw_str(&w, "command", o[i].command);
		hvt_jw_num(&w, "fd", (uint64_t)o[i].fd);
		hvt_jw_end(&w);
		/* one text entry per process, however many descriptors it has */
		if (k == 0 || o[i].pid != o[i - 1].pid || o[i - 1].inode != inode)
			tn += (size_t)snprintf(text + tn, tl - tn, "%s%s[%d]", tn ? "," : "",
					       o[i].command, o[i].pid);
		k++;
	}
	hvt_jw_end(&w);
	char *json = hvt_jw_take(&w);
	if (!json)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	if (k == 0)
		hvt_table_str(t, r, KC_PROCESS, NULL);
	else
		hvt_table_json_cell(t, r, KC_PROCESS, text, json);
	free(text);
	free(json);
}

static void view_sockets(struct view *v)
{
	struct hvt_vsock_dump d;
	int rc;
	int show[3], ns = 0;
	if (opt.file)
		show[ns++] = KC_REG;
	if (opt.processes)
		show[ns++] = KC_PROCESS;
	show[ns] = -1;
	v->t = new_table(socket_cols, KC_N, show);
	hvt_vsockdiag_init(&d);

	if (sock_meta.dump) {
		rc = hvt_vsockdiag_load(&d, sock_meta.dump, v->err, sizeof v->err);
		snprintf(v->title, sizeof v->title,
			 "vsock sockets (recorded in %s):", sock_meta.dump);
	} else {
		rc = hvt_vsockdiag_dump(&d, opt.dump_save, v->err, sizeof v->err);
		if (rc != HVT_VSOCKDIAG_UNAVAILABLE) {
			hvt_vsock_info(&sock_meta.info);
			sock_meta.have_info = 1;
			char cid[HVT_CID_TEXT_MAX] = "no local CID", tr[300] = "none";
			if (sock_meta.info.cid_err == 0)
				hvt_vsock_cid_text(sock_meta.info.local_cid, cid, sizeof cid);
			size_t k = 0;
			for (size_t i = 0; i < sock_meta.info.ntransports; i++)
				k += (size_t)snprintf(tr + k, sizeof tr - k, "%s%s", i ? ", " : "",
						      sock_meta.info.transports[i]);
			snprintf(v->title, sizeof v->title,
				 "vsock sockets (%s; transports: %s):", cid, tr);
		}
	}
	if (rc != HVT_VSOCKDIAG_OK) {
		v->status = -1;
		v->unavailable = rc == HVT_VSOCKDIAG_UNAVAILABLE;
		hvt_vsockdiag_free(&d);
		return;
	}

	/* the services to check listeners against */
	char serr[600] = "";
	int check = 0;
	if (opt.file) {
		struct view tmp;
		memset(&tmp, 0, sizeof tmp);
		if (services_loaded || load_services(&tmp) == 0) {
			check = 1;
		} else {
			snprintf(serr, sizeof serr, "%s", tmp.err);
			v->status = -1;
			snprintf(v->err, sizeof v->err, "cannot check registrations: %s", serr);
		}
	}

	struct hvt_sock_owner *owners = NULL;
	size_t nowners = 0;
	if (opt.processes && d.n) {
		uint32_t *inodes = malloc(d.n * sizeof *inodes);
		if (!inodes)
			hvt_diex(HVT_EXIT_FAIL, "out of memory");
		for (size_t i = 0; i < d.n; i++)
			inodes[i] = d.socks[i].inode;
		int e = hvt_sock_owners(inodes, d.n, &owners, &nowners);
		if (e != 0)
			hvt_warn(e, "warning: cannot find the processes in /proc");
		free(inodes);
	}

	if (d.n > 1)
		qsort(d.socks, d.n, sizeof *d.socks, cmp_sock);
	uint32_t *warned = calloc(d.n + 1, sizeof *warned);
	size_t nwarned = 0;
	if (!warned)
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < d.n; i++) {
		const struct hvt_vsock_sock *s = &d.socks[i];
		if (opt.listening && s->state != HVT_VSS_LISTEN)
			continue;
		size_t r = hvt_table_row(v->t);
		char buf[64], gb[HVT_GUID_STRLEN];
		hvt_table_str(v->t, r, KC_TYPE, hvt_vsock_type_name(s->type, buf, sizeof buf));
		hvt_table_str(v->t, r, KC_STATE, hvt_vsock_state_name(s->state, buf, sizeof buf));
		endpoint(buf, sizeof buf, s->local_cid, s->local_port);
		hvt_table_str(v->t, r, KC_LOCAL, buf);
		endpoint(buf, sizeof buf, s->peer_cid, s->peer_port);
		hvt_table_str(v->t, r, KC_PEER, buf);
		uint32_t sp = service_port(s, &d);
		if (sp != ANY) {
			hvt_guid g;
			hvt_guid_from_port(sp, &g);
			hvt_table_str(v->t, r, KC_SERVICE, hvt_guid_format(&g, 0, gb));
			if (check) {
				int reg = is_registered(&g);
				hvt_table_bool(v->t, r, KC_REG, reg);
				size_t w;
				for (w = 0; w < nwarned && warned[w] != sp; w++)
					;
				if (!reg && s->state == HVT_VSS_LISTEN && w == nwarned) {
					warned[nwarned++] = sp;
					hvt_warnx(
						"warning: vsock port %lu listens, but its service %s is "
						"not registered in %s: connections from the Hyper-V "
						"host will time out (register it: hvreg add %lu)",
						(unsigned long)sp, gb, opt.file, (unsigned long)sp);
				}
			}
		}
		if (opt.processes)
			process_cell(v->t, r, s->inode, owners, nowners);
		hvt_table_num(v->t, r, KC_LCID, s->local_cid);
		hvt_table_num(v->t, r, KC_LPORT, s->local_port);
		hvt_table_num(v->t, r, KC_PCID, s->peer_cid);
		hvt_table_num(v->t, r, KC_PPORT, s->peer_port);
		hvt_table_num(v->t, r, KC_INODE, s->inode);
		static const char *const shut[] = { "-", "rd", "wr", "rdwr" };
		hvt_table_str(v->t, r, KC_SHUT, shut[s->shutdown & 3]);
	}
	free(warned);
	free(owners);
	hvt_vsockdiag_free(&d);
}

/* ---- hybrid vsock ---- */

static const char *listen_state(enum hvt_listen_state s)
{
	return s == HVT_LS_LISTEN ? "LISTEN" : s == HVT_LS_STALE ? "stale" : "?";
}

static void view_hybrid(struct view *v)
{
	struct hvt_hybrid_listener *l;
	enum hvt_listen_state vmm;
	size_t n;
	v->t = new_table(hybrid_cols, HC_N, NULL);
	if (hvt_hybrid_list(opt.vmm, &l, &n, &vmm, v->err, sizeof v->err) != 0) {
		v->status = -1;
		return;
	}
	enum hvt_path_kind k = hvt_path_kind(opt.vmm);
	snprintf(v->title, sizeof v->title,
		 "Hybrid vsock listeners of %s (the VMM socket %s):", opt.vmm,
		 k == HVT_PATH_NONE	? "does not exist"
		 : k == HVT_PATH_OTHER	? "is not a socket"
		 : vmm == HVT_LS_LISTEN ? "listens"
		 : vmm == HVT_LS_STALE	? "has no listener"
					: "may listen");
	for (size_t i = 0; i < n; i++) {
		size_t r = hvt_table_row(v->t);
		char addr[4200];
		hvt_table_num(v->t, r, HC_PORT, l[i].port);
		hvt_table_str(v->t, r, HC_STATE, listen_state(l[i].state));
		hvt_table_str(v->t, r, HC_SOCKET, l[i].path);
		snprintf(addr, sizeof addr, "vsock-mux:%s:%lu", opt.vmm, (unsigned long)l[i].port);
		hvt_table_str(v->t, r, HC_ADDRESS, addr);
	}
	free(l);
}

/* ---- output ---- */

static void json_view(struct hvt_jw *w, const struct view *v)
{
	hvt_jw_object(w, v->name, 0);
	if (v == VIEW_SERVICES) {
		hvt_jw_str(w, "source", services_where[0] ? services_where : opt.file);
	}
	if (v == VIEW_SOCKETS) {
		if (sock_meta.have_info && sock_meta.info.cid_err == 0)
			hvt_jw_num(w, "local_cid", sock_meta.info.local_cid);
		else
			hvt_jw_null(w, "local_cid");
		if (sock_meta.have_info) {
			hvt_jw_array(w, "transports", 1);
			for (size_t i = 0; i < sock_meta.info.ntransports; i++)
				hvt_jw_str(w, NULL, sock_meta.info.transports[i]);
			hvt_jw_end(w);
		} else {
			hvt_jw_null(w, "transports");
		}
		hvt_jw_str(w, "dump_file", sock_meta.dump);
	}
	if (v == VIEW_HYBRID)
		hvt_jw_str(w, "vmm", opt.vmm);
	hvt_jw_str(w, "error", v->status ? v->err : NULL);
	hvt_table_json(v->t, w, v->name);
	hvt_jw_end(w);
}

int main(int argc, char **argv)
{
	struct hvt_getopt g = { 0 };
	struct hvt_opt_used used = { { 0 } };
	int c, all = 0;

	hvt_init(argv[0]);
	while ((c = hvt_getopt_long(&g, argc, argv, "f:o:nrjlphV", longopts, NULL)) != -1) {
		hvt_opt_use(&used, c);
		switch (c) {
		case 'f': opt.file = g.optarg; break;
		case 'o': opt.columns = g.optarg; break;
		case 'n': opt.noheadings = 1; break;
		case 'r': opt.raw = 1; break;
		case 'j': opt.json = 1; break;
		case 'l': opt.listening = 1; break;
		case 'p': opt.processes = 1; break;
		case OPT_DUMP_FILE: opt.dump_file = g.optarg; break;
		case OPT_DUMP_SAVE: opt.dump_save = g.optarg; break;
		case OPT_VMM: opt.vmm = g.optarg; break;
		case 'h': usage(); break;
		case 'V': hvt_version(); break;
		default: exit(HVT_EXIT_USAGE);
		}
	}
	for (int i = g.optind; i < argc; i++) {
		static const struct {
			const char *name;
			int views;
		} names[] = { { "services", V_SERVICES },
			      { "vms", V_VMS },
			      { "sockets", V_SOCKETS },
			      { "hybrid", V_HYBRID },
			      { "all", 0 } };
		size_t k;
		for (k = 0; k < N_ELEMS(names); k++)
			if (strcmp(argv[i], names[k].name) == 0)
				break;
		if (k == N_ELEMS(names))
			hvt_usage_error(
				"unknown view '%s' (expected services, vms, sockets, hybrid or all)",
				argv[i]);
		opt.named |= names[k].views;
		all |= names[k].views == 0;
	}
	if ((opt.named & V_HYBRID) && !opt.vmm)
		hvt_usage_error("the hybrid view needs --vmm PATH (the VMM's vsock socket)");
	if (opt.vmm && !opt.named && !all)
		opt.named = V_HYBRID; /* --vmm alone: that VMM's listeners */
	if (opt.vmm && opt.named && !all && !(opt.named & V_HYBRID))
		hvt_usage_error("--vmm applies to the hybrid view");
	opt.views = opt.named;

	/* the recorded dump: the option, else the environment (as ss reads TCPDIAG_FILE) */
	const char *env_dump = getenv("HVLIST_DUMP_FILE");
	sock_meta.dump = opt.dump_file ? opt.dump_file : env_dump && *env_dump ? env_dump : NULL;

	hvt_opt_check(&opt_spec, &used);
	if (sock_meta.dump && opt.dump_save)
		hvt_usage_error("cannot use --dump-save while HVLIST_DUMP_FILE is set");
	if (sock_meta.dump && opt.processes)
		hvt_usage_error("cannot use -p with a recorded dump (%s): its sockets are not "
				"this system's",
				opt.dump_file ? "--dump-file" : "HVLIST_DUMP_FILE");
	int sock_opts = opt.listening || opt.processes || opt.dump_file || opt.dump_save;
	if (opt.views && !all && !(opt.views & V_SOCKETS) && sock_opts)
		hvt_usage_error("-l, -p, --dump-file and --dump-save apply to the sockets view");

	if (opt.views == 0 || all) {
		/* all that this system offers: services when there is a registry to read (a file
		 * or the live one), VMs where they can be listed (Windows), sockets where the
		 * kernel has vsock (Linux) or a dump is replayed */
		struct hvt_store *st;
		if (opt.file || hvt_store_open_live(&st, 0, NULL, 0) != HVT_STORE_NOLIVE)
			opt.views |= V_SERVICES;
		if (!opt.file)
			hvt_store_close(st);
		if (hvt_vms_supported())
			opt.views |= V_VMS;
		if (hvt_vsockdiag_supported() || sock_meta.dump || sock_opts)
			opt.views |= V_SOCKETS;
		if (opt.vmm)
			opt.views |= V_HYBRID;
	}
	int nviews = !!(opt.views & V_SERVICES) + !!(opt.views & V_VMS) +
		     !!(opt.views & V_SOCKETS) + !!(opt.views & V_HYBRID);
	if (opt.columns && nviews != 1)
		hvt_usage_error("-o needs a single view: services, vms, sockets or hybrid");

	if (opt.views & V_SERVICES)
		view_services(VIEW_SERVICES);
	if (opt.views & V_VMS)
		view_vms(VIEW_VMS);
	if (opt.views & V_SOCKETS)
		view_sockets(VIEW_SOCKETS);
	if (opt.views & V_HYBRID)
		view_hybrid(VIEW_HYBRID);

	int status = HVT_EXIT_OK, shown = 0, ok = 0;
	struct hvt_jw w;
	if (opt.json) {
		hvt_jw_init(&w, stdout);
		hvt_jw_object(&w, NULL, 0);
	}
	for (size_t i = 0; i < N_ELEMS(views); i++) {
		struct view *v = &views[i];
		if (!v->t)
			continue;
		int named = (opt.named & (1 << i)) != 0;
		ok += v->status == 0;
		if (v->status != 0) {
			hvt_warnx("%s: %s", v->name, v->err);
			/* a view of "all" that this system cannot provide is only a note */
			if (!v->unavailable || named)
				status = HVT_EXIT_FAIL;
		}
		if (opt.json) {
			json_view(&w, v);
			shown++;
			continue;
		}
		if (v->status != 0 && hvt_table_rows(v->t) == 0)
			continue;
		int headings = !opt.noheadings && !opt.raw;
		if (shown++ && headings)
			putchar('\n');
		if (headings) {
			hvt_table_put(stdout, v->title, 0);
			putchar('\n');
		}
		hvt_table_print(v->t, stdout,
				(opt.noheadings ? HVT_TABLE_NOHEADINGS : 0) |
					(opt.raw ? HVT_TABLE_RAW : 0));
	}
	if (opt.json) {
		hvt_jw_end(&w);
		hvt_jw_finish(&w);
	}
	if (ok == 0)
		status = HVT_EXIT_FAIL; /* nothing at all could be listed: say so by the status */
	for (size_t i = 0; i < N_ELEMS(views); i++)
		hvt_table_free(views[i].t);
	hvt_services_free(services, nservices);
	return status;
}
