/* common/ping.c: hello and header coding, payload pattern, both sides of the exchange over a
 * scripted peer, statistics, JSON strings, and random input to the responder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net.h"
#include "ping.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define OUT_MAX	   (4 * (HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE) + 64)

/* A scripted peer: recv hands out `in` at most `chunk` bytes at a time, then EOF (or -end_code);
 * send appends to `out`. */
struct script {
	const uint8_t *in;
	size_t inlen, pos, chunk;
	int end_code;  /* returned as -end_code once the input is used up; 0 = EOF */
	int send_code; /* send fails with this */
	size_t recv_calls;
	uint8_t *out;
	size_t outlen;
};

static long s_recv(void *ctx, void *buf, size_t len, uint64_t timeout_ms)
{
	struct script *s = ctx;
	(void)timeout_ms;
	s->recv_calls++;
	if (s->pos == s->inlen)
		return s->end_code ? -(long)s->end_code : 0;
	size_t n = s->inlen - s->pos;
	if (n > len)
		n = len;
	if (s->chunk && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->in + s->pos, n);
	s->pos += n;
	return (long)n;
}

static int s_send(void *ctx, const void *buf, size_t len)
{
	struct script *s = ctx;
	if (s->send_code)
		return s->send_code;
	assert_true(s->outlen + len <= OUT_MAX);
	memcpy(s->out + s->outlen, buf, len);
	s->outlen += len;
	return 0;
}

static uint8_t *out_buf;

static void script_init(struct script *s, const uint8_t *in, size_t inlen, size_t chunk)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	s->inlen = inlen;
	s->chunk = chunk;
	s->out = out_buf;
}

static struct hvt_ping_io io_of(struct script *s)
{
	struct hvt_ping_io io = { s_recv, s_send, s };
	return io;
}

static size_t hello(uint8_t *p, int role, unsigned version, uint32_t size)
{
	struct hvt_ping_hello h = { role, version, size };
	hvt_ping_hello_encode(&h, p);
	return HVT_PING_HELLO_LEN;
}

static size_t probe_msg(uint8_t *p, uint32_t seq, uint32_t len)
{
	hvt_ping_hdr_encode(seq, len, p);
	hvt_ping_fill(seq, p + HVT_PING_HDR_LEN, len);
	return HVT_PING_HDR_LEN + len;
}

/* ---- coding ----------------------------------------------------------------------------- */

static void test_hello_bytes(void **state)
{
	(void)state;
	uint8_t b[HVT_PING_HELLO_LEN];
	static const uint8_t want[] = { 'H', 'V', 'P', 'I', 'N', 'G', 'C', 1, 0, 1, 0, 0 };
	hello(b, 'C', 1, 65536);
	assert_memory_equal(b, want, sizeof want);

	struct hvt_ping_hello h;
	assert_int_equal(hvt_ping_hello_decode(b, 'C', HVT_PING_MAX_SIZE, &h), HVT_PING_OK);
	assert_int_equal(h.role, 'C');
	assert_int_equal(h.version, 1);
	assert_int_equal(h.size, 65536);
	assert_int_equal(hvt_ping_hello_decode(b, 'R', HVT_PING_MAX_SIZE, &h), HVT_PING_BAD_HELLO);
	assert_int_equal(hvt_ping_hello_decode(b, 'C', 65535, &h), HVT_PING_TOO_LARGE);
	assert_int_equal(h.size, 65536); /* filled in anyway */
	b[7] = 0;
	assert_int_equal(hvt_ping_hello_decode(b, 'C', HVT_PING_MAX_SIZE, &h),
			 HVT_PING_BAD_VERSION);
	b[7] = 1;
	b[0] = 'h';
	assert_int_equal(hvt_ping_hello_decode(b, 'C', HVT_PING_MAX_SIZE, &h), HVT_PING_BAD_HELLO);
}

static void test_hello_prefix(void **state)
{
	(void)state;
	assert_true(hvt_ping_hello_prefix_ok((const uint8_t *)"", 0));
	assert_true(hvt_ping_hello_prefix_ok((const uint8_t *)"HVP", 3));
	assert_true(hvt_ping_hello_prefix_ok((const uint8_t *)"HVPINGxyzabc", 12));
	assert_false(hvt_ping_hello_prefix_ok((const uint8_t *)"S", 1));
	assert_false(hvt_ping_hello_prefix_ok((const uint8_t *)"HVPINX", 6));
}

static void test_header(void **state)
{
	(void)state;
	uint8_t b[HVT_PING_HDR_LEN];
	static const uint8_t want[] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 56 };
	uint32_t seq, len;
	hvt_ping_hdr_encode(0x12345678u, 56, b);
	assert_memory_equal(b, want, sizeof want);
	hvt_ping_hdr_decode(b, &seq, &len);
	assert_int_equal(seq, 0x12345678u);
	assert_int_equal(len, 56);
	hvt_ping_hdr_encode(UINT32_MAX, UINT32_MAX, b);
	hvt_ping_hdr_decode(b, &seq, &len);
	assert_int_equal(seq, UINT32_MAX);
	assert_int_equal(len, UINT32_MAX);
}

static void test_pattern(void **state)
{
	(void)state;
	static uint8_t a[HVT_PING_MAX_SIZE], b[HVT_PING_MAX_SIZE];
	hvt_ping_fill(1, a, sizeof a);
	hvt_ping_fill(2, b, sizeof b);
	assert_int_equal(hvt_ping_verify(1, a, sizeof a), 0);
	assert_int_not_equal(hvt_ping_verify(2, a, sizeof a), 0);
	assert_int_not_equal(hvt_ping_verify(1, b, sizeof b), 0);
	assert_int_equal(hvt_ping_verify(7, a, 0), 0);
	/* Consecutive probes differ in most bytes; a shifted stream does not verify. */
	size_t same = 0;
	for (size_t i = 0; i < 1024; i++)
		same += a[i] == b[i];
	assert_true(same < 64);
	assert_int_not_equal(hvt_ping_verify(1, a + 1, 1024), 0);
	a[1000] ^= 1;
	assert_int_equal(hvt_ping_verify(1, a, sizeof a), 1001);
}

/* ---- the client's hello ----------------------------------------------------------------- */

static enum hvt_ping_status client_hello_with(const uint8_t *in, size_t n, size_t chunk,
					      uint32_t size, struct script *s,
					      struct hvt_ping_hello *peer, int *code)
{
	script_init(s, in, n, chunk);
	struct hvt_ping_io io = io_of(s);
	return hvt_ping_client_hello(&io, size, 1000, peer, code);
}

static void test_client_hello(void **state)
{
	(void)state;
	uint8_t in[64];
	struct script s;
	struct hvt_ping_hello peer;
	int code;
	uint8_t mine[HVT_PING_HELLO_LEN];
	hello(mine, 'C', HVT_PING_VERSION, 56);

	/* A responder, whole and byte by byte; our hello went out first. */
	hello(in, 'R', 1, HVT_PING_MAX_SIZE);
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		assert_int_equal(client_hello_with(in, 12, chunk, 56, &s, &peer, &code),
				 HVT_PING_OK);
		assert_int_equal(peer.version, 1);
		assert_int_equal(peer.size, HVT_PING_MAX_SIZE);
		assert_int_equal(s.outlen, HVT_PING_HELLO_LEN);
		assert_memory_equal(s.out, mine, sizeof mine);
	}
	/* An echo service sends our own hello back. */
	assert_int_equal(client_hello_with(mine, 12, 0, 56, &s, &peer, &code), HVT_PING_ECHOED);
	/* A banner is told apart at its first byte, without waiting for twelve. */
	static const uint8_t banner[] = "SSH-2.0-OpenSSH_9.2\r\n";
	assert_int_equal(client_hello_with(banner, sizeof banner - 1, 1, 56, &s, &peer, &code),
			 HVT_PING_BAD_HELLO);
	assert_int_equal(s.recv_calls, 1);
	/* Closed at once, or after part of a hello. */
	assert_int_equal(client_hello_with(in, 0, 0, 56, &s, &peer, &code), HVT_PING_CLOSED);
	assert_int_equal(client_hello_with(in, 7, 0, 56, &s, &peer, &code), HVT_PING_CLOSED);
	/* A receive error (here: a timeout) carries its code. */
	script_init(&s, in, 3, 0);
	s.end_code = hvt_err_timeout();
	struct hvt_ping_io io = io_of(&s);
	assert_int_equal(hvt_ping_client_hello(&io, 56, 1000, &peer, &code), HVT_PING_IO);
	assert_int_equal(code, hvt_err_timeout());
	/* Our hello cannot be sent. */
	script_init(&s, in, 12, 0);
	s.send_code = 42;
	io = io_of(&s);
	assert_int_equal(hvt_ping_client_hello(&io, 56, 1000, &peer, &code), HVT_PING_IO);
	assert_int_equal(code, 42);
	/* Versions: 0 is never valid; a responder must not answer above ours. */
	hello(in, 'R', 0, HVT_PING_MAX_SIZE);
	assert_int_equal(client_hello_with(in, 12, 0, 56, &s, &peer, &code), HVT_PING_BAD_VERSION);
	hello(in, 'R', HVT_PING_VERSION + 1, HVT_PING_MAX_SIZE);
	assert_int_equal(client_hello_with(in, 12, 0, 56, &s, &peer, &code), HVT_PING_BAD_VERSION);
	/* A responder that accepts less than we want to send. */
	hello(in, 'R', 1, 100);
	assert_int_equal(client_hello_with(in, 12, 0, 100, &s, &peer, &code), HVT_PING_OK);
	assert_int_equal(client_hello_with(in, 12, 0, 101, &s, &peer, &code), HVT_PING_TOO_LARGE);
	/* Another client's hello is not an answer. */
	hello(in, 'C', 1, 999);
	assert_int_equal(client_hello_with(in, 12, 0, 56, &s, &peer, &code), HVT_PING_BAD_HELLO);
}

/* ---- one probe -------------------------------------------------------------------------- */

static enum hvt_ping_status probe_with(const uint8_t *in, size_t n, size_t chunk, uint32_t seq,
				       uint32_t size, struct script *s, uint64_t *rtt, int *code)
{
	static uint8_t buf[HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE];
	static uint8_t reply[HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE];
	script_init(s, in, n, chunk);
	struct hvt_ping_io io = io_of(s);
	return hvt_ping_probe(&io, seq, size, buf, reply, 1000, rtt, code);
}

static void test_probe(void **state)
{
	(void)state;
	static uint8_t in[2 * (HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE)];
	struct script s;
	uint64_t rtt = UINT64_MAX;
	int code;
	static const uint32_t sizes[] = { 0, 1, 56, 4088, HVT_PING_MAX_SIZE };

	for (size_t i = 0; i < N_ELEMS(sizes); i++) {
		size_t n = probe_msg(in, 9, sizes[i]);
		for (size_t chunk = 0; chunk <= 1; chunk += 1) {
			if (chunk && sizes[i] > 4088)
				continue;
			rtt = UINT64_MAX;
			assert_int_equal(probe_with(in, n, chunk, 9, sizes[i], &s, &rtt, &code),
					 HVT_PING_OK);
			assert_true(rtt != UINT64_MAX);
			/* What went out is exactly the message the responder echoes. */
			assert_int_equal(s.outlen, n);
			assert_memory_equal(s.out, in, n);
		}
	}
	/* Replies to the wrong probe, with the wrong length, with a wrong byte. */
	size_t n = probe_msg(in, 8, 56);
	assert_int_equal(probe_with(in, n, 0, 9, 56, &s, &rtt, &code), HVT_PING_MISMATCH);
	n = probe_msg(in, 9, 10);
	assert_int_equal(probe_with(in, n, 0, 9, 56, &s, &rtt, &code), HVT_PING_MISMATCH);
	n = probe_msg(in, 9, 56);
	in[HVT_PING_HDR_LEN + 30] ^= 0x80;
	assert_int_equal(probe_with(in, n, 0, 9, 56, &s, &rtt, &code), HVT_PING_MISMATCH);
	/* A wrong header is seen before the payload would be waited for. */
	n = probe_msg(in, 9, 0);
	assert_int_equal(probe_with(in, n, 0, 9, 56, &s, &rtt, &code), HVT_PING_MISMATCH);
	/* The peer closes or fails part way. */
	n = probe_msg(in, 9, 56);
	assert_int_equal(probe_with(in, n - 1, 0, 9, 56, &s, &rtt, &code), HVT_PING_CLOSED);
	script_init(&s, in, 5, 0);
	s.end_code = hvt_err_timeout();
	uint8_t buf[HVT_PING_HDR_LEN + 56], reply[HVT_PING_HDR_LEN + 56];
	struct hvt_ping_io io = io_of(&s);
	assert_int_equal(hvt_ping_probe(&io, 9, 56, buf, reply, 1000, &rtt, &code), HVT_PING_IO);
	assert_int_equal(code, hvt_err_timeout());
	assert_int_equal(probe_with(in, n, 0, 9, HVT_PING_MAX_SIZE + 1, &s, &rtt, &code),
			 HVT_PING_TOO_LARGE);
}

/* ---- the responder ---------------------------------------------------------------------- */

static enum hvt_ping_status serve_with(const uint8_t *in, size_t n, size_t chunk, struct script *s,
				       struct hvt_ping_served *sv, int *code)
{
	script_init(s, in, n, chunk);
	struct hvt_ping_io io = io_of(s);
	return hvt_ping_serve(&io, 1000, sv, code);
}

static void test_serve(void **state)
{
	(void)state;
	static uint8_t in[4 * (HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE)];
	uint8_t rhello[HVT_PING_HELLO_LEN];
	struct script s;
	struct hvt_ping_served sv;
	int code;

	hello(rhello, 'R', 1, HVT_PING_MAX_SIZE);
	/* Hello and three probes sent at once, or trickled: all echoed after our hello. */
	size_t n = hello(in, 'C', 1, 300);
	n += probe_msg(in + n, 1, 300);
	n += probe_msg(in + n, 2, 0);
	n += probe_msg(in + n, 3, 17);
	for (size_t chunk = 0; chunk <= 7; chunk += 7) {
		assert_int_equal(serve_with(in, n, chunk, &s, &sv, &code), HVT_PING_CLOSED);
		assert_true(sv.hello_done);
		assert_int_equal(sv.size, 300);
		assert_int_equal(sv.probes, 3);
		assert_int_equal(s.outlen, n);
		assert_memory_equal(s.out, rhello, sizeof rhello);
		assert_memory_equal(s.out + 12, in + 12, n - 12);
	}
	/* The largest probes, pipelined. */
	n = hello(in, 'C', 1, HVT_PING_MAX_SIZE);
	n += probe_msg(in + n, 1, HVT_PING_MAX_SIZE);
	n += probe_msg(in + n, 2, HVT_PING_MAX_SIZE);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_CLOSED);
	assert_int_equal(sv.probes, 2);
	assert_memory_equal(s.out + 12, in + 12, n - 12);
	/* A probe longer than the hello announced ends the connection, unanswered. */
	n = hello(in, 'C', 1, 10);
	n += probe_msg(in + n, 1, 11);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_TOO_LARGE);
	assert_int_equal(s.outlen, HVT_PING_HELLO_LEN);
	/* A hello over our bound is answered (the client learns the bound), then closed. */
	n = hello(in, 'C', 1, HVT_PING_MAX_SIZE + 1);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_TOO_LARGE);
	assert_false(sv.hello_done);
	assert_int_equal(s.outlen, HVT_PING_HELLO_LEN);
	assert_memory_equal(s.out, rhello, sizeof rhello);
	/* A newer client gets our version back. */
	n = hello(in, 'C', 200, 5);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_CLOSED);
	assert_int_equal(s.out[7], HVT_PING_VERSION);
	/* Not hvping: no answer at all. */
	static const uint8_t get[] = "GET / HTTP/1.0\r\n\r\n";
	assert_int_equal(serve_with(get, sizeof get - 1, 0, &s, &sv, &code), HVT_PING_BAD_HELLO);
	assert_int_equal(s.outlen, 0);
	n = hello(in, 'R', 1, 5);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_BAD_HELLO);
	n = hello(in, 'C', 0, 5);
	assert_int_equal(serve_with(in, n, 0, &s, &sv, &code), HVT_PING_BAD_VERSION);
	assert_int_equal(s.outlen, 0);
	/* A connect probe: closed before any byte. */
	assert_int_equal(serve_with(in, 0, 0, &s, &sv, &code), HVT_PING_CLOSED);
	assert_false(sv.hello_done);
	/* Errors from the callbacks carry their code. */
	n = hello(in, 'C', 1, 5);
	script_init(&s, in, n, 0);
	s.send_code = 7;
	struct hvt_ping_io io = io_of(&s);
	assert_int_equal(hvt_ping_serve(&io, 1000, &sv, &code), HVT_PING_IO);
	assert_int_equal(code, 7);
	script_init(&s, in, n, 0);
	s.end_code = 9;
	io = io_of(&s);
	assert_int_equal(hvt_ping_serve(&io, 1000, &sv, &code), HVT_PING_IO);
	assert_int_equal(code, 9);
	assert_true(sv.hello_done);
}

/* Random bytes after a valid hello, and random hellos: the responder must only ever echo
 * whole messages within the announced size, and never overrun (ASan builds check that). */
static void test_serve_random(void **state)
{
	(void)state;
	static uint8_t in[8192];
	uint32_t x = 12345;
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		x = x * 1103515245u + 12345u;
		if (round % 3 != 0)
			n = hello(in, 'C', 1, (x >> 8) % 600);
		x = x * 1103515245u + 12345u;
		size_t extra = (x >> 4) % (sizeof in - n);
		for (size_t i = 0; i < extra; i++) {
			x = x * 1103515245u + 12345u;
			/* Mostly small length fields, so that some messages complete. */
			in[n + i] = (uint8_t)((i % 8) < 6 ? 0 : x >> 16);
		}
		n += extra;
		struct script s;
		struct hvt_ping_served sv;
		int code;
		enum hvt_ping_status st = serve_with(in, n, (x >> 20) % 5, &s, &sv, &code);
		assert_true(st != HVT_PING_OK);
		if (sv.hello_done)
			assert_true(s.outlen >= HVT_PING_HELLO_LEN && s.outlen <= n);
	}
}

/* ---- statistics and JSON ---------------------------------------------------------------- */

static void test_stats(void **state)
{
	(void)state;
	struct hvt_ping_stats st;
	memset(&st, 0, sizeof st);
	assert_true(hvt_ping_stats_mdev(&st) == 0);
	hvt_ping_stats_add(&st, 2);
	assert_true(hvt_ping_stats_mdev(&st) == 0);
	hvt_ping_stats_add(&st, 4);
	hvt_ping_stats_add(&st, 1);
	hvt_ping_stats_add(&st, 3);
	assert_int_equal(st.n, 4);
	assert_true(st.min == 1 && st.max == 4);
	assert_true(st.mean > 2.4999999 && st.mean < 2.5000001);
	double md = hvt_ping_stats_mdev(&st); /* sqrt(1.25) */
	assert_true(md > 1.1180339 && md < 1.1180340);
	memset(&st, 0, sizeof st);
	for (int i = 0; i < 1000; i++)
		hvt_ping_stats_add(&st, 0.015);
	assert_true(hvt_ping_stats_mdev(&st) < 1e-9);
	memset(&st, 0, sizeof st);
	hvt_ping_stats_add(&st, 0.001);
	hvt_ping_stats_add(&st, 300000);
	md = hvt_ping_stats_mdev(&st);
	assert_true(md > 149999.99 && md < 150000.01);
}

static void test_status_text(void **state)
{
	(void)state;
	for (int st = HVT_PING_OK; st <= HVT_PING_MISMATCH; st++) {
		const char *t = hvt_ping_status_text((enum hvt_ping_status)st);
		assert_non_null(t);
		assert_true(t[0] >= 'a' && t[0] <= 'z'); /* err(3) shape: lowercase */
		assert_true(t[strlen(t) - 1] != '.');
	}
}

int main(void)
{
	out_buf = malloc(OUT_MAX);
	if (!out_buf)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_bytes),  cmocka_unit_test(test_hello_prefix),
		cmocka_unit_test(test_header),	     cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_client_hello), cmocka_unit_test(test_probe),
		cmocka_unit_test(test_serve),	     cmocka_unit_test(test_serve_random),
		cmocka_unit_test(test_stats),	     cmocka_unit_test(test_status_text),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(out_buf);
	return rc;
}
