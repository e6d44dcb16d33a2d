/* hvping: ping for Hyper-V sockets (and vsock, tcp, unix). See man/hvping.1; the protocol is
 * in common/ping.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "family.h"
#include "hvgetopt.h"
#include "json.h"
#include "listener.h"
#include "msg.h"
#include "net.h"
#include "opts.h"
#include "register.h"
#include "relay.h"
#include "ping.h"
#include "sys.h"
#include "wsl.h"

#define HELLO_WAIT_MS	    2000u  /* client: a responder answers the hello within this */
#define SERVE_HELLO_WAIT_MS 10000u /* responder: a client sends its hello within this */
#define DEFAULT_SIZE	    56u
#define DEFAULT_TIMEOUT_MS  5000u

static struct {
	int listen, quiet, json, connect, verbose, start_wsl, reg;
	const char *reg_name; /* --register=NAME */
	uint64_t count;	      /* 0 = until interrupted */
	uint64_t interval_ms, timeout_ms, size, max_conns;
	struct hvt_addr addr;
	char name[HVT_ADDR_STRLEN]; /* the address as printed */
} opt;

static void usage(void)
{
	printf("Usage: %s [options] ADDRESS\n"
	       "       %s -l [-m N] [-v] ADDRESS\n"
	       "Measure round trips to ADDRESS: echo probes through an hvping responder\n"
	       "(%s -l), or connect times to any listener.\n"
	       "\n"
	       "Addresses (see hvsock(7)):\n",
	       hvt_progname(), hvt_progname(), hvt_progname());
	hvt_families_help(stdout);
	printf("\n"
	       "Options:\n"
	       "  -c, --count N           stop after N probes (default: until interrupted)\n"
	       "  -i, --interval TIME     time between the starts of probes (1s; 0 = back to back)\n"
	       "  -W, --timeout TIME      wait this long for a connection or a reply (5s)\n"
	       "  -s, --size BYTES        echo payload per probe, 0-%u (%u)\n"
	       "      --connect           time connects (connect and close) instead of echoes\n"
	       "  -q, --quiet             print only the summary\n"
	       "  -j, --json              print one JSON document (keys in hvping(1))\n"
	       "  -l, --listen            be the echo responder on ADDRESS\n"
	       "  -m, --max-conns N       with -l, serve at most N clients at once (100)\n"
	       "      --start-wsl         for hv:wsl:, start WSL when it is not running\n"
	       "      --register[=NAME]   listening on hv:SERVICE, register SERVICE on this\n"
	       "                          Hyper-V host (and remove it at exit if added)\n"
	       "  -v, --verbose           report connections, fallbacks and reasons on stderr\n"
	       "  -h, --help              show this help and exit\n"
	       "  -V, --version           show the version and exit\n"
	       "\n"
	       "TIME takes s (default), ms, m or h: 1, 0.2, 250ms.\n"
	       "Exit status: 0 some probe was answered, 1 none was, 2 usage error.\n"
	       "With -l: 0 stopped by a signal, 1 failure.\n",
	       HVT_PING_MAX_SIZE, DEFAULT_SIZE);
	exit(HVT_EXIT_OK);
}

enum { OPT_CONNECT = 256, OPT_START_WSL, OPT_REGISTER };

static const struct hvt_option longopts[] = {
	{ "count", hvt_required_argument, NULL, 'c' },
	{ "interval", hvt_required_argument, NULL, 'i' },
	{ "timeout", hvt_required_argument, NULL, 'W' },
	{ "size", hvt_required_argument, NULL, 's' },
	{ "connect", hvt_no_argument, NULL, OPT_CONNECT },
	{ "register", hvt_optional_argument, NULL, OPT_REGISTER },
	{ "quiet", hvt_no_argument, NULL, 'q' },
	{ "json", hvt_no_argument, NULL, 'j' },
	{ "listen", hvt_no_argument, NULL, 'l' },
	{ "max-conns", hvt_required_argument, NULL, 'm' },
	{ "start-wsl", hvt_no_argument, NULL, OPT_START_WSL },
	{ "verbose", hvt_no_argument, NULL, 'v' },
	{ "help", hvt_no_argument, NULL, 'h' },
	{ "version", hvt_no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* ---- the socket as protocol I/O ------------------------------------------------------- */

static long sock_recv(void *ctx, void *buf, size_t len, uint64_t timeout_ms)
{
	return hvt_sock_recv(*(hvt_sock *)ctx, buf, len, timeout_ms);
}

static int sock_send(void *ctx, const void *buf, size_t len)
{
	return hvt_sock_send_all(*(hvt_sock *)ctx, buf, len);
}

static struct hvt_ping_io sock_io(hvt_sock *s)
{
	struct hvt_ping_io io = { sock_recv, sock_send, s };
	return io;
}

/* "5 s" or "250 ms" */
static const char *duration_text(uint64_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%llu s", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, len, "%llu ms", (unsigned long long)ms);
	return buf;
}

/* ---- the client ------------------------------------------------------------------------ */

enum phase { PH_CONNECT, PH_HELLO, PH_REPLY };

struct result {
	int ok, interrupted;
	int echo; /* an echo reply (else a connect time) */
	uint64_t ns;
	enum phase phase; /* on failure */
	enum hvt_ping_status st;
	int code;
};

static struct {
	hvt_sock s;
	int fellback; /* the peer is no responder: timing connects */
	uint64_t echo_replies;
	uint8_t *buf, *reply;
	uint64_t sent, received;
	struct hvt_ping_stats stats;
	int failed; /* the last failure, for the hint */
	struct result last_fail;
	char error[256];
	struct hvt_jw jw; /* -j: the document, written as the probes happen */
} cl;

static int connect_mode(void)
{
	return opt.connect || cl.fellback;
}

static uint64_t hello_wait(void)
{
	return opt.timeout_ms < HELLO_WAIT_MS ? opt.timeout_ms : HELLO_WAIT_MS;
}

/* Why the hello failed, for -v and probe errors. */
static const char *hello_reason(enum hvt_ping_status st, int code, char *buf, size_t len)
{
	char d[32];
	if (st == HVT_PING_IO && hvt_errkind(code) == HVT_E_TIMEDOUT)
		snprintf(buf, len, "no hello within %s", duration_text(hello_wait(), d, sizeof d));
	else if (st == HVT_PING_IO)
		snprintf(buf, len, "%s", hvt_strerror(code));
	else
		snprintf(buf, len, "%s", hvt_ping_status_text(st));
	return buf;
}

static void fail(struct result *r, enum phase ph, enum hvt_ping_status st, int code)
{
	r->ok = 0;
	r->phase = ph;
	r->st = st;
	r->code = code;
	r->interrupted = hvt_interrupted() != 0;
}

/* A connect within -W, timed: 0 with *s and *ns, or -1 with the failure in r. */
static int timed_connect(struct result *r, hvt_sock *s, uint64_t *ns)
{
	uint64_t t0 = hvt_now_ns();
	int rc = hvt_sock_connect(&opt.addr, opt.timeout_ms, NULL, NULL, s);
	*ns = hvt_now_ns() - t0;
	if (rc != 0) {
		fail(r, PH_CONNECT, HVT_PING_IO, rc);
		return -1;
	}
	return 0;
}

static void probe_connect(struct result *r)
{
	hvt_sock s;
	uint64_t ns;
	if (timed_connect(r, &s, &ns) != 0)
		return;
	hvt_conn_close(s, &opt.addr);
	r->ok = 1;
	r->ns = ns;
}

/* No hello within the hello wait, the peer silent: a responder at its -m limit (the
 * connection waits in its listen queue) looks exactly like that, so it is no reason to fall
 * back; that probe fails (issue 20 item 9). */
static int is_silent(enum hvt_ping_status st, int code)
{
	return st == HVT_PING_IO && hvt_errkind(code) == HVT_E_TIMEDOUT;
}

/* A peer that takes the connection but is no hvping responder: closes, echoes or sends
 * something else. Only before any echo reply: later it is a failure of that probe. */
static int is_non_responder(enum hvt_ping_status st, int code)
{
	return (st == HVT_PING_IO && !is_silent(st, code)) || st == HVT_PING_CLOSED ||
	       st == HVT_PING_ECHOED || st == HVT_PING_BAD_HELLO;
}

static void probe_echo(uint32_t seq, struct result *r)
{
	enum hvt_ping_status st;
	int code;
	char why[256];

	if (cl.s == HVT_SOCK_INVALID) {
		hvt_sock s;
		struct hvt_ping_hello peer;
		uint64_t ns;
		if (timed_connect(r, &s, &ns) != 0)
			return;
		if (opt.verbose)
			hvt_warnx("connected to %s in %.3f ms", opt.name, (double)ns / 1e6);
		struct hvt_ping_io io = sock_io(&s);
		st = hvt_ping_client_hello(&io, (uint32_t)opt.size, hello_wait(), &peer, &code);
		if (st != HVT_PING_OK) {
			hvt_sock_close(s);
			if (hvt_interrupted()) {
				r->interrupted = 1;
				return;
			}
			if (is_non_responder(st, code) && cl.echo_replies == 0) {
				hvt_warnx("%s does not answer the hvping protocol; timing connects "
					  "instead (--connect)",
					  opt.name);
				if (opt.verbose)
					hvt_warnx("%s: %s", opt.name,
						  hello_reason(st, code, why, sizeof why));
				cl.fellback = 1;
				/* This connection was a complete connect probe already. */
				r->ok = 1;
				r->ns = ns;
				return;
			}
			fail(r, PH_HELLO, st, code);
			return;
		}
		if (opt.verbose && peer.version != HVT_PING_VERSION)
			hvt_warnx("%s speaks protocol version %u", opt.name, peer.version);
		cl.s = s;
	}
	struct hvt_ping_io io = sock_io(&cl.s);
	uint64_t ns = 0;
	st = hvt_ping_probe(&io, seq, (uint32_t)opt.size, cl.buf, cl.reply, opt.timeout_ms, &ns,
			    &code);
	if (st != HVT_PING_OK) {
		/* The stream may hold a late reply now: start afresh with the next probe. */
		hvt_sock_close(cl.s);
		cl.s = HVT_SOCK_INVALID;
		fail(r, PH_REPLY, st, code);
		if (opt.verbose && !r->interrupted)
			hvt_warnx("closed the connection to %s; the next probe reconnects",
				  opt.name);
		return;
	}
	cl.echo_replies++;
	r->ok = 1;
	r->echo = 1;
	r->ns = ns;
}

static const char *error_text(const struct result *r, char *buf, size_t len)
{
	char d[32], why[256];
	switch (r->phase) {
	case PH_CONNECT: snprintf(buf, len, "%s", hvt_connect_strerror(r->code)); break;
	case PH_HELLO:
		if (r->st == HVT_PING_BAD_VERSION || r->st == HVT_PING_TOO_LARGE)
			snprintf(buf, len, "hvping protocol: %s", hvt_ping_status_text(r->st));
		else if (is_silent(r->st, r->code))
			snprintf(buf, len, "busy or not a responder (%s)",
				 hello_reason(r->st, r->code, why, sizeof why));
		else
			snprintf(buf, len, "peer does not answer the hvping protocol (%s)",
				 hello_reason(r->st, r->code, why, sizeof why));
		break;
	case PH_REPLY:
		if (r->st == HVT_PING_IO && hvt_errkind(r->code) == HVT_E_TIMEDOUT)
			snprintf(buf, len, "no reply within %s",
				 duration_text(opt.timeout_ms, d, sizeof d));
		else if (r->st == HVT_PING_IO)
			snprintf(buf, len, "%s", hvt_strerror(r->code));
		else
			snprintf(buf, len, "%s", hvt_ping_status_text(r->st));
		break;
	}
	return buf;
}

static const char *hint_for(const struct result *r)
{
	switch (r->phase) {
	case PH_CONNECT: return hvt_hint(&opt.addr, r->code);
	case PH_HELLO:
		if (r->st == HVT_PING_BAD_VERSION)
			return "the responder speaks another protocol version: use the same hvping "
			       "version on both sides";
		if (r->st == HVT_PING_TOO_LARGE)
			return "the responder accepts smaller payloads: use a smaller -s";
		if (is_silent(r->st, r->code))
			return "the peer took the connection but sent no hello: an hvping -l serving "
			       "its -m connections already (yours waits in its queue) or no "
			       "responder at all; --connect times connects to any listener";
		return "something other than hvping -l answers there now; --connect times "
		       "connects to any listener";
	case PH_REPLY:
		if (r->st == HVT_PING_MISMATCH)
			return "replies do not match the probes: is another program answering on "
			       "this address?";
		if (r->st == HVT_PING_CLOSED ||
		    (r->st == HVT_PING_IO && hvt_errkind(r->code) == HVT_E_RESET))
			return "the responder went away: was hvping -l stopped or restarted?";
		if (r->st == HVT_PING_IO && hvt_errkind(r->code) == HVT_E_TIMEDOUT)
			return "the responder is stuck or the link is slow; a longer -W may help";
		return NULL;
	}
	return NULL;
}

/* Decimal text of x with at most prec decimals and no trailing zeros ("50", "33.3"). */
static const char *trimmed(double x, int prec, char *buf, size_t len)
{
	snprintf(buf, len, "%.*f", prec, x);
	if (strchr(buf, '.')) {
		char *e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
	return buf;
}

/* The time of one probe as ping(8) prints it: about four significant digits. */
static const char *probe_ms(uint64_t ns, char *buf, size_t len)
{
	int prec = ns >= 100000000u ? 0 : ns >= 10000000u ? 1 : ns >= 1000000u ? 2 : 3;
	snprintf(buf, len, "%.*f", prec, (double)ns / 1e6);
	return buf;
}

static void report_probe(uint64_t seq, const struct result *r)
{
	char t[64];
	cl.sent++;
	if (r->ok) {
		cl.received++;
		hvt_ping_stats_add(&cl.stats, (double)r->ns / 1e6);
	} else {
		cl.failed = 1;
		cl.last_fail = *r;
		error_text(r, cl.error, sizeof cl.error);
	}
	if (opt.json) {
		hvt_jw_object(&cl.jw, NULL, 1);
		hvt_jw_num(&cl.jw, "seq", seq);
		if (r->ok && r->echo)
			hvt_jw_num(&cl.jw, "bytes", opt.size);
		if (r->ok)
			hvt_jw_fixed(&cl.jw, "time_ms", (double)r->ns / 1e6, 6);
		else
			hvt_jw_str(&cl.jw, "error", cl.error);
		hvt_jw_end(&cl.jw);
	} else if (opt.quiet) {
		return;
	} else if (r->ok && r->echo) {
		printf("seq=%llu bytes=%llu time=%s ms\n", (unsigned long long)seq,
		       (unsigned long long)opt.size, probe_ms(r->ns, t, sizeof t));
	} else if (r->ok) {
		printf("seq=%llu time=%s ms\n", (unsigned long long)seq,
		       probe_ms(r->ns, t, sizeof t));
	} else {
		printf("seq=%llu error: %s\n", (unsigned long long)seq, cl.error);
	}
	fflush(stdout); /* as it happens, in JSON too */
}

static void summary(uint64_t elapsed_ns)
{
	char loss[32];
	double lost = cl.sent ? (double)(cl.sent - cl.received) * 100.0 / (double)cl.sent : 0;
	const char *hint = cl.failed ? hint_for(&cl.last_fail) : NULL;
	double mdev = hvt_ping_stats_mdev(&cl.stats);

	if (opt.json) {
		struct hvt_jw *w = &cl.jw;
		hvt_jw_end(w); /* probes */
		hvt_jw_str(w, "mode", connect_mode() ? "connect" : "echo");
		hvt_jw_bool(w, "fallback", cl.fellback);
		if (connect_mode())
			hvt_jw_null(w, "size");
		else
			hvt_jw_num(w, "size", opt.size);
		hvt_jw_num(w, "sent", cl.sent);
		hvt_jw_num(w, "received", cl.received);
		hvt_jw_raw(w, "loss_percent", trimmed(lost, 3, loss, sizeof loss));
		hvt_jw_fixed(w, "elapsed_ms", (double)elapsed_ns / 1e6, 3);
		if (cl.received) {
			hvt_jw_object(w, "rtt", 1);
			hvt_jw_fixed(w, "min", cl.stats.min, 6);
			hvt_jw_fixed(w, "avg", cl.stats.mean, 6);
			hvt_jw_fixed(w, "max", cl.stats.max, 6);
			hvt_jw_fixed(w, "mdev", mdev, 6);
			hvt_jw_end(w);
		} else {
			hvt_jw_null(w, "rtt");
		}
		hvt_jw_str(w, "hint", hint);
		hvt_jw_end(w);
		hvt_jw_finish(w);
	} else {
		if (!opt.quiet)
			putchar('\n');
		printf("--- %s hvping statistics ---\n", opt.name);
		printf("%llu probes, %llu replies, %s%% loss, time %llu ms\n",
		       (unsigned long long)cl.sent, (unsigned long long)cl.received,
		       trimmed(lost, 1, loss, sizeof loss),
		       (unsigned long long)(elapsed_ns / 1000000u));
		if (cl.received)
			printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", cl.stats.min,
			       cl.stats.mean, cl.stats.max, mdev);
	}
	hvt_close_stdout();
	if (hint)
		hvt_warnx("hint: %s", hint);
}

/* Sleeps until the monotonic clock reaches t_ns, or an interrupt. */
static void sleep_until(uint64_t t_ns)
{
	for (;;) {
		uint64_t now = hvt_now_ns();
		if (now >= t_ns || hvt_interrupted())
			return;
		hvt_sleep_ms((t_ns - now + 999999u) / 1000000u);
	}
}

static int run_client(void)
{
	size_t bufsize = HVT_PING_HDR_LEN + (size_t)opt.size;
	cl.s = HVT_SOCK_INVALID;
	if (!opt.connect) {
		cl.buf = malloc(bufsize);
		cl.reply = malloc(bufsize);
		if (!cl.buf || !cl.reply)
			hvt_diex(HVT_EXIT_FAIL, "out of memory");
	}
	if (opt.json) {
		hvt_jw_init(&cl.jw, stdout);
		hvt_jw_object(&cl.jw, NULL, 0);
		hvt_jw_str(&cl.jw, "address", opt.name);
		hvt_jw_array(&cl.jw, "probes", 0);
	} else if (!opt.quiet) {
		if (opt.connect)
			printf("HVPING %s (connect)\n", opt.name);
		else
			printf("HVPING %s (echo, %llu bytes)\n", opt.name,
			       (unsigned long long)opt.size);
		fflush(stdout);
	}

	uint64_t start = hvt_now_ns();
	for (uint64_t seq = 1; opt.count == 0 || seq <= opt.count; seq++) {
		struct result r;
		memset(&r, 0, sizeof r);
		if (hvt_interrupted())
			break;
		uint64_t pstart = hvt_now_ns();
		if (connect_mode())
			probe_connect(&r);
		else
			probe_echo((uint32_t)seq, &r);
		/* A probe cut short by Ctrl-C was not lost: it is not counted. */
		if (!r.ok && (r.interrupted || hvt_interrupted()))
			break;
		report_probe(seq, &r);
		if (ferror(stdout))
			hvt_close_stdout(); /* a closed pipe or a full disk: report it and stop */
		if (opt.count && seq == opt.count)
			break;
		uint64_t step = opt.interval_ms * 1000000u;
		sleep_until(pstart + step);
	}
	uint64_t elapsed = hvt_now_ns() - start;
	if (cl.s != HVT_SOCK_INVALID)
		hvt_sock_close(cl.s);
	summary(elapsed);
	free(cl.buf);
	free(cl.reply);
	return cl.received ? HVT_EXIT_OK : HVT_EXIT_FAIL;
}

/* ---- the responder --------------------------------------------------------------------- */

struct conn {
	hvt_sock s;
	struct hvt_addr peer;
	unsigned long long id; /* numbers the -v lines of concurrent connections */
};

static int serve_task(void *ctx)
{
	struct conn *c = ctx;
	struct hvt_ping_served served;
	char peer[64], d[32];
	int code;
	struct hvt_ping_io io = sock_io(&c->s);
	enum hvt_ping_status st = hvt_ping_serve(&io, SERVE_HELLO_WAIT_MS, &served, &code);
	hvt_sock_close(c->s);
	if (!opt.verbose || hvt_interrupted())
		return 0;
	snprintf(peer, sizeof peer, "connection %llu", c->id);
	if (st == HVT_PING_CLOSED && !served.hello_done)
		hvt_warnx("%s: closed without a hello (a connect probe?)", peer);
	else if (st == HVT_PING_CLOSED)
		hvt_warnx("%s: done after %llu probes of %u bytes", peer,
			  (unsigned long long)served.probes, (unsigned)served.size);
	else if (st == HVT_PING_IO && !served.hello_done && hvt_errkind(code) == HVT_E_TIMEDOUT)
		hvt_warnx("%s: no hello within %s, closing", peer,
			  duration_text(SERVE_HELLO_WAIT_MS, d, sizeof d));
	else if (st == HVT_PING_IO)
		hvt_warnx("%s: %s after %llu probes", peer, hvt_strerror(code),
			  (unsigned long long)served.probes);
	else if (st == HVT_PING_TOO_LARGE && !served.hello_done)
		hvt_warnx("%s: asked for probes over %u bytes, closing", peer, HVT_PING_MAX_SIZE);
	else if (st == HVT_PING_TOO_LARGE)
		hvt_warnx("%s: probe longer than announced in its hello, closing", peer);
	else
		hvt_warnx("%s: not an hvping client (%s), closing", peer, hvt_ping_status_text(st));
	return 0;
}

static int run_listen(void)
{
	char buf[HVT_ADDR_STRLEN];
	struct hvt_listener l;
	int rc;
	if (hvt_listener_open(&l, &opt.addr, 128, opt.verbose) != 0)
		return HVT_EXIT_FAIL;
	int status = HVT_EXIT_OK;
	unsigned long long nconn = 0;
	for (;;) {
		hvt_tasks_wait_below((int)opt.max_conns);
		if (hvt_interrupted())
			break;
		struct conn c;
		c.id = ++nconn;
		rc = hvt_listener_accept(&l, &c.s, &c.peer, UINT64_MAX);
		if (rc != 0) {
			if (!hvt_interrupted()) {
				hvt_report("accept on", &opt.addr, rc);
				status = HVT_EXIT_FAIL;
			}
			break;
		}
		if (opt.verbose)
			hvt_warnx("connection %llu from %s", c.id,
				  hvt_addr_format(&c.peer, buf, sizeof buf));
		rc = hvt_task_start(serve_task, &c, sizeof c, c.s);
		if (rc != 0) {
			hvt_warn(rc, "cannot serve the connection from %s",
				 hvt_addr_format(&c.peer, buf, sizeof buf));
			hvt_sock_close(c.s);
		}
	}
	hvt_listener_close(&l);
	if (hvt_interrupted())
		hvt_tasks_stop(hvt_interrupted()); /* and the connections in progress */
	return status;
}

/* ---- options ---------------------------------------------------------------------------- */

/* Which options go together (common/opts.h). */
static const struct hvt_opt_rule rules[] = {
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 'c' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 'i' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 'W' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 's' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 'q' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', 'j' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'l', OPT_CONNECT } },
	{ HVT_OPT_EXCLUSIVE, .a = { OPT_CONNECT, 's' } },
	{ HVT_OPT_EXCLUSIVE, .a = { 'q', 'j' } },
	{ HVT_OPT_NEEDS, .a = { 'm' }, .b = { 'l' } },
	{ HVT_OPT_NEEDS, .a = { OPT_REGISTER }, .b = { 'l' } },
	{ .kind = HVT_OPT_END },
};
static const struct hvt_opt_spec opt_spec = { longopts, 0, NULL, rules };

int main(int argc, char **argv)
{
	struct hvt_getopt g = { 0 };
	struct hvt_opt_used used = { { 0 } };
	int c;
	char err[512];

	hvt_init(argv[0]);
	opt.interval_ms = 1000;
	opt.timeout_ms = DEFAULT_TIMEOUT_MS;
	opt.size = DEFAULT_SIZE;
	opt.max_conns = 100;
	while ((c = hvt_getopt_long(&g, argc, argv, "c:i:W:s:qjlm:vhV", longopts, NULL)) != -1) {
		hvt_opt_use(&used, c);
		switch (c) {
		case 'c': opt.count = hvt_opt_number("-c", g.optarg, 1, UINT32_MAX); break;
		case 'i':
			opt.interval_ms = hvt_opt_duration("-i", g.optarg, HVT_OPT_DAY_MS, 0);
			break;
		case 'W':
			opt.timeout_ms = hvt_opt_duration("-W", g.optarg, HVT_OPT_DAY_MS, 1);
			break;
		case 's': opt.size = hvt_opt_number("-s", g.optarg, 0, HVT_PING_MAX_SIZE); break;
		case OPT_CONNECT: opt.connect = 1; break;
		case OPT_REGISTER:
			opt.reg = 1;
			opt.reg_name = g.optarg;
			break;
		case 'q': opt.quiet = 1; break;
		case 'j': opt.json = 1; break;
		case 'l': opt.listen = 1; break;
		case 'm': opt.max_conns = hvt_opt_number("-m", g.optarg, 1, 100000); break;
		case 'v': opt.verbose = 1; break;
		case OPT_START_WSL: opt.start_wsl = 1; break;
		case 'h': usage(); break;
		case 'V': hvt_version(); break;
		default: exit(HVT_EXIT_USAGE);
		}
	}
	if (g.optind >= argc)
		hvt_usage_error("missing ADDRESS");
	if (g.optind + 1 < argc)
		hvt_usage_error("unexpected argument '%s' (one ADDRESS only%s)", argv[g.optind + 1],
				opt.reg && !opt.reg_name
					? "; a NAME for --register goes as --register=NAME"
					: "");
	hvt_opt_check(&opt_spec, &used);
	hvt_wsl_allow_start(opt.start_wsl);
	int prc = hvt_addr_parse(argv[g.optind], opt.listen ? HVT_ADDR_LISTEN : 0, &opt.addr, err,
				 sizeof err);
	if (prc == HVT_ADDR_UNRESOLVED)
		hvt_diex(HVT_EXIT_FAIL, "%s", err);
	if (prc != 0)
		hvt_usage_error("%s", err);
	if (!hvt_addr_is_socket(&opt.addr)) { /* npipe: no responder speaks there: time opens */
		if (opt.listen)
			hvt_usage_error("-l: '%s' is no socket address (the responder serves "
					"sockets)",
					argv[g.optind]);
		opt.connect = 1;
	}
	if (opt.verbose)
		hvt_wsl_note(&opt.addr);
	hvt_addr_format(&opt.addr, opt.name, sizeof opt.name);

	int rc = hvt_net_init();
	if (rc != 0)
		hvt_die(HVT_EXIT_FAIL, rc, "cannot start sockets");
	hvt_signals_init();
	if (opt.reg)
		hvt_register_listen(&opt.addr, opt.reg_name, "hvping", opt.verbose);
	return opt.listen ? run_listen() : run_client();
}
