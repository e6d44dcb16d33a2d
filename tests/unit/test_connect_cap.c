/* common/net.c: a family whose sockets cannot wait as long as -w (Hyper-V sockets:
 * HVSOCKET_CONNECT_TIMEOUT is at most 300 s) connects again after each timeout until -w has
 * passed. Hyper-V is not here: a test family over unix sockets stands in, with a cap of
 * 100 ms and a handshake that uses up each attempt's time as a connect to a silent VM would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "addr.h"
#include "family.h"
#include "net.h"
#include "sys.h"

static uint64_t attempts[16];
static int nattempts;

static int silent(hvt_sock s, const struct hvt_addr *a, uint64_t timeout_ms)
{
	(void)s;
	(void)a;
	if (nattempts < 16)
		attempts[nattempts] = timeout_ms;
	nattempts++;
	hvt_sleep_ms(timeout_ms);
	return hvt_err_timeout();
}

static struct hvt_family capped;

static void run(const char *path, uint64_t wait_ms, int *rc, uint64_t *spent_ms)
{
	struct hvt_addr a;
	char err[256];
	hvt_sock s;
	assert_int_equal(hvt_addr_parse(path, 0, &a, err, sizeof err), 0);
	a.fam = &capped;
	nattempts = 0;
	uint64_t t0 = hvt_now_ns();
	*rc = hvt_sock_connect(&a, wait_ms, NULL, NULL, &s);
	*spent_ms = (hvt_now_ns() - t0) / 1000000u;
}

static void test_cap(void **state)
{
	struct hvt_addr l;
	char err[256], path[128];
	hvt_sock ls;
	int rc;
	uint64_t spent;
	(void)state;
	assert_int_equal(hvt_net_init(), 0);
	snprintf(path, sizeof path, "unix:hvt-cap-%ld.sock", (long)getpid());
	assert_int_equal(hvt_addr_parse(path, HVT_ADDR_LISTEN, &l, err, sizeof err), 0);
	if (hvt_sock_listen(&l, 16, &ls) != 0)
		skip(); /* no unix sockets here (an old Windows) */
	capped = hvt_family_unix;
	capped.connect_max_ms = 100;
	capped.connected = silent;

	/* -w 350 with a cap of 100: about 100, 100, 100, 50 (each attempt's handshake gets what
	 * its connect left of the 100 ms, a little less under valgrind), then the timeout. */
	run(path, 350, &rc, &spent);
	assert_int_equal(rc, hvt_err_timeout());
	assert_in_range(nattempts, 4, 5);
	for (int i = 0; i < nattempts - 1; i++)
		assert_in_range(attempts[i], 50, 100);
	assert_in_range(attempts[nattempts - 1], 1, 50);
	assert_true(spent >= 345);

	/* -w within the cap: one attempt with all of it. */
	run(path, 80, &rc, &spent);
	assert_int_equal(rc, hvt_err_timeout());
	assert_int_equal(nattempts, 1);
	assert_in_range(attempts[0], 40, 80);

	hvt_sock_close(ls);
	hvt_sock_unlink(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_cap) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
