/* sd_notify messages over a stream: reading, matching, printing (common/notify.h). */
#include "notify.h"

#include <string.h>

#include "json.h"
#include "sockaddr.h"
#include "sys.h"

int hvt_notify_until_parse(const char *text, struct hvt_notify_until *u)
{
	const char *eq = strchr(text, '=');
	size_t n = eq ? (size_t)(eq - text) : strlen(text);
	if (n == 0 || n >= sizeof u->key || memchr(text, '\n', n))
		return -1;
	memcpy(u->key, text, n);
	u->key[n] = '\0';
	u->value = eq ? eq + 1 : NULL;
	return 0;
}

/* The next line of msg[0..len) from *pos: its start and length; 0 at the end. */
static int next_line(const char *msg, size_t len, size_t *pos, const char **line, size_t *n)
{
	if (*pos >= len)
		return 0;
	const char *p = msg + *pos, *nl = memchr(p, '\n', len - *pos);
	*line = p;
	*n = nl ? (size_t)(nl - p) : len - *pos;
	*pos += *n + 1;
	if (*n > 0 && p[*n - 1] == '\r')
		(*n)--; /* a sender that ends lines with CR LF ("Ready\r\n" from a Windows guest) */
	return 1;
}

static int line_matches(const char *l, size_t n, const struct hvt_notify_until *u)
{
	size_t k = strlen(u->key);
	if (n < k || memcmp(l, u->key, k) != 0)
		return 0;
	if (!u->value)
		return n == k || l[k] == '=';
	return n > k && l[k] == '=' && n - k - 1 == strlen(u->value) &&
	       memcmp(l + k + 1, u->value, n - k - 1) == 0;
}

int hvt_notify_match(const char *msg, size_t len, const struct hvt_notify_until *u, int n)
{
	const char *l;
	size_t ln, pos = 0;
	while (next_line(msg, len, &pos, &l, &ln))
		for (int i = 0; i < n; i++)
			if (line_matches(l, ln, &u[i]))
				return 1;
	return 0;
}

int hvt_notify_read(hvt_sock s, char *buf, uint64_t timeout_ms, size_t *len)
{
	uint64_t start = hvt_now_ns();
	size_t n = 0;
	for (;;) {
		uint64_t spent = (hvt_now_ns() - start) / 1000000u;
		if (spent >= timeout_ms)
			return hvt_err_timeout();
		char extra;
		/* one byte past the limit tells "longer" from "exactly the limit" */
		long r = n < HVT_NOTIFY_MAX
				 ? hvt_sock_recv(s, buf + n, HVT_NOTIFY_MAX - n, timeout_ms - spent)
				 : hvt_sock_recv(s, &extra, 1, timeout_ms - spent);
		if (r < 0)
			return (int)-r;
		if (r == 0) {
			*len = n;
			return 0;
		}
		if (n == HVT_NOTIFY_MAX)
			return HVT_NOTIFY_TOO_LONG;
		n += (size_t)r;
	}
}

static void print_text(FILE *f, const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)l[i];
		if (ch < 0x20 && ch != '\t')
			fprintf(f, "\\x%02x", ch);
		else
			putc(ch, f);
	}
	putc('\n', f);
}

/* The line of a KEY=VALUE pair that a later line with the same KEY does not override. */
static int last_of_key(const char *msg, size_t len, size_t pos, const char *l, size_t k)
{
	const char *o;
	size_t on;
	while (next_line(msg, len, &pos, &o, &on))
		if (on > k && o[k] == '=' && memcmp(o, l, k) == 0)
			return 0;
	return 1;
}

static void print_json(FILE *f, const char *msg, size_t len, const char *from)
{
	struct hvt_jw w;
	const char *l;
	size_t n, pos = 0;
	char key[HVT_NOTIFY_MAX + 1], val[HVT_NOTIFY_MAX + 1];
	hvt_jw_init(&w, f);
	hvt_jw_object(&w, NULL, 1);
	hvt_jw_str(&w, "from", from);
	hvt_jw_object(&w, "fields", 1);
	while (next_line(msg, len, &pos, &l, &n)) {
		const char *eq = memchr(l, '=', n);
		if (!eq || eq == l || !last_of_key(msg, len, pos, l, (size_t)(eq - l)))
			continue;
		memcpy(key, l, (size_t)(eq - l));
		key[eq - l] = '\0';
		memcpy(val, eq + 1, n - (size_t)(eq - l) - 1);
		val[n - (size_t)(eq - l) - 1] = '\0';
		hvt_jw_str(&w, key, val);
	}
	hvt_jw_end(&w);
	hvt_jw_array(&w, "lines", 1);
	for (pos = 0; next_line(msg, len, &pos, &l, &n);) {
		if (n == 0)
			continue;
		memcpy(val, l, n);
		val[n] = '\0';
		hvt_jw_str(&w, NULL, val);
	}
	hvt_jw_end(&w);
	hvt_jw_end(&w);
	hvt_jw_finish(&w);
}

void hvt_notify_print(FILE *f, const char *msg, size_t len, const char *from, int json)
{
	const char *l;
	size_t n, pos = 0;
	if (json) {
		print_json(f, msg, len, from);
	} else {
		while (next_line(msg, len, &pos, &l, &n))
			if (n > 0)
				print_text(f, l, n);
		putc('\n', f);
	}
	fflush(f);
}
