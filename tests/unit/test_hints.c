/* The hints after an error (common/net.c and each family's hint): what each family says about
 * a kind of error, the generic fallback, and that vsock never gets Hyper-V's advice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"
#include "family.h"
#include "net.h"

static void has(const char *hint, const char *want)
{
	if (!hint || !strstr(hint, want))
		fail_msg("hint '%s' does not say '%s'", hint ? hint : "(none)", want);
}

static void test_vsock(void **state)
{
	const struct hvt_family *f = &hvt_family_vsock;
	(void)state;
	has(f->hints[HVT_E_ACCESS], "CAP_NET_BIND_SERVICE");
	has(f->hints[HVT_E_ADDRNOTAVAIL], "not this machine's");
	has(f->hints[HVT_E_ADDRNOTAVAIL], "vsock:any:PORT");
	has(f->hints[HVT_E_NETUNREACH], "CID 2");
	has(f->hints[HVT_E_NETUNREACH], "vsock_loopback");
	has(f->hints[HVT_E_NODEV], "no vsock transport");
	has(f->hints[HVT_E_TIMEDOUT], "times out instead of being refused");
	has(f->hints[HVT_E_RESET], "nothing is listening");
	/* Hyper-V's advice (VM ids, WSL, elevation) is not vsock's. */
	for (int k = 0; k < HVT_E_COUNT; k++) {
		const char *h = f->hints[k];
		if (h && (strstr(h, "WSL") || strstr(h, "VM id") || strstr(h, "elevat")))
			fail_msg("vsock hint for kind %d talks about Hyper-V: %s", k, h);
	}
}

static void test_hv(void **state)
{
	const struct hvt_family *f = &hvt_family_hv;
	(void)state;
	has(f->hints[HVT_E_ACCESS], "registered on the host");
	has(f->hints[HVT_E_NETDOWN], "restarting");
	has(f->hints[HVT_E_NETUNREACH], "not running");
	has(f->hints[HVT_E_ADDRNOTAVAIL], "no VM with that id");
}

static void test_fallback(void **state)
{
	struct hvt_addr a;
	char err[256];
	(void)state;
	/* Through hvt_hint, with the platform's own timeout code. */
	assert_int_equal(hvt_addr_parse("vsock:2:5000", 0, &a, err, sizeof err), 0);
	has(hvt_hint(&a, hvt_err_timeout()), "times out instead of being refused");
	assert_int_equal(hvt_addr_parse("tcp:localhost:1", 0, &a, err, sizeof err), 0);
	has(hvt_hint(&a, hvt_err_timeout()), "is the host reachable");
	assert_int_equal(hvt_addr_parse("unix:/x", 0, &a, err, sizeof err), 0);
	has(a.fam->hints[HVT_E_ADDRINUSE], "stale socket file");
	has(a.fam->hints[HVT_E_REFUSED], "nothing accepts on that path");
	assert_null(a.fam->hints[HVT_E_RESET]); /* the generic one applies */
}

/* The errors go-winio's dialer redials on (hvsock.go canRedial) and a reset, as Windows reports
 * them for hvsockets: Win32 codes as well as Winsock ones, each with a hint. */
static void test_win_codes(void **state)
{
	(void)state;
#ifdef _WIN32
	struct hvt_addr a;
	char err[256];
	assert_int_equal(hvt_addr_parse("hv:loopback:5000", 0, &a, err, sizeof err), 0);
	assert_int_equal(hvt_errkind(1225), HVT_E_REFUSED);	/* ERROR_CONNECTION_REFUSED */
	assert_int_equal(hvt_errkind(10061), HVT_E_REFUSED);	/* WSAECONNREFUSED */
	assert_int_equal(hvt_errkind(1201), HVT_E_NETUNREACH);	/* ERROR_CONNECTION_UNAVAIL */
	assert_int_equal(hvt_errkind(10051), HVT_E_NETUNREACH); /* WSAENETUNREACH */
	assert_int_equal(hvt_errkind(10060), HVT_E_TIMEDOUT);	/* WSAETIMEDOUT */
	assert_int_equal(hvt_errkind(10052), HVT_E_RESET);	/* WSAENETRESET */
	assert_int_equal(hvt_errkind(64), HVT_E_RESET);		/* ERROR_NETNAME_DELETED */
	has(hvt_hint(&a, 1225), "nothing is listening there yet");
	has(hvt_hint(&a, 1201), "not running");
	has(hvt_hint(&a, 10052), "closed the connection abruptly");
#else
	skip(); /* Windows codes */
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vsock),
		cmocka_unit_test(test_hv),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_win_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
