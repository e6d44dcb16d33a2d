/* VM readiness: sd_notify messages received over a stream (hvnc --notify). A sender connects,
 * writes newline-separated KEY=VALUE lines, half-closes: one connection per message, as
 * systemd's "vsock-stream:" notify socket sends them (and podman's guests, one "Ready" line).
 * ../shared/reference/jobs-in-the-wild.md section 5. Portable half common/notify.c; passing a
 * message on to $NOTIFY_SOCKET is common/linux/notify.c (Windows: common/win/notify.c). */
#ifndef HVT_NOTIFY_H
#define HVT_NOTIFY_H

#include <stddef.h>
#include <stdio.h>

#include "net.h"

/* The longest message taken: systemd's own receiver reads at most 4 KiB (NOTIFY_BUFFER_MAX
 * is PIPE_BUF). */
#define HVT_NOTIFY_MAX 4096

/* What --until waits for: a line KEY=VALUE (value set), or any line KEY=... or KEY alone
 * (value NULL), so that "--until Ready" matches podman's single line. */
struct hvt_notify_until {
	char key[128];
	const char *value;
};

/* Parses KEY[=VALUE]; 0, or -1 when KEY is empty or too long. text must outlive u. */
int hvt_notify_until_parse(const char *text, struct hvt_notify_until *u);
/* 1 when a line of the message matches one of the n conditions. */
int hvt_notify_match(const char *msg, size_t len, const struct hvt_notify_until *u, int n);

/* Reads one message from s until the sender's EOF, at most HVT_NOTIFY_MAX bytes into buf,
 * waiting at most timeout_ms in all. 0 (*len set), HVT_NOTIFY_TOO_LONG, the platform's
 * timeout code when the sender neither finished nor closed in time, or an error code. */
#define HVT_NOTIFY_TOO_LONG (-1)
int hvt_notify_read(hvt_sock s, char *buf, uint64_t timeout_ms, size_t *len);

/* Prints a message: its lines (control characters as \xHH) and an empty line; or, json,
 * one line {"from":..., "fields":{KEY: VALUE, ...}, "lines":[...]}. from may be NULL. */
void hvt_notify_print(FILE *f, const char *msg, size_t len, const char *from, int json);

/* Sends msg as one datagram to the unix socket target, the value of $NOTIFY_SOCKET: a path,
 * or "@name" for an abstract one. 0 or an error code; on Windows, which has no unix datagram
 * sockets, always HVT_NOTIFY_NO_FORWARD. */
#define HVT_NOTIFY_NO_FORWARD (-2)
/* 1 where hvt_notify_forward can work (Linux), 0 where it cannot (Windows). */
int hvt_notify_can_forward(void);
int hvt_notify_forward(const char *target, const void *msg, size_t len);

#endif
