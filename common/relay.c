#include "relay.h"

#include <string.h>

void hvt_relay_opts_init(struct hvt_relay_opts *o)
{
	memset(o, 0, sizeof *o);
	o->quit_ms = HVT_NEVER;
	o->idle_ms = HVT_NEVER;
}
