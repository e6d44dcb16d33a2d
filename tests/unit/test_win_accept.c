/* A connection that goes away between the listener's readiness and accept() must not block
 * hvt_sock_accept (issue 21): it waits again, and the stop event (Ctrl-C) still ends it. Under
 * Wine a connection reset in the queue is still accepted (or fails with WSAENOTCONN), so the
 * vanishing is made here: another thread accepts the connection first, as a connector that
 * timed out or a reset VM takes it away on Windows. The race is retried until the other
 * thread has won it at least once. Windows only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include "win.h"

#include <process.h>

#include "net.h"
#include "win_loopback.h"

struct acceptor {
	SOCKET l;
	hvt_sock s;
	int rc;
	HANDLE done;
};

static unsigned __stdcall acceptor_main(void *arg)
{
	struct acceptor *a = arg;
	a->rc = hvt_sock_accept((hvt_sock)a->l, &a->s, NULL);
	SetEvent(a->done);
	return 0;
}

static void test_vanished(void **state)
{
	(void)state;
	assert_int_equal(hvt_net_init(), 0);
	struct sockaddr_in sa;
	SOCKET l = loopback_listener(&sa, 16);
	int stolen = 0;
	for (int round = 0; round < 50 && !stolen; round++) {
		struct acceptor a = { l, HVT_SOCK_INVALID, -1,
				      CreateEventW(NULL, TRUE, FALSE, NULL) };
		HANDLE t = (HANDLE)_beginthreadex(NULL, 0, acceptor_main, &a, 0, NULL);
		assert_non_null(t);
		Sleep(20); /* it waits for a client */
		SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
		/* take the client before it does, while it wakes up for it */
		SOCKET mine = INVALID_SOCKET;
		while (mine == INVALID_SOCKET && WaitForSingleObject(a.done, 0) != WAIT_OBJECT_0)
			mine = accept(l, NULL, NULL);
		if (mine != INVALID_SOCKET) {
			stolen = 1;
			/* it must still wait, not block in accept: the stop event ends it */
			assert_int_equal(WaitForSingleObject(a.done, 300), WAIT_TIMEOUT);
			SetEvent(hvt_win_stop_event());
			assert_int_equal(WaitForSingleObject(a.done, 1000), WAIT_OBJECT_0);
			ResetEvent(hvt_win_stop_event());
			assert_int_equal(a.rc, WSAEINTR);
			closesocket(mine);
		} else {
			WaitForSingleObject(a.done, INFINITE);
			assert_int_equal(a.rc, 0);
			hvt_sock_close(a.s);
		}
		WaitForSingleObject(t, INFINITE);
		CloseHandle(t);
		CloseHandle(a.done);
		closesocket(c);
	}
	assert_true(stolen);
	closesocket(l);
}
#else
static void test_vanished(void **state)
{
	(void)state;
	skip(); /* common/win/net.c's accept */
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vanished),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
