/* Linux side of vsockdiag.h: the NETLINK_SOCK_DIAG dump, /dev/vsock, /sys/module and /proc. */
#include "vsockdiag.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/vm_sockets_diag.h>

#include "msg.h"
#include "net.h"
#include "strutil.h"

int hvt_vsockdiag_supported(void)
{
	return 1;
}

static int save_bytes(FILE *f, const void *buf, size_t len)
{
	return f && fwrite(buf, 1, len, f) != len ? -1 : 0;
}

int hvt_vsockdiag_dump(struct hvt_vsock_dump *d, const char *save_path, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		int e = errno;
		if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT)
			return hvt_fail(err, errlen, HVT_VSOCKDIAG_UNAVAILABLE,
					"the kernel has no NETLINK_SOCK_DIAG to list sockets with "
					"(modprobe vsock_diag)");
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "netlink socket: %s",
				hvt_strerror(e));
	}
	/* A dump answers at once; the limit only guards against a kernel that never does. */
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

	struct {
		struct nlmsghdr nh;
		struct vsock_diag_req req;
	} msg;
	memset(&msg, 0, sizeof msg);
	msg.nh.nlmsg_len = sizeof msg;
	msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_VSOCK;
	msg.req.vdiag_states = ~0u;
	struct sockaddr_nl nl;
	memset(&nl, 0, sizeof nl);
	nl.nl_family = AF_NETLINK;
	if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&nl, sizeof nl) < 0) {
		int e = errno;
		close(fd);
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "netlink request: %s",
				hvt_strerror(e));
	}

	FILE *save = NULL;
	if (save_path && !(save = fopen(save_path, "wb"))) {
		int e = errno;
		close(fd);
		return hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "cannot create %s: %s", save_path,
				hvt_strerror(e));
	}
	/* 32 KiB like ss: the kernel fills at most a page-sized skb per reply */
	static unsigned char buf[32768];
	int rc = HVT_VSOCKDIAG_OK;
	while (rc == HVT_VSOCKDIAG_OK && !d->done) {
		struct iovec iov = { buf, sizeof buf };
		struct msghdr mh;
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "netlink reply: %s",
				      hvt_strerror(errno));
			break;
		}
		if (n == 0) {
			rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR,
				      "netlink reply: end of data");
			break;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "netlink reply truncated");
			break;
		}
		if (save_bytes(save, buf, (size_t)n) < 0) {
			rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "cannot write %s: %s",
				      save_path, hvt_strerror(errno));
			break;
		}
		char perr[200];
		if (hvt_vsockdiag_parse(d, buf, (size_t)n, perr, sizeof perr) != HVT_VSOCKDIAG_OK)
			rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "netlink reply: %s", perr);
	}
	close(fd);
	if (save && fclose(save) != 0 && rc == HVT_VSOCKDIAG_OK)
		rc = hvt_fail(err, errlen, HVT_VSOCKDIAG_ERROR, "cannot write %s: %s", save_path,
			      hvt_strerror(errno));
	if (rc == HVT_VSOCKDIAG_OK)
		rc = hvt_vsockdiag_finish(d, NULL, err, errlen);
	return rc;
}

void hvt_vsock_info(struct hvt_vsock_info *info)
{
	static const char *const known[] = { "hv_sock", "vmw_vsock_virtio_transport", "vhost_vsock",
					     "vmw_vsock_vmci_transport", "vsock_loopback" };
	memset(info, 0, sizeof *info);
	info->cid_err = hvt_local_cid(&info->local_cid);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char path[128];
		struct stat st;
		snprintf(path, sizeof path, "/sys/module/%s", known[i]);
		if (stat(path, &st) == 0 && info->ntransports < HVT_VSOCK_MAX_TRANSPORTS)
			info->transports[info->ntransports++] = known[i];
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_owner(const void *a, const void *b)
{
	const struct hvt_sock_owner *x = a, *y = b;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void read_comm(int pid, char *out, size_t len)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	FILE *f = fopen(path, "r");
	out[0] = '\0';
	if (f) {
		if (fgets(out, (int)len, f))
			out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
	if (!out[0])
		snprintf(out, len, "?");
}

int hvt_sock_owners(const uint32_t *inodes, size_t n, struct hvt_sock_owner **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	uint32_t *set = malloc(n * sizeof *set);
	if (!set)
		return ENOMEM;
	memcpy(set, inodes, n * sizeof *set);
	qsort(set, n, sizeof *set, cmp_u32);
	DIR *proc = opendir("/proc");
	if (!proc) {
		int e = errno;
		free(set);
		return e;
	}
	struct hvt_sock_owner *v = NULL;
	size_t cnt = 0, cap = 0;
	int rc = 0;
	struct dirent *pe;
	while (rc == 0 && (pe = readdir(proc)) != NULL) {
		if (!all_digits(pe->d_name))
			continue;
		int pid = atoi(pe->d_name); /* NOLINT(cert-err34-c): all digits, a /proc pid */
		char path[300], comm[64];
		snprintf(path, sizeof path, "/proc/%s/fd", pe->d_name);
		DIR *fds = opendir(path);
		if (!fds)
			continue; /* gone, or not ours to read */
		comm[0] = '\0';
		struct dirent *fe;
		while ((fe = readdir(fds)) != NULL) {
			if (!all_digits(fe->d_name))
				continue;
			char link[320], target[64];
			snprintf(link, sizeof link, "/proc/%d/fd/%s", pid, fe->d_name);
			ssize_t k = readlink(link, target, sizeof target - 1);
			if (k <= 0)
				continue;
			target[k] = '\0';
			/* "socket:[INODE]": strtoul, since sscanf's %lu has no overflow check */
			static const char pfx[] = "socket:[";
			if (strncmp(target, pfx, sizeof pfx - 1) != 0)
				continue;
			const char *digits = target + sizeof pfx - 1;
			char *close_br;
			errno = 0;
			unsigned long ino = strtoul(digits, &close_br, 10);
			if (*digits < '0' || *digits > '9' || errno != 0 ||
			    strcmp(close_br, "]") != 0 || ino > UINT32_MAX)
				continue;
			uint32_t key = (uint32_t)ino;
			if (!bsearch(&key, set, n, sizeof *set, cmp_u32))
				continue;
			if (cnt == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct hvt_sock_owner *nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					rc = ENOMEM;
					break;
				}
				v = nv;
				cap = nc;
			}
			if (!comm[0])
				read_comm(pid, comm, sizeof comm);
			v[cnt].inode = key;
			v[cnt].pid = pid;
			v[cnt].fd = atoi(fe->d_name); /* NOLINT(cert-err34-c): all digits, an fd */
			memcpy(v[cnt].command, comm, sizeof comm);
			cnt++;
		}
		closedir(fds);
	}
	closedir(proc);
	free(set);
	if (rc != 0) {
		free(v);
		return rc;
	}
	if (cnt > 1) /* v is NULL when cnt is 0, and qsort's pointer must not be */
		qsort(v, cnt, sizeof *v, cmp_owner);
	*out = v;
	*nout = cnt;
	return 0;
}
