/* common/vsockdiag.c: NETLINK_SOCK_DIAG dumps of AF_VSOCK sockets, from real kernel answers
 * recorded in the QEMU guest (tests/data/vsockdiag-*.bin, see tests/data/README) and from
 * hand-made messages for the malformed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vsockdiag.h"

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg(__VA_ARGS__);                                                     \
	} while (0)

#define ANY 0xFFFFFFFFu

/* tests/data/NAME, found from this file's own path (the build runs tests elsewhere). */
static const char *data_path(const char *name)
{
	static char path[1024];
	const char *src = getenv("HVT_SRC");
	if (src && *src) {
		snprintf(path, sizeof path, "%s/tests/data/%s", src, name);
		return path;
	}
	const char *me = __FILE__; /* .../tests/unit/test_vsockdiag.c */
	size_t n = strlen(me);
	int seps = 0;
	while (n > 0 && seps < 2)
		if (me[--n] == '/' || me[n] == '\\')
			seps++;
	snprintf(path, sizeof path, "%.*s/data/%s", (int)n, me, name);
	return path;
}

static unsigned char *read_data(const char *name, size_t *len)
{
	FILE *f = fopen(data_path(name), "rb");
	CHECK(f != NULL, "cannot open %s", data_path(name));
	unsigned char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static int load(const char *name, struct hvt_vsock_dump *d, char *err, size_t errlen)
{
	hvt_vsockdiag_init(d);
	return hvt_vsockdiag_load(d, data_path(name), err, errlen);
}

static const struct hvt_vsock_sock *find(const struct hvt_vsock_dump *d, uint8_t state,
					 uint32_t lcid, uint32_t lport)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->socks[i].state == state && d->socks[i].local_cid == lcid &&
		    d->socks[i].local_port == lport)
			return &d->socks[i];
	return NULL;
}

/* ---- recorded answers ---- */

static void test_empty(void **state)
{
	struct hvt_vsock_dump d;
	char err[300] = "";
	(void)state;
	assert_int_equal(load("vsockdiag-empty.bin", &d, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(d.n, 0);
	assert_true(d.done);
	assert_int_equal(d.kernel_err, 0);
	hvt_vsockdiag_free(&d);
}

/* Four hvnc listeners and two connections (one half-closed by its server), see README. */
static void test_conns(void **state)
{
	struct hvt_vsock_dump d;
	char err[300] = "";
	(void)state;
	assert_int_equal(load("vsockdiag-conns.bin", &d, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(d.n, 8);
	for (size_t i = 0; i < d.n; i++)
		assert_int_equal(d.socks[i].type, HVT_VST_STREAM);

	const struct hvt_vsock_sock *s = find(&d, HVT_VSS_LISTEN, ANY, 4000);
	assert_non_null(s);
	assert_int_equal(s->peer_cid, ANY);
	assert_int_equal(s->peer_port, ANY);
	assert_int_equal(s->shutdown, 0);
	assert_int_equal(s->inode, 10242);
	assert_non_null(find(&d, HVT_VSS_LISTEN, ANY, 5000));
	assert_non_null(find(&d, HVT_VSS_LISTEN, 1, 5001)); /* bound to CID 1 */
	assert_non_null(find(&d, HVT_VSS_LISTEN, ANY, 5002));

	/* accepted end of the connection to 4000 and the client end, naming each other */
	const struct hvt_vsock_sock *srv = find(&d, HVT_VSS_ESTABLISHED, 1, 4000);
	assert_non_null(srv);
	assert_int_equal(srv->peer_cid, 1);
	const struct hvt_vsock_sock *cli = find(&d, HVT_VSS_ESTABLISHED, ANY, srv->peer_port);
	assert_non_null(cli);
	assert_int_equal(cli->peer_cid, 1);
	assert_int_equal(cli->peer_port, 4000);
	assert_int_equal(cli->inode, 10252);

	/* the server of 5002 had no input: it shut down its sending side */
	const struct hvt_vsock_sock *half = find(&d, HVT_VSS_ESTABLISHED, 1, 5002);
	assert_non_null(half);
	assert_int_equal(half->shutdown, HVT_VSHUT_WR);
	hvt_vsockdiag_free(&d);
}

/* 208 sockets: the kernel answered in several datagrams (NLM_F_MULTI), recorded one after
 * the other. */
static void test_many(void **state)
{
	struct hvt_vsock_dump d;
	char err[300] = "";
	(void)state;
	assert_int_equal(load("vsockdiag-many.bin", &d, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(d.n, 208);
	for (uint32_t p = 6000; p < 6200; p++)
		CHECK(find(&d, HVT_VSS_LISTEN, ANY, p) != NULL, "no listener on %u", (unsigned)p);
	hvt_vsockdiag_free(&d);
}

/* vsock_diag unloaded: the kernel answered NLMSG_ERROR -ENOENT. */
static void test_noent(void **state)
{
	struct hvt_vsock_dump d;
	char err[300] = "";
	(void)state;
	assert_int_equal(load("vsockdiag-noent.bin", &d, err, sizeof err),
			 HVT_VSOCKDIAG_UNAVAILABLE);
	assert_int_equal(d.kernel_err, 2);
	assert_int_equal(d.n, 0);
	char want[400];
	snprintf(want, sizeof want,
		 "%s: recorded answer: the kernel could not list vsock sockets: the vsock_diag "
		 "module was not loaded (modprobe vsock_diag)",
		 data_path("vsockdiag-noent.bin"));
	assert_string_equal(err, want);
	hvt_vsockdiag_free(&d);

	/* the same answer live */
	size_t len;
	unsigned char *buf = read_data("vsockdiag-noent.bin", &len);
	hvt_vsockdiag_init(&d);
	assert_int_equal(hvt_vsockdiag_parse(&d, buf, len, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(hvt_vsockdiag_finish(&d, NULL, err, sizeof err),
			 HVT_VSOCKDIAG_UNAVAILABLE);
	assert_string_equal(err,
			    "the kernel cannot list vsock sockets: the vsock_diag module is not "
			    "loaded (modprobe vsock_diag)");
	hvt_vsockdiag_free(&d);
	free(buf);
}

/* The parser gets whole messages in any grouping: one call per message gives the same. */
static void test_split(void **state)
{
	size_t len;
	unsigned char *buf = read_data("vsockdiag-many.bin", &len);
	struct hvt_vsock_dump whole, parts;
	char err[300];
	(void)state;
	hvt_vsockdiag_init(&whole);
	hvt_vsockdiag_init(&parts);
	assert_int_equal(hvt_vsockdiag_parse(&whole, buf, len, err, sizeof err), 0);
	size_t off = 0, msgs = 0;
	while (off < len) {
		uint32_t mlen;
		memcpy(&mlen, buf + off, 4);
		size_t adv = (mlen + 3u) & ~3u;
		assert_int_equal(hvt_vsockdiag_parse(&parts, buf + off, adv, err, sizeof err), 0);
		off += adv;
		msgs++;
	}
	assert_int_equal(msgs, 209); /* 208 sockets and NLMSG_DONE */
	assert_int_equal(parts.n, whole.n);
	assert_memory_equal(parts.socks, whole.socks, whole.n * sizeof *whole.socks);
	assert_true(parts.done);
	assert_int_equal(hvt_vsockdiag_finish(&parts, NULL, err, sizeof err), 0);
	hvt_vsockdiag_free(&whole);
	hvt_vsockdiag_free(&parts);
	free(buf);
}

/* Every prefix of a recording: never a crash, and never "complete" before the end. */
static void test_truncated(void **state)
{
	size_t len;
	unsigned char *buf = read_data("vsockdiag-conns.bin", &len);
	(void)state;
	for (size_t n = 0; n < len; n++) {
		struct hvt_vsock_dump d;
		char err[300] = "";
		/* a copy of exactly n bytes, so that ASan sees any read past them */
		unsigned char *cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, buf, n);
		hvt_vsockdiag_init(&d);
		int rc = hvt_vsockdiag_parse(&d, cut, n, err, sizeof err);
		if (rc == HVT_VSOCKDIAG_OK) {
			rc = hvt_vsockdiag_finish(&d, NULL, err, sizeof err);
			CHECK(rc == HVT_VSOCKDIAG_ERROR, "prefix %zu: finish %d", n, rc);
			assert_string_equal(err, "incomplete vsock socket dump (no NLMSG_DONE)");
		} else {
			CHECK(rc == HVT_VSOCKDIAG_ERROR && err[0], "prefix %zu: %d '%s'", n, rc,
			      err);
		}
		hvt_vsockdiag_free(&d);
		free(cut);
	}
	free(buf);
}

/* Random damage: never a crash or an out-of-bounds read (run under ASan). */
static void test_fuzz(void **state)
{
	size_t len;
	unsigned char *buf = read_data("vsockdiag-conns.bin", &len);
	uint32_t seed = 4242;
	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		unsigned char *m = malloc(len);
		assert_non_null(m);
		memcpy(m, buf, len);
		size_t n = len;
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % len;
			if (seed & 1)
				m[pos] = (unsigned char)(seed >> 24);
			else
				m[pos] ^= (unsigned char)(1u << ((seed >> 4) & 7));
		}
		seed = seed * 1103515245u + 12345u;
		if ((seed & 7) == 0)
			n = (seed >> 8) % (len + 1);
		struct hvt_vsock_dump d;
		char err[300];
		hvt_vsockdiag_init(&d);
		if (hvt_vsockdiag_parse(&d, m, n, err, sizeof err) == HVT_VSOCKDIAG_OK)
			hvt_vsockdiag_finish(&d, NULL, err, sizeof err);
		CHECK(d.n <= len / 48, "%zu sockets from %zu bytes", d.n, n);
		hvt_vsockdiag_free(&d);
		free(m);
	}
	free(buf);
}

/* ---- hand-made messages ---- */

struct msgbuf {
	unsigned char b[1024];
	size_t n;
};

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Appends a netlink message: header (length mlen, or the real one when 0) and payload. */
static void msg(struct msgbuf *m, uint16_t type, const void *payload, size_t plen, uint32_t mlen)
{
	unsigned char *h = m->b + m->n;
	uint32_t len = mlen ? mlen : (uint32_t)(16 + plen);
	memset(h, 0, 16);
	put32(h, len);
	memcpy(h + 4, &type, 2);
	memcpy(h + 16, payload, plen);
	m->n += (16 + plen + 3) & ~(size_t)3;
}

static void diag(struct msgbuf *m, uint8_t type, uint8_t st, uint32_t lport, size_t extra)
{
	unsigned char p[64];
	memset(p, 0, sizeof p);
	p[0] = 40; /* AF_VSOCK */
	p[1] = type;
	p[2] = st;
	p[3] = 3;
	put32(p + 4, 7);
	put32(p + 8, lport);
	put32(p + 12, 2);
	put32(p + 16, 99);
	put32(p + 20, 1234);
	put32(p + 24, 0xdeadbeef);
	put32(p + 28, 1);
	msg(m, 20, p, 32 + extra, 0);
}

static void done(struct msgbuf *m, int32_t code)
{
	msg(m, 3, &code, 4, 0);
}

static int parse(const struct msgbuf *m, struct hvt_vsock_dump *d, char *err, size_t errlen)
{
	hvt_vsockdiag_init(d);
	int rc = hvt_vsockdiag_parse(d, m->b, m->n, err, errlen);
	if (rc == HVT_VSOCKDIAG_OK)
		rc = hvt_vsockdiag_finish(d, NULL, err, errlen);
	return rc;
}

static void test_messages(void **state)
{
	struct msgbuf m;
	struct hvt_vsock_dump d;
	char err[300];
	(void)state;

	/* fields, other types and states, longer messages, NOOP and acks skipped */
	memset(&m, 0, sizeof m);
	diag(&m, HVT_VST_SEQPACKET, HVT_VSS_CLOSE, 5, 0);
	msg(&m, 1 /* NLMSG_NOOP */, "xyz", 3, 0);
	int32_t ack = 0;
	msg(&m, 2 /* NLMSG_ERROR 0: an acknowledgement */, &ack, 4, 0);
	diag(&m, HVT_VST_DGRAM, 12, 6, 8); /* 8 bytes of future attributes */
	msg(&m, 77, "future", 6, 0);
	done(&m, 0);
	diag(&m, HVT_VST_STREAM, HVT_VSS_LISTEN, 7, 0); /* after DONE: not read */
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.socks[0].type, HVT_VST_SEQPACKET);
	assert_int_equal(d.socks[0].state, HVT_VSS_CLOSE);
	assert_int_equal(d.socks[0].shutdown, 3);
	assert_int_equal(d.socks[0].local_cid, 7);
	assert_int_equal(d.socks[0].local_port, 5);
	assert_int_equal(d.socks[0].peer_cid, 2);
	assert_int_equal(d.socks[0].peer_port, 99);
	assert_int_equal(d.socks[0].inode, 1234);
	assert_true(d.socks[0].cookie == 0x1deadbeefull);
	assert_int_equal(d.socks[1].local_port, 6);
	hvt_vsockdiag_free(&d);

	/* a short vsock_diag_msg */
	memset(&m, 0, sizeof m);
	unsigned char p[31] = { 40 };
	msg(&m, 20, p, sizeof p, 0);
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "vsock_diag message of 31 bytes at byte 0 (expected 32)");
	hvt_vsockdiag_free(&d);

	/* another family */
	memset(&m, 0, sizeof m);
	diag(&m, 1, 1, 1, 0);
	m.b[16] = 2;
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "socket of family 2 at byte 0 (expected AF_VSOCK, 40)");
	hvt_vsockdiag_free(&d);

	/* lengths: below the header, beyond the data, header cut */
	memset(&m, 0, sizeof m);
	msg(&m, 3, "\0\0\0\0", 4, 15);
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "bad netlink message length 15 at byte 0 (20 bytes left)");
	hvt_vsockdiag_free(&d);
	memset(&m, 0, sizeof m);
	diag(&m, 1, 1, 1, 0);
	msg(&m, 3, "\0\0\0\0", 4, 100);
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "bad netlink message length 100 at byte 48 (20 bytes left)");
	hvt_vsockdiag_free(&d);
	memset(&m, 0, sizeof m);
	diag(&m, 1, 1, 1, 0);
	m.n += 10;
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "truncated netlink header at byte 48 (10 bytes left)");
	hvt_vsockdiag_free(&d);

	/* overrun; truncated error message */
	memset(&m, 0, sizeof m);
	msg(&m, 4, "", 0, 0);
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "netlink overrun at byte 0: data was lost");
	hvt_vsockdiag_free(&d);
	memset(&m, 0, sizeof m);
	msg(&m, 2, "ab", 2, 0);
	assert_int_equal(parse(&m, &d, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "truncated netlink error at byte 0");
	hvt_vsockdiag_free(&d);

	/* kernel errors in NLMSG_DONE or NLMSG_ERROR */
	static const struct {
		int32_t code;
		int status;
		const char *msg;
	} kerr[] = {
		{ -1, HVT_VSOCKDIAG_ERROR,
		  "the kernel refused the vsock socket dump: operation not permitted" },
		{ -13, HVT_VSOCKDIAG_ERROR,
		  "the kernel refused the vsock socket dump: permission denied" },
		{ -5, HVT_VSOCKDIAG_ERROR, "the kernel refused the vsock socket dump: error 5" },
		{ -22, HVT_VSOCKDIAG_ERROR,
		  "the kernel refused the vsock socket dump: invalid argument (the request was "
		  "malformed)" },
		{ -2, HVT_VSOCKDIAG_UNAVAILABLE,
		  "the kernel cannot list vsock sockets: the vsock_diag module is not loaded "
		  "(modprobe vsock_diag)" },
	};
	for (size_t i = 0; i < sizeof kerr / sizeof kerr[0]; i++) {
		for (int as_error = 0; as_error < 2; as_error++) {
			memset(&m, 0, sizeof m);
			if (as_error)
				msg(&m, 2, &kerr[i].code, 4, 0);
			else
				done(&m, kerr[i].code);
			assert_int_equal(parse(&m, &d, err, sizeof err), kerr[i].status);
			assert_string_equal(err, kerr[i].msg);
			hvt_vsockdiag_free(&d);
		}
	}

	/* nothing at all */
	hvt_vsockdiag_init(&d);
	assert_int_equal(hvt_vsockdiag_parse(&d, "", 0, err, sizeof err), HVT_VSOCKDIAG_OK);
	assert_int_equal(hvt_vsockdiag_finish(&d, "x.bin", err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "x.bin: incomplete vsock socket dump (no NLMSG_DONE)");
	hvt_vsockdiag_free(&d);
}

static void test_files(void **state)
{
	struct hvt_vsock_dump d;
	char err[300];
	(void)state;
	hvt_vsockdiag_init(&d);
	assert_int_equal(hvt_vsockdiag_load(&d, "no-such-dump.bin", err, sizeof err),
			 HVT_VSOCKDIAG_ERROR);
	assert_string_equal(err, "cannot open no-such-dump.bin: no such file or directory");
	hvt_vsockdiag_free(&d);

	/* not a dump at all: this source file */
	assert_int_equal(hvt_vsockdiag_load(&d, __FILE__, err, sizeof err), HVT_VSOCKDIAG_ERROR);
	assert_true(strstr(err, "bad netlink message length") != NULL);
	hvt_vsockdiag_free(&d);
}

static void test_names(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(hvt_vsock_state_name(HVT_VSS_LISTEN, buf, sizeof buf), "LISTEN");
	assert_string_equal(hvt_vsock_state_name(HVT_VSS_ESTABLISHED, buf, sizeof buf), "ESTAB");
	assert_string_equal(hvt_vsock_state_name(HVT_VSS_SYN_SENT, buf, sizeof buf), "SYN-SENT");
	assert_string_equal(hvt_vsock_state_name(HVT_VSS_CLOSE, buf, sizeof buf), "UNCONN");
	assert_string_equal(hvt_vsock_state_name(HVT_VSS_CLOSING, buf, sizeof buf), "CLOSING");
	assert_string_equal(hvt_vsock_state_name(0, buf, sizeof buf), "UNKNOWN-0");
	assert_string_equal(hvt_vsock_state_name(200, buf, sizeof buf), "UNKNOWN-200");
	assert_string_equal(hvt_vsock_type_name(HVT_VST_STREAM, buf, sizeof buf), "stream");
	assert_string_equal(hvt_vsock_type_name(HVT_VST_DGRAM, buf, sizeof buf), "dgram");
	assert_string_equal(hvt_vsock_type_name(HVT_VST_SEQPACKET, buf, sizeof buf), "seqpacket");
	assert_string_equal(hvt_vsock_type_name(9, buf, sizeof buf), "type-9");
	/* Under hv_sock the local CID reads as VMADDR_CID_ANY: not a number to show. */
	char cid[HVT_CID_TEXT_MAX];
	assert_string_equal(hvt_vsock_cid_text(3, cid, sizeof cid), "local CID 3");
	assert_string_equal(hvt_vsock_cid_text(0xFFFFFFFFu, cid, sizeof cid),
			    "local CID any (the host addresses this VM by its VM id)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty), cmocka_unit_test(test_conns),
		cmocka_unit_test(test_many),  cmocka_unit_test(test_noent),
		cmocka_unit_test(test_split), cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fuzz),  cmocka_unit_test(test_messages),
		cmocka_unit_test(test_files), cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
