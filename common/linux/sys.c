/* Linux processes, clocks and signals (common/sys.h). */
#include "sys.h"
#include "msg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

uint64_t hvt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hvt_sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !hvt_interrupted())
		;
}

static volatile sig_atomic_t interrupted;
static int ntasks;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void on_child(int sig)
{
	(void)sig; /* only there so that blocking calls wake up with EINTR */
}

void hvt_signals_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal; /* no SA_RESTART: blocking calls return EINTR and we look */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int hvt_interrupted(void)
{
	return interrupted;
}

int hvt_task_start(int (*fn)(void *ctx), const void *ctx, size_t size, hvt_sock owned)
{
	(void)size; /* fork copies it */
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): by design */
		int rc = fn((void *)(uintptr_t)ctx);
		fflush(NULL);
		_exit(rc);
	}
	if (owned != HVT_SOCK_INVALID)
		close((int)owned);
	ntasks++;
	return 0;
}

int hvt_tasks_running(void)
{
	while (ntasks > 0 && waitpid(-1, NULL, WNOHANG) > 0)
		ntasks--;
	return ntasks;
}

void hvt_tasks_wait_below(int n)
{
	while (hvt_tasks_running() >= n && !interrupted) {
		if (waitpid(-1, NULL, 0) > 0)
			ntasks--;
		else if (errno == ECHILD)
			ntasks = 0;
	}
}

/* Splits "prog arg arg" on blanks (no quoting, no shell), as ncat -e does. */
int hvt_run_on_socket(hvt_sock s, char *const argv[], const char *shell_cmd,
		      const struct hvt_env *env, int nenv)
{
	int fd = (int)s;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGPIPE, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		/* A group of its own, so that a signal passed on reaches what it runs too (sh -c
		 * waits for its command and would not end on SIGINT before it). */
		setpgid(0, 0);
		if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
			_exit(126);
		if (fd > 1)
			close(fd);
		for (int i = 0; i < nenv; i++)
			setenv(env[i].name, env[i].value, 1);
		if (shell_cmd)
			execl("/bin/sh", "sh", "-c", shell_cmd, (char *)NULL);
		else
			execvp(argv[0], argv);
		int e = errno;
		fprintf(stderr, "%s: cannot run '%s': %s\n", hvt_progname(),
			shell_cmd ? "/bin/sh" : argv[0], hvt_strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	setpgid(pid, pid); /* also here: the child may not have run yet when a signal comes */
	int status, forwarded = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
		/* SIGINT/SIGTERM for us: pass it on once and wait for the program to end. */
		if (hvt_interrupted() && !forwarded) {
			kill(-pid, hvt_interrupted());
			forwarded = 1;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int hvt_isatty(int fd)
{
	return isatty(fd);
}
