/* Handing a connected socket to another process (hvnc --fdpass): what OpenSSH's
 * ProxyUseFdpass and systemd-ssh-proxy do. common/linux/fdpass.c; common/win/fdpass.c says
 * that Windows cannot. */
#ifndef HVT_FDPASS_H
#define HVT_FDPASS_H

#include "net.h"

/* Sends one byte with s attached (SCM_RIGHTS) over the unix socket fd, as OpenSSH's
 * mm_receive_fd() expects from a ProxyUseFdpass proxy on its stdout. 0, or an error code
 * (ENOTSOCK-like when fd is no unix socket); HVT_FDPASS_UNSUPPORTED on Windows. */
#define HVT_FDPASS_UNSUPPORTED (-1)

/* 1 where hvt_sock_pass can work (Linux), 0 where it cannot (Windows). */
int hvt_fdpass_supported(void);
int hvt_sock_pass(hvt_sock s, int fd);

#endif
