/* The portable half of net.h: what every family's sockets share (the loop over an address's
 * socket addresses, the connect clock, sockaddr conversion), the UCSPI environment, and the
 * messages and hints after an error. The platform halves are common/linux/net.c and
 * common/win/net.c; the families' own parts are common/family_*.c. */
#include "net.h"

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

int hvt_sock_connect(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		     void *ctx, hvt_sock *out)
{
	struct hvt_sockaddrs sa;
	int rc = hvt_addr_sockaddrs(a, 0, &sa);
	if (rc != 0)
		return rc;
	rc = HVT_EHOSTUNREACH;
	for (int i = 0; i < sa.n; i++) {
		rc = hvt_sock_connect_one((const struct sockaddr *)&sa.a[i].ss, sa.a[i].len,
					  sa.a[i].proto, a, timeout_ms, waiting, ctx, out);
		if (rc == 0 || hvt_interrupted())
			break;
	}
	if (rc == 0 && a->fam->connected && (rc = a->fam->connected(*out, a, timeout_ms)) != 0)
		hvt_sock_close(*out);
	return rc;
}

int hvt_sock_listen(const struct hvt_addr *a, int backlog, hvt_sock *out)
{
	struct hvt_sockaddrs sa;
	int rc = hvt_addr_sockaddrs(a, 1, &sa);
	if (rc != 0)
		return rc;
	rc = HVT_EHOSTUNREACH;
	for (int i = 0; i < sa.n; i++) {
		rc = hvt_sock_listen_one((const struct sockaddr *)&sa.a[i].ss, sa.a[i].len,
					 sa.a[i].proto, a, backlog, out);
		if (rc == 0)
			break;
	}
	return rc;
}

void hvt_sock_unlink(const struct hvt_addr *a)
{
	if (a->fam && a->fam->unlisten)
		a->fam->unlisten(a);
}

int hvt_connect_clock(const struct hvt_addr *a, uint64_t timeout_ms, hvt_waiting_fn waiting,
		      void *ctx, int (*step)(void *arg, uint64_t slice_ms), void *arg)
{
	uint64_t start = hvt_now_ns(), next_note = 3000;
	for (;;) {
		uint64_t elapsed = (hvt_now_ns() - start) / 1000000u;
		if (timeout_ms && elapsed >= timeout_ms)
			return hvt_err_timeout();
		if (elapsed >= next_note) {
			if (waiting)
				waiting(a, elapsed, ctx);
			next_note += 3000;
		}
		uint64_t slice = next_note - elapsed;
		if (timeout_ms && timeout_ms - elapsed < slice)
			slice = timeout_ms - elapsed;
		int rc = step(arg, slice);
		if (rc != HVT_CLOCK_AGAIN)
			return rc;
	}
}

/* ---- a connection's environment (UCSPI) ------------------------------------------------ */

int hvt_conn_env(hvt_sock s, const struct hvt_addr *a, struct hvt_env *env)
{
	struct hvt_addr local, peer;
	int n = 0;
	int have_local = hvt_sock_local(s, &local) == 0;
	int have_peer = hvt_sock_peer(s, &peer) == 0;
	const struct hvt_family *f = a->fam;
	if (!f)
		return 0;
	env[n].name = "PROTO";
	snprintf(env[n++].value, sizeof env->value, "%s", f->proto);
	if (have_peer) {
		env[n].name = "HVNC_PEER";
		hvt_addr_format(&peer, env[n++].value, sizeof env->value);
	}
	if (have_local) {
		env[n].name = "HVNC_LOCAL";
		hvt_addr_format(&local, env[n++].value, sizeof env->value);
	}
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
	const char *h = a->fam && a->fam->hint ? a->fam->hint(kind) : NULL;
	return h ? h : generic_hint(kind);
}

void hvt_report(const char *what, const struct hvt_addr *a, int code)
{
	char buf[HVT_ADDR_STRLEN];
	hvt_warnx("%s %s: %s", what, hvt_addr_format(a, buf, sizeof buf), hvt_strerror(code));
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
