/* The event engine's flows (common/win/engine.c) on a real completion port under Wine, with
 * ends made here so that every interleaving is chosen by the test:
 *  - over(f) is called once, when the flow is over, and never before (an earlier call for a
 *    direction that ended raced with the other direction's last completion freeing the
 *    flow on another thread of the port);
 *  - a failure to start one direction cancels the other, and over(f) follows its completion;
 *  - a direction's bytes arrive complete and in order through its two buffers, however
 *    reads and writes finish (at once or through the port, short or full), and the sink's
 *    half-close comes after the last byte. Windows only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#ifdef _WIN32
#include "engine.h"

#include <stdlib.h>

/* A made-up end: a source of `total` bytes of a known pattern, or a sink that checks them. */
struct fake {
	HANDLE port;
	int mode;	/* 0: operations stay pending until the test completes them; 1: mixed */
	OVERLAPPED *ov; /* the pending operation (mode 0) */
	int fail;	/* start_read fails with this code */
	size_t total, pos;
	unsigned rng;
	int shut; /* shutdown_write came */
	int bad;  /* a byte out of order, or a write after the half-close */
};

static unsigned next_rand(struct fake *e)
{
	e->rng = e->rng * 1103515245u + 12345u;
	return e->rng >> 16;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

static struct fake *fk(hvt_sock h)
{
	return (struct fake *)h;
}

static int f_attach(hvt_sock h, void *port)
{
	fk(h)->port = port;
	return 0;
}

/* mode 1: short or full, at once or through the port, chosen at random */
static int f_finish(struct fake *e, unsigned long n, void *ov, unsigned long *now)
{
	if (next_rand(e) % 2) {
		*now = n;
		return HVT_IO_NOW;
	}
	PostQueuedCompletionStatus(e->port, n, 0, ov);
	return 0;
}

static int f_start_read(hvt_sock h, void *buf, size_t len, void *ov, unsigned long *now)
{
	struct fake *e = fk(h);
	if (e->fail)
		return e->fail;
	if (e->mode == 0) {
		e->ov = ov;
		return 0;
	}
	size_t n = e->total - e->pos;
	size_t want = next_rand(e) % 3 == 0 ? len : 1 + next_rand(e) % len;
	if (n > want)
		n = want;
	for (size_t i = 0; i < n; i++)
		((unsigned char *)buf)[i] = pattern(e->pos + i);
	e->pos += n;
	return f_finish(e, (unsigned long)n, ov, now);
}

static int f_start_write(hvt_sock h, const void *buf, size_t len, void *ov, unsigned long *now)
{
	struct fake *e = fk(h);
	size_t n = 1 + next_rand(e) % len;
	if (e->shut)
		e->bad = 1;
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)buf)[i] != pattern(e->pos + i))
			e->bad = 1;
	e->pos += n;
	return f_finish(e, (unsigned long)n, ov, now);
}

static long f_result(hvt_sock h, void *ov, unsigned long bytes, unsigned long status)
{
	(void)h;
	(void)ov;
	return status ? -(long)status : (long)bytes;
}

static void f_cancel(hvt_sock h)
{
	struct fake *e = fk(h);
	if (e->ov) {
		/* its completion comes (what it says does not count once the flow stops) */
		PostQueuedCompletionStatus(e->port, 0, 0, e->ov);
		e->ov = NULL;
	}
}

static int f_shutdown(hvt_sock h)
{
	fk(h)->shut = 1;
	return 0;
}

static const struct hvt_end_ops fake_ops = {
	.shutdown_write = f_shutdown,
	.attach = f_attach,
	.start_read = f_start_read,
	.start_write = f_start_write,
	.result = f_result,
	.cancel = f_cancel,
};

static struct hvt_end end_of(struct fake *e, HANDLE port)
{
	struct hvt_end x = { (hvt_sock)e, &fake_ops };
	assert_int_equal(hvt_end_attach(&x, port), 0);
	return x;
}

static int overs;

static void count_over(struct hvt_flow *f)
{
	(void)f;
	overs++;
}

/* A flow on port with over(f) counted. */
static struct hvt_flow *new_flow(HANDLE port, size_t bufsize)
{
	struct hvt_flow *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->port = port;
	f->bufsize = bufsize;
	f->over = count_over;
	overs = 0;
	return f;
}

/* Completes e's pending read with n bytes (0: EOF) and handles it on this thread. */
static void complete(struct fake *e, unsigned long n)
{
	OVERLAPPED *ov = e->ov;
	assert_non_null(ov);
	e->ov = NULL;
	PostQueuedCompletionStatus(e->port, n, 0, ov);
	assert_int_equal(hvt_port_run(e->port, 5000), 1);
}

static void test_over_once(void **state)
{
	(void)state;
	HANDLE port;
	assert_int_equal(hvt_port_open(&port), 0);
	struct fake a = { 0 }, b = { 0 };
	struct hvt_flow *f = new_flow(port, 64);
	hvt_flow_dir(f, 0, end_of(&a, port), end_of(&b, port), 1, "receive", "send");
	hvt_flow_dir(f, 1, end_of(&b, port), end_of(&a, port), 1, "receive", "send");
	assert_int_equal(hvt_flow_start(f), 0);
	complete(&a, 0); /* a's EOF: direction 0 ends, b is half-closed */
	assert_true(b.shut);
	assert_true(f->d[0].done);
	assert_int_equal(overs, 0);
	assert_false(hvt_flow_over(f));
	complete(&b, 0);
	assert_int_equal(overs, 1);
	assert_true(hvt_flow_over(f));
	hvt_flow_free(f);
	hvt_port_close(port);
}

static void test_start_failure(void **state)
{
	(void)state;
	HANDLE port;
	assert_int_equal(hvt_port_open(&port), 0);
	struct fake a = { 0 }, b = { 0 };
	a.fail = WSAECONNRESET;
	struct hvt_flow *f = new_flow(port, 0);
	hvt_flow_dir(f, 0, end_of(&b, port), end_of(&a, port), 1, "receive from target", "send");
	hvt_flow_dir(f, 1, end_of(&a, port), end_of(&b, port), 1, "receive", "send to target");
	assert_int_equal(hvt_flow_start(f), 0);
	/* b's read was cancelled: over only once its completion has come */
	assert_int_equal(overs, 0);
	assert_int_equal(hvt_port_run(port, 5000), 1);
	assert_int_equal(overs, 1);
	const char *where = NULL;
	assert_int_equal(hvt_flow_error(&f->d[0], &f->d[1], &where), WSAECONNRESET);
	assert_string_equal(where, "receive");
	hvt_flow_free(f);
	hvt_port_close(port);
}

static void test_order(void **state)
{
	(void)state;
	HANDLE port;
	assert_int_equal(hvt_port_open(&port), 0);
	for (unsigned seed = 1; seed <= 20; seed++) {
		struct fake src = { 0 }, sink = { 0 };
		src.mode = sink.mode = 1;
		src.rng = seed;
		sink.rng = seed * 7919u;
		src.total = 3u << 20;
		struct hvt_flow *f = new_flow(port, 100);
		hvt_flow_dir(f, 0, end_of(&src, port), end_of(&sink, port), 1, "read", "write");
		assert_int_equal(hvt_flow_start(f), 0);
		while (!hvt_flow_over(f))
			assert_int_equal(hvt_port_run(port, 5000), 1);
		assert_int_equal(overs, 1);
		assert_false(sink.bad);
		assert_true(sink.shut);
		assert_int_equal(sink.pos, src.total);
		assert_int_equal((uint64_t)f->d[0].bytes, src.total);
		assert_int_equal(f->d[0].error, 0);
		hvt_flow_free(f);
	}
	hvt_port_close(port);
}
#else
static void test_over_once(void **state)
{
	(void)state;
	skip(); /* the engine is Windows' */
}

static void test_start_failure(void **state)
{
	(void)state;
	skip();
}

static void test_order(void **state)
{
	(void)state;
	skip();
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_over_once),
		cmocka_unit_test(test_start_failure),
		cmocka_unit_test(test_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
