/* startup: whole-process time and peak memory of a command, for bench/run.sh (benchmark only).
 * Runs the command RUNS times (stdin, stdout and stderr /dev/null), each by fork and exec, timed from
 * just before fork to the end of wait4(); the peak RSS is wait4()'s ru_maxrss.
 *
 *   startup RUNS COMMAND [ARGS...]
 *
 * Prints "median_ms=.. min_ms=.. maxrss_kib=.." (maxrss: the median over the runs). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: startup RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	int runs = atoi(argv[1]);
	if (runs < 1)
		return 2;
	double *ms = calloc((size_t)runs, sizeof *ms), *rss = calloc((size_t)runs, sizeof *rss);
	if (!ms || !rss)
		return 1;
	for (int i = 0; i < runs; i++) {
		uint64_t t0 = now_ns();
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			execvp(argv[2], argv + 2);
			fprintf(stderr, "startup: %s: %s\n", argv[2], strerror(errno));
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		ms[i] = (double)(now_ns() - t0) / 1e6;
		rss[i] = (double)ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
			fprintf(stderr, "startup: %s failed\n", argv[2]);
			return 1;
		}
	}
	double min = ms[0];
	for (int i = 1; i < runs; i++)
		if (ms[i] < min)
			min = ms[i];
	qsort(ms, (size_t)runs, sizeof *ms, cmp);
	qsort(rss, (size_t)runs, sizeof *rss, cmp);
	printf("median_ms=%.3f min_ms=%.3f maxrss_kib=%.0f\n", ms[runs / 2], min, rss[runs / 2]);
	return 0;
}
