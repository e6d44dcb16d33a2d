/* The portable half of relay.h: options and the end of a connection. */
#include "relay.h"

#include <string.h>

#include "family.h"

void hvt_relay_opts_init(struct hvt_relay_opts *o)
{
	memset(o, 0, sizeof *o);
	o->quit_ms = HVT_NEVER;
	o->idle_ms = HVT_NEVER;
}

struct hvt_end hvt_end_of(hvt_sock h, const struct hvt_addr *a)
{
	struct hvt_end e = { h, &hvt_sock_end_ops };
	if (a->fam && a->fam->end)
		e.ops = a->fam->end;
	return e;
}

void hvt_conn_close(hvt_sock h, const struct hvt_addr *a)
{
	struct hvt_end e = hvt_end_of(h, a);
	if (e.ops->close)
		e.ops->close(h);
	else
		hvt_sock_close(h);
}
