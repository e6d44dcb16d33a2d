/* The ceiling for one socket hop (benchmark only, not a product): one blocking read/write
 * loop with a 256 KiB buffer per side, no poll.
 *   minrelay recv unix:PATH|tcp:PORT|vsock:CID:PORT > out     (accepts one connection)
 *   minrelay send unix:PATH|tcp:PORT|vsock:CID:PORT < in
 * (recv binds vsock to any CID.) */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

static char buf[256 << 10];

static void copy(int in, int out)
{
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n <= 0)
			exit(n < 0);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w <= 0)
				exit(1);
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK };
	struct sockaddr *sa;
	socklen_t len;
	int fd;
	if (argc != 3)
		return 2;
	if (strncmp(argv[2], "unix:", 5) == 0 && strlen(argv[2] + 5) < sizeof un.sun_path) {
		strcpy(un.sun_path, argv[2] + 5);
		sa = (struct sockaddr *)&un;
		len = sizeof un;
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
	} else if (strncmp(argv[2], "tcp:", 4) == 0) {
		in.sin_port = htons((unsigned short)atoi(argv[2] + 4));
		sa = (struct sockaddr *)&in;
		len = sizeof in;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	} else if (strncmp(argv[2], "vsock:", 6) == 0 && strchr(argv[2] + 6, ':')) {
		vm.svm_cid = (unsigned)atoi(argv[2] + 6);
		vm.svm_port = (unsigned)atoi(strchr(argv[2] + 6, ':') + 1);
		if (strcmp(argv[1], "recv") == 0)
			vm.svm_cid = VMADDR_CID_ANY;
		sa = (struct sockaddr *)&vm;
		len = sizeof vm;
		fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	} else {
		return 2;
	}
	if (strcmp(argv[1], "recv") == 0) {
		if (sa->sa_family == AF_UNIX)
			unlink(un.sun_path);
		if (bind(fd, sa, len) || listen(fd, 1))
			return 1;
		copy(accept(fd, NULL, NULL), 1);
	}
	if (connect(fd, sa, len))
		return 1;
	copy(0, fd);
	return 0;
}
