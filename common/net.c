/* What an error usually means on hvsockets (hvsocket.md section 6), in one line. */
#include "net.h"

#include "msg.h"

const char *hvt_hint(enum hvt_family f, int code)
{
	int hv = (f == HVT_HV || f == HVT_VSOCK);
	switch (hvt_errkind(code)) {
	case HVT_E_TIMEDOUT:
		if (hv)
			return "is the service registered on the host (hvreg add), the VM id right "
			       "and the VM running, and is something listening? (WSL2 needs the "
			       "exact VM id, not a wildcard listener)";
		return "is the host reachable and is something listening?";
	case HVT_E_REFUSED:
		return "nothing is listening there yet; retry once the peer has started";
	case HVT_E_RESET:
		if (f == HVT_VSOCK)
			return "nothing is listening on that vsock port (vsock reports a reset, not "
			       "a refusal)";
		return "the peer closed the connection abruptly";
	case HVT_E_ACCESS:
		if (hv)
			return "binding this VM id is not allowed (another user's WSL VM?) or the "
			       "process is not elevated";
		return "permission denied: ports below 1024 need privileges";
	case HVT_E_ADDRINUSE:
		if (hv)
			return "another listener already holds this service (only one wildcard "
			       "listener per service)";
		if (f == HVT_UNIX)
			return "something else exists at that path (hvnc replaces only a stale "
			       "socket file)";
		return "something else is already listening there";
	case HVT_E_ADDRNOTAVAIL:
		if (hv)
			return "no VM with that id exists (yet)";
		return NULL;
	case HVT_E_AFNOSUPPORT:
		if (f == HVT_HV)
			return "Hyper-V sockets (AF_HYPERV) are not available on this system; from a "
			       "Linux guest use vsock:host:PORT";
		if (f == HVT_VSOCK)
			return "AF_VSOCK is not available here: in a Linux guest load the vsock "
			       "transport (hv_sock under Hyper-V, vsock_loopback for local tests); "
			       "on Windows use hv:VM:PORT";
		return NULL;
	case HVT_E_NOTFOUND:
	case HVT_E_OTHER: break;
	}
	return NULL;
}

void hvt_report(const char *what, const struct hvt_addr *a, int code)
{
	char buf[HVT_ADDR_STRLEN];
	hvt_warnx("%s %s: %s", what, hvt_addr_format(a, buf, sizeof buf), hvt_strerror(code));
	const char *hint = hvt_hint(a->family, code);
	if (hint)
		hvt_warnx("hint: %s", hint);
}

void hvt_note_listening(hvt_sock l, const struct hvt_addr *a)
{
	char buf[HVT_ADDR_STRLEN];
	struct hvt_addr local;
	uint32_t cid;
	if (hvt_sock_local(l, &local) != 0)
		local = *a;
	if (local.family == HVT_VSOCK && hvt_local_cid(&cid) == 0)
		hvt_warnx("listening on %s (local CID %u)",
			  hvt_addr_format(&local, buf, sizeof buf), (unsigned)cid);
	else
		hvt_warnx("listening on %s", hvt_addr_format(&local, buf, sizeof buf));
}
