/* Internals shared by the POSIX files of common/. */
#ifndef HVT_POSIX_NET_H
#define HVT_POSIX_NET_H

#include <sys/socket.h>
#include "addr.h"

/* getaddrinfo errors are carried as HVT_GAI_BASE - EAI_xxx (EAI codes are negative). */
#define HVT_GAI_BASE 100000

int hvt_sockaddr_from(const struct sockaddr_storage *ss, socklen_t len, struct hvt_addr *a);

#endif
