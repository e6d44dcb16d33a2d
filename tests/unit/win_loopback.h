/* For the Windows unit tests (test_win_*.c, after cmocka.h and winsock): an overlapped TCP
 * listener on 127.0.0.1 and an ephemeral port, with its address in *sa. */
#ifndef HVT_TEST_WIN_LOOPBACK_H
#define HVT_TEST_WIN_LOOPBACK_H

static SOCKET loopback_listener(struct sockaddr_in *sa, int backlog)
{
	int len = (int)sizeof *sa;
	SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
	assert_true(l != INVALID_SOCKET);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)sa, sizeof *sa), 0);
	assert_int_equal(listen(l, backlog), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)sa, &len), 0);
	return l;
}

#endif
