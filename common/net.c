/* The portable half of net.h: what every family's sockets share (the loop over an address's
 * socket addresses, the connect clock, sockaddr conversion), the UCSPI environment, and the
 * messages and hints after an error. The platform halves are common/linux/net.c and
 * common/win/net.c; the families' own parts are common/family_*.c. */
#include "net.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "family.h"
#include "msg.h"
#include "sockaddr.h"
#include "sys.h"

/* ---- socket addresses ------------------------------------------------------------------ */

void hvt_sockaddrs_add(struct hvt_sockaddrs *out, const void *sa, size_t len, int proto)
{
	if (out->n >= HVT_SOCKADDRS_MAX || len > sizeof out->a[0].ss)
		return;
	memset(&out->a[out->n].ss, 0, sizeof out->a[out->n].ss);
	memcpy(&out->a[out->n].ss, sa, len);
	out->a[out->n].len = (socklen_t)len;
	out->a[out->n].proto = proto;
	out->n++;
}

int hvt_addr_sockaddrs(const struct hvt_addr *a, int passive, struct hvt_sockaddrs *out)
{
	out->n = 0;
	if (!a->fam || !a->fam->sockaddrs)
		return HVT_EAFNOSUPPORT;
	return a->fam->sockaddrs(a, passive, out);
}

int hvt_addr_from_sockaddr(const struct sockaddr *sa, size_t len, struct hvt_addr *a)
{
	memset(a, 0, sizeof *a);
	if (len < sizeof sa->sa_family)
		return HVT_EAFNOSUPPORT;
	for (size_t i = 0; hvt_families[i]; i++) {
		const struct hvt_family *f = hvt_families[i];
		if (f->from_sockaddr && f->from_sockaddr(sa, len, a)) {
			a->fam = f;
			return 0;
		}
	}
	return HVT_EAFNOSUPPORT;
}

/* ---- connect, listen: every socket address in turn ------------------------------------- */

/* The connect clock: calls step(c, slice_ms) until it returns anything but AGAIN, gives up
 * with the platform's timeout code after timeout_ms (0: never), and calls waiting about every
 * 3 s. */
#define AGAIN (-1)
struct attempt {
	hvt_sock s;
	const struct sockaddr *sa;
	socklen_t len;
};

static int clock_run(const struct hvt_addr *a, uint64_t timeout_ms, uint64_t before_ms,
		     hvt_waiting_fn waiting, void *ctx,
		     int (*step)(const struct attempt *t, uint64_t slice_ms),
		     const struct attempt *t)
{
	uint64_t start = hvt_now_ns(), next_note = 3000;
	for (;;) {
		uint64_t elapsed = (hvt_now_ns() - start) / 1000000u;
		if (timeout_ms && elapsed >= timeout_ms)
			return hvt_err_timeout();
		if (elapsed >= next_note) {
			if (waiting)
				waiting(a, before_ms + elapsed, ctx);
			next_note += 3000;
		}
		uint64_t slice = next_note - elapsed;
		if (timeout_ms && timeout_ms - elapsed < slice)
			slice = timeout_ms - elapsed;
		int rc = step(t, slice);
		if (rc != AGAIN)
			return rc;
	}
}

/* A connect in progress: done when the socket turns writable. */
static int step_wait(const struct attempt *t, uint64_t slice_ms)
{
	int n = hvt_sock_wait_writable(t->s, slice_ms);
	if (n < 0)
		return -n;
	return n == 0 ? AGAIN : hvt_sock_error(t->s);
}

/* A unix listener with a full backlog fails a non-blocking connect at once, and there is
 * nothing to wait for: connect again every 20 ms, as a blocking connect would wait for room. */
static int step_retry(const struct attempt *t, uint64_t slice_ms)
{
	hvt_sleep_ms(slice_ms < 20 ? slice_ms : 20);
	if (hvt_interrupted())
		return HVT_EINTR;
	int rc = hvt_sock_connect_start(t->s, t->sa, t->len);
	return rc == HVT_CONNECT_RETRY || rc == HVT_CONNECT_WAIT ? AGAIN : rc;
}

/* What to open: a connection to a (passive 0) or a listener on it. */
struct opening {
	const struct hvt_addr *a;
	int passive, backlog;
	uint64_t timeout_ms; /* this attempt's (0: none) */
	hvt_waiting_fn waiting;
	void *ctx;
	uint64_t spent_ms; /* by earlier attempts, for the "still connecting" notes */
};

/* Connects t.s, non-blocking, so that -w, Ctrl-C and the "still connecting" notes work. */
static int connect_wait(const struct opening *o, const struct attempt *t)
{
	int rc = hvt_sock_set_blocking(t->s, 0);
	if (rc == 0)
		rc = hvt_sock_connect_start(t->s, t->sa, t->len);
	if (rc == HVT_CONNECT_RETRY && t->sa->sa_family != AF_UNIX)
		rc = HVT_EAGAIN; /* tcp: no local port left; only a unix queue fills and empties */
	if (rc == HVT_CONNECT_WAIT)
		rc = clock_run(o->a, o->timeout_ms, o->spent_ms, o->waiting, o->ctx, step_wait, t);
	else if (rc == HVT_CONNECT_RETRY)
		rc = clock_run(o->a, o->timeout_ms, o->spent_ms, o->waiting, o->ctx, step_retry, t);
	return rc == 0 ? hvt_sock_set_blocking(t->s, 1) : rc;
}

/* One socket address: a new socket with the family's options, connected or listening. */
static int open_one(const struct opening *o, const struct sockaddr *sa, socklen_t len, int proto,
		    hvt_sock *out)
{
	const struct hvt_family *f = o->a->fam;
	struct attempt t = { HVT_SOCK_INVALID, sa, len };
	int rc = hvt_sock_new(sa->sa_family, proto, &t.s);
	if (rc != 0)
		return rc;
	if (f->sockopts)
		f->sockopts(t.s, o->a, o->passive ? HVT_STAGE_LISTEN : HVT_STAGE_CONNECT,
			    o->timeout_ms);
	if (!o->passive)
		rc = connect_wait(o, &t);
	else if ((rc = f->bind ? f->bind(t.s, sa, (size_t)len, o->a)
			       : hvt_sock_bind(t.s, sa, len)) == 0)
		rc = hvt_sock_listen_on(t.s, o->backlog);
	if (rc != 0) {
		hvt_sock_close(t.s);
		return rc;
	}
	*out = t.s;
	return 0;
}

/* Every socket address of the address in turn, until one opens; then the family's
 * handshake, if it has one. */
static int open_addr(const struct opening *o, hvt_sock *out)
{
	uint64_t start = hvt_now_ns();
	struct hvt_sockaddrs sa;
	int rc = hvt_addr_sockaddrs(o->a, o->passive, &sa);
	if (rc != 0)
		return rc;
	rc = HVT_EHOSTUNREACH;
	for (int i = 0; i < sa.n; i++) {
		rc = open_one(o, (const struct sockaddr *)&sa.a[i].ss, sa.a[i].len, sa.a[i].proto,
			      out);
		if (rc == 0 || hvt_interrupted())
			break;
	}
	const struct hvt_family *f = o->a->fam;
	if (rc == 0 && !o->passive && f->connected) {
		/* The handshake gets what is left of -w (at least a moment), not all of it again. */
		uint64_t spent = (hvt_now_ns() - start) / 1000000u, left = 0;
		if (o->timeout_ms)
			left = spent < o->timeout_ms ? o->timeout_ms - spent : 1;
		if ((rc = f->connected(*out, o->a, left)) != 0)
			hvt_sock_close(*out);
	}
	return rc;
}

/* What a family's handshake said about the error it returned (hvt_connected_said). Per thread:
 * the Windows forwarder connects and reports in a thread per connection. */
static _Thread_local struct {
	int code; /* 0: nothing said */
	char text[512];
} said;

void hvt_connected_said(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(said.text, sizeof said.text, fmt, ap);
	va_end(ap);
	said.code = code;
}

const char *hvt_connect_strerror(int code)
{
	return code != 0 && code == said.code ? said.text : hvt_strerror(code);
}

/* A family whose sockets cannot wait longer than connect_max_ms (Hyper-V sockets:
 * HVSOCKET_CONNECT_TIMEOUT is at most 300 s) gets a fresh attempt after each timeout until -w
 * has passed, as go-winio's dialer does; -w is never cut short silently. */
int hvt_sock_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		     void *ctx, hvt_sock *out)
{
	struct opening o = { a, 0, 0, timeout_ms, waiting, ctx, 0 };
	said.code = 0;
	if (a->fam && a->fam->connect)
		return a->fam->connect(a, timeout_ms, out);
	uint64_t cap = a->fam ? a->fam->connect_max_ms : 0;
	if (!timeout_ms || !cap || timeout_ms <= cap)
		return open_addr(&o, out);
	for (uint64_t start = hvt_now_ns();;) {
		uint64_t spent = (hvt_now_ns() - start) / 1000000u;
		if (spent >= timeout_ms)
			return hvt_err_timeout();
		o.timeout_ms = timeout_ms - spent < cap ? timeout_ms - spent : cap;
		o.spent_ms = spent;
		int rc = open_addr(&o, out);
		if (rc != hvt_err_timeout() || hvt_interrupted())
			return rc;
	}
}

static int not_there_yet(int code)
{
	enum hvt_errkind k = hvt_errkind(code);
	return k == HVT_E_REFUSED || k == HVT_E_RESET || code == HVT_ENOENT;
}

int hvt_sock_connect_retry(const struct hvt_addr *a, uint64_t timeout_ms, uint64_t retry_ms,
			   hvt_waiting_fn waiting, hvt_retrying_fn retrying, void *ctx,
			   hvt_sock *out)
{
	uint64_t start = hvt_now_ns(), pause = 100;
	for (unsigned attempts = 1;; attempts++) {
		uint64_t spent = (hvt_now_ns() - start) / 1000000u;
		uint64_t left = retry_ms > spent ? retry_ms - spent : 0, t = timeout_ms;
		if (retry_ms && (!t || t > left)) /* the last attempt still gets a moment */
			t = left > 100 ? left : 100;
		int rc = hvt_sock_connect(a, t, waiting, ctx, out);
		spent = (hvt_now_ns() - start) / 1000000u;
		if (rc == 0 || !not_there_yet(rc) || spent >= retry_ms || hvt_interrupted())
			return rc;
		if (retrying)
			retrying(a, rc, attempts, retry_ms - spent, ctx);
		hvt_sleep_ms(pause < retry_ms - spent ? pause : retry_ms - spent);
		if (hvt_interrupted())
			return HVT_EINTR;
		pause = pause * 2 > 1000 ? 1000 : pause * 2;
	}
}

int hvt_addr_is_socket(const struct hvt_addr *a)
{
	return !a->fam || !a->fam->connect;
}

int hvt_sock_listen(const struct hvt_addr *a, int backlog, hvt_sock *out)
{
	struct opening o = { a, 1, backlog, 0, NULL, NULL, 0 };
	if (a->fam && a->fam->listen)
		return a->fam->listen(a, out);
	return open_addr(&o, out);
}

int hvt_sock_local(hvt_sock s, struct hvt_addr *out)
{
	return hvt_sock_name(s, 0, out);
}

int hvt_sock_peer(hvt_sock s, struct hvt_addr *out)
{
	return hvt_sock_name(s, 1, out);
}

void hvt_sock_unlink(const struct hvt_addr *a)
{
	if (a->fam && a->fam->unlisten)
		a->fam->unlisten(a);
}

/* ---- a connection's environment (UCSPI) ------------------------------------------------ */

int hvt_env_set(struct hvt_env *env, int n, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	env[n].name = name;
	vsnprintf(env[n].value, sizeof env[n].value, fmt, ap);
	va_end(ap);
	return n + 1;
}

int hvt_conn_env(hvt_sock s, const struct hvt_addr *a, struct hvt_env *env)
{
	struct hvt_addr local, peer;
	char buf[HVT_ADDR_STRLEN];
	int n = 0;
	int have_local = hvt_sock_local(s, &local) == 0;
	int have_peer = hvt_sock_peer(s, &peer) == 0;
	const struct hvt_family *f = a->fam;
	if (!f)
		return 0;
	if (!have_local && !hvt_addr_is_socket(a)) {
		local = *a; /* a named pipe's instance has no name of its own: the listener's */
		have_local = 1;
	}
	n = hvt_env_set(env, n, "PROTO", "%s", f->proto);
	if (have_peer)
		n = hvt_env_set(env, n, "HVNC_PEER", "%s", hvt_addr_format(&peer, buf, sizeof buf));
	if (have_local)
		n = hvt_env_set(env, n, "HVNC_LOCAL", "%s",
				hvt_addr_format(&local, buf, sizeof buf));
	/* The family's own variables, from the socket's addresses when they are of that family
	 * (a hybrid vsock connection is a unix socket underneath: it has none). */
	if (f->env)
		n += f->env(have_local && local.fam == f ? &local : NULL,
			    have_peer && peer.fam == f ? &peer : NULL, env + n);
	return n;
}

/* ---- messages -------------------------------------------------------------------------- */

/* What an error usually means on any family (hvsocket.md section 6); families say more. */
static const char *generic_hint(enum hvt_errkind kind)
{
	switch (kind) {
	case HVT_E_TIMEDOUT: return "is the host reachable and is something listening?";
	case HVT_E_REFUSED:
		return "nothing is listening there yet; retry once the peer has started";
	case HVT_E_RESET: return "the peer closed the connection abruptly";
	case HVT_E_ACCESS: return "permission denied: ports below 1024 need privileges";
	case HVT_E_ADDRINUSE: return "something else is already listening there";
	case HVT_E_NETUNREACH: return "no route to that host";
	default: return NULL;
	}
}

const char *hvt_hint(const struct hvt_addr *a, int code)
{
	enum hvt_errkind kind = hvt_errkind(code);
	const char *h = a->fam && a->fam->hints ? a->fam->hints[kind] : NULL;
	return h ? h : generic_hint(kind);
}

void hvt_report(const char *what, const struct hvt_addr *a, int code)
{
	char buf[HVT_ADDR_STRLEN];
	hvt_warnx("%s %s: %s", what, hvt_addr_format(a, buf, sizeof buf),
		  hvt_connect_strerror(code));
	said.code = 0; /* said once: a later error of the same code is another one */
	const char *hint = hvt_hint(a, code);
	if (hint)
		hvt_warnx("hint: %s", hint);
}

void hvt_note_listening(hvt_sock l, const struct hvt_addr *a)
{
	char buf[HVT_ADDR_STRLEN], note[64] = "";
	struct hvt_addr local;
	if (hvt_sock_local(l, &local) != 0)
		local = *a;
	if (local.fam && local.fam->listen_note)
		local.fam->listen_note(&local, note, sizeof note);
	hvt_warnx("listening on %s%s", hvt_addr_format(&local, buf, sizeof buf), note);
}
