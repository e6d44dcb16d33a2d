/* Service listing columns (see services.h). */
#include "services.h"

const struct hvt_column hvt_service_columns[HVT_SVC_N] = {
	{ "GUID", "guid", 0, "service GUID (- when the key is not a GUID)" },
	{ "PORT", "port", HVT_COL_RIGHT, "vsock port, when the GUID follows the vsock template" },
	{ "CANONICAL", "canonical", 0, "the key name is the unbraced GUID Hyper-V expects" },
	{ "NAME", "name", 0, "friendly name (ElementName)" },
	{ "KEY", "key", HVT_COL_HIDDEN, "registry key name as stored" },
	{ "DELETED", "deleted", HVT_COL_HIDDEN, "the .reg file deletes this key ([-KEY])" },
};

size_t hvt_service_row(struct hvt_table *t, const struct hvt_service *e)
{
	size_t r = hvt_table_row(t);
	char gb[HVT_GUID_STRLEN];
	uint32_t port;
	if (e->form != HVT_KEY_NOT_GUID) {
		hvt_table_str(t, r, HVT_SVC_GUID, hvt_guid_format(&e->guid, 0, gb));
		if (hvt_guid_to_port(&e->guid, &port) == 0)
			hvt_table_num(t, r, HVT_SVC_PORT, port);
	}
	hvt_table_bool(t, r, HVT_SVC_CANONICAL, e->form == HVT_KEY_STANDARD);
	hvt_table_str(t, r, HVT_SVC_NAME, e->name);
	hvt_table_str(t, r, HVT_SVC_KEY, e->key);
	if (hvt_table_cols(t) > HVT_SVC_DELETED)
		hvt_table_bool(t, r, HVT_SVC_DELETED, e->deleted);
	return r;
}
