/* listener.h: listening, and following the WSL VM for hv:wsl:SERVICE. */
#include "listener.h"

#include <string.h>

#include "family.h"
#include "msg.h"
#include "sockaddr.h"
#include "sys.h"
#include "wsl.h"

#define SLICE_MS 200u /* how often a listener with no socket looks at Ctrl-C */

int hvt_listener_follows(const struct hvt_addr *a)
{
	return a->wsl;
}

static int vm_known(const struct hvt_listener *l)
{
	return !hvt_guid_equal(&l->addr.vm, &HVT_GUID_ZERO);
}

/* Binds l->addr; a failure is reported once per VM id and error. */
static void try_bind(struct hvt_listener *l)
{
	int rc = hvt_sock_listen(&l->addr, l->backlog, &l->s);
	if (rc == 0) {
		l->failed = 0;
		if (l->verbose)
			hvt_note_listening(l->s, &l->addr);
		return;
	}
	l->s = HVT_SOCK_INVALID;
	if (rc == l->failed && hvt_guid_equal(&l->failed_vm, &l->addr.vm))
		return;
	hvt_report("listen on", &l->addr, rc);
	hvt_warnx("waiting for the WSL VM: listening again when it changes or can be bound "
		  "(checked every %u s)",
		  HVT_LISTENER_CHECK_MS / 1000u);
	l->failed = rc;
	l->failed_vm = l->addr.vm;
}

static void drop_socket(struct hvt_listener *l)
{
	const struct hvt_family *f = l->addr.fam;
	if (l->s != HVT_SOCK_INVALID && f && f->unlisten_handle)
		f->unlisten_handle(l->s);
	else if (l->s != HVT_SOCK_INVALID)
		hvt_sock_close(l->s);
	l->s = HVT_SOCK_INVALID;
}

/* Looks the VM up again; rebinds when its id changed, binds when there is none yet. */
static void check(struct hvt_listener *l)
{
	char g[HVT_GUID_STRLEN], was[HVT_GUID_STRLEN], why[1400];
	hvt_guid id;
	l->next_check_ns = hvt_now_ns() + (uint64_t)HVT_LISTENER_CHECK_MS * 1000000u;
	int rc = hvt_wsl_vm_id(&id, NULL, 0, why, sizeof why);
	if (rc == HVT_WSL_AMBIGUOUS) {
		/* keep what we have: the user's own VM is one of them */
		if (l->verbose && !l->ambiguous_said && vm_known(l))
			hvt_warnx("%s; staying on %s", why, hvt_guid_format(&l->addr.vm, 0, g));
		else if (l->verbose && !l->ambiguous_said)
			hvt_warnx("%s; waiting until one is left", why);
		l->ambiguous_said = 1;
		return;
	}
	l->ambiguous_said = 0;
	if (rc != HVT_WSL_OK) {
		if (vm_known(l)) {
			if (l->verbose)
				hvt_warnx("the WSL VM %s is gone: waiting for WSL to start",
					  hvt_guid_format(&l->addr.vm, 0, g));
			drop_socket(l);
			l->was = l->addr.vm;
			l->addr.vm = HVT_GUID_ZERO;
		}
		return;
	}
	if (!hvt_guid_equal(&id, &l->addr.vm)) {
		if (vm_known(l))
			l->was = l->addr.vm;
		if (l->verbose && !hvt_guid_equal(&l->was, &HVT_GUID_ZERO))
			hvt_warnx("the WSL VM is now %s (was %s): listening again",
				  hvt_guid_format(&id, 0, g), hvt_guid_format(&l->was, 0, was));
		else if (l->verbose)
			hvt_warnx("the WSL VM is %s: listening", hvt_guid_format(&id, 0, g));
		drop_socket(l);
		l->addr.vm = id;
	}
	if (l->s == HVT_SOCK_INVALID)
		try_bind(l);
}

int hvt_listener_open(struct hvt_listener *l, const struct hvt_addr *a, int backlog, int verbose)
{
	memset(l, 0, sizeof *l);
	l->addr = *a;
	l->backlog = backlog;
	l->verbose = verbose;
	l->follows = hvt_listener_follows(a);
	l->s = HVT_SOCK_INVALID;
	if (!l->follows) {
		int rc = hvt_sock_listen(a, backlog, &l->s);
		if (rc != 0) {
			hvt_report("listen on", a, rc);
			return rc;
		}
		if (verbose)
			hvt_note_listening(l->s, a);
		return 0;
	}
	l->next_check_ns = hvt_now_ns() + (uint64_t)HVT_LISTENER_CHECK_MS * 1000000u;
	if (vm_known(l))
		try_bind(l);
	else if (verbose)
		hvt_warnx("no WSL VM is running yet: waiting for WSL to start (checked every %u s)",
			  HVT_LISTENER_CHECK_MS / 1000u);
	return 0;
}

/* The time until the next check, in ms (0 when it is due). */
static uint64_t until_check(const struct hvt_listener *l)
{
	uint64_t now = hvt_now_ns();
	return now >= l->next_check_ns ? 0 : (l->next_check_ns - now + 999999u) / 1000000u;
}

/* The time left until deadline (ns; UINT64_MAX: none), in ms, at most cap. */
static uint64_t left_ms(uint64_t deadline, uint64_t cap)
{
	if (deadline == UINT64_MAX)
		return cap;
	uint64_t now = hvt_now_ns();
	uint64_t ms = now >= deadline ? 0 : (deadline - now + 999999u) / 1000000u;
	return ms < cap ? ms : cap;
}

int hvt_listener_accept(struct hvt_listener *l, hvt_sock *out, struct hvt_addr *peer, uint64_t ms)
{
	const struct hvt_family *f = l->addr.fam;
	if (f && f->accept) { /* not a socket: the family waits, the peer is the address */
		if (peer)
			*peer = l->addr;
		return f->accept(l->s, out, ms);
	}
	if (!l->follows && ms == UINT64_MAX)
		return hvt_sock_accept(l->s, out, peer);
	uint64_t deadline = ms == UINT64_MAX ? UINT64_MAX : hvt_now_ns() + ms * 1000000u;
	for (;;) {
		if (hvt_interrupted())
			return hvt_err_timeout(); /* any code: the caller asks hvt_interrupted() */
		hvt_tasks_running(); /* reap finished tasks while no connection comes */
		uint64_t slice = l->follows ? until_check(l) : 1000;
		if (slice == 0) {
			check(l);
			continue;
		}
		slice = left_ms(deadline, slice);
		if (slice == 0)
			return hvt_err_timeout();
		if (l->s == HVT_SOCK_INVALID) {
			hvt_sleep_ms(slice < SLICE_MS ? slice : SLICE_MS);
			continue;
		}
		int w = hvt_sock_wait_readable(l->s, slice < 1000 ? slice : 1000);
		if (w == 0)
			continue;
		int rc = w < 0 ? -w : hvt_sock_accept(l->s, out, peer);
		if (rc == 0 || !l->follows || hvt_interrupted())
			return rc;
		/* the VM went away under the listener (or another failure): look again now,
		 * or at the next check when the last accept error was recent (no busy loop) */
		uint64_t now = hvt_now_ns();
		if (l->verbose)
			hvt_report("accept on", &l->addr, rc);
		drop_socket(l);
		l->failed = 0;
		if (now - l->accept_failed_ns >= (uint64_t)HVT_LISTENER_CHECK_MS * 1000000u)
			l->next_check_ns = now;
		l->accept_failed_ns = now;
	}
}

void hvt_listener_close(struct hvt_listener *l)
{
	drop_socket(l);
	hvt_sock_unlink(&l->addr);
}

int hvt_listener_is_socket(const struct hvt_listener *l)
{
	return hvt_addr_is_socket(&l->addr);
}
