/* The table of address families (family.h): one row a family. The order is the order of
 * --help, hvsock(7) and the completions, and the order in which bare forms are tried. */
#include "family.h"

extern const struct hvt_family hvt_family_vsock_mux;

/* one row a family */
// clang-format off
const struct hvt_family *const hvt_families[] = {
	&hvt_family_hv,
	&hvt_family_vsock,
	&hvt_family_tcp,
	&hvt_family_unix,
	&hvt_family_vsock_mux,
	&hvt_family_npipe,
	NULL,
};
// clang-format on
