/* The hvping protocol (common/ping.c) driven through its I/O callbacks. Byte 0 picks the
 * part, byte 1 shapes the I/O (how many bytes each recv returns, whether the stream ends in
 * EOF or an error), the rest is what the peer sends.
 *  0: responder (hvt_ping_serve): answers a hello with its own (role R, version
 *     min(client's, 1), size 65536); after that it sends back exactly the complete probes it
 *     received, unchanged and in order, and counts them; a probe over the client's size ends
 *     the connection with HVT_PING_TOO_LARGE.
 *  1: client hello: the outcome follows from the 12 bytes received (echo, bad magic, version,
 *     size), and the client never waits for bytes once the magic cannot match.
 *  2: probe: a correct echo with an optional corruption or truncation picked by the input must
 *     give OK exactly when the echo is intact.
 *  3: hello encode/decode round trip for any 12 bytes.
 * (hvping's JSON goes through the common writer: fuzz_json.) */
#include "fuzz.h"

#include <errno.h>

#include "ping.h"

struct peer {
	const uint8_t *in;
	size_t len, pos;
	unsigned chunk; /* 0: whatever is asked */
	unsigned seed;
	int fail_at_end; /* recv returns -EIO instead of 0 at the end */
	uint8_t *out;
	size_t outlen, outcap;
	size_t nsends;
	size_t fail_send; /* 1-based send that fails; 0 none */
};

static long p_recv(void *ctx, void *buf, size_t len, uint64_t timeout_ms)
{
	struct peer *p = ctx;
	(void)timeout_ms;
	CHECK(len > 0, "recv of 0 bytes");
	if (p->pos >= p->len)
		return p->fail_at_end ? -EIO : 0;
	size_t n = p->len - p->pos;
	if (n > len)
		n = len;
	if (p->chunk) {
		p->seed = p->seed * 1103515245u + 12345u;
		size_t c = 1 + (p->seed >> 16) % p->chunk;
		if (n > c)
			n = c;
	}
	memcpy(buf, p->in + p->pos, n);
	p->pos += n;
	return (long)n;
}

static int p_send(void *ctx, const void *buf, size_t len)
{
	struct peer *p = ctx;
	p->nsends++;
	if (p->fail_send && p->nsends == p->fail_send)
		return EPIPE;
	if (p->outlen + len > p->outcap) {
		size_t cap = p->outcap ? p->outcap : 4096;
		while (cap < p->outlen + len)
			cap *= 2;
		p->out = realloc(p->out, cap);
		CHECK(p->out != NULL, "out of memory");
		p->outcap = cap;
	}
	memcpy(p->out + p->outlen, buf, len);
	p->outlen += len;
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void serve(struct peer *p)
{
	struct hvt_ping_io io = { p_recv, p_send, p };
	struct hvt_ping_served sv;
	int code = -1;
	enum hvt_ping_status st = hvt_ping_serve(&io, UINT64_MAX, &sv, &code);
	const uint8_t *in = p->in;
	size_t len = p->len;
	static const uint8_t magic[] = "HVPING";

	/* Where the hello fails, nothing is sent back. */
	size_t pre = len < 6 ? len : 6;
	if (memcmp(in, magic, pre) != 0 || (len >= 12 && in[6] != 'C')) {
		CHECK(st == HVT_PING_BAD_HELLO && p->outlen == 0,
		      "bad hello: status %d, %zu bytes sent", (int)st, p->outlen);
		return;
	}
	if (len < 12) {
		CHECK(st == (p->fail_at_end ? HVT_PING_IO : HVT_PING_CLOSED) && p->outlen == 0 &&
			      !sv.hello_done,
		      "short hello: status %d", (int)st);
		return;
	}
	unsigned version = in[7];
	uint32_t size = get32(in + 8);
	if (version == 0) {
		CHECK(st == HVT_PING_BAD_VERSION && p->outlen == 0, "version 0: status %d",
		      (int)st);
		return;
	}
	/* The responder's hello (unless its send failed). */
	if (p->fail_send == 1) {
		CHECK(st == HVT_PING_IO && code == EPIPE, "failed hello send: status %d", (int)st);
		return;
	}
	CHECK(p->outlen >= 12, "no hello sent (status %d)", (int)st);
	struct hvt_ping_hello h;
	CHECK(hvt_ping_hello_decode(p->out, HVT_PING_ROLE_RESPONDER, UINT32_MAX, &h) == HVT_PING_OK,
	      "responder hello does not decode");
	CHECK(h.version == 1 && h.size == HVT_PING_MAX_SIZE, "responder hello: version %u size %u",
	      h.version, (unsigned)h.size);
	if (size > HVT_PING_MAX_SIZE) {
		CHECK(st == HVT_PING_TOO_LARGE && !sv.hello_done && p->outlen == 12,
		      "size %u: status %d", (unsigned)size, (int)st);
		return;
	}
	CHECK(sv.hello_done && sv.size == size, "hello not recorded");

	/* Walk the probes as the client sent them. */
	size_t off = 12, echoed = 0;
	uint64_t probes = 0;
	enum hvt_ping_status want;
	for (;;) {
		if (len - off < 8) {
			want = p->fail_at_end ? HVT_PING_IO : HVT_PING_CLOSED;
			break;
		}
		uint32_t plen = get32(in + off + 4);
		if (plen > size) {
			want = HVT_PING_TOO_LARGE;
			break;
		}
		if (len - off < 8 + (size_t)plen) {
			want = p->fail_at_end ? HVT_PING_IO : HVT_PING_CLOSED;
			break;
		}
		if (p->fail_send && p->fail_send == 2 + probes) {
			want = HVT_PING_IO;
			break;
		}
		off += 8 + (size_t)plen;
		echoed = off - 12;
		probes++;
	}
	CHECK(st == want, "status %d, expected %d (after %llu probes)", (int)st, (int)want,
	      (unsigned long long)probes);
	CHECK(sv.probes == probes, "%llu probes counted, %llu sent", (unsigned long long)sv.probes,
	      (unsigned long long)probes);
	CHECK(p->outlen == 12 + echoed && memcmp(p->out + 12, in + 12, echoed) == 0,
	      "echo differs: %zu bytes back for %zu", p->outlen - 12, echoed);
}

static void client_hello(struct peer *p, uint32_t size)
{
	struct hvt_ping_io io = { p_recv, p_send, p };
	struct hvt_ping_hello peer;
	int code = -1;
	enum hvt_ping_status st = hvt_ping_client_hello(&io, size, UINT64_MAX, &peer, &code);
	CHECK(p->outlen == (p->fail_send == 1 ? 0 : 12), "client hello: %zu bytes sent", p->outlen);
	if (p->fail_send == 1) {
		CHECK(st == HVT_PING_IO && code == EPIPE, "failed send: status %d", (int)st);
		return;
	}
	uint8_t mine[12];
	struct hvt_ping_hello m = { HVT_PING_ROLE_CLIENT, HVT_PING_VERSION, size };
	hvt_ping_hello_encode(&m, mine);
	CHECK(memcmp(p->out, mine, 12) == 0, "client hello bytes");
	const uint8_t *in = p->in;
	size_t len = p->len;
	size_t pre = len < 6 ? len : 6;
	enum hvt_ping_status want;
	if (memcmp(in, "HVPING", pre) != 0)
		want = HVT_PING_BAD_HELLO;
	else if (len < 12)
		want = p->fail_at_end ? HVT_PING_IO : HVT_PING_CLOSED;
	else if (memcmp(in, mine, 12) == 0)
		want = HVT_PING_ECHOED;
	else if (in[6] != 'R')
		want = HVT_PING_BAD_HELLO;
	else if (in[7] == 0 || in[7] > HVT_PING_VERSION)
		want = HVT_PING_BAD_VERSION;
	else if (get32(in + 8) < size)
		want = HVT_PING_TOO_LARGE;
	else
		want = HVT_PING_OK;
	CHECK(st == want, "client hello: status %d, expected %d", (int)st, (int)want);
	/* Never more than the hello is read. */
	CHECK(p->pos <= 12, "client read %zu bytes for a hello", p->pos);
	if (want == HVT_PING_BAD_HELLO && memcmp(in, "HVPING", pre) != 0) {
		/* Reported as soon as a byte cannot be the magic: at most 6 bytes looked at
		 * (more only when one recv returned more). */
		CHECK(p->chunk != 1 || p->pos <= 6, "read %zu bytes past a bad magic", p->pos);
	}
}

static void probe(struct peer *p, const uint8_t *d, size_t n)
{
	if (n < 8)
		return;
	uint32_t seq = get32(d);
	uint32_t size = get32(d + 4) % (HVT_PING_MAX_SIZE + 2); /* one over the bound */
	size_t corrupt_at = n >= 12 ? get32(d + 8) : SIZE_MAX;
	size_t total = HVT_PING_HDR_LEN + (size_t)size;
	uint8_t *buf = malloc(total), *reply = malloc(total), *echo = malloc(total);
	CHECK(buf && reply && echo, "out of memory");
	hvt_ping_hdr_encode(seq, size, echo);
	hvt_ping_fill(seq, echo + HVT_PING_HDR_LEN, size);
	size_t elen = total;
	int damaged = 0, truncated = 0;
	if (corrupt_at != SIZE_MAX) {
		size_t at = corrupt_at % (total + total / 2 + 1);
		if (at < total) {
			if (n >= 13 && (d[12] & 1)) {
				elen = at; /* the peer closes early */
				truncated = 1;
			} else {
				echo[at] ^= (uint8_t)(1 + (n >= 13 ? d[12] >> 1 : 0) % 255);
				damaged = 1;
			}
		}
	}
	p->in = echo;
	p->len = elen;
	struct hvt_ping_io io = { p_recv, p_send, p };
	uint64_t rtt = 0;
	int code = -1;
	enum hvt_ping_status st =
		hvt_ping_probe(&io, seq, size, buf, reply, UINT64_MAX, &rtt, &code);
	if (size > HVT_PING_MAX_SIZE) {
		CHECK(st == HVT_PING_TOO_LARGE && p->outlen == 0, "oversized probe: %d", (int)st);
	} else if (p->fail_send == 1) {
		CHECK(st == HVT_PING_IO, "failed send: %d", (int)st);
	} else {
		CHECK(p->outlen == total, "probe sent %zu bytes, not %zu", p->outlen, total);
		if (damaged)
			CHECK(st == HVT_PING_MISMATCH, "corrupted echo: status %d", (int)st);
		else if (truncated)
			CHECK(st == (p->fail_at_end ? HVT_PING_IO : HVT_PING_CLOSED),
			      "truncated echo (%zu of %zu): status %d", elen, total, (int)st);
		else
			CHECK(st == HVT_PING_OK && memcmp(reply, p->out, total) == 0,
			      "intact echo: status %d", (int)st);
		CHECK(hvt_ping_verify(seq, p->out + HVT_PING_HDR_LEN, size) == 0,
		      "probe payload does not verify");
	}
	free(buf);
	free(reply);
	free(echo);
}

static void hello_roundtrip(const uint8_t *d, size_t n)
{
	if (n < 12 + 5)
		return;
	struct hvt_ping_hello h;
	int role = d[12] & 1 ? HVT_PING_ROLE_CLIENT : HVT_PING_ROLE_RESPONDER;
	uint32_t max = get32(d + 13);
	enum hvt_ping_status st = hvt_ping_hello_decode(d, role, max, &h);
	if (st == HVT_PING_OK || st == HVT_PING_TOO_LARGE) {
		uint8_t again[12];
		hvt_ping_hello_encode(&h, again);
		CHECK(memcmp(again, d, 12) == 0, "hello does not round-trip");
		CHECK((st == HVT_PING_TOO_LARGE) == (h.size > max), "size bound");
		CHECK(h.version >= 1, "version 0 accepted");
	}
	CHECK(hvt_ping_hello_prefix_ok(d, 12) == (memcmp(d, "HVPING", 6) == 0), "prefix check");
	uint32_t seq, len;
	hvt_ping_hdr_decode(d, &seq, &len);
	uint8_t hdr[8];
	hvt_ping_hdr_encode(seq, len, hdr);
	CHECK(memcmp(hdr, d, 8) == 0, "header does not round-trip");
	CHECK(hvt_ping_status_text(st) && *hvt_ping_status_text(st), "status text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned mode = data[0] % 4, shape = data[1];
	struct peer p = { 0 };
	p.in = data + 2;
	p.len = size - 2;
	static const unsigned chunks[] = { 0, 1, 3, 7, 12, 64, 5000, 0 };
	p.chunk = chunks[shape & 7];
	p.seed = shape;
	p.fail_at_end = (shape >> 3) & 1;
	p.fail_send = (shape >> 4) & 3; /* 0: never; 1-3: that send fails */
	switch (mode) {
	case 0: serve(&p); break;
	case 1: client_hello(&p, size >= 6 ? get32(data + 2) % (HVT_PING_MAX_SIZE + 1) : 64); break;
	case 2:
		p.fail_send = p.fail_send == 1;
		probe(&p, data + 2, size - 2);
		break;
	case 3: hello_roundtrip(data + 2, size - 2); break;
	}
	free(p.out);
	return 0;
}
