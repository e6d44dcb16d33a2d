/* The hvping protocol (man/hvping.1, PROTOCOL): portable, I/O through callbacks so that unit
 * tests and fuzzers can drive both sides without sockets.
 *
 * Hello, 12 bytes, each side once, client first:
 *   "HVPING" | role ('C' client, 'R' responder) | version (1) | size u32 big-endian
 * The client's size is the payload it will send per probe; the responder's is the largest it
 * accepts. The responder answers with min(client version, its own). An echo-only peer sends
 * the client's own hello back: role 'C' tells it apart.
 * Probe, client -> responder, echoed back unchanged:
 *   seq u32 big-endian | length u32 big-endian | length payload bytes (hvt_ping_fill pattern)
 * A length above the size announced in the client's hello ends the connection. */
#ifndef HVT_PING_H
#define HVT_PING_H

#include <stddef.h>
#include <stdint.h>

#define HVT_PING_VERSION	1
#define HVT_PING_MAX_SIZE	65536u /* largest payload either side handles */
#define HVT_PING_HELLO_LEN	12
#define HVT_PING_HDR_LEN	8
#define HVT_PING_ROLE_CLIENT	'C'
#define HVT_PING_ROLE_RESPONDER 'R'

/* Outcome of a protocol step. */
enum hvt_ping_status {
	HVT_PING_OK = 0,
	HVT_PING_IO,	      /* the I/O callback failed: *code holds its platform error code */
	HVT_PING_CLOSED,      /* the peer closed the connection */
	HVT_PING_ECHOED,      /* hello: our own hello came back (an echo-only peer) */
	HVT_PING_BAD_HELLO,   /* hello: not the hvping protocol (wrong magic or role) */
	HVT_PING_BAD_VERSION, /* hello: a version this side does not speak */
	HVT_PING_TOO_LARGE,   /* a size or length over the bound */
	HVT_PING_MISMATCH,    /* reply: wrong sequence number, length or payload */
};

/* Short lowercase text for a status other than HVT_PING_IO ("connection closed by peer"). */
const char *hvt_ping_status_text(enum hvt_ping_status st);

struct hvt_ping_hello {
	int role;	  /* HVT_PING_ROLE_CLIENT or HVT_PING_ROLE_RESPONDER */
	unsigned version; /* 1..255 */
	uint32_t size;
};

void hvt_ping_hello_encode(const struct hvt_ping_hello *h, uint8_t out[HVT_PING_HELLO_LEN]);
/* How many leading bytes of buf[0..len) can still start a hello (magic check as bytes
 * arrive): returns 1 while they can, 0 once they cannot. */
int hvt_ping_hello_prefix_ok(const uint8_t *buf, size_t len);
/* Decodes a complete hello: magic (else HVT_PING_BAD_HELLO), role == want_role (else
 * HVT_PING_BAD_HELLO), version >= 1 (else HVT_PING_BAD_VERSION), size <= max_size (else
 * HVT_PING_TOO_LARGE; out is still filled). */
enum hvt_ping_status hvt_ping_hello_decode(const uint8_t in[HVT_PING_HELLO_LEN], int want_role,
					   uint32_t max_size, struct hvt_ping_hello *out);

void hvt_ping_hdr_encode(uint32_t seq, uint32_t len, uint8_t out[HVT_PING_HDR_LEN]);
void hvt_ping_hdr_decode(const uint8_t in[HVT_PING_HDR_LEN], uint32_t *seq, uint32_t *len);

/* The payload of probe seq: a pattern that differs between sequence numbers. */
void hvt_ping_fill(uint32_t seq, uint8_t *buf, size_t len);
/* 0 when buf is probe seq's payload, else 1 + the offset of the first wrong byte. */
size_t hvt_ping_verify(uint32_t seq, const uint8_t *buf, size_t len);

/* I/O for the exchanges below. recv returns bytes (0 = EOF) or -code, waiting at most
 * timeout_ms (UINT64_MAX = forever), like hvt_sock_recv; send sends everything or returns a
 * code. */
struct hvt_ping_io {
	long (*recv)(void *ctx, void *buf, size_t len, uint64_t timeout_ms);
	int (*send)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

/* Client: sends its hello (payload size), waits at most wait_ms for the responder's and checks
 * it. A peer whose bytes stop matching the magic is reported at once, without waiting. */
enum hvt_ping_status hvt_ping_client_hello(const struct hvt_ping_io *io, uint32_t size,
					   uint64_t wait_ms, struct hvt_ping_hello *peer,
					   int *code);

/* Client: one probe. buf holds HVT_PING_HDR_LEN + size bytes and is filled here; reply the
 * same. Sends it and receives the echo within timeout_ms; *rtt_ns is the time from just before
 * the send to just after the last byte of the reply arrived (set on success). */
enum hvt_ping_status hvt_ping_probe(const struct hvt_ping_io *io, uint32_t seq, uint32_t size,
				    uint8_t *buf, uint8_t *reply, uint64_t timeout_ms,
				    uint64_t *rtt_ns, int *code);

/* Responder: serves one connection until it ends. Waits hello_wait_ms for the client's hello,
 * then echoes probes (waiting forever between them). Allocates HVT_PING_HDR_LEN + the client's
 * size. HVT_PING_CLOSED after at least the hello means the client finished normally. */
struct hvt_ping_served {
	int hello_done;
	uint32_t size;	 /* from the client's hello */
	uint64_t probes; /* probes echoed */
};
enum hvt_ping_status hvt_ping_serve(const struct hvt_ping_io *io, uint64_t hello_wait_ms,
				    struct hvt_ping_served *out, int *code);

/* Round-trip statistics (Welford: no sum of squares to overflow). */
struct hvt_ping_stats {
	uint64_t n;
	double min, max, mean, m2; /* milliseconds */
};
void hvt_ping_stats_add(struct hvt_ping_stats *s, double ms);
double hvt_ping_stats_mdev(const struct hvt_ping_stats *s); /* population deviation, ms */

#endif
