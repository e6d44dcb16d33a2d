/* GUIDs: parse, format, byte layouts, well-known names, vsock port mapping. */
#ifndef HVT_GUID_H
#define HVT_GUID_H

#include <stdint.h>
#include <stddef.h>

/* Portable GUID: same fields as Windows' GUID but with fixed-width types
 * (Windows' unsigned long is 64-bit on LP64 Linux). */
typedef struct hvt_guid {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
} hvt_guid;

/* Buffer size for any formatted GUID (B form plus NUL). */
#define HVT_GUID_STRLEN 39

enum {
	HVT_GUID_UPPER = 1,  /* upper-case hex digits */
	HVT_GUID_BRACES = 2, /* B form: {...} */
};

/* Parse D, B, P, N or X form, any letter case, nothing around it.
 * Returns 0, or -1 with *why set to a static phrase saying what was expected. */
int hvt_guid_parse(const char *s, hvt_guid *out, const char **why);

/* Formats into buf (at least HVT_GUID_STRLEN bytes); returns buf. */
char *hvt_guid_format(const hvt_guid *g, int flags, char *buf);

int hvt_guid_equal(const hvt_guid *a, const hvt_guid *b);

/* 16-byte layouts: Windows in-memory (Data1-3 little-endian) and RFC 4122 (big-endian). */
void hvt_guid_to_win(const hvt_guid *g, uint8_t out[16]);
void hvt_guid_from_win(const uint8_t in[16], hvt_guid *g);
void hvt_guid_to_rfc(const hvt_guid *g, uint8_t out[16]);
void hvt_guid_from_rfc(const uint8_t in[16], hvt_guid *g);

/* New random version-4 GUID from the OS generator. Returns 0, or -1 (errno-style code in *err). */
int hvt_guid_random(hvt_guid *g);

/* Well-known VM ids and the vsock template: "zero", "wildcard", "any", "broadcast", "children",
 * "loopback", "parent", "silohost", "vsock-template" (case-insensitive). NULL if unknown. */
const hvt_guid *hvt_guid_by_name(const char *name);
/* Canonical well-known name of g ("wildcard" for zero), or NULL. */
const char *hvt_guid_name(const hvt_guid *g);

extern const hvt_guid HVT_GUID_ZERO, HVT_GUID_BROADCAST, HVT_GUID_CHILDREN, HVT_GUID_LOOPBACK,
	HVT_GUID_PARENT, HVT_GUID_SILOHOST, HVT_GUID_VSOCK_TEMPLATE;

/* vsock port P <-> service GUID %08x-facb-11e6-bd58-64006a7986d3. */
void hvt_guid_from_port(uint32_t port, hvt_guid *g);
/* Returns 0 with *port set, or -1 when g does not follow the template. */
int hvt_guid_to_port(const hvt_guid *g, uint32_t *port);

#endif
