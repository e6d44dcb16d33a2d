/* Linux processes, clocks and signals (common/sys.h). */
#include "sys.h"
#include "strutil.h"
#include "msg.h"
#include "relay.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
static pid_t *tasks; /* running tasks (children), for reaping and for hvt_tasks_stop */
static int ntasks;

static volatile sig_atomic_t nsignals; /* how many came: a second one means "now" */

static void on_signal(int sig)
{
	interrupted = sig;
	if (nsignals < 2)
		nsignals++;
}

static void on_child(int sig)
{
	(void)sig; /* only there so that blocking calls wake up with EINTR */
}

void hvt_on_close(void (*fn)(void))
{
	(void)fn; /* SIGHUP: see sys.h */
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
	void *grown = hvt_grow(tasks, (size_t)ntasks, sizeof *tasks);
	if (!grown)
		return ENOMEM;
	tasks = grown;
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
	tasks[ntasks++] = pid;
	return 0;
}

/* pid has ended (waitpid said so): forget it. */
static void task_ended(pid_t pid)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i] == pid) {
			tasks[i] = tasks[--ntasks];
			return;
		}
}

int hvt_tasks_running(void)
{
	pid_t pid;
	while (ntasks > 0 && (pid = waitpid(-1, NULL, WNOHANG)) > 0)
		task_ended(pid);
	return ntasks;
}

void hvt_tasks_wait_below(int n)
{
	while (hvt_tasks_running() >= n && !interrupted) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid > 0)
			task_ended(pid);
		else if (errno == ECHILD)
			ntasks = 0;
	}
}

/* Waits up to ms for the tasks to end. */
static void tasks_wait(int ms)
{
	for (int waited = 0; hvt_tasks_running() > 0 && waited < ms; waited += 20) {
		struct timespec ts = { 0, 20000000 };
		nanosleep(&ts, NULL);
	}
}

void hvt_tasks_stop(int sig)
{
	/* Each task passes the signal on to its program (hvt_run_on_conn); a program that
	 * has not ended after 2 s gets its group killed on the second signal. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < ntasks; i++)
			kill(tasks[i], sig);
		tasks_wait(round == 0 ? 2000 : 1000);
	}
	for (int i = 0; i < ntasks; i++)
		kill(tasks[i], SIGKILL);
	while (ntasks > 0 && waitpid(tasks[0], NULL, 0) >= 0)
		task_ended(tasks[0]);
	ntasks = 0;
}

/* Splits "prog arg arg" on blanks (no quoting, no shell), as ncat -e does. */
int hvt_run_on_conn(const struct hvt_end *c, char *const argv[], const char *shell_cmd,
		    const struct hvt_env *env, int nenv)
{
	int fd = (int)c->h;
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
	/* Wait in sigsuspend with the signals blocked in between, so that a SIGINT/SIGTERM/SIGHUP
	 * that came before the wait (even before the fork) is passed on too, once; SIGCHLD ends
	 * the wait when the program ends. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	int status, forwarded = 0;
	pid_t r;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		/* The first signal is passed on; a second one kills the program's whole group
		 * (hvt_tasks_stop sends it when the program does not end). */
		if (nsignals > forwarded) {
			kill(-pid, forwarded ? SIGKILL : hvt_interrupted());
			forwarded = nsignals;
		}
		sigsuspend(&old);
	}
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return -e;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int hvt_isatty(int fd)
{
	return isatty(fd);
}

enum hvt_path_kind hvt_path_kind(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return HVT_PATH_NONE;
	return S_ISSOCK(st.st_mode) ? HVT_PATH_SOCKET : HVT_PATH_OTHER;
}
