/* common/addr.c: the address grammar, its error messages and the canonical text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "family.h"
#include "vms.h"

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define L      HVT_ADDR_LISTEN
#define T5000  "00001388-facb-11e6-bd58-64006a7986d3"
#define PARENT "a42e7cda-d03f-480c-9cc2-a4de20abb878"

/* The messages, exactly as CLI tests will see them. */
#define G "expected hv:VM:SERVICE, vsock:CID:PORT, tcp:HOST:PORT, unix:PATH, vsock-mux:PATH:PORT or npipe:NAME"
#define VMX                                                                                        \
	"expected a GUID, a well-known name (wildcard, parent, loopback, children, silohost, "     \
	"broadcast) or a VM name"
/* What a VM name that cannot be looked up adds (the fake lister below says why). */
/* A mistyped GUID is not looked up as a name. */
#define GUIDX                                                                                      \
	"expected a GUID such as 00001388-facb-11e6-bd58-64006a7986d3 (also {...}, (...), 32 hex " \
	"digits or {0x...,...})"
#define NOLOOK	"; cannot look up VM names: no VMs here (test)"
#define SVX	"expected a GUID, vsock-N or a port number 0-2147483647"
#define CIDX	"expected a number 0-4294967295, any, host, local or hypervisor"
#define PORTX	"expected a number 0-2147483647 or a vsock template GUID"
/* ports above 0x7FFFFFFF: the SDK's range */
#define PLIMIT	"vsock ports are 0-2147483647 (the Windows SDK's range)"
#define PORTLX	"expected a number 0-2147483647, any or a vsock template GUID"
#define NOTTPL	"not a vsock template GUID (xxxxxxxx-facb-11e6-bd58-64006a7986d3)"
#define HOSTX	"expected a host name, an IPv4 address or [IPv6]"
#define TPORTX	"expected a number 1-65535"
#define TPORTLX "expected a number 0-65535"

static const struct ok_case {
	const char *in;
	int flags;
	const char *canonical;
} ok_cases[] = {
	/* hv: every service form */
	{ "hv:parent:5000", 0, "hv:parent:" T5000 },
	{ "hv:parent:vsock-5000", 0, "hv:parent:" T5000 },
	{ "hv:parent:VSOCK-5000", 0, "hv:parent:" T5000 },
	{ "hv:parent:0x1388", 0, "hv:parent:" T5000 },
	{ "hv:parent:0X1388", 0, "hv:parent:" T5000 },
	{ "hv:parent:vsock-0x1388", 0, "hv:parent:" T5000 },
	{ "hv:parent:05000", 0, "hv:parent:" T5000 },
	{ "HV:Parent:Vsock-5000", 0, "hv:parent:" T5000 },
	{ "Hv:PARENT:5000", 0, "hv:parent:" T5000 },
	{ "hv:parent:" T5000, 0, "hv:parent:" T5000 },
	{ "hv:parent:00001388-FACB-11E6-BD58-64006A7986D3", 0, "hv:parent:" T5000 },
	{ "hv:parent:{00001388-facb-11e6-bd58-64006a7986d3}", 0, "hv:parent:" T5000 },
	{ "hv:parent:(00001388-facb-11e6-bd58-64006a7986d3)", 0, "hv:parent:" T5000 },
	{ "hv:parent:00001388facb11e6bd5864006a7986d3", 0, "hv:parent:" T5000 },
	{ "hv:parent:{0x1388,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}", 0,
	  "hv:parent:" T5000 },
	/* the ports of hvsocket.md */
	{ "hv:parent:22", 0, "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:1234", 0, "hv:parent:000004d2-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:2761", 0, "hv:parent:00000ac9-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:50000", 0, "hv:parent:0000c350-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:106000", 0, "hv:parent:00019e10-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:vsock-106000", 0, "hv:parent:00019e10-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:0", 0, "hv:parent:00000000-facb-11e6-bd58-64006a7986d3" },
	{ "hv:parent:2147483647", 0, "hv:parent:7fffffff-facb-11e6-bd58-64006a7986d3" },
	/* a service GUID is any GUID, even a template GUID of a port no vsock peer can use */
	{ "hv:parent:ffffffff-facb-11e6-bd58-64006a7986d3", 0,
	  "hv:parent:ffffffff-facb-11e6-bd58-64006a7986d3" },
	/* hv: every VM form */
	{ "hv:" PARENT ":22", 0, "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:A42E7CDA-D03F-480C-9CC2-A4DE20ABB878:22", 0,
	  "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:{a42e7cda-d03f-480c-9cc2-a4de20abb878}:22", 0,
	  "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:(a42e7cda-d03f-480c-9cc2-a4de20abb878):22", 0,
	  "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:a42e7cdad03f480c9cc2a4de20abb878:22", 0,
	  "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:{0xa42e7cda,0xd03f,0x480c,{0x9c,0xc2,0xa4,0xde,0x20,0xab,0xb8,0x78}}:22", 0,
	  "hv:parent:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "hv:0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0:2761", 0,
	  "hv:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:00000ac9-facb-11e6-bd58-64006a7986d3" },
	{ "hv:wildcard:50000", 0, "hv:wildcard:0000c350-facb-11e6-bd58-64006a7986d3" },
	{ "hv:zero:5000", 0, "hv:wildcard:" T5000 },
	{ "hv:any:5000", 0, "hv:wildcard:" T5000 },
	{ "hv:00000000-0000-0000-0000-000000000000:5000", 0, "hv:wildcard:" T5000 },
	{ "hv:children:5000", 0, "hv:children:" T5000 },
	{ "hv:loopback:999E53D4-3D5C-4C3E-8779-BED06EC056E1", 0,
	  "hv:loopback:999e53d4-3d5c-4c3e-8779-bed06ec056e1" },
	{ "hv:silohost:1", 0, "hv:silohost:00000001-facb-11e6-bd58-64006a7986d3" },
	{ "hv:broadcast:1", 0, "hv:broadcast:00000001-facb-11e6-bd58-64006a7986d3" },
	{ "hv:vsock-template:1", 0, "hv:vsock-template:00000001-facb-11e6-bd58-64006a7986d3" },
	{ "hv:90db8b89-0d35-4f79-8ce9-49ea0ac8b7cd:e0e16197-dd56-4a10-9195-5ee7a155a838", 0,
	  "hv:children:e0e16197-dd56-4a10-9195-5ee7a155a838" },
	/* hv: listening */
	{ "hv:5000", L, "hv:wildcard:" T5000 },
	{ "hv:vsock-5000", L, "hv:wildcard:" T5000 },
	{ "hv:{00001388-facb-11e6-bd58-64006a7986d3}", L, "hv:wildcard:" T5000 },
	{ "hv:parent:5000", L, "hv:parent:" T5000 },
	{ "hv:children:5000", L, "hv:children:" T5000 },
	/* vsock */
	{ "vsock:2:5000", 0, "vsock:2:5000" },
	{ "VSOCK:2:5000", 0, "vsock:2:5000" },
	{ "vsock:host:5000", 0, "vsock:2:5000" },
	{ "vsock:HOST:22", 0, "vsock:2:22" },
	{ "vsock:local:1234", 0, "vsock:1:1234" },
	{ "vsock:Local:1234", 0, "vsock:1:1234" },
	{ "vsock:hypervisor:1", 0, "vsock:0:1" },
	{ "vsock:any:5000", 0, "vsock:any:5000" },
	{ "vsock:ANY:5000", 0, "vsock:any:5000" },
	{ "vsock:4294967295:5000", 0, "vsock:any:5000" },
	{ "vsock:0xffffffff:5000", 0, "vsock:any:5000" },
	{ "vsock:4294967294:5000", 0, "vsock:4294967294:5000" },
	{ "vsock:0:0", 0, "vsock:0:0" },
	{ "vsock:3:0x1388", 0, "vsock:3:5000" },
	{ "vsock:0x3:5000", 0, "vsock:3:5000" },
	{ "vsock:003:5000", 0, "vsock:3:5000" },
	{ "vsock:3:2147483647", 0, "vsock:3:2147483647" },
	{ "vsock:3:" T5000, 0, "vsock:3:5000" },
	{ "vsock:3:{00019E10-FACB-11E6-BD58-64006A7986D3}", 0, "vsock:3:106000" },
	{ "vsock:3:0000c350facb11e6bd5864006a7986d3", 0, "vsock:3:50000" },
	{ "vsock:3:00000000-facb-11e6-bd58-64006a7986d3", 0, "vsock:3:0" },
	/* vsock: listening */
	{ "vsock:5000", L, "vsock:any:5000" },
	{ "vsock:any", L, "vsock:any:any" },
	{ "vsock:ANY", L, "vsock:any:any" },
	{ "vsock:any:any", L, "vsock:any:any" },
	{ "vsock:1:any", L, "vsock:1:any" },
	{ "vsock:" T5000, L, "vsock:any:5000" },
	{ "vsock:2:5000", L, "vsock:2:5000" },
	/* tcp */
	{ "tcp:127.0.0.1:80", 0, "tcp:127.0.0.1:80" },
	{ "TCP:127.0.0.1:80", 0, "tcp:127.0.0.1:80" },
	{ "tcp:localhost:8080", 0, "tcp:localhost:8080" },
	{ "tcp:Host-1.Example_x.com:1", 0, "tcp:Host-1.Example_x.com:1" },
	{ "tcp:example.com:65535", 0, "tcp:example.com:65535" },
	{ "tcp:h:00080", 0, "tcp:h:80" },
	{ "tcp:[::1]:22", 0, "tcp:[::1]:22" },
	{ "tcp:[::]:22", 0, "tcp:[::]:22" },
	{ "tcp:[2001:DB8::1]:443", 0, "tcp:[2001:DB8::1]:443" },
	{ "tcp:[::ffff:1.2.3.4]:80", 0, "tcp:[::ffff:1.2.3.4]:80" },
	{ "tcp:[fe80::1%eth0]:22", 0, "tcp:[fe80::1%eth0]:22" },
	{ "tcp:[fe80::1%2]:22", 0, "tcp:[fe80::1%2]:22" },
	/* tcp: listening */
	{ "tcp:5000", L, "tcp:5000" },
	{ "tcp:0", L, "tcp:0" },
	{ "tcp:65535", L, "tcp:65535" },
	{ "tcp:0.0.0.0:0", L, "tcp:0.0.0.0:0" },
	{ "tcp:[::]:80", L, "tcp:[::]:80" },
	{ "tcp:localhost:80", L, "tcp:localhost:80" },
	/* unix */
	{ "unix:/tmp/s", 0, "unix:/tmp/s" },
	{ "UNIX:/tmp/s", 0, "unix:/tmp/s" },
	{ "unix:rel/path", 0, "unix:rel/path" },
	{ "unix:/tmp/a:b:c", 0, "unix:/tmp/a:b:c" },
	{ "unix:with space", 0, "unix:with space" },
	{ "unix:x", 0, "unix:x" },
	{ "unix:@name", 0, "unix:@name" },
	{ "unix:@@x", 0, "unix:@@x" },
	{ "unix:@a:b", 0, "unix:@a:b" },
	{ "unix:/tmp/s", L, "unix:/tmp/s" },
	{ "unix:@name", L, "unix:@name" },
	/* no scheme */
	{ "parent:5000", 0, "hv:parent:" T5000 },
	{ "Parent:vsock-5000", 0, "hv:parent:" T5000 },
	{ PARENT ":" T5000, 0, "hv:parent:" T5000 },
	{ "{" PARENT "}:{" T5000 "}", 0, "hv:parent:" T5000 },
	{ "wildcard:vsock-22", 0, "hv:wildcard:00000016-facb-11e6-bd58-64006a7986d3" },
	{ "any:5000", 0, "hv:wildcard:" T5000 },
	{ "loopback:0x1388", 0, "hv:loopback:" T5000 },
	{ "{0xa42e7cda,0xd03f,0x480c,{0x9c,0xc2,0xa4,0xde,0x20,0xab,0xb8,0x78}}:5000", 0,
	  "hv:parent:" T5000 },
	{ "00000000000000000000000000000000:5000", 0, "hv:wildcard:" T5000 },
	{ "2:5000", 0, "vsock:2:5000" },
	{ "0x2:0x1388", 0, "vsock:2:5000" },
	{ "4294967295:1", 0, "vsock:any:1" },
	{ "parent:5000", L, "hv:parent:" T5000 },
	{ "2:5000", L, "vsock:2:5000" },
};

/* Field by field, not through the text (hvt_addr_equal), so that a format that loses a part
 * fails here. */
static int addr_equal(const struct hvt_addr *a, const struct hvt_addr *b)
{
	if (a->fam != b->fam)
		return 0;
	if (a->fam == &hvt_family_hv)
		return hvt_guid_equal(&a->vm, &b->vm) && hvt_guid_equal(&a->service, &b->service);
	if (a->fam == &hvt_family_vsock)
		return a->cid == b->cid && a->port == b->port;
	if (a->fam == &hvt_family_tcp)
		return a->port == b->port && strcmp(a->host, b->host) == 0;
	if (a->fam == &hvt_family_unix)
		return a->abstract == b->abstract && strcmp(a->path, b->path) == 0;
	return 0;
}

static void test_ok_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(ok_cases); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct hvt_addr a, b;
		char err[256] = "", buf[HVT_ADDR_STRLEN], buf2[HVT_ADDR_STRLEN];
		CHECK(hvt_addr_parse(c->in, c->flags, &a, err, sizeof err) == 0, "'%s' failed: %s",
		      c->in, err);
		hvt_addr_format(&a, buf, sizeof buf);
		CHECK(strcmp(buf, c->canonical) == 0, "'%s' formats as '%s', want '%s'", c->in, buf,
		      c->canonical);
		/* the canonical text parses back to the same address and text */
		CHECK(hvt_addr_parse(buf, c->flags, &b, err, sizeof err) == 0,
		      "'%s' (from '%s'): %s", buf, c->in, err);
		CHECK(addr_equal(&a, &b), "'%s' does not round-trip", c->in);
		CHECK(strcmp(hvt_addr_format(&b, buf2, sizeof buf2), buf) == 0,
		      "'%s' formats differently the second time", c->in);
	}
}

/* Field values, not only the canonical text. */
static void test_fields(void **state)
{
	struct hvt_addr a;
	char err[256];
	hvt_guid g;
	uint32_t port;
	(void)state;

	assert_int_equal(hvt_addr_parse("hv:parent:5000", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.fam, &hvt_family_hv);
	assert_true(hvt_guid_equal(&a.vm, &HVT_GUID_PARENT));
	assert_int_equal(hvt_guid_to_port(&a.service, &port), 0);
	assert_int_equal(port, 5000);

	assert_int_equal(hvt_addr_parse("hv:vsock-22", L, &a, err, sizeof err), 0);
	assert_true(hvt_guid_equal(&a.vm, &HVT_GUID_ZERO));
	hvt_guid_from_port(22, &g);
	assert_true(hvt_guid_equal(&a.service, &g));

	assert_int_equal(hvt_addr_parse("vsock:host:5000", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.fam, &hvt_family_vsock);
	assert_int_equal(a.cid, HVT_CID_HOST);
	assert_int_equal(a.port, 5000);
	assert_int_equal(hvt_addr_parse("vsock:hypervisor:1", 0, &a, err, sizeof err), 0);
	assert_int_equal(a.cid, HVT_CID_HYPERVISOR);
	assert_int_equal(hvt_addr_parse("vsock:local:1", 0, &a, err, sizeof err), 0);
	assert_int_equal(a.cid, HVT_CID_LOCAL);
	assert_int_equal(hvt_addr_parse("vsock:any:1", 0, &a, err, sizeof err), 0);
	assert_int_equal(a.cid, HVT_CID_ANY);
	assert_int_equal(hvt_addr_parse("vsock:7", L, &a, err, sizeof err), 0);
	assert_int_equal(a.cid, HVT_CID_ANY);
	assert_int_equal(a.port, 7);
	assert_int_equal(hvt_addr_parse("vsock:any", L, &a, err, sizeof err), 0);
	assert_int_equal(a.port, HVT_PORT_ANY);

	assert_int_equal(hvt_addr_parse("tcp:[fe80::1%eth0]:22", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.fam, &hvt_family_tcp);
	assert_string_equal(a.host, "fe80::1%eth0");
	assert_int_equal(a.port, 22);
	assert_int_equal(hvt_addr_parse("tcp:80", L, &a, err, sizeof err), 0);
	assert_string_equal(a.host, "");
	assert_int_equal(a.port, 80);

	assert_int_equal(hvt_addr_parse("unix:@name", 0, &a, err, sizeof err), 0);
	assert_ptr_equal(a.fam, &hvt_family_unix);
	assert_int_equal(a.abstract, 1);
	assert_string_equal(a.path, "name");
	assert_int_equal(hvt_addr_parse("unix:/run/x.sock", 0, &a, err, sizeof err), 0);
	assert_int_equal(a.abstract, 0);
	assert_string_equal(a.path, "/run/x.sock");
}

static const struct err_case {
	const char *in;
	int flags;
	const char *err;
} err_cases[] = {
	/* nothing recognisable */
	{ "", 0, "invalid address '': " G },
	{ "", L, "invalid address '': " G },
	{ "foo", 0, "invalid address 'foo': " G },
	{ "5000", 0, "invalid address '5000': " G },
	{ "5000", L, "invalid address '5000': " G },
	{ ":", 0, "invalid address ':': " G },
	{ "::", 0, "invalid address '::': " G },
	{ "localhost:80", 0, "invalid address 'localhost:80': " G },
	{ "host:5000", 0, "invalid address 'host:5000': " G },
	{ "udp:1:2", 0, "invalid address 'udp:1:2': " G },
	{ "hvsock:parent:1", 0, "invalid address 'hvsock:parent:1': " G },
	{ "vsock-connect:2:1", 0, "invalid address 'vsock-connect:2:1': " G },
	{ " hv:parent:1", 0, "invalid address ' hv:parent:1': " G },
	{ "hv :parent:1", 0, "invalid address 'hv :parent:1': " G },
	{ "1:x", 0, "invalid address '1:x': " G },
	{ "x:1", 0, "invalid address 'x:1': " G },
	{ "2:5000:1", 0, "invalid address '2:5000:1': " G },
	{ "-1:5", 0, "invalid address '-1:5': " G },
	{ "2:-5", 0, "invalid address '2:-5': " G },
	{ "2: 5", 0, "invalid address '2: 5': " G },
	{ "0x:5", 0, "invalid address '0x:5': " G },
	{ PARENT, 0, "invalid address '" PARENT "': " G },
	/* hv */
	{ "hv:parent", 0, "invalid address 'hv:parent': expected hv:VM:SERVICE" },
	{ "hv:5000", 0, "invalid address 'hv:5000': expected hv:VM:SERVICE" },
	{ "hv:", 0, "invalid address 'hv:': expected hv:VM:SERVICE" },
	{ "hv:", L, "invalid hv service '' in 'hv:': " SVX },
	{ "hv:parent", L, "invalid hv service 'parent' in 'hv:parent': " SVX },
	{ "hv:parent:", 0, "invalid hv service '' in 'hv:parent:': " SVX },
	{ "hv::5000", 0, "invalid hv VM id '' in 'hv::5000': " VMX },
	{ "hv::5000", L, "invalid hv VM id '' in 'hv::5000': " VMX },
	{ "hv:host:5000", 0, "invalid hv VM id 'host' in 'hv:host:5000': " VMX NOLOOK },
	{ "hv:parents:5000", 0, "invalid hv VM id 'parents' in 'hv:parents:5000': " VMX NOLOOK },
	{ "hv: parent:5000", 0, "invalid hv VM id ' parent' in 'hv: parent:5000': " VMX NOLOOK },
	{ "hv:2:5000", 0, "invalid hv VM id '2' in 'hv:2:5000': " VMX NOLOOK },
	{ "hv:a42e7cda-d03f-480c-9cc2-a4de20abb87:1", 0,
	  "invalid hv VM id 'a42e7cda-d03f-480c-9cc2-a4de20abb87' in "
	  "'hv:a42e7cda-d03f-480c-9cc2-a4de20abb87:1': " GUIDX },
	{ "hv:{a42e7cda-d03f-480c-9cc2-a4de20abb878:1", 0,
	  "invalid hv VM id '{a42e7cda-d03f-480c-9cc2-a4de20abb878' in "
	  "'hv:{a42e7cda-d03f-480c-9cc2-a4de20abb878:1': " GUIDX },
	{ "hv:parent:2147483648", 0,
	  "invalid hv service '2147483648' in 'hv:parent:2147483648': " PLIMIT },
	{ "hv:parent:4294967295", 0,
	  "invalid hv service '4294967295' in 'hv:parent:4294967295': " PLIMIT },
	{ "hv:parent:0xffffffff", 0,
	  "invalid hv service '0xffffffff' in 'hv:parent:0xffffffff': " PLIMIT },
	{ "hv:parent:vsock-2147483648", 0,
	  "invalid hv service 'vsock-2147483648' in 'hv:parent:vsock-2147483648': " PLIMIT },
	{ "vsock:1:2147483648", 0,
	  "invalid vsock port '2147483648' in 'vsock:1:2147483648': " PLIMIT },
	{ "vsock:1:4294967295", L,
	  "invalid vsock port '4294967295' in 'vsock:1:4294967295': " PLIMIT },
	{ "vsock:1:ffffffff-facb-11e6-bd58-64006a7986d3", 0,
	  "invalid vsock port 'ffffffff-facb-11e6-bd58-64006a7986d3' in "
	  "'vsock:1:ffffffff-facb-11e6-bd58-64006a7986d3': " PLIMIT },
	{ "hv:parent:4294967296", 0,
	  "invalid hv service '4294967296' in 'hv:parent:4294967296': " SVX },
	{ "hv:parent:0x100000000", 0,
	  "invalid hv service '0x100000000' in 'hv:parent:0x100000000': " SVX },
	{ "hv:parent:vsock-4294967296", 0,
	  "invalid hv service 'vsock-4294967296' in 'hv:parent:vsock-4294967296': " SVX },
	{ "hv:parent:vsock-", 0, "invalid hv service 'vsock-' in 'hv:parent:vsock-': " SVX },
	{ "hv:parent:vsock-x", 0, "invalid hv service 'vsock-x' in 'hv:parent:vsock-x': " SVX },
	{ "hv:parent:vsock--5", 0, "invalid hv service 'vsock--5' in 'hv:parent:vsock--5': " SVX },
	{ "hv:parent:vsock- 5", 0, "invalid hv service 'vsock- 5' in 'hv:parent:vsock- 5': " SVX },
	{ "hv:parent:vsock5000", 0,
	  "invalid hv service 'vsock5000' in 'hv:parent:vsock5000': " SVX },
	{ "hv:parent:vsock-template", 0,
	  "invalid hv service 'vsock-template' in 'hv:parent:vsock-template': " SVX },
	{ "hv:parent:-1", 0, "invalid hv service '-1' in 'hv:parent:-1': " SVX },
	{ "hv:parent:+1", 0, "invalid hv service '+1' in 'hv:parent:+1': " SVX },
	{ "hv:parent: 5000", 0, "invalid hv service ' 5000' in 'hv:parent: 5000': " SVX },
	{ "hv:parent:5000 ", 0, "invalid hv service '5000 ' in 'hv:parent:5000 ': " SVX },
	{ "hv:parent:0x", 0, "invalid hv service '0x' in 'hv:parent:0x': " SVX },
	{ "hv:parent:1.5", 0, "invalid hv service '1.5' in 'hv:parent:1.5': " SVX },
	{ "hv:parent:5000:1", 0, "invalid hv service '5000:1' in 'hv:parent:5000:1': " SVX },
	{ "hv:parent:parent", 0, "invalid hv service 'parent' in 'hv:parent:parent': " SVX },
	{ "hv:parent:{00001388-facb-11e6-bd58-64006a7986d3", 0,
	  "invalid hv service '{00001388-facb-11e6-bd58-64006a7986d3' in "
	  "'hv:parent:{00001388-facb-11e6-bd58-64006a7986d3': " SVX },
	{ "hv:parent:00001388-facb-11e6-bd58-64006a7986d", 0,
	  "invalid hv service '00001388-facb-11e6-bd58-64006a7986d' in "
	  "'hv:parent:00001388-facb-11e6-bd58-64006a7986d': " SVX },
	/* hv without a scheme: a GUID-or-name first part picks hv */
	{ "parent:x", 0, "invalid hv service 'x' in 'parent:x': " SVX },
	{ "parent:", 0, "invalid hv service '' in 'parent:': " SVX },
	{ "parent:4294967296", 0, "invalid hv service '4294967296' in 'parent:4294967296': " SVX },
	/* vsock */
	{ "vsock:2", 0, "invalid address 'vsock:2': expected vsock:CID:PORT" },
	{ "vsock:", 0, "invalid address 'vsock:': expected vsock:CID:PORT" },
	{ "vsock:", L, "invalid vsock port '' in 'vsock:': " PORTLX },
	{ "vsock:x", L, "invalid vsock port 'x' in 'vsock:x': " PORTLX },
	{ "vsock:1:x", 0, "invalid vsock port 'x' in 'vsock:1:x': " PORTX },
	{ "vsock:1:x", L, "invalid vsock port 'x' in 'vsock:1:x': " PORTLX },
	{ "vsock:1:", 0, "invalid vsock port '' in 'vsock:1:': " PORTX },
	{ "vsock:1:4294967296", 0,
	  "invalid vsock port '4294967296' in 'vsock:1:4294967296': " PORTX },
	{ "vsock:1:0x100000000", 0,
	  "invalid vsock port '0x100000000' in 'vsock:1:0x100000000': " PORTX },
	{ "vsock:1:99999999999999999999999", 0,
	  "invalid vsock port '99999999999999999999999' in 'vsock:1:99999999999999999999999': " PORTX },
	{ "vsock:1:-1", 0, "invalid vsock port '-1' in 'vsock:1:-1': " PORTX },
	{ "vsock:1:+5", 0, "invalid vsock port '+5' in 'vsock:1:+5': " PORTX },
	{ "vsock:1: 5", 0, "invalid vsock port ' 5' in 'vsock:1: 5': " PORTX },
	{ "vsock:1:5 ", 0, "invalid vsock port '5 ' in 'vsock:1:5 ': " PORTX },
	{ "vsock:1:0x", 0, "invalid vsock port '0x' in 'vsock:1:0x': " PORTX },
	{ "vsock:1:1.5", 0, "invalid vsock port '1.5' in 'vsock:1:1.5': " PORTX },
	{ "vsock:1:5:6", 0, "invalid vsock port '5:6' in 'vsock:1:5:6': " PORTX },
	{ "vsock:1:any", 0, "invalid vsock port 'any' in 'vsock:1:any': " PORTX },
	{ "vsock:1:vsock-5000", 0,
	  "invalid vsock port 'vsock-5000' in 'vsock:1:vsock-5000': " PORTX },
	{ "vsock:1:" PARENT, 0,
	  "invalid vsock port '" PARENT "' in 'vsock:1:" PARENT "': " NOTTPL },
	{ "vsock:1:00001388-facb-11e6-bd58-64006a7986d4", 0,
	  "invalid vsock port '00001388-facb-11e6-bd58-64006a7986d4' in "
	  "'vsock:1:00001388-facb-11e6-bd58-64006a7986d4': " NOTTPL },
	{ "vsock:1:{00001388-facb-11e7-bd58-64006a7986d3}", L,
	  "invalid vsock port '{00001388-facb-11e7-bd58-64006a7986d3}' in "
	  "'vsock:1:{00001388-facb-11e7-bd58-64006a7986d3}': " NOTTPL },
	{ "vsock:x:1", 0, "invalid vsock CID 'x' in 'vsock:x:1': " CIDX },
	{ "vsock::1", 0, "invalid vsock CID '' in 'vsock::1': " CIDX },
	{ "vsock:4294967296:1", 0,
	  "invalid vsock CID '4294967296' in 'vsock:4294967296:1': " CIDX },
	{ "vsock:-1:1", 0, "invalid vsock CID '-1' in 'vsock:-1:1': " CIDX },
	{ "vsock: 2:1", 0, "invalid vsock CID ' 2' in 'vsock: 2:1': " CIDX },
	{ "vsock:parent:1", 0, "invalid vsock CID 'parent' in 'vsock:parent:1': " CIDX },
	{ "vsock:hosts:1", 0, "invalid vsock CID 'hosts' in 'vsock:hosts:1': " CIDX },
	{ "vsock:localhost:1", 0, "invalid vsock CID 'localhost' in 'vsock:localhost:1': " CIDX },
	{ "vsock:x:1", L, "invalid vsock CID 'x' in 'vsock:x:1': " CIDX },
	/* vsock without a scheme: two numbers pick vsock */
	{ "4294967296:1", 0, "invalid vsock CID '4294967296' in '4294967296:1': " CIDX },
	{ "1:4294967296", 0, "invalid vsock port '4294967296' in '1:4294967296': " PORTX },
	{ "1:0x100000000", 0, "invalid vsock port '0x100000000' in '1:0x100000000': " PORTX },
	/* tcp */
	{ "tcp:localhost", 0, "invalid address 'tcp:localhost': expected tcp:HOST:PORT" },
	{ "tcp:", 0, "invalid address 'tcp:': expected tcp:HOST:PORT" },
	{ "tcp:80", 0, "invalid address 'tcp:80': expected tcp:HOST:PORT" },
	{ "tcp:", L, "invalid tcp port '' in 'tcp:': " TPORTLX },
	{ "tcp:localhost", L, "invalid tcp port 'localhost' in 'tcp:localhost': " TPORTLX },
	{ "tcp:h:65536", 0, "invalid tcp port '65536' in 'tcp:h:65536': " TPORTX },
	{ "tcp:h:65536", L, "invalid tcp port '65536' in 'tcp:h:65536': " TPORTLX },
	{ "tcp:65536", L, "invalid tcp port '65536' in 'tcp:65536': " TPORTLX },
	{ "tcp:h:0", 0, "invalid tcp port '0' in 'tcp:h:0': " TPORTX },
	{ "tcp:h:", 0, "invalid tcp port '' in 'tcp:h:': " TPORTX },
	{ "tcp:h:-1", 0, "invalid tcp port '-1' in 'tcp:h:-1': " TPORTX },
	{ "tcp:h:+1", 0, "invalid tcp port '+1' in 'tcp:h:+1': " TPORTX },
	{ "tcp:h:0x50", 0, "invalid tcp port '0x50' in 'tcp:h:0x50': " TPORTX },
	{ "tcp:h: 80", 0, "invalid tcp port ' 80' in 'tcp:h: 80': " TPORTX },
	{ "tcp:h:80 ", 0, "invalid tcp port '80 ' in 'tcp:h:80 ': " TPORTX },
	{ "tcp:h:http", 0, "invalid tcp port 'http' in 'tcp:h:http': " TPORTX },
	{ "tcp:h:99999999999999999999", 0,
	  "invalid tcp port '99999999999999999999' in 'tcp:h:99999999999999999999': " TPORTX },
	{ "tcp:[::1]:65536", 0, "invalid tcp port '65536' in 'tcp:[::1]:65536': " TPORTX },
	{ "tcp::80", 0, "invalid tcp host '' in 'tcp::80': " HOSTX },
	{ "tcp::80", L, "invalid tcp host '' in 'tcp::80': " HOSTX },
	{ "tcp:::1:80", 0, "invalid tcp host '::1' in 'tcp:::1:80': " HOSTX },
	{ "tcp:2001:db8::1:80", 0,
	  "invalid tcp host '2001:db8::1' in 'tcp:2001:db8::1:80': " HOSTX },
	{ "tcp:[::1]", 0, "invalid address 'tcp:[::1]': expected tcp:HOST:PORT" },
	{ "tcp:[::1]", L, "invalid address 'tcp:[::1]': expected tcp:HOST:PORT or tcp:PORT" },
	{ "tcp:[::1]80", 0, "invalid address 'tcp:[::1]80': expected tcp:HOST:PORT" },
	{ "tcp:[::1]]:80", 0, "invalid address 'tcp:[::1]]:80': expected tcp:HOST:PORT" },
	{ "tcp:[::1:80", 0, "invalid tcp host '[::1:80' in 'tcp:[::1:80': " HOSTX },
	{ "tcp:[]:80", 0, "invalid tcp host '[]' in 'tcp:[]:80': " HOSTX },
	{ "tcp:[1.2.3.4]:80", 0, "invalid tcp host '[1.2.3.4]' in 'tcp:[1.2.3.4]:80': " HOSTX },
	{ "tcp:[localhost]:80", 0,
	  "invalid tcp host '[localhost]' in 'tcp:[localhost]:80': " HOSTX },
	{ "tcp:[1:2]:80", 0, "invalid tcp host '[1:2]' in 'tcp:[1:2]:80': " HOSTX },
	{ "tcp:[::g]:80", 0, "invalid tcp host '[::g]' in 'tcp:[::g]:80': " HOSTX },
	{ "tcp:[::1%]:80", 0, "invalid tcp host '[::1%]' in 'tcp:[::1%]:80': " HOSTX },
	{ "tcp:[fe80::1%eth/0]:80", 0,
	  "invalid tcp host '[fe80::1%eth/0]' in 'tcp:[fe80::1%eth/0]:80': " HOSTX },
	{ "tcp:[ ::1]:80", 0, "invalid tcp host '[ ::1]' in 'tcp:[ ::1]:80': " HOSTX },
	{ "tcp:ho st:80", 0, "invalid tcp host 'ho st' in 'tcp:ho st:80': " HOSTX },
	{ "tcp: h:80", 0, "invalid tcp host ' h' in 'tcp: h:80': " HOSTX },
	{ "tcp:host/x:80", 0, "invalid tcp host 'host/x' in 'tcp:host/x:80': " HOSTX },
	{ "tcp:@h:80", 0, "invalid tcp host '@h' in 'tcp:@h:80': " HOSTX },
	{ "tcp:h]:80", 0, "invalid tcp host 'h]' in 'tcp:h]:80': " HOSTX },
	{ "tcp:h[:80", 0, "invalid tcp host 'h[' in 'tcp:h[:80': " HOSTX },
	{ "tcp:*:80", L, "invalid tcp host '*' in 'tcp:*:80': " HOSTX },
	{ "tcp:h\xc3\xa9:80", 0, "invalid tcp host 'h\xc3\xa9' in 'tcp:h\xc3\xa9:80': " HOSTX },
	/* unix */
	{ "unix:", 0, "invalid unix path '' in 'unix:': expected a path of 1-107 bytes" },
	{ "unix:", L, "invalid unix path '' in 'unix:': expected a path of 1-107 bytes" },
	{ "unix:@", 0,
	  "invalid unix abstract name '' in 'unix:@': expected a name of 1-107 bytes" },
};

static void test_err_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMS(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct hvt_addr a;
		char err[512] = "";
		memset(&a, 0x5a, sizeof a);
		CHECK(hvt_addr_parse(c->in, c->flags, &a, err, sizeof err) == -1, "'%s' accepted",
		      c->in);
		CHECK(strcmp(err, c->err) == 0, "'%s' (flags %d):\n got  %s\n want %s", c->in,
		      c->flags, err, c->err);
		/* the output is untouched on failure */
		for (size_t k = 0; k < sizeof a; k++)
			CHECK(((unsigned char *)&a)[k] == 0x5a, "'%s' wrote the output", c->in);
	}
}

static void test_lengths(void **state)
{
	static char in[100000], want[1000];
	struct hvt_addr a;
	char err[300];
	(void)state;

	/* unix paths and abstract names: 107 bytes fit sun_path with its NUL, 108 do not */
	char u[200];
	strcpy(u, "unix:");
	memset(u + 5, 'p', 107);
	u[5 + 107] = '\0';
	assert_int_equal(hvt_addr_parse(u, 0, &a, err, sizeof err), 0);
	assert_int_equal(strlen(a.path), 107);
	strcat(u, "p");
	assert_int_equal(hvt_addr_parse(u, 0, &a, err, sizeof err), -1);
	snprintf(want, sizeof want,
		 "invalid unix path '%s' in '%s': expected a path of 1-107 bytes", u + 5, u);
	assert_string_equal(err, want);

	strcpy(u, "unix:@");
	memset(u + 6, 'n', 107);
	u[6 + 107] = '\0';
	assert_int_equal(hvt_addr_parse(u, 0, &a, err, sizeof err), 0);
	assert_int_equal(a.abstract, 1);
	assert_int_equal(strlen(a.path), 107);
	strcat(u, "n");
	assert_int_equal(hvt_addr_parse(u, 0, &a, err, sizeof err), -1);
	snprintf(want, sizeof want,
		 "invalid unix abstract name '%s' in '%s': expected a name of 1-107 bytes", u + 6,
		 u);
	assert_string_equal(err, want);

	/* tcp host names: 255 bytes fit HVT_HOST_MAX, 256 do not */
	strcpy(in, "tcp:");
	memset(in + 4, 'h', 255);
	strcpy(in + 4 + 255, ":80");
	assert_int_equal(hvt_addr_parse(in, 0, &a, err, sizeof err), 0);
	assert_int_equal(strlen(a.host), 255);
	strcpy(in + 4 + 255, "h:80");
	assert_int_equal(hvt_addr_parse(in, 0, &a, err, sizeof err), -1);
	assert_memory_equal(err, "invalid tcp host 'hhh", 21);
	assert_int_equal(strlen(err), sizeof err - 1); /* truncated, still terminated */

	/* huge inputs of every kind fail cleanly with a truncated message */
	static const char *const prefixes[] = { "",	    "hv:",   "hv:parent:", "vsock:",
						"vsock:2:", "tcp:",  "tcp:h:",	   "tcp:[",
						"unix:",    "unix:@" };
	static const char fills[] = "a0:{-[@";
	for (size_t p = 0; p < N_ELEMS(prefixes); p++) {
		for (size_t f = 0; f < sizeof fills - 1; f++) {
			size_t n = strlen(prefixes[p]);
			memcpy(in, prefixes[p], n);
			memset(in + n, fills[f], sizeof in - 1 - n);
			in[sizeof in - 1] = '\0';
			for (int flags = 0; flags <= L; flags++) {
				err[0] = '\0';
				CHECK(hvt_addr_parse(in, flags, &a, err, sizeof err) == -1,
				      "long '%s%c...' accepted", prefixes[p], fills[f]);
				CHECK(strncmp(err, "invalid ", 8) == 0 && strlen(err) < sizeof err,
				      "long '%s%c...': %s", prefixes[p], fills[f], err);
			}
		}
	}
}

static void test_err_buffer(void **state)
{
	struct hvt_addr a;
	char err[16];
	(void)state;
	/* NULL or empty error buffers are allowed */
	assert_int_equal(hvt_addr_parse("nope", 0, &a, NULL, 0), -1);
	err[0] = 'X';
	assert_int_equal(hvt_addr_parse("nope", 0, &a, err, 0), -1);
	assert_int_equal(err[0], 'X');
	/* truncated, terminated */
	memset(err, 'X', sizeof err);
	assert_int_equal(hvt_addr_parse("nope", 0, &a, err, 10), -1);
	assert_string_equal(err, "invalid a");
	assert_int_equal(err[10], 'X');
	/* NULL input is an empty address */
	char big[256];
	assert_int_equal(hvt_addr_parse(NULL, 0, &a, big, sizeof big), -1);
	assert_string_equal(big, "invalid address '': " G);
	/* success leaves err alone */
	strcpy(big, "untouched");
	assert_int_equal(hvt_addr_parse("vsock:2:1", 0, &a, big, sizeof big), 0);
	assert_string_equal(big, "untouched");
}

/* Mutations of valid addresses: never crash, and every result formats and parses back. */
static void test_fuzz(void **state)
{
	static const char alphabet[] = "hvsocktcpunix:@[]{}()-0123456789abcdefxAF.,% /";
	uint32_t seed = 777;
	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		char s[120], err[200], buf[HVT_ADDR_STRLEN];
		const struct ok_case *c;
		struct hvt_addr a, b;
		seed = seed * 1103515245u + 12345u;
		c = &ok_cases[(seed >> 16) % N_ELEMS(ok_cases)];
		snprintf(s, sizeof s, "%s", c->in);
		size_t len = strlen(s);
		for (int m = 0; m < 3; m++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % (len + 1);
			char ch = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
			if (pos < len && (seed & 1))
				s[pos] = ch;
			else if (pos < len && (seed & 2))
				memmove(s + pos, s + pos + 1, len - pos); /* delete */
			else if (len + 1 < sizeof s) {
				memmove(s + pos + 1, s + pos, len - pos + 1); /* insert */
				s[pos] = ch;
			}
			len = strlen(s);
		}
		int flags = (int)(seed >> 30) & 1;
		err[0] = '\0';
		if (hvt_addr_parse(s, flags, &a, err, sizeof err) == 0) {
			hvt_addr_format(&a, buf, sizeof buf);
			CHECK(hvt_addr_parse(buf, flags, &b, err, sizeof err) == 0,
			      "'%s' -> '%s' does not parse: %s", s, buf, err);
			CHECK(addr_equal(&a, &b), "'%s' -> '%s' differs", s, buf);
		} else {
			CHECK(strncmp(err, "invalid ", 8) == 0, "'%s': message '%s'", s, err);
		}
	}
}

static void test_format(void **state)
{
	struct hvt_addr a;
	char buf[HVT_ADDR_STRLEN];
	(void)state;

	memset(&a, 0, sizeof a);
	a.fam = &hvt_family_hv;
	assert_int_equal(hvt_guid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", &a.vm, NULL), 0);
	a.service = HVT_GUID_PARENT; /* a service id need not follow the template */
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf),
			    "hv:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:" PARENT);
	a.vm = HVT_GUID_ZERO;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "hv:wildcard:" PARENT);
	a.vm = HVT_GUID_BROADCAST;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "hv:broadcast:" PARENT);

	memset(&a, 0, sizeof a);
	a.fam = &hvt_family_vsock;
	a.cid = HVT_CID_ANY;
	a.port = HVT_PORT_ANY;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "vsock:any:any");
	a.cid = HVT_CID_HOST;
	a.port = 0;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "vsock:2:0");
	a.cid = HVT_CID_HYPERVISOR;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "vsock:0:0");
	a.cid = 4294967294u;
	a.port = 4294967294u;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "vsock:4294967294:4294967294");

	memset(&a, 0, sizeof a);
	a.fam = &hvt_family_tcp;
	a.port = 80;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "tcp:80");
	strcpy(a.host, "::1");
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "tcp:[::1]:80");
	strcpy(a.host, "192.0.2.1");
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "tcp:192.0.2.1:80");
	memset(a.host, 'h', HVT_HOST_MAX - 1);
	a.host[HVT_HOST_MAX - 1] = '\0';
	a.port = 65535;
	hvt_addr_format(&a, buf, sizeof buf);
	assert_int_equal(strlen(buf), 4 + 255 + 6);

	memset(&a, 0, sizeof a);
	a.fam = &hvt_family_unix;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "unix:"); /* unnamed */
	strcpy(a.path, "/run/s");
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "unix:/run/s");
	a.abstract = 1;
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "unix:@/run/s");
	memset(a.path, 'p', HVT_PATH_MAX - 1);
	a.path[HVT_PATH_MAX - 1] = '\0';
	hvt_addr_format(&a, buf, sizeof buf);
	assert_int_equal(strlen(buf), 6 + 107);

	memset(&a, 0, sizeof a);
	assert_string_equal(hvt_addr_format(&a, buf, sizeof buf), "unknown");

	/* small buffers: truncated and terminated; zero length leaves buf alone */
	a.fam = &hvt_family_hv;
	a.vm = HVT_GUID_PARENT;
	memset(buf, 'X', sizeof buf);
	assert_ptr_equal(hvt_addr_format(&a, buf, 5), buf);
	assert_string_equal(buf, "hv:p");
	assert_int_equal(buf[5], 'X');
	buf[0] = 'Y';
	assert_ptr_equal(hvt_addr_format(&a, buf, 0), buf);
	assert_int_equal(buf[0], 'Y');
}

static void test_family_names(void **state)
{
	(void)state;
	/* Every family is found by its scheme in any case, and only by it. */
	for (size_t i = 0; hvt_families[i]; i++) {
		const char *name = hvt_families[i]->name;
		char upper[32];
		size_t n = strlen(name);
		assert_ptr_equal(hvt_family_find(name, n), hvt_families[i]);
		for (size_t k = 0; k <= n; k++)
			upper[k] = (char)toupper((unsigned char)name[k]);
		assert_ptr_equal(hvt_family_find(upper, n), hvt_families[i]);
		assert_null(hvt_family_find(name, n - 1));
		/* every descriptor has what the tools and the help rely on */
		assert_non_null(hvt_families[i]->parse);
		assert_non_null(hvt_families[i]->format);
		assert_non_null(hvt_families[i]->proto);
		assert_non_null(strchr(hvt_families[i]->syntax, ':'));
		assert_int_equal(strncmp(hvt_families[i]->syntax, name, n), 0);
	}
	assert_null(hvt_family_find("nosuch", 6));
	assert_ptr_equal(hvt_family_find("vsock", 5), &hvt_family_vsock);
}

/* VM names (hv:NAME:SERVICE) through fake VM lists: the platform's list is never asked. */
static int no_vms(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	snprintf(err, errlen, "no VMs here (test)");
	return HVT_VMS_UNAVAILABLE;
}

static int vms_denied(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	snprintf(err, errlen, "access denied (test)");
	return HVT_VMS_ERROR;
}

static const struct {
	const char *name, *id;
} fake[] = {
	{ "web", "11111111-2222-3333-4444-555555555555" },
	{ "DB", "22222222-2222-3333-4444-555555555555" },
	{ "db", "33333333-2222-3333-4444-555555555555" },
	{ "Twin", "44444444-2222-3333-4444-555555555555" },
	{ "Twin", "55555555-2222-3333-4444-555555555555" },
	{ "my vm", "66666666-2222-3333-4444-555555555555" },
	{ "parent", "77777777-2222-3333-4444-555555555555" },
	{ "Case", "88888888-2222-3333-4444-555555555555" },
	{ NULL, "99999999-2222-3333-4444-555555555555" },
};

static int some_vms(struct hvt_vm **out, size_t *n, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct hvt_vm *v = calloc(N_ELEMS(fake), sizeof *v);
	assert_non_null(v);
	for (size_t i = 0; i < N_ELEMS(fake); i++) {
		assert_int_equal(hvt_guid_parse(fake[i].id, &v[i].id, NULL), 0);
		if (fake[i].name) {
			v[i].name = malloc(strlen(fake[i].name) + 1);
			assert_non_null(v[i].name);
			strcpy(v[i].name, fake[i].name);
		}
	}
	*out = v;
	*n = N_ELEMS(fake);
	return HVT_VMS_OK;
}

static void test_vm_names(void **state)
{
	static const struct {
		const char *in;
		int flags;
		const char *vm;	 /* expected VM id, or NULL: error */
		const char *err; /* expected message */
	} cases[] = {
		{ "hv:web:22", 0, "11111111-2222-3333-4444-555555555555", NULL },
		{ "hv:web:22", L, "11111111-2222-3333-4444-555555555555", NULL },
		{ "HV:WEB:22", 0, "11111111-2222-3333-4444-555555555555", NULL }, /* case folded */
		{ "hv:db:22", 0, "33333333-2222-3333-4444-555555555555",
		  NULL }, /* exact case wins */
		{ "hv:DB:22", 0, "22222222-2222-3333-4444-555555555555", NULL },
		{ "hv:my vm:22", 0, "66666666-2222-3333-4444-555555555555", NULL },
		{ "hv:case:22", 0, "88888888-2222-3333-4444-555555555555", NULL },
		/* a well-known name or a GUID is never looked up */
		{ "hv:parent:22", 0, PARENT, NULL },
		{ "hv:" PARENT ":22", 0, PARENT, NULL },
		{ "hv:Db:22", 0, NULL,
		  "invalid hv VM id 'Db' in 'hv:Db:22': 2 VMs are named 'Db': use the VM id (hvlist vms "
		  "lists the VMs)" },
		{ "hv:Twin:22", 0, NULL,
		  "invalid hv VM id 'Twin' in 'hv:Twin:22': 2 VMs are named 'Twin': use the VM id "
		  "(hvlist vms lists the VMs)" },
		{ "hv:nope:22", 0, NULL,
		  "invalid hv VM id 'nope' in 'hv:nope:22': " VMX
		  "; no VM is named 'nope' (hvlist vms "
		  "lists the VMs)" },
		{ "hv:myvm:22", 0, NULL,
		  "invalid hv VM id 'myvm' in 'hv:myvm:22': " VMX
		  "; no VM is named 'myvm' (hvlist vms "
		  "lists the VMs)" },
		/* the service is still checked */
		{ "hv:web:x", 0, NULL, "invalid hv service 'x' in 'hv:web:x': " SVX },
		/* no scheme: VM names are not looked up */
		{ "web:22", 0, NULL, "invalid address 'web:22': " G },
	};
	struct hvt_addr a;
	char err[600], want[HVT_GUID_STRLEN], got[HVT_GUID_STRLEN];
	(void)state;
	hvt_vms_set_lister(some_vms);
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		err[0] = '\0';
		int rc = hvt_addr_parse(cases[i].in, cases[i].flags, &a, err, sizeof err);
		if (cases[i].vm) {
			hvt_guid g;
			CHECK(rc == 0, "'%s' rejected: %s", cases[i].in, err);
			assert_int_equal(hvt_guid_parse(cases[i].vm, &g, NULL), 0);
			CHECK(a.fam == &hvt_family_hv && hvt_guid_equal(&a.vm, &g),
			      "'%s': VM %s, want %s", cases[i].in, hvt_guid_format(&a.vm, 0, got),
			      hvt_guid_format(&g, 0, want));
		} else {
			CHECK(rc == -1, "'%s' accepted", cases[i].in);
			CHECK(strcmp(err, cases[i].err) == 0, "'%s':\n got  %s\n want %s",
			      cases[i].in, err, cases[i].err);
		}
	}

	/* the lister fails: the reason is passed on */
	hvt_vms_set_lister(vms_denied);
	assert_int_equal(hvt_addr_parse("hv:web:22", 0, &a, err, sizeof err), -1);
	assert_string_equal(err, "invalid hv VM id 'web' in 'hv:web:22': " VMX
				 "; cannot look up VM names: access denied (test)");
	hvt_vms_set_lister(no_vms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_table),   cmocka_unit_test(test_fields),
		cmocka_unit_test(test_err_table),  cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_err_buffer), cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_format),	   cmocka_unit_test(test_family_names),
		cmocka_unit_test(test_vm_names),
	};
	/* Never ask the platform (on Windows it would enumerate the host's VMs on every
	 * VM-name-like input of the fuzz test). */
	hvt_vms_set_lister(no_vms);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
