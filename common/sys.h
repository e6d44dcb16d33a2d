/* Processes, tasks, clocks and signals: what differs between Linux and Windows besides
 * sockets. common/linux/sys.c, common/win/sys.c. */
#ifndef HVT_SYS_H
#define HVT_SYS_H

#include <stddef.h>
#include <stdint.h>
#include "net.h"

/* Monotonic clock in nanoseconds. */
uint64_t hvt_now_ns(void);
void hvt_sleep_ms(uint64_t ms);

/* SIGINT/SIGTERM (Ctrl-C / Ctrl-Break on Windows) set a flag instead of killing; SIGPIPE is
 * ignored so writes fail with EPIPE. */
void hvt_signals_init(void);
int hvt_interrupted(void); /* 0, or the signal number seen */
/* fn runs when the process is about to be ended without returning from main: on Windows a
 * console close, logoff or shutdown (the console handler runs fn, then the system ends the
 * process). On Linux SIGHUP sets the interrupt flag like SIGINT, so main returns and atexit
 * handlers run: nothing to do here. One fn; NULL clears it. */
void hvt_on_close(void (*fn)(void));

/* Runs fn on a private copy of ctx (size bytes) concurrently: a child process on Linux (the
 * child exits with fn's return value), a thread on Windows. The socket `owned` (or
 * HVT_SOCK_INVALID) belongs to the task from now on: fn must close it, the caller must not
 * touch it again. Returns 0 or error code. */
int hvt_task_start(int (*fn)(void *ctx), const void *ctx, size_t size, hvt_sock owned);
/* Reaps finished tasks; returns how many still run. */
int hvt_tasks_running(void);
/* Blocks until fewer than n tasks run (or an interrupt arrives). */
void hvt_tasks_wait_below(int n);
/* The service is stopping on signal sig: passes it to every running task (each passes it on
 * to its program), waits up to 2 s for them to end, then sends it again (a task then kills
 * its program's group) and, a second later, kills what is left. */
void hvt_tasks_stop(int sig);

/* Runs a program with the connection c as its stdin and stdout and waits for it: argv run
 * directly (no shell) when shell_cmd is NULL, else shell_cmd through /bin/sh -c (cmd.exe /c on
 * Windows). env adds variables. Returns the program's exit status (0-255), or -code when it
 * could not be started. Linux: c is a descriptor the program gets as is; Windows: the bytes
 * are relayed through pipes with c's operations (a socket or a named pipe, relay.h). */
struct hvt_end;
int hvt_run_on_conn(const struct hvt_end *c, char *const argv[], const char *shell_cmd,
		    const struct hvt_env *env, int nenv);

/* What is at a path, for messages that name it: nothing, a socket (on Windows any reparse
 * point, as AF_UNIX socket files are), or something else. */
enum hvt_path_kind { HVT_PATH_NONE, HVT_PATH_SOCKET, HVT_PATH_OTHER };
enum hvt_path_kind hvt_path_kind(const char *path);

/* Whether fd 0 / 1 / 2 is a terminal. */
int hvt_isatty(int fd);

#endif
