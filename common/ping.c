/* The hvping protocol (common/ping.h). Everything read from the peer is checked against fixed
 * bounds before it is used: this file is meant to be fuzzed. */
#include "ping.h"

#include <string.h>

#include "net.h"
#include "sys.h"

static const uint8_t magic[6] = { 'H', 'V', 'P', 'I', 'N', 'G' };

const char *hvt_ping_status_text(enum hvt_ping_status st)
{
	switch (st) {
	case HVT_PING_OK: return "ok";
	case HVT_PING_IO: return "i/o error";
	case HVT_PING_CLOSED: return "connection closed by peer";
	case HVT_PING_ECHOED: return "it echoes what it receives";
	case HVT_PING_BAD_HELLO: return "its first bytes are not an hvping hello";
	case HVT_PING_BAD_VERSION: return "it speaks another hvping protocol version";
	case HVT_PING_TOO_LARGE: return "size larger than the peer accepts";
	case HVT_PING_MISMATCH: return "reply does not match the probe";
	}
	return "unknown status";
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void hvt_ping_hello_encode(const struct hvt_ping_hello *h, uint8_t out[HVT_PING_HELLO_LEN])
{
	memcpy(out, magic, sizeof magic);
	out[6] = (uint8_t)h->role;
	out[7] = (uint8_t)h->version;
	put32(out + 8, h->size);
}

int hvt_ping_hello_prefix_ok(const uint8_t *buf, size_t len)
{
	size_t n = len < sizeof magic ? len : sizeof magic;
	return memcmp(buf, magic, n) == 0;
}

enum hvt_ping_status hvt_ping_hello_decode(const uint8_t in[HVT_PING_HELLO_LEN], int want_role,
					   uint32_t max_size, struct hvt_ping_hello *out)
{
	if (memcmp(in, magic, sizeof magic) != 0 || in[6] != want_role)
		return HVT_PING_BAD_HELLO;
	out->role = in[6];
	out->version = in[7];
	out->size = get32(in + 8);
	if (out->version < 1)
		return HVT_PING_BAD_VERSION;
	if (out->size > max_size)
		return HVT_PING_TOO_LARGE;
	return HVT_PING_OK;
}

void hvt_ping_hdr_encode(uint32_t seq, uint32_t len, uint8_t out[HVT_PING_HDR_LEN])
{
	put32(out, seq);
	put32(out + 4, len);
}

void hvt_ping_hdr_decode(const uint8_t in[HVT_PING_HDR_LEN], uint32_t *seq, uint32_t *len)
{
	*seq = get32(in);
	*len = get32(in + 4);
}

/* Byte i of probe seq: a cheap mix, so that a reply to another probe (or a shifted stream)
 * does not verify. */
static uint8_t pattern(uint32_t seq, size_t i)
{
	uint32_t x = seq * 2654435761u + (uint32_t)i * 40503u + (uint32_t)(i >> 16);
	return (uint8_t)(x >> 24 ^ x >> 8 ^ x);
}

void hvt_ping_fill(uint32_t seq, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(seq, i);
}

size_t hvt_ping_verify(uint32_t seq, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(seq, i))
			return i + 1;
	return 0;
}

/* Milliseconds left until deadline (ns), rounded up; 0 when it has passed. */
static uint64_t left_ms(uint64_t deadline)
{
	uint64_t now = hvt_now_ns();
	if (now >= deadline)
		return 0;
	return (deadline - now + 999999u) / 1000000u;
}

static uint64_t deadline_after(uint64_t start_ns, uint64_t ms)
{
	if (ms >= (UINT64_MAX - start_ns) / 1000000u)
		return UINT64_MAX;
	return start_ns + ms * 1000000u;
}

/* One recv toward a deadline: >0 bytes, or a status. */
static enum hvt_ping_status recv_some(const struct hvt_ping_io *io, uint8_t *buf, size_t len,
				      uint64_t deadline, size_t *got, int *code)
{
	uint64_t wait = deadline == UINT64_MAX ? UINT64_MAX : left_ms(deadline);
	if (wait == 0) {
		*code = hvt_err_timeout();
		return HVT_PING_IO;
	}
	long n = io->recv(io->ctx, buf, len, wait);
	if (n < 0) {
		*code = (int)-n;
		return HVT_PING_IO;
	}
	if (n == 0)
		return HVT_PING_CLOSED;
	if ((size_t)n > len) { /* a broken callback must not make us overrun */
		*code = hvt_err_timeout();
		return HVT_PING_IO;
	}
	*got += (size_t)n;
	return HVT_PING_OK;
}

enum hvt_ping_status hvt_ping_client_hello(const struct hvt_ping_io *io, uint32_t size,
					   uint64_t wait_ms, struct hvt_ping_hello *peer, int *code)
{
	struct hvt_ping_hello mine = { HVT_PING_ROLE_CLIENT, HVT_PING_VERSION, size };
	uint8_t out[HVT_PING_HELLO_LEN], in[HVT_PING_HELLO_LEN];
	enum hvt_ping_status st;
	size_t got = 0;

	*code = 0;
	hvt_ping_hello_encode(&mine, out);
	if ((*code = io->send(io->ctx, out, sizeof out)) != 0)
		return HVT_PING_IO;
	uint64_t deadline = deadline_after(hvt_now_ns(), wait_ms);
	while (got < sizeof in) {
		if ((st = recv_some(io, in + got, sizeof in - got, deadline, &got, code)) != 0)
			return st;
		if (!hvt_ping_hello_prefix_ok(in, got))
			return HVT_PING_BAD_HELLO; /* a banner, a prompt: no need to wait */
	}
	if (memcmp(in, out, sizeof in) == 0)
		return HVT_PING_ECHOED;
	if ((st = hvt_ping_hello_decode(in, HVT_PING_ROLE_RESPONDER, UINT32_MAX, peer)) != 0)
		return st;
	if (peer->version > HVT_PING_VERSION)
		return HVT_PING_BAD_VERSION; /* the responder must answer with min(ours, its own) */
	if (peer->size < size)
		return HVT_PING_TOO_LARGE;
	return HVT_PING_OK;
}

enum hvt_ping_status hvt_ping_probe(const struct hvt_ping_io *io, uint32_t seq, uint32_t size,
				    uint8_t *buf, uint8_t *reply, uint64_t timeout_ms,
				    uint64_t *rtt_ns, int *code)
{
	size_t n = HVT_PING_HDR_LEN + (size_t)size, got = 0;
	enum hvt_ping_status st;
	int hdr_checked = 0;

	*code = 0;
	if (size > HVT_PING_MAX_SIZE)
		return HVT_PING_TOO_LARGE;
	hvt_ping_hdr_encode(seq, size, buf);
	hvt_ping_fill(seq, buf + HVT_PING_HDR_LEN, size);

	uint64_t t0 = hvt_now_ns();
	if ((*code = io->send(io->ctx, buf, n)) != 0)
		return HVT_PING_IO;
	uint64_t deadline = deadline_after(t0, timeout_ms);
	while (got < n) {
		if ((st = recv_some(io, reply + got, n - got, deadline, &got, code)) != 0)
			return st;
		if (!hdr_checked && got >= HVT_PING_HDR_LEN) {
			/* A wrong header would otherwise leave us waiting for bytes never sent. */
			if (memcmp(reply, buf, HVT_PING_HDR_LEN) != 0)
				return HVT_PING_MISMATCH;
			hdr_checked = 1;
		}
	}
	uint64_t t1 = hvt_now_ns();
	if (hvt_ping_verify(seq, reply + HVT_PING_HDR_LEN, size) != 0)
		return HVT_PING_MISMATCH;
	*rtt_ns = t1 - t0;
	return HVT_PING_OK;
}

enum hvt_ping_status hvt_ping_serve(const struct hvt_ping_io *io, uint64_t hello_wait_ms,
				    struct hvt_ping_served *out, int *code)
{
	/* One message at most: the stack is fine (64 KiB) and nothing is left to free. */
	uint8_t buf[HVT_PING_HDR_LEN + HVT_PING_MAX_SIZE];
	struct hvt_ping_hello h, mine;
	enum hvt_ping_status st;
	size_t got = 0, have = 0;

	memset(out, 0, sizeof *out);
	*code = 0;
	uint64_t deadline = deadline_after(hvt_now_ns(), hello_wait_ms);
	while (got < HVT_PING_HELLO_LEN) {
		if ((st = recv_some(io, buf + got, HVT_PING_HELLO_LEN - got, deadline, &got,
				    code)) != 0)
			return st;
		if (!hvt_ping_hello_prefix_ok(buf, got))
			return HVT_PING_BAD_HELLO;
	}
	st = hvt_ping_hello_decode(buf, HVT_PING_ROLE_CLIENT, HVT_PING_MAX_SIZE, &h);
	if (st != HVT_PING_OK && st != HVT_PING_TOO_LARGE)
		return st;
	/* Answer even a too large size: the client learns our bound from it. */
	mine.role = HVT_PING_ROLE_RESPONDER;
	mine.version = h.version < HVT_PING_VERSION ? h.version : HVT_PING_VERSION;
	mine.size = HVT_PING_MAX_SIZE;
	hvt_ping_hello_encode(&mine, buf);
	if ((*code = io->send(io->ctx, buf, HVT_PING_HELLO_LEN)) != 0)
		return HVT_PING_IO;
	if (st != HVT_PING_OK)
		return st;
	out->hello_done = 1;
	out->size = h.size;

	for (;;) {
		/* Echo every complete message in the buffer; a client may send several at once. */
		while (have >= HVT_PING_HDR_LEN) {
			uint32_t seq, len;
			hvt_ping_hdr_decode(buf, &seq, &len);
			if (len > h.size)
				return HVT_PING_TOO_LARGE;
			size_t need = HVT_PING_HDR_LEN + (size_t)len;
			if (have < need)
				break;
			if ((*code = io->send(io->ctx, buf, need)) != 0)
				return HVT_PING_IO;
			out->probes++;
			memmove(buf, buf + need, have - need);
			have -= need;
		}
		/* have < HDR + h.size <= sizeof buf here, so there is room. */
		if ((st = recv_some(io, buf + have, sizeof buf - have, UINT64_MAX, &have, code)) !=
		    0)
			return st;
	}
}

void hvt_ping_stats_add(struct hvt_ping_stats *s, double ms)
{
	s->n++;
	if (s->n == 1 || ms < s->min)
		s->min = ms;
	if (s->n == 1 || ms > s->max)
		s->max = ms;
	double d = ms - s->mean;
	s->mean += d / (double)s->n;
	s->m2 += d * (ms - s->mean);
}

/* Square root without libm (Newton's method; converges in a few dozen steps for any input). */
static double root(double x)
{
	if (!(x > 0))
		return 0;
	double r = x > 1 ? x : 1;
	for (int i = 0; i < 200; i++) {
		double next = 0.5 * (r + x / r);
		if (next >= r)
			break;
		r = next;
	}
	return r;
}

double hvt_ping_stats_mdev(const struct hvt_ping_stats *s)
{
	return s->n ? root(s->m2 / (double)s->n) : 0;
}
