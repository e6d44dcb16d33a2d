/* Windows processes, tasks, clocks and Ctrl-C (common/sys.h). */
#include "win.h"

#include <io.h>
#include <limits.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "msg.h"
#include "relay.h"
#include "sys.h"
#include "strutil.h"

uint64_t hvt_now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER now;
	if (freq.QuadPart == 0)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&now);
	uint64_t f = (uint64_t)freq.QuadPart, t = (uint64_t)now.QuadPart;
	return t / f * 1000000000u + t % f * 1000000000u / f;
}

void hvt_sleep_ms(uint64_t ms)
{
	hvt_win_wait_handle(NULL, NULL, ms);
}

/* ---- Ctrl-C ------------------------------------------------------------------------------ */

static volatile LONG interrupted;
static HANDLE volatile stop_event;

HANDLE hvt_win_stop_event(void)
{
	HANDLE h = InterlockedCompareExchangePointer((PVOID volatile *)&stop_event, NULL, NULL);
	if (h)
		return h;
	h = CreateEventW(NULL, TRUE, FALSE, NULL); /* manual reset: once stopped, stays so */
	HANDLE old = InterlockedCompareExchangePointer((PVOID volatile *)&stop_event, h, NULL);
	if (old) {
		CloseHandle(h);
		return old;
	}
	return h;
}

int hvt_win_wait_handle(HANDLE h, HANDLE cancel, uint64_t ms)
{
	HANDLE hs[3];
	DWORD n = 0;
	if (h)
		hs[n++] = h;
	hs[n++] = hvt_win_stop_event();
	if (cancel)
		hs[n++] = cancel;
	uint64_t end = ms == UINT64_MAX ? 0 : hvt_now_ns() + ms * 1000000u;
	for (;;) {
		DWORD wait = INFINITE;
		if (end) {
			uint64_t now = hvt_now_ns();
			uint64_t left = now >= end ? 0 : (end - now + 999999u) / 1000000u;
			wait = left >= INFINITE ? INFINITE - 1 : (DWORD)left;
		}
		DWORD w = WaitForMultipleObjects(n, hs, FALSE, wait);
		if (w == WAIT_TIMEOUT) {
			if (!end || hvt_now_ns() >= end)
				return 0;
			continue;
		}
		if (w >= WAIT_OBJECT_0 + n)
			return -(int)GetLastError();
		HANDLE which = hs[w - WAIT_OBJECT_0];
		if (which == h)
			return 1;
		return which == cancel ? -ERROR_CANCELLED : -WSAEINTR;
	}
}

static void (*volatile close_fn)(void);

void hvt_on_close(void (*fn)(void))
{
	close_fn = fn;
}

/* Runs on a thread of its own. The first Ctrl-C / Ctrl-Break sets the flag (as SIGINT does on
 * POSIX) and the stop event, and wakes the threads sleeping on completion ports (engine.h):
 * every wait of common/win/ ends at once and the relays cancel their I/O. A second one while
 * the first is still pending ends the process the default way. Closing the console, logoff
 * and shutdown end the process after the handler returns: the hvt_on_close function runs
 * (also after a Ctrl-C), and the relays get the same stop (as SIGHUP) and up to a second to
 * end cleanly first. */
static BOOL WINAPI on_ctrl(DWORD type)
{
	int ctrl_c = type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT;
	int sig = type == CTRL_C_EVENT ? 2 : type == CTRL_BREAK_EVENT ? 15 : 1;
	int first = InterlockedCompareExchange(&interrupted, sig, 0) == 0;
	if (first) {
		SetEvent(hvt_win_stop_event());
		hvt_engine_wake_all();
	}
	if (ctrl_c)
		return first ? TRUE : FALSE;
	void (*fn)(void) = close_fn;
	if (fn)
		fn();
	Sleep(1000); /* also lets an hvt_on_close function the main thread runs finish */
	return FALSE;
}

void hvt_signals_init(void)
{
	hvt_win_stop_event();
	SetConsoleCtrlHandler(on_ctrl, TRUE);
}

int hvt_interrupted(void)
{
	return (int)InterlockedCompareExchange(&interrupted, 0, 0);
}

/* ---- tasks: threads ---------------------------------------------------------------------- */

struct task {
	int (*fn)(void *ctx);
	void *ctx;
};

static HANDLE *tasks;
static int ntasks;

static unsigned __stdcall task_main(void *arg)
{
	struct task *t = arg;
	int rc = t->fn(t->ctx);
	free(t->ctx);
	free(t);
	return (unsigned)rc;
}

int hvt_task_start(int (*fn)(void *ctx), const void *ctx, size_t size, hvt_sock owned)
{
	(void)owned; /* the thread uses it; the caller does not touch it again */
	void *grown = hvt_grow(tasks, (size_t)ntasks, sizeof *tasks);
	if (!grown)
		return ERROR_NOT_ENOUGH_MEMORY;
	tasks = grown;
	struct task *t = malloc(sizeof *t);
	void *copy = malloc(size ? size : 1);
	if (!t || !copy) {
		free(t);
		free(copy);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	memcpy(copy, ctx, size);
	t->fn = fn;
	t->ctx = copy;
	uintptr_t h = _beginthreadex(NULL, 0, task_main, t, 0, NULL);
	if (h == 0) {
		int e = (int)GetLastError();
		free(copy);
		free(t);
		return e ? e : ERROR_NOT_ENOUGH_MEMORY;
	}
	tasks[ntasks++] = (HANDLE)h;
	return 0;
}

int hvt_tasks_running(void)
{
	for (int i = 0; i < ntasks;) {
		if (WaitForSingleObject(tasks[i], 0) == WAIT_OBJECT_0) {
			CloseHandle(tasks[i]);
			tasks[i] = tasks[--ntasks];
		} else {
			i++;
		}
	}
	return ntasks;
}

/* Waits until one of the tasks ends (only the first MAXIMUM_WAIT_OBJECTS - 1 can be waited
 * for: with more, a second at most), Ctrl-C, or ms. */
static void wait_tasks(DWORD ms)
{
	HANDLE hs[MAXIMUM_WAIT_OBJECTS];
	DWORD count = 0;
	hs[count++] = hvt_win_stop_event();
	for (int i = 0; i < ntasks && count < MAXIMUM_WAIT_OBJECTS; i++)
		hs[count++] = tasks[i];
	if (ntasks >= MAXIMUM_WAIT_OBJECTS && ms > 1000)
		ms = 1000;
	WaitForMultipleObjects(count, hs, FALSE, ms);
}

void hvt_tasks_wait_below(int n)
{
	while (hvt_tasks_running() >= n && !hvt_interrupted()) {
		if (ntasks == 0)
			return;
		wait_tasks(INFINITE);
	}
}

void hvt_tasks_stop(int sig)
{
	/* Tasks are threads of this process: they see hvt_interrupted() themselves and end
	 * their relays; wait up to 2 s for them, process exit ends the rest. A -e/-c program
	 * is not ended by us on Windows (hvt_run_on_conn waits for it; untested here). */
	(void)sig;
	uint64_t end = hvt_now_ns() + 2000000000u;
	while (hvt_tasks_running() > 0 && hvt_now_ns() < end) {
		/* the stop event is set: wait for the tasks alone */
		DWORD count = ntasks > MAXIMUM_WAIT_OBJECTS ? MAXIMUM_WAIT_OBJECTS : (DWORD)ntasks;
		WaitForMultipleObjects(count, tasks, FALSE,
				       (DWORD)((end - hvt_now_ns()) / 1000000u + 1));
	}
}

/* ---- programs per connection ------------------------------------------------------------- */

/* Appends arg to the command line quoted the way the C runtime's argv parser undoes it. */
static int append_arg(char *cmd, size_t cap, size_t *len, const char *arg)
{
	size_t n = *len;
#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (n + 2 >= cap)                                                                  \
			return -1;                                                                 \
		cmd[n++] = (c);                                                                    \
	} while (0)
	if (n > 0)
		PUT(' ');
	if (*arg && !strpbrk(arg, " \t\n\v\"")) {
		for (const char *p = arg; *p; p++)
			PUT(*p);
	} else {
		PUT('"');
		for (const char *p = arg;; p++) {
			size_t bs = 0;
			while (*p == '\\') {
				bs++;
				p++;
			}
			if (*p == '\0') {
				for (size_t i = 0; i < bs * 2; i++)
					PUT('\\');
				break;
			}
			if (*p == '"') {
				for (size_t i = 0; i < bs * 2 + 1; i++)
					PUT('\\');
			} else {
				for (size_t i = 0; i < bs; i++)
					PUT('\\');
			}
			PUT(*p);
		}
		PUT('"');
	}
#undef PUT
	cmd[n] = '\0';
	*len = n;
	return 0;
}

static int env_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	for (;; x++, y++) {
		int cx = (*x == '=') ? 0 : (unsigned char)*x,
		    cy = (*y == '=') ? 0 : (unsigned char)*y;
		if (cx >= 'a' && cx <= 'z')
			cx -= 'a' - 'A';
		if (cy >= 'a' && cy <= 'z')
			cy -= 'a' - 'A';
		if (cx != cy || cx == 0)
			return cx - cy;
	}
}

static int same_name(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return _strnicmp(entry, name, n) == 0 && entry[n] == '=';
}

/* A copy of this process's environment with env[] set: a sorted block of NAME=VALUE\0...\0. */
static char *env_block(const struct hvt_env *env, int nenv)
{
	char *cur = GetEnvironmentStringsA();
	if (!cur)
		return NULL;
	size_t count = 0, bytes = 0;
	for (const char *p = cur; *p; p += strlen(p) + 1)
		count++;
	const char **v = malloc((count + (size_t)nenv + 1) * sizeof *v);
	char *extra = malloc((size_t)nenv * (HVT_ADDR_STRLEN + 64) + 1);
	char *out = NULL;
	if (!v || !extra)
		goto done;
	size_t nv = 0, off = 0;
	for (const char *p = cur; *p; p += strlen(p) + 1) {
		int replaced = 0;
		for (int i = 0; i < nenv; i++)
			if (p[0] != '=' && same_name(p, env[i].name))
				replaced = 1;
		if (!replaced)
			v[nv++] = p;
	}
	for (int i = 0; i < nenv; i++) {
		int w = snprintf(extra + off, HVT_ADDR_STRLEN + 64, "%s=%s", env[i].name,
				 env[i].value);
		if (w < 0 || w >= HVT_ADDR_STRLEN + 64)
			continue;
		v[nv++] = extra + off;
		off += (size_t)w + 1;
	}
	qsort(v, nv, sizeof *v, env_cmp);
	for (size_t i = 0; i < nv; i++)
		bytes += strlen(v[i]) + 1;
	out = malloc(bytes + 1);
	if (out) {
		char *q = out;
		for (size_t i = 0; i < nv; i++) {
			size_t n = strlen(v[i]) + 1;
			memcpy(q, v[i], n);
			q += n;
		}
		*q = '\0';
	}
done:
	free(v);
	free(extra);
	FreeEnvironmentStringsA(cur);
	return out;
}

/* The socket <-> pipe pump for one direction; the context is shared by reference count so
 * that a pump stuck in a write nobody reads can be left behind safely. */
struct pipe_pump {
	volatile LONG refs;
	HANDLE stop; /* set: the program has ended */
	struct hvt_end c;
	HANDLE pipe; /* child's stdin, write end */
};

static void pump_release(struct pipe_pump *p)
{
	if (InterlockedDecrement(&p->refs) == 0) {
		if (p->pipe)
			CloseHandle(p->pipe);
		if (p->stop)
			CloseHandle(p->stop);
		free(p);
	}
}

/* Up to len bytes from the connection, waiting until some come, the program ends (stop) or
 * Ctrl-C: > 0, 0 at EOF or stop, or -code. */
static long conn_read(const struct hvt_end *c, char *buf, size_t len, HANDLE stop)
{
	if (c->ops != &hvt_sock_end_ops)
		return hvt_end_io_wait(c, 0, buf, len, stop, UINT64_MAX);
	SOCKET s = (SOCKET)c->h;
	if (hvt_win_wait(s, 0, UINT64_MAX, stop) <= 0)
		return 0;
	int n = recv(s, buf, (int)(len > INT_MAX ? INT_MAX : len), 0);
	return n < 0 ? -(long)WSAGetLastError() : n;
}

static int send_all_stoppable(SOCKET s, const char *p, size_t len);

/* All of buf to the connection, Ctrl-C cancelling a write a peer does not take: 0 or code. */
static int conn_write_all(const struct hvt_end *c, const char *p, size_t len)
{
	if (c->ops == &hvt_sock_end_ops)
		return send_all_stoppable((SOCKET)c->h, p, len);
	while (len > 0) {
		long n = hvt_end_io_wait(c, 1, (void *)(uintptr_t)p, len, NULL, UINT64_MAX);
		if (n <= 0)
			return n < 0 ? (int)-n : ERROR_NO_DATA;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* connection -> child's stdin; closing the pipe at EOF gives the child its EOF. */
static unsigned __stdcall sock_to_pipe(void *arg)
{
	struct pipe_pump *p = arg;
	static const size_t bufsize = 64u << 10;
	char *buf = malloc(bufsize);
	while (buf) {
		long n = conn_read(&p->c, buf, bufsize, p->stop);
		if (n <= 0)
			break;
		DWORD done = 0;
		for (long off = 0; off < n; off += (long)done)
			if (!WriteFile(p->pipe, buf + off, (DWORD)(n - off), &done, NULL))
				goto out;
	}
out:
	free(buf);
	HANDLE h = InterlockedExchangePointer(&p->pipe, NULL);
	if (h)
		CloseHandle(h);
	pump_release(p);
	return 0;
}

static CRITICAL_SECTION spawn_lock;
static INIT_ONCE spawn_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_spawn_lock(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
	(void)once;
	(void)param;
	(void)ctx;
	InitializeCriticalSection(&spawn_lock);
	return TRUE;
}

/* Starts the program with the given std handles inherited (and only those). */
static int spawn(char *cmdline, char *envblock, HANDLE in, HANDLE out, HANDLE err,
		 PROCESS_INFORMATION *pi)
{
	HANDLE list[3] = { in, out, err };
	DWORD nlist = err ? 3 : 2;
	SIZE_T attr_size = 0;
	STARTUPINFOEXA si;
	int rc = 0;
	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = in;
	si.StartupInfo.hStdOutput = out;
	si.StartupInfo.hStdError = err;
	InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
	si.lpAttributeList = malloc(attr_size);
	DWORD flags = 0;
	if (si.lpAttributeList &&
	    InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &attr_size)) {
		if (UpdateProcThreadAttribute(si.lpAttributeList, 0,
					      PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list,
					      nlist * sizeof(HANDLE), NULL, NULL))
			flags = EXTENDED_STARTUPINFO_PRESENT;
		else
			DeleteProcThreadAttributeList(si.lpAttributeList);
	}
	if (!flags) {
		free(si.lpAttributeList);
		si.lpAttributeList = NULL;
		si.StartupInfo.cb = sizeof si.StartupInfo;
	}
	/* The handles are inheritable only while this program starts: no other program started
	 * from another connection's thread gets them. */
	InitOnceExecuteOnce(&spawn_once, init_spawn_lock, NULL, NULL);
	EnterCriticalSection(&spawn_lock);
	for (DWORD i = 0; i < nlist; i++)
		SetHandleInformation(list[i], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
	if (!CreateProcessA(NULL, cmdline, NULL, NULL, TRUE, flags, envblock, NULL, &si.StartupInfo,
			    pi))
		rc = (int)GetLastError();
	for (DWORD i = 0; i < nlist; i++)
		SetHandleInformation(list[i], HANDLE_FLAG_INHERIT, 0);
	LeaveCriticalSection(&spawn_lock);
	if (flags)
		DeleteProcThreadAttributeList(si.lpAttributeList);
	free(si.lpAttributeList);
	return rc;
}

/* Sends all of buf in overlapped WSASends waited for together with the stop event: Ctrl-C
 * cancels one that a peer who stopped reading holds up (a blocking send() would hang there
 * for ever). The low bit of hEvent keeps completions off any completion port. 0 or code. */
static int send_all_stoppable(SOCKET s, const char *p, size_t len)
{
	HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	int rc = ev ? 0 : (int)GetLastError();
	while (len > 0 && rc == 0) {
		OVERLAPPED ov;
		memset(&ov, 0, sizeof ov);
		ov.hEvent = (HANDLE)((uintptr_t)ev | 1);
		WSABUF b = { len > (1u << 30) ? (1u << 30) : (ULONG)len, (char *)(uintptr_t)p };
		DWORD n = 0, flags = 0;
		if (WSASend(s, &b, 1, NULL, 0, &ov, NULL) != 0 &&
		    (rc = WSAGetLastError()) == WSA_IO_PENDING) {
			rc = 0;
			int w = hvt_win_wait_handle(ev, NULL, UINT64_MAX);
			if (w < 0) {
				CancelIoEx((HANDLE)s, &ov);
				rc = -w;
			}
		}
		if (!WSAGetOverlappedResult(s, &ov, &n, TRUE, &flags) && rc == 0)
			rc = WSAGetLastError();
		p += n;
		len -= n;
		ResetEvent(ev);
	}
	if (ev)
		CloseHandle(ev);
	return rc;
}

/* Ctrl-C ends the blocking ReadFile of a thread (an anonymous pipe has no overlapped I/O):
 * a thread of its own waits for the stop event, then cancels the reader's call with
 * CancelSynchronousIo every 100 ms until the reader is done (it may have been just about to
 * call ReadFile). Costs no wake-up before Ctrl-C. */
struct read_guard {
	HANDLE reader, done, thread;
};

static unsigned __stdcall read_guard_main(void *arg)
{
	struct read_guard *g = arg;
	HANDLE hs[2] = { g->done, hvt_win_stop_event() };
	if (WaitForMultipleObjects(2, hs, FALSE, INFINITE) == WAIT_OBJECT_0 + 1)
		do
			CancelSynchronousIo(g->reader);
		while (WaitForSingleObject(g->done, 100) == WAIT_TIMEOUT);
	return 0;
}

/* For the calling thread; without resources, Ctrl-C waits for the program as before. */
static void read_guard_start(struct read_guard *g)
{
	memset(g, 0, sizeof *g);
	if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
			     &g->reader, 0, FALSE, DUPLICATE_SAME_ACCESS))
		return;
	g->done = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (g->done)
		g->thread = (HANDLE)_beginthreadex(NULL, 64u << 10, read_guard_main, g, 0, NULL);
}

static void read_guard_end(struct read_guard *g)
{
	if (g->thread) {
		SetEvent(g->done);
		WaitForSingleObject(g->thread, INFINITE);
		CloseHandle(g->thread);
	}
	if (g->done)
		CloseHandle(g->done);
	if (g->reader)
		CloseHandle(g->reader);
}

/* The program gets pipes as stdin and stdout, relayed to and from the connection by this
 * process (as ncat does on Windows): a socket handle works as a std handle only when created
 * without WSA_FLAG_OVERLAPPED, and a named pipe's instance is overlapped, which programs do
 * not expect of their stdin. The connection's EOF closes the program's stdin; the program's
 * stdout EOF half-closes the connection. */
int hvt_run_on_conn(const struct hvt_end *c, char *const argv[], const char *shell_cmd,
		    const struct hvt_env *env, int nenv)
{
	enum { CMD_MAX = 32768 }; /* CreateProcess's limit */
	char *cmd = malloc(CMD_MAX);
	size_t len = 0;
	const char *prog;
	if (!cmd)
		return -ERROR_NOT_ENOUGH_MEMORY;
	cmd[0] = '\0';
	if (shell_cmd) {
		const char *comspec = getenv("COMSPEC");
		prog = comspec && *comspec ? comspec : "cmd.exe";
		/* /s: cmd takes the rest as written, between the outer quotes. */
		int n = snprintf(cmd, CMD_MAX, "\"%s\" /d /s /c \"%s\"", prog, shell_cmd);
		if (n < 0 || n >= CMD_MAX) {
			free(cmd);
			return -ERROR_FILENAME_EXCED_RANGE;
		}
		prog = "cmd.exe";
	} else {
		prog = argv[0];
		for (int i = 0; argv[i]; i++)
			if (append_arg(cmd, CMD_MAX, &len, argv[i]) != 0) {
				free(cmd);
				return -ERROR_FILENAME_EXCED_RANGE;
			}
	}
	char *envblock = env_block(env, nenv);
	if (!envblock) {
		free(cmd);
		return -ERROR_NOT_ENOUGH_MEMORY;
	}

	SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
	HANDLE in_r = NULL, in_w = NULL, out_r = NULL, out_w = NULL, err = NULL;
	int rc = 0;
	if (!CreatePipe(&in_r, &in_w, &sa, 64u << 10) ||
	    !CreatePipe(&out_r, &out_w, &sa, 64u << 10)) {
		rc = (int)GetLastError();
		goto fail;
	}
	HANDLE my_err = GetStdHandle(STD_ERROR_HANDLE);
	if (my_err && my_err != INVALID_HANDLE_VALUE &&
	    !DuplicateHandle(GetCurrentProcess(), my_err, GetCurrentProcess(), &err, 0, FALSE,
			     DUPLICATE_SAME_ACCESS))
		err = NULL;

	fflush(NULL);
	PROCESS_INFORMATION pi;
	rc = spawn(cmd, envblock, in_r, out_w, err, &pi);
	CloseHandle(in_r);
	CloseHandle(out_w);
	in_r = out_w = NULL;
	if (err)
		CloseHandle(err);
	free(envblock);
	envblock = NULL;
	free(cmd);
	cmd = NULL;
	if (rc != 0) {
		/* As the POSIX child reports a failed exec: message, 127 not found, 126 otherwise. */
		fprintf(stderr, "%s: cannot run '%s': %s\n", hvt_progname(), prog,
			hvt_strerror(rc));
		CloseHandle(in_w);
		CloseHandle(out_r);
		return (rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) ? 127 : 126;
	}
	CloseHandle(pi.hThread);

	struct pipe_pump *pp = calloc(1, sizeof *pp);
	HANDLE th = NULL;
	if (pp) {
		pp->refs = 2;
		pp->c = *c;
		pp->pipe = in_w;
		pp->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
		th = pp->stop ? (HANDLE)_beginthreadex(NULL, 0, sock_to_pipe, pp, 0, NULL) : NULL;
		if (!th) {
			pp->refs = 1;
			pp->pipe = NULL;
			pump_release(pp);
			pp = NULL;
		}
	}
	if (!pp)
		CloseHandle(in_w); /* the program sees EOF at once */
	in_w = NULL;

	/* program's stdout -> socket, here; Ctrl-C ends a ReadFile that waits for a program
	 * that says nothing (read_guard). */
	static const DWORD bufsize = 64u << 10;
	char *buf = malloc(bufsize);
	struct read_guard g;
	read_guard_start(&g);
	for (;;) {
		DWORD n = 0;
		if (!buf || hvt_interrupted() || !ReadFile(out_r, buf, bufsize, &n, NULL) || n == 0)
			break;
		if (conn_write_all(c, buf, n) != 0)
			break;
	}
	read_guard_end(&g);
	free(buf);
	CloseHandle(out_r);
	c->ops->shutdown_write(c->h);

	int status = 0;
	for (;;) {
		HANDLE hs[2] = { pi.hProcess, hvt_win_stop_event() };
		DWORD w = WaitForMultipleObjects(2, hs, FALSE, INFINITE);
		if (w == WAIT_OBJECT_0) {
			DWORD code = 0;
			GetExitCodeProcess(pi.hProcess, &code);
			if (code == (DWORD)STATUS_CONTROL_C_EXIT)
				status = 128 + 2;
			else
				status = code > 255 ? 255 : (int)code;
			break;
		}
		if (w != WAIT_TIMEOUT || hvt_interrupted()) {
			status = 128 + (hvt_interrupted() ? hvt_interrupted() : 15);
			break;
		}
	}
	CloseHandle(pi.hProcess);
	if (pp) {
		/* Stop the socket -> stdin pump: a WriteFile to a program that does not read
		 * (after Ctrl-C) is cancelled; it is left behind if that fails. */
		SetEvent(pp->stop);
		for (int i = 0; i < 20 && WaitForSingleObject(th, 100) == WAIT_TIMEOUT; i++)
			CancelSynchronousIo(th);
		CloseHandle(th);
		pump_release(pp);
	}
	/* The program is done and its output sent: wait a moment for the peer's EOF, so that
	 * closing does not reset the connection under our last bytes (net.c, hvt_sock_close). */
	if (!hvt_interrupted() && c->ops == &hvt_sock_end_ops)
		hvt_win_drain((SOCKET)c->h, 500);
	return status;

fail:
	for (HANDLE *h = (HANDLE[]){ in_r, in_w, out_r, out_w }, *e = h + 4; h < e; h++)
		if (*h)
			CloseHandle(*h);
	free(envblock);
	free(cmd);
	return -rc;
}

int hvt_isatty(int fd)
{
	/* _isatty is true for any character device (NUL too); a console also has a mode. */
	if (!_isatty(fd))
		return 0;
	DWORD mode;
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

enum hvt_path_kind hvt_path_kind(const char *path)
{
	DWORD at = GetFileAttributesA(path);
	if (at == INVALID_FILE_ATTRIBUTES)
		return HVT_PATH_NONE;
	return at & FILE_ATTRIBUTE_REPARSE_POINT ? HVT_PATH_SOCKET : HVT_PATH_OTHER;
}
