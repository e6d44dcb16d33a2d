/* AF_VSOCK sockets as the Linux kernel reports them through NETLINK_SOCK_DIAG (module
 * vsock_diag; what `ss --vsock` uses).
 *
 * The parser is portable: it reads the raw bytes of a netlink dump reply (what recv() got, or
 * a recorded file: the concatenated replies, as `hvlist --dump-save` writes them), so unit
 * tests and fuzzers feed recorded bytes on any platform. Netlink data is in the byte order of
 * the machine that produced it; recorded files in tests/data/ come from x86-64 (little-endian).
 *
 *   struct hvt_vsock_dump d;
 *   hvt_vsockdiag_init(&d);
 *   rc = hvt_vsockdiag_load(&d, "dump.bin", err, sizeof err);   (recorded)
 *   rc = hvt_vsockdiag_dump(&d, NULL, err, sizeof err);         (live; Linux only)
 *   ... d.socks[0 .. d.n) ...
 *   hvt_vsockdiag_free(&d);
 *
 * The live side is common/linux/vsockdiag.c (netlink socket, /dev/vsock, /sys/module,
 * /proc) and common/win/vsockdiag.c (not available). */
#ifndef HVT_VSOCKDIAG_H
#define HVT_VSOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

/* Linux values, spelled out so that the parser needs no Linux headers. */
#define HVT_NL_AF_VSOCK		   40
#define HVT_NL_SOCK_DIAG_BY_FAMILY 20
#define HVT_NL_NLMSG_NOOP	   1
#define HVT_NL_NLMSG_ERROR	   2
#define HVT_NL_NLMSG_DONE	   3
#define HVT_NL_NLMSG_OVERRUN	   4
#define HVT_NL_HDRLEN		   16 /* struct nlmsghdr */
#define HVT_VSOCK_DIAG_MSGLEN	   32 /* struct vsock_diag_msg */

/* sk_state values vsock uses (the TCP_* numbers) */
enum {
	HVT_VSS_ESTABLISHED = 1,
	HVT_VSS_SYN_SENT = 2,
	HVT_VSS_CLOSE = 7,
	HVT_VSS_LISTEN = 10,
	HVT_VSS_CLOSING = 11,
};
/* socket types */
enum { HVT_VST_STREAM = 1, HVT_VST_DGRAM = 2, HVT_VST_SEQPACKET = 5 };
/* vdiag_shutdown bits */
enum { HVT_VSHUT_RD = 1, HVT_VSHUT_WR = 2 };

/* One struct vsock_diag_msg. */
struct hvt_vsock_sock {
	uint8_t type;					     /* HVT_VST_* */
	uint8_t state;					     /* HVT_VSS_* (any TCP_* number) */
	uint8_t shutdown;				     /* HVT_VSHUT_* bits */
	uint32_t local_cid, local_port, peer_cid, peer_port; /* 0xFFFFFFFF = any */
	uint32_t inode;
	uint64_t cookie;
};

struct hvt_vsock_dump {
	struct hvt_vsock_sock *socks;
	size_t n, cap;
	int done;	/* NLMSG_DONE seen: the dump is complete */
	int kernel_err; /* positive Linux errno the kernel answered with, 0 if none */
};

enum hvt_vsockdiag_status {
	HVT_VSOCKDIAG_OK = 0,
	HVT_VSOCKDIAG_ERROR = -1,	/* malformed or truncated data, I/O error; err says */
	HVT_VSOCKDIAG_UNAVAILABLE = -2, /* this system cannot list vsock sockets; err says why
					   and what to do (which module to load) */
};

void hvt_vsockdiag_init(struct hvt_vsock_dump *d);
void hvt_vsockdiag_free(struct hvt_vsock_dump *d);

/* Parses whole netlink messages from buf (a message may not be split across calls) and
 * appends the sockets. Stops at NLMSG_DONE or NLMSG_ERROR (kernel_err then set). Messages of
 * other types are skipped; a vsock_diag_msg longer than 32 bytes is accepted (future
 * attributes), a shorter one or a bad length is an error. Returns HVT_VSOCKDIAG_OK or
 * HVT_VSOCKDIAG_ERROR with "what is wrong at byte N" in err. */
int hvt_vsockdiag_parse(struct hvt_vsock_dump *d, const void *buf, size_t len, char *err,
			size_t errlen);
/* After the last buffer: a kernel error or a missing NLMSG_DONE becomes a status and a
 * message (ENOENT: vsock_diag is not loaded -> HVT_VSOCKDIAG_UNAVAILABLE). file: the
 * recorded file the data came from (named in messages), NULL for a live answer. */
int hvt_vsockdiag_finish(struct hvt_vsock_dump *d, const char *file, char *err, size_t errlen);
/* Reads and parses a recorded dump file (parse + finish). */
int hvt_vsockdiag_load(struct hvt_vsock_dump *d, const char *path, char *err, size_t errlen);

/* ss's names for the states: LISTEN, ESTAB, SYN-SENT, UNCONN, CLOSING, ...; "UNKNOWN-N"
 * otherwise (buf holds it). */
const char *hvt_vsock_state_name(uint8_t state, char *buf, size_t len);
/* stream, dgram, seqpacket; "type-N" otherwise. */
const char *hvt_vsock_type_name(uint8_t type, char *buf, size_t len);

/* ---- live (platform) ---- */

/* Whether this kind of system has vsock sockets to list (Linux: 1, even when vsock_diag is
 * missing; elsewhere 0). hvlist shows the sockets view by default only where it is 1. */
int hvt_vsockdiag_supported(void);

/* Asks the kernel for every AF_VSOCK socket. save_path: also write the raw reply bytes there
 * (a file hvt_vsockdiag_load reads back). */
int hvt_vsockdiag_dump(struct hvt_vsock_dump *d, const char *save_path, char *err, size_t errlen);

#define HVT_VSOCK_MAX_TRANSPORTS 8
struct hvt_vsock_info {
	int cid_err;	    /* 0: local_cid is valid; else the error code of the ioctl */
	uint32_t local_cid; /* IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock */
	const char *transports[HVT_VSOCK_MAX_TRANSPORTS]; /* loaded transport modules */
	size_t ntransports;
};
/* Local CID and loaded transports (vmw_vsock_virtio_transport, vhost_vsock, hv_sock,
 * vmw_vsock_vmci_transport, vsock_loopback). */
void hvt_vsock_info(struct hvt_vsock_info *info);

/* "local CID 3", or under hv_sock, where the local CID reads as VMADDR_CID_ANY, "local CID any
 * (the host addresses this VM by its VM id)" (hv_sock.c: hvs_get_local_cid). Returns buf. */
#define HVT_CID_TEXT_MAX 64
const char *hvt_vsock_cid_text(uint32_t cid, char *buf, size_t len);

struct hvt_sock_owner {
	uint32_t inode;
	int pid, fd;
	char command[64];
};
/* The processes holding sockets with the given inodes, where /proc shows them (other users'
 * processes are skipped unless we may read them). Sorted by inode, then pid, then fd.
 * Returns 0, or an error code. */
int hvt_sock_owners(const uint32_t *inodes, size_t n, struct hvt_sock_owner **out, size_t *nout);

#endif
