/* Address families as modules (docs/architecture.md). A family is one descriptor: its scheme
 * and help, how it parses and prints its addresses, what it tells a -e/-c program, the hints
 * for its errors, and how its addresses become sockets. The table of families is
 * common/families.c; every tool, --help text, man page table and completion takes the list of
 * schemes from there. A family's module is common/family_NAME.c (portable); what only one
 * platform has comes from that platform's sysnet.h (common/linux/, common/win/). */
#ifndef HVT_FAMILY_H
#define HVT_FAMILY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "msg.h"
#include "net.h"

struct sockaddr;
struct hvt_sockaddrs; /* sockaddr.h */

/* The parser's state, for the messages of a module's parse(). */
struct hvt_addr_ctx {
	const char *s; /* the whole input */
	int listen;    /* HVT_ADDR_LISTEN: the host/VM/CID part may be left out */
	char *err;
	size_t errlen;
	int later; /* HVT_ADDR_LATER: what it names may be absent now (addr.h) */
};

/* When a family's socket options are set (sockopts). */
enum hvt_sock_stage {
	HVT_STAGE_CONNECT, /* a new socket, before connect(); timeout_ms is -w (0: none) */
	HVT_STAGE_LISTEN,  /* a new socket, before bind() */
	HVT_STAGE_ACCEPTED /* a socket accept() returned */
};

struct hvt_family {
	const char *name;   /* the scheme: "vsock" in vsock:CID:PORT */
	const char *syntax; /* "vsock:CID:PORT", for --help, hvsock(7) and completions */
	const char *help;   /* one line: what it reaches */
	const char *proto;  /* UCSPI PROTO for -e/-c programs: "VSOCK" */

	/* rest: the text after "scheme:". Returns 0, or -1 with the message set through
	 * hvt_addr_bad_form / hvt_addr_bad_part. */
	int (*parse)(const struct hvt_addr_ctx *c, const char *rest, struct hvt_addr *a);
	/* Without a scheme: 1 when s is this family's bare form (then *rc is parse's result),
	 * 0 when it is not. NULL: no bare form. */
	int (*parse_bare)(const struct hvt_addr_ctx *c, const char *s, struct hvt_addr *a, int *rc);
	/* The canonical text, scheme included. */
	void (*format)(const struct hvt_addr *a, char *buf, size_t len);
	/* Adds the family's UCSPI variables (local or peer NULL when unknown); returns how many
	 * (at most HVT_FAMILY_ENV_MAX). NULL: none. */
	int (*env)(const struct hvt_addr *local, const struct hvt_addr *peer, struct hvt_env *env);
	/* One-line hints for errors of each kind on this family (NULL entries: the generic one
	 * of common/net.c). NULL: generic hints only. */
	const char *const *hints; /* HVT_E_COUNT entries */
	/* Said after "listening on ADDRESS" (the local CID of a vsock listener): writes " (...)"
	 * into buf, or nothing. NULL: nothing. */
	void (*listen_note)(const struct hvt_addr *local, char *buf, size_t len);

	/* Sockets. sockaddrs: the socket addresses to try, in order (several for a tcp name);
	 * 0 or a platform error code (EAFNOSUPPORT-like where the platform lacks the family). */
	int (*sockaddrs)(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out);
	/* 1 when sa is of this family (a filled in), 0 when not. */
	int (*from_sockaddr)(const struct sockaddr *sa, size_t len, struct hvt_addr *a);
	/* Options for a socket of this family at stage st (best effort). NULL: none. */
	void (*sockopts)(hvt_sock s, const struct hvt_addr *a, enum hvt_sock_stage st,
			 uint64_t timeout_ms);
	/* bind() for a family that needs more (a unix socket file). NULL: plain bind. */
	int (*bind)(hvt_sock s, const struct sockaddr *sa, size_t len, const struct hvt_addr *a);
	/* The longest connect one socket may wait (0: no limit); a longer -w connects again. */
	uint64_t connect_max_ms;
	/* After connect: a handshake on the blocking socket, within timeout_ms (0: the
	 * family's own limit). 0 or an error code. NULL: none. */
	int (*connected)(hvt_sock s, const struct hvt_addr *a, uint64_t timeout_ms);
	/* After the listener is closed (removes the unix socket file). NULL: nothing. */
	void (*unlisten)(const struct hvt_addr *a);

	/* How the relays move bytes on a connection of this family (relay.h). NULL: it is a
	 * socket (hvt_sock_end_ops). */
	const struct hvt_end_ops *end;

	/* A family whose connections are not sockets (npipe:, a Windows named pipe's HANDLE)
	 * opens them itself, in place of sockaddrs and the socket code: hvt_sock_connect,
	 * hvt_sock_listen and the listener (listener.h) call these, and its connections are
	 * ends of `end` (closed by hvt_conn_close). NULL: sockets.
	 * connect: within timeout_ms (0: the family's default wait); 0 or code.
	 * listen: a listener (the family's own handle); accept: its next connection within ms
	 * (UINT64_MAX: no limit): 0, hvt_err_timeout() or code; unlisten_handle: closes a
	 * listener. */
	int (*connect)(const struct hvt_addr *a, uint64_t timeout_ms, hvt_sock *out);
	int (*listen)(const struct hvt_addr *a, hvt_sock *out);
	int (*accept)(hvt_sock l, hvt_sock *out, uint64_t ms);
	void (*unlisten_handle)(hvt_sock l);
};

#define HVT_FAMILY_ENV_MAX 4

/* For env(): sets env[n] to NAME and the formatted value; returns n + 1. */
int hvt_env_set(struct hvt_env *env, int n, const char *name, const char *fmt, ...)
	HVT_PRINTF(4, 5);

/* The families, in the order --help lists them and bare forms are tried; NULL-terminated. */
extern const struct hvt_family *const hvt_families[];
/* The family with this scheme (case-insensitive, n bytes of name), or NULL. */
const struct hvt_family *hvt_family_find(const char *name, size_t n);

/* The built-in families, for code that makes their addresses from system data. */
extern const struct hvt_family hvt_family_hv, hvt_family_vsock, hvt_family_tcp, hvt_family_unix,
	hvt_family_npipe;

/* "  SYNTAX   help" for every family, for --help (one line each). */
void hvt_families_help(FILE *f);

/* ---- for the modules' parse() (common/addr.c) ---- */

/* "invalid address 'S': EXPECTED"; returns -1. */
int hvt_addr_bad_form(const struct hvt_addr_ctx *c, const char *expected);
/* "invalid WHAT 'P' in 'S': EXPECTED" (P = p[0..n)); returns -1. */
int hvt_addr_bad_part(const struct hvt_addr_ctx *c, const char *what, const char *p, size_t n,
		      const char *expected);
/* Copies p[0..n) into buf as a string; -1 when it does not fit. */
int hvt_addr_slice(char *buf, size_t size, const char *p, size_t n);
/* A number min-max in p[0..n) (0x... too with hex_ok); 0 or -1. */
int hvt_addr_num(const char *p, size_t n, uint64_t min, uint64_t max, int hex_ok, uint64_t *v);
/* A GUID in any form in p[0..n); 0 or -1. */
int hvt_addr_guid(const char *p, size_t n, hvt_guid *g);

/* For connected(), or sockaddrs() on a connect: the text of the code it returns when the
 * code's own says too little (the peer's answer, shown; why hv:wsl names no VM now), for
 * hvt_connect_strerror; one line, no address (the caller names it). */
void hvt_connected_said(int code, const char *fmt, ...) HVT_PRINTF(2, 3);

#define HVT_U32_RANGE  "0-4294967295"
/* vsock ports that map to service GUIDs: the Windows SDK allows 0-0x7FFFFFFF, older kernels
 * ignore offers above it, and 0xFFFFFFFF is VMADDR_PORT_ANY (hvsocket.md section 4). */
#define HVT_PORT_MAX   0x7FFFFFFFu
#define HVT_PORT_RANGE "0-2147483647"
#define HVT_PORT_LIMIT "vsock ports are " HVT_PORT_RANGE " (the Windows SDK's range)"

#endif
