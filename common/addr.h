/* The address grammar every tool shares (documented in hvsock(7)):
 *   hv:VM:SERVICE     VM = GUID, well-known name or the name of a VM on this host (looked up
 *                     through vms.h); SERVICE = GUID, vsock-N, N or 0xN
 *   vsock:CID:PORT    CID = number, any, hypervisor, local, host; PORT = number or template GUID
 *   tcp:HOST:PORT     IPv4, [IPv6] or a name
 *   unix:PATH         unix:@name is the Linux abstract namespace
 * Without a scheme: two GUID-like parts -> hv, two numbers -> vsock. With HVT_ADDR_LISTEN the
 * VM/CID/HOST part may be left out (hv:SERVICE, vsock:PORT, tcp:PORT). */
#ifndef HVT_ADDR_H
#define HVT_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include "guid.h"

enum hvt_family { HVT_HV = 1, HVT_VSOCK, HVT_TCP, HVT_UNIX };

#define HVT_CID_ANY	   0xFFFFFFFFu
#define HVT_CID_HYPERVISOR 0u
#define HVT_CID_LOCAL	   1u
#define HVT_CID_HOST	   2u
#define HVT_PORT_ANY	   0xFFFFFFFFu

#define HVT_HOST_MAX 256
#define HVT_PATH_MAX 108 /* sun_path */

struct hvt_addr {
	enum hvt_family family;
	hvt_guid vm, service;	 /* HVT_HV */
	uint32_t cid, port;	 /* HVT_VSOCK; port also for HVT_TCP */
	char host[HVT_HOST_MAX]; /* HVT_TCP: without brackets; "" = any (listen) */
	char path[HVT_PATH_MAX]; /* HVT_UNIX: without the '@' */
	int abstract;		 /* HVT_UNIX: Linux abstract namespace */
};

enum { HVT_ADDR_LISTEN = 1 };

/* Returns 0, or -1 with a one-line message in err (no program name) that names the input and
 * what was expected. */
int hvt_addr_parse(const char *s, int flags, struct hvt_addr *out, char *err, size_t errlen);

/* Canonical text: hv:VM:SERVICE (well-known VM names by name, service as GUID), vsock:CID:PORT
 * (CID any shown as "any"), tcp:HOST:PORT ([v6]), unix:PATH or unix:@name. Returns buf. */
#define HVT_ADDR_STRLEN 400
char *hvt_addr_format(const struct hvt_addr *a, char *buf, size_t len);

const char *hvt_family_name(enum hvt_family f); /* "hv", "vsock", "tcp", "unix" */

#endif
