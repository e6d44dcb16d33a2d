/* Bounded numbers and durations from command-line text. */
#ifndef HVT_PARSE_H
#define HVT_PARSE_H

#include <stdint.h>

/* Decimal, or hex with 0x when base_hex_ok. Rejects empty, garbage, signs, whitespace and
 * values outside [min, max]. Returns 0, or -1 with *why a static phrase
 * ("not a number", "too large", "too small"). */
int hvt_parse_u64(const char *s, uint64_t min, uint64_t max, int hex_ok, uint64_t *out,
		  const char **why);

/* Duration: "5" (seconds), "1.5s", "250ms", "2m", "1h", "0". Result in milliseconds,
 * at most max_ms. Returns 0, or -1 with *why. */
int hvt_parse_duration(const char *s, uint64_t max_ms, uint64_t *out_ms, const char **why);

#endif
