/* Portable parser of NETLINK_SOCK_DIAG replies for AF_VSOCK (see vsockdiag.h). */
#include "vsockdiag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "strutil.h"

/* Recorded dumps are small (32 bytes per socket); anything this big is not one. */
#define MAX_FILE (64u << 20)

void hvt_vsockdiag_init(struct hvt_vsock_dump *d)
{
	memset(d, 0, sizeof *d);
}

void hvt_vsockdiag_free(struct hvt_vsock_dump *d)
{
	free(d->socks);
	hvt_vsockdiag_init(d);
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4); /* native byte order, like the kernel wrote it */
	return v;
}

static uint16_t rd16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* The positive errno of a netlink error field (-errno; garbage stays positive too). */
static int errno_of(uint32_t field)
{
	int64_t e = (int32_t)field;
	if (e < 0)
		e = -e;
	return e > 0x7FFFFFFF ? 0x7FFFFFFF : (int)e;
}

static int add(struct hvt_vsock_dump *d, const unsigned char *m)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct hvt_vsock_sock *v = realloc(d->socks, cap * sizeof *v);
		if (!v)
			return -1;
		d->socks = v;
		d->cap = cap;
	}
	struct hvt_vsock_sock *s = &d->socks[d->n++];
	memset(s, 0, sizeof *s); /* padding too: records compare with memcmp */
	/* struct vsock_diag_msg: family, type, state, shutdown (u8 each), then u32 src_cid,
	 * src_port, dst_cid, dst_port, ino, cookie[2] */
	s->type = m[1];
	s->state = m[2];
	s->shutdown = m[3];
	s->local_cid = rd32(m + 4);
	s->local_port = rd32(m + 8);
	s->peer_cid = rd32(m + 12);
	s->peer_port = rd32(m + 16);
	s->inode = rd32(m + 20);
	s->cookie = (uint64_t)rd32(m + 24) | (uint64_t)rd32(m + 28) << 32;
	return 0;
}

int hvt_vsockdiag_parse(struct hvt_vsock_dump *d, const void *buf, size_t len, char *err,
			size_t errlen)
{
	const unsigned char *p = buf;
	size_t off = 0;
	while (off < len && !d->done) {
		size_t left = len - off;
		if (left < HVT_NL_HDRLEN)
			return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
					"truncated netlink header at byte %zu (%zu bytes left)",
					off, left);
		uint32_t mlen = rd32(p + off);
		uint16_t type = rd16(p + off + 4);
		if (mlen < HVT_NL_HDRLEN || mlen > left)
			return hvt_fail(
				err, errlen, HVT_VSOCKDIAG_ERROR,
				"bad netlink message length %lu at byte %zu (%zu bytes left)",
				(unsigned long)mlen, off, left);
		const unsigned char *body = p + off + HVT_NL_HDRLEN;
		size_t blen = mlen - HVT_NL_HDRLEN;
		switch (type) {
		case HVT_NL_SOCK_DIAG_BY_FAMILY:
			if (blen < HVT_VSOCK_DIAG_MSGLEN)
				return hvt_fail(
					err, errlen, HVT_VSOCKDIAG_ERROR,
					"vsock_diag message of %zu bytes at byte %zu (expected %d)",
					blen, off, HVT_VSOCK_DIAG_MSGLEN);
			if (body[0] != HVT_NL_AF_VSOCK)
				return hvt_fail(
					err, errlen, HVT_VSOCKDIAG_ERROR,
					"socket of family %u at byte %zu (expected AF_VSOCK, %d)",
					body[0], off, HVT_NL_AF_VSOCK);
			if (add(d, body) < 0)
				return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "out of memory");
			break;
		case HVT_NL_NLMSG_DONE:
			/* the payload, when present, is an int: 0 or a negative errno */
			if (blen >= 4 && (int32_t)rd32(body) < 0)
				d->kernel_err = errno_of(rd32(body));
			d->done = 1;
			break;
		case HVT_NL_NLMSG_ERROR: {
			if (blen < 4)
				return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
						"truncated netlink error at byte %zu", off);
			d->kernel_err = errno_of(rd32(body));
			if (d->kernel_err == 0) /* an acknowledgement, not an error */
				break;
			d->done = 1;
			break;
		}
		case HVT_NL_NLMSG_OVERRUN:
			return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
					"netlink overrun at byte %zu: data was lost", off);
		default: /* NLMSG_NOOP and anything newer */ break;
		}
		/* NLMSG_ALIGN: messages start on 4-byte boundaries; the last may end unpadded */
		size_t adv = ((size_t)mlen + 3) & ~(size_t)3;
		off += adv < left ? adv : left;
	}
	return HVT_VSOCKDIAG_OK;
}

/* The few errno values a sock_diag dump answers with, by their Linux numbers (the data may
 * be replayed on another system). */
static const char *linux_errno_text(int e)
{
	switch (e) {
	case 1: return "operation not permitted";
	case 2: return "no such file or directory";
	case 12: return "out of memory";
	case 13: return "permission denied";
	/* sock_diag and vsock_diag answer EINVAL to a malformed request only (too short, or a
	 * family beyond AF_MAX); a missing vsock_diag is ENOENT */
	case 22: return "invalid argument (the request was malformed)";
	case 95: return "operation not supported";
	case 97: return "address family not supported by protocol";
	}
	return NULL;
}

int hvt_vsockdiag_finish(struct hvt_vsock_dump *d, const char *file, char *err, size_t errlen)
{
	/* "the kernel cannot ..." live; "FILE: recorded answer: the kernel could not ..." */
	const char *pre = file ? file : "", *sep = file ? ": recorded answer: " : "";
	const char *cannot = file ? "could not" : "cannot", *isnot = file ? "was not" : "is not";
	if (d->kernel_err == 2 /* ENOENT: no sock_diag handler for AF_VSOCK */)
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_UNAVAILABLE,
				"%s%sthe kernel %s list vsock sockets: the vsock_diag module %s "
				"loaded (modprobe vsock_diag)",
				pre, sep, cannot, isnot);
	if (d->kernel_err) {
		const char *t = linux_errno_text(d->kernel_err);
		char num[32];
		if (!t) {
			snprintf(num, sizeof num, "error %d", d->kernel_err);
			t = num;
		}
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
				"%s%sthe kernel refused the vsock socket dump: %s", pre, sep, t);
	}
	if (!d->done)
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
				"%s%sincomplete vsock socket dump (no NLMSG_DONE)", pre,
				file ? ": " : "");
	return HVT_VSOCKDIAG_OK;
}

static const char *lower_strerror(int e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

int hvt_vsockdiag_load(struct hvt_vsock_dump *d, const char *path, char *err, size_t errlen)
{
	char eb[128];
	FILE *f = fopen(path, "rb");
	if (!f)
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "cannot open %s: %s", path,
				lower_strerror(errno, eb, sizeof eb));
	size_t cap = 4096, len = 0;
	unsigned char *buf = malloc(cap);
	int rc = buf ? HVT_VSOCKDIAG_OK
		     : hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "out of memory");
	while (rc == HVT_VSOCKDIAG_OK) {
		if (len == cap) {
			unsigned char *nb = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;
			if (!nb && cap >= MAX_FILE)
				rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
					      "%s: larger than %u MiB: not a vsock socket dump",
					      path, MAX_FILE >> 20);
			else if (!nb)
				rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "out of memory");
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
					      "cannot read %s: %s", path,
					      lower_strerror(errno, eb, sizeof eb));
			break;
		}
	}
	fclose(f);
	if (rc == HVT_VSOCKDIAG_OK) {
		char perr[200];
		rc = hvt_vsockdiag_parse(d, buf, len, perr, sizeof perr);
		if (rc != HVT_VSOCKDIAG_OK)
			hvt_fail(err, errlen, rc, "%s: %s", path, perr);
		else
			rc = hvt_vsockdiag_finish(d, path, err, errlen);
	}
	free(buf);
	return rc;
}

const char *hvt_vsock_state_name(uint8_t state, char *buf, size_t len)
{
	static const char *const names[] = { NULL,	   "ESTAB",	 "SYN-SENT",  "SYN-RECV",
					     "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
					     "CLOSE-WAIT", "LAST-ACK",	 "LISTEN",    "CLOSING" };
	if (state < sizeof names / sizeof names[0] && names[state])
		return names[state];
	snprintf(buf, len, "UNKNOWN-%u", state);
	return buf;
}

const char *hvt_vsock_type_name(uint8_t type, char *buf, size_t len)
{
	switch (type) {
	case HVT_VST_STREAM: return "stream";
	case HVT_VST_DGRAM: return "dgram";
	case HVT_VST_SEQPACKET: return "seqpacket";
	}
	snprintf(buf, len, "type-%u", type);
	return buf;
}

const char *hvt_vsock_cid_text(uint32_t cid, char *buf, size_t len)
{
	if (cid == 0xFFFFFFFFu)
		snprintf(buf, len, "local CID any (the host addresses this VM by its VM id)");
	else
		snprintf(buf, len, "local CID %lu", (unsigned long)cid);
	return buf;
}
