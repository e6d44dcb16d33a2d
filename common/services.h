/* The columns of a service listing, defined once for `hvlist services` and `hvreg list`
 * (and `hvreg show --json`): one table (table.h) row per registry entry (registry.h).
 *
 *   struct hvt_table *t = hvt_table_new(hvt_service_columns, HVT_SVC_DELETED);  hvlist
 *   struct hvt_table *t = hvt_table_new(hvt_service_columns, HVT_SVC_N);        hvreg
 *   for (...) hvt_service_row(t, &v[i]);
 *
 * The last column, DELETED, is for listings that keep the entries a .reg file deletes
 * (hvreg); a listing of live services only leaves it out by taking HVT_SVC_DELETED columns. */
#ifndef HVT_SERVICES_H
#define HVT_SERVICES_H

#include <stddef.h>

#include "registry.h"
#include "table.h"

enum {
	HVT_SVC_GUID,
	HVT_SVC_PORT,
	HVT_SVC_CANONICAL,
	HVT_SVC_NAME,
	HVT_SVC_TOOL,
	HVT_SVC_VALUES,
	HVT_SVC_KEY,
	HVT_SVC_DELETED,
	HVT_SVC_N
};
extern const struct hvt_column hvt_service_columns[HVT_SVC_N];

/* Appends the row of e: GUID (null when the key is no GUID), PORT (null unless the GUID
 * follows the vsock template), CANONICAL, NAME (null when missing or not a string), TOOL
 * (ToolName), VALUES (as text the values other than ElementName and ToolName, "Purpose=Network,
 * Count=dword:0000002a"; in JSON an object of every value: strings as strings, REG_DWORD as a
 * number, other types as {"type": N, "hex": "0a0b"}), KEY, and DELETED when the table has that
 * column. TOOL and VALUES are hidden until a row has a tool or other values (then shown, unless
 * hvt_table_select chose the columns). Returns the row's index. */
size_t hvt_service_row(struct hvt_table *t, const struct hvt_service *e);

/* The text of e's VALUES cell (malloc'd), or NULL when it has no other values. */
char *hvt_service_values_text(const struct hvt_service *e);

#endif
