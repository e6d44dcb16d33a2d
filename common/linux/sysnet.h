/* Linux's socket headers and constants behind the names the portable socket code uses
 * (common/sockaddr.h, common/family_*.c). Its Windows twin is common/win/sysnet.h. */
#ifndef HVT_SYSNET_H
#define HVT_SYSNET_H

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <linux/vm_sockets.h>

/* AF_VSOCK is Linux's own. AF_HYPERV does not exist here: hv: addresses fail with
 * EAFNOSUPPORT (a Linux guest reaches the host through vsock:). */
#define HVT_HAVE_VSOCK	1
#define HVT_AF_VSOCK	AF_VSOCK
#define HVT_HAVE_HYPERV 0
#define HVT_AF_HYPERV	AF_UNSPEC /* never a socket's family */

/* SOCKADDR_HV and its options as the Windows SDK's hvsocket.h declares them, so that the
 * portable hv family compiles here (it never opens such a socket on Linux). */
typedef struct {
	uint16_t Family;
	uint16_t Reserved;
	uint8_t VmId[16];
	uint8_t ServiceId[16];
} SOCKADDR_HV;
#define HV_PROTOCOL_RAW		     1
#define HVSOCKET_CONNECT_TIMEOUT     1
#define HVSOCKET_CONNECT_TIMEOUT_MAX 300000
#define HVSOCKET_CONNECTED_SUSPEND   4

#define HVT_EAFNOSUPPORT EAFNOSUPPORT
#define HVT_ENAMETOOLONG ENAMETOOLONG
#define HVT_EHOSTUNREACH EHOSTUNREACH
#define HVT_ECONNREFUSED ECONNREFUSED
#define HVT_EINTR	 EINTR
#define HVT_EAGAIN	 EAGAIN
#define HVT_EPROTO	 EPROTO /* a peer broke its protocol */
#define HVT_ENOENT	 ENOENT
#define HVT_ENOTSOCK	 ENOTSOCK
#define HVT_EPIPE	 EPIPE /* sent to a peer that closed */

/* getaddrinfo errors are carried as HVT_GAI_BASE - EAI_xxx (EAI codes are negative). */
#define HVT_GAI_BASE   100000
/* Connects skip address families this machine has no address of. */
#define HVT_AI_CONNECT AI_ADDRCONFIG

#endif
