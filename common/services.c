/* Service listing columns (see services.h). */
#include "services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "strutil.h"

const struct hvt_column hvt_service_columns[HVT_SVC_N] = {
	{ "GUID", "guid", 0, "service GUID (- when the key is not a GUID)" },
	{ "PORT", "port", HVT_COL_RIGHT, "vsock port, when the GUID follows the vsock template" },
	{ "CANONICAL", "canonical", 0, "the key name is the unbraced GUID Hyper-V expects" },
	{ "NAME", "name", 0, "friendly name (ElementName)" },
	{ "TOOL", "tool", HVT_COL_HIDDEN,
	  "the entry's owner (ToolName, as podman and hvreg write it), when set" },
	{ "VALUES", "values", HVT_COL_HIDDEN,
	  "the key's other values (JSON: all of them), when one has some" },
	{ "KEY", "key", HVT_COL_HIDDEN, "registry key name as stored" },
	{ "DELETED", "deleted", HVT_COL_HIDDEN, "the .reg file deletes this key ([-KEY])" },
};

static void hex_add(struct hvt_buf *b, const uint8_t *p, size_t n, const char *sep)
{
	char h[4];
	for (size_t i = 0; i < n; i++) {
		snprintf(h, sizeof h, "%02x", p[i]);
		if (i && sep)
			hvt_buf_add(b, sep, strlen(sep));
		hvt_buf_add(b, h, 2);
	}
}

static uint32_t dword_of(const struct hvt_service_value *v)
{
	uint32_t x = 0;
	for (size_t i = 0; i < 4 && i < v->len; i++)
		x |= (uint32_t)v->data[i] << (8 * i);
	return x;
}

/* The VALUES cell: text and JSON (both malloc'd). */
static void values_cell(const struct hvt_service *e, char **text, char **json)
{
	struct hvt_buf b = { 0 };
	struct hvt_jw w;
	hvt_jw_init_mem(&w);
	hvt_jw_object(&w, NULL, 1);
	for (size_t i = 0; i < e->nvalues; i++) {
		const struct hvt_service_value *v = &e->values[i];
		const char *vn = *v->name ? v->name : "@";
		if (v->text)
			hvt_jw_str(&w, vn, v->text);
		else if (v->type == 4 && v->len == 4)
			hvt_jw_num(&w, vn, dword_of(v));
		else {
			struct hvt_buf h = { 0 };
			hex_add(&h, v->data, v->len, NULL);
			char *hex = hvt_buf_take(&h);
			hvt_jw_object(&w, vn, 1);
			hvt_jw_num(&w, "type", v->type);
			hvt_jw_str(&w, "hex", hex ? hex : "");
			hvt_jw_end(&w);
			free(hex);
		}
		if (hvt_ci_cmp(v->name, HVT_SERVICE_VALUE) == 0 ||
		    hvt_ci_cmp(v->name, HVT_TOOL_VALUE) == 0)
			continue;
		if (b.len)
			hvt_buf_add(&b, ", ", 2);
		hvt_buf_add(&b, vn, strlen(vn));
		hvt_buf_add(&b, "=", 1);
		char d[32];
		if (v->text) {
			hvt_buf_add(&b, v->text, strlen(v->text));
		} else if (v->type == 4 && v->len == 4) {
			snprintf(d, sizeof d, "dword:%08lx", (unsigned long)dword_of(v));
			hvt_buf_add(&b, d, strlen(d));
		} else {
			snprintf(d, sizeof d,
				 v->type == 3 ? "hex:" : "hex(%lx):", (unsigned long)v->type);
			hvt_buf_add(&b, d, strlen(d));
			/* a long binary value is cut: the JSON has all of it */
			hex_add(&b, v->data, v->len > 8 ? 8 : v->len, ",");
			if (v->len > 8)
				hvt_buf_add(&b, ",...", 4);
		}
	}
	hvt_jw_end(&w);
	*json = hvt_jw_take(&w);
	*text = b.len ? hvt_buf_take(&b) : NULL;
	if (!*json || (b.len && !*text))
		hvt_diex(HVT_EXIT_FAIL, "out of memory");
	free(hvt_buf_take(&b));
}

char *hvt_service_values_text(const struct hvt_service *e)
{
	char *text, *json;
	values_cell(e, &text, &json);
	free(json);
	return text;
}

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
	hvt_table_str(t, r, HVT_SVC_TOOL, e->tool);
	char *text, *json;
	values_cell(e, &text, &json);
	/* Shown by default once a row has them (no effect when -o chose the columns). */
	if (e->tool)
		hvt_table_show(t, HVT_SVC_TOOL, 1);
	if (text)
		hvt_table_show(t, HVT_SVC_VALUES, 1);
	hvt_table_json_cell(t, r, HVT_SVC_VALUES, text, json);
	free(text);
	free(json);
	hvt_table_str(t, r, HVT_SVC_KEY, e->key);
	if (hvt_table_cols(t) > HVT_SVC_DELETED)
		hvt_table_bool(t, r, HVT_SVC_DELETED, e->deleted);
	return r;
}
