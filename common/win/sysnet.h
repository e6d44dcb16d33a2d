/* Winsock's headers and constants behind the names the portable socket code uses
 * (common/sockaddr.h, common/family_*.c). Its Linux twin is common/linux/sysnet.h. */
#ifndef HVT_SYSNET_H
#define HVT_SYSNET_H

#include "win.h"

#include <afunix.h>
#include <hvsocket.h>

/* ws2def.h of the Windows SDK; mingw-w64 10 has hvsocket.h but not this. */
#ifndef AF_HYPERV
#define AF_HYPERV 34
#endif

/* AF_VSOCK is Linux's: Windows reaches Linux guests through hv: (the vsock port template),
 * so vsock: addresses fail with WSAEAFNOSUPPORT, as hv: does where Hyper-V sockets are
 * missing (Wine, Windows without Hyper-V). */
#define HVT_HAVE_VSOCK	0
#define HVT_AF_VSOCK	AF_UNSPEC /* never a socket's family */
#define HVT_HAVE_HYPERV 1
#define HVT_AF_HYPERV	AF_HYPERV

/* struct sockaddr_vm as Linux's <linux/vm_sockets.h> declares it, so that the portable vsock
 * family compiles here (it never opens such a socket on Windows). */
struct sockaddr_vm {
	unsigned short svm_family;
	unsigned short svm_reserved1;
	unsigned int svm_port;
	unsigned int svm_cid;
	unsigned char svm_flags;
	unsigned char svm_zero[3];
};
#define SO_VM_SOCKETS_CONNECT_TIMEOUT 6

#define HVT_EAFNOSUPPORT WSAEAFNOSUPPORT
#define HVT_ENAMETOOLONG WSAENAMETOOLONG
#define HVT_EHOSTUNREACH WSAEHOSTUNREACH
#define HVT_ECONNREFUSED WSAECONNREFUSED
#define HVT_EINTR	 WSAEINTR
#define HVT_EAGAIN	 WSAEWOULDBLOCK
#define HVT_EPROTO	 ERROR_INVALID_DATA /* a peer broke its protocol */
#define HVT_ENOENT	 ERROR_FILE_NOT_FOUND
#define HVT_ENOTSOCK	 WSAENOTSOCK
#define HVT_EPIPE	 WSAECONNABORTED /* sent to a peer that closed */

/* No AI_ADDRCONFIG: on Windows it ignores loopback, so "localhost" would fail on a machine
 * with no other network. */
#define HVT_AI_CONNECT 0

#endif
