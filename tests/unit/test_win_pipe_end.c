/* The event engine's ends are generic (issue 21): a message-mode named pipe relayed to a TCP
 * connection by hvt_relay_pair through the overlapped-HANDLE end (common/win/pipe.c), under
 * Wine, which implements named pipes for real. Checked: bytes both ways, a zero-length
 * message from the pipe's client passed on as the socket's half-close, the socket's EOF
 * passed on as a zero-length message, and the relay's counts. Windows only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include "engine.h"

#include <process.h>
#include <stdio.h>

#include "net.h"
#include "relay.h"
#include "win_loopback.h"

struct relay_run {
	struct hvt_end a, b;
	struct hvt_relay_result r;
	int rc;
};

static unsigned __stdcall relay_main(void *arg)
{
	struct relay_run *x = arg;
	struct hvt_relay_opts o;
	hvt_relay_opts_init(&o);
	x->rc = hvt_relay_pair(x->a, x->b, &o, &x->r);
	return 0;
}

/* A connected TCP pair on loopback: *mine blocking, *theirs overlapped (for the relay). */
static void tcp_pair(SOCKET *mine, SOCKET *theirs)
{
	struct sockaddr_in sa;
	SOCKET l = loopback_listener(&sa, 1);
	*mine = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(*mine, (struct sockaddr *)&sa, sizeof sa), 0);
	*theirs = accept(l, NULL, NULL);
	assert_true(*theirs != INVALID_SOCKET);
	closesocket(l);
}

static void recv_exactly(SOCKET s, char *buf, int len)
{
	for (int got = 0; got < len;) {
		int n = recv(s, buf + got, len - got, 0);
		if (n <= 0)
			fail_msg("recv: %d after %d of %d bytes", n, got, len);
		got += n;
	}
}

static void test_message_pipe(void **state)
{
	(void)state;
	wchar_t name[64];
	swprintf(name, 64, L"\\\\.\\pipe\\hvt-test-%lu", GetCurrentProcessId());
	HANDLE server = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
					 PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 65536, 65536,
					 0, NULL);
	assert_true(server != INVALID_HANDLE_VALUE);
	HANDLE client =
		CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
	assert_true(client != INVALID_HANDLE_VALUE);
	DWORD mode = PIPE_READMODE_MESSAGE, n = 0;
	assert_true(SetNamedPipeHandleState(client, &mode, NULL, NULL));
	OVERLAPPED ov;
	memset(&ov, 0, sizeof ov);
	ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!ConnectNamedPipe(server, &ov))
		assert_true(GetLastError() == ERROR_PIPE_CONNECTED ||
			    (GetLastError() == ERROR_IO_PENDING &&
			     GetOverlappedResult(server, &ov, &n, TRUE)));

	assert_int_equal(hvt_net_init(), 0);
	SOCKET mine, theirs;
	tcp_pair(&mine, &theirs);
	struct relay_run x;
	memset(&x, 0, sizeof x);
	x.a.h = (hvt_sock)server;
	x.a.ops = &hvt_npipe_end;
	x.b = hvt_end_of((hvt_sock)theirs, &(struct hvt_addr){ .fam = NULL });
	HANDLE t = (HANDLE)_beginthreadex(NULL, 0, relay_main, &x, 0, NULL);
	assert_non_null(t);

	/* pipe -> socket: 16 messages of 64 KiB, then the zero-length message: EOF */
	static char msg[65536], got[65536];
	for (int i = 0; i < 16; i++) {
		memset(msg, 'a' + i, sizeof msg);
		assert_true(WriteFile(client, msg, sizeof msg, &n, NULL) && n == sizeof msg);
		recv_exactly(mine, got, (int)sizeof got);
		assert_memory_equal(got, msg, sizeof msg);
	}
	assert_true(WriteFile(client, "", 0, &n, NULL));
	assert_int_equal(recv(mine, got, 1, 0), 0); /* the half-close came through */

	/* socket -> pipe, then the socket's EOF as a zero-length message */
	assert_int_equal(send(mine, "world", 5, 0), 5);
	assert_true(ReadFile(client, got, sizeof got, &n, NULL));
	assert_int_equal(n, 5);
	assert_memory_equal(got, "world", 5);
	assert_int_equal(shutdown(mine, SD_SEND), 0);
	n = 99;
	assert_true(ReadFile(client, got, sizeof got, &n, NULL));
	assert_int_equal(n, 0);

	assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
	assert_int_equal(x.rc, 0);
	assert_int_equal(x.r.received, 16u * 65536u); /* a -> b */
	assert_int_equal(x.r.sent, 5u);		      /* b -> a */
	CloseHandle(t);
	CloseHandle(client);
	CloseHandle(server);
	CloseHandle(ov.hEvent);
	closesocket(mine);
	closesocket(theirs);
}
#else
static void test_message_pipe(void **state)
{
	(void)state;
	skip(); /* named pipes are Windows' */
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
