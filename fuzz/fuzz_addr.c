/* hvt_addr_parse with and without HVT_ADDR_LISTEN: never reads past the string or writes past
 * the message buffer; a failure leaves the output untouched and says "invalid ..."; a success
 * formats (hvt_addr_format) to canonical text that parses back to the same address, and that
 * text is a fixed point (formatting the re-parsed address gives the same text). */
#include "fuzz.h"

#include "addr.h"
#include "family.h"

static void check_valid(const struct hvt_addr *a, const char *s)
{
	CHECK(a->fam != NULL, "'%s': no family", s);
	if (a->fam == &hvt_family_tcp) {
		CHECK(a->port <= 65535, "'%s': tcp port %u", s, (unsigned)a->port);
		CHECK(memchr(a->host, '\0', sizeof a->host) != NULL, "'%s': host not terminated",
		      s);
	} else if (a->fam == &hvt_family_unix) {
		CHECK(memchr(a->path, '\0', sizeof a->path) != NULL, "'%s': path not terminated",
		      s);
		CHECK(a->path[0] != '\0', "'%s': empty unix path accepted", s);
	}
}

static void one(const char *s, int flags, size_t errlen)
{
	struct hvt_addr a, back;
	char *err = malloc(errlen ? errlen : 1); /* exact size: ASan sees any overrun */
	if (!err)
		abort();
	memset(&a, 0x5A, sizeof a);
	struct hvt_addr untouched = a;
	if (errlen)
		err[0] = '\0';
	int rc = hvt_addr_parse(s, flags, &a, err, errlen);
	CHECK(rc == 0 || rc == -1, "return value %d", rc);
	if (rc != 0) {
		CHECK(memcmp(&a, &untouched, sizeof a) == 0, "'%s': failure wrote the output", s);
		if (errlen > 0) {
			CHECK(memchr(err, '\0', errlen) != NULL, "'%s': message not terminated", s);
			if (errlen >= 9)
				CHECK(strncmp(err, "invalid ", 8) == 0, "'%s': message '%s'", s,
				      err);
		}
		free(err);
		return;
	}
	free(err);
	check_valid(&a, s);
	if (!(flags & HVT_ADDR_LISTEN)) {
		CHECK(!(a.fam == &hvt_family_tcp && (a.host[0] == '\0' || a.port == 0)),
		      "'%s': connect address without host or port", s);
	}

	char text[HVT_ADDR_STRLEN], text2[HVT_ADDR_STRLEN];
	hvt_addr_format(&a, text, sizeof text);
	CHECK(strlen(text) + 1 < sizeof text, "'%s': canonical text truncated", s);
	char msg[256];
	int rc2 = hvt_addr_parse(text, flags, &back, msg, sizeof msg);
	CHECK(rc2 == 0, "'%s' -> '%s' does not parse back: %s", s, text, msg);
	CHECK(hvt_addr_equal(&a, &back), "'%s' -> '%s' parses to another address", s, text);
	hvt_addr_format(&back, text2, sizeof text2);
	CHECK(strcmp(text, text2) == 0, "'%s': '%s' is not a fixed point ('%s')", s, text, text2);
	/* A listener accepts every connect address too. */
	if (!(flags & HVT_ADDR_LISTEN)) {
		CHECK(hvt_addr_parse(text, HVT_ADDR_LISTEN, &back, msg, sizeof msg) == 0 &&
			      hvt_addr_equal(&a, &back),
		      "'%s' is refused (or changes) with HVT_ADDR_LISTEN: %s", text, msg);
	}
	/* Truncated formatting stays inside the buffer and terminated. */
	size_t full = strlen(text);
	for (size_t len = 1; len <= full; len += 1 + len / 3) {
		char *small = malloc(len);
		if (!small)
			abort();
		hvt_addr_format(&a, small, len);
		CHECK(strlen(small) == len - 1 && memcmp(small, text, len - 1) == 0,
		      "format into %zu bytes gave '%s'", len, small);
		free(small);
	}
	const char *fam = a.fam->name;
	CHECK(strncmp(text, fam, strlen(fam)) == 0 && text[strlen(fam)] == ':',
	      "'%s' does not start with '%s:'", text, fam);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the message buffer size (0 = none, small, or large enough). */
	size_t errlen = 512;
	if (size > 0 && data[0] == 0xFF && size > 1) {
		errlen = data[1] % 24;
		data += 2;
		size -= 2;
	}
	char *s = fuzz_cstr(data, size);
	one(s, 0, errlen);
	one(s, HVT_ADDR_LISTEN, errlen);
	free(s);
	return 0;
}
