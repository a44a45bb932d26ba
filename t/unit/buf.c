/* buf: buffers, strings, number and size parsing. */
#include "buf.h"
#include "err.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

int main(void)
{
	struct ct_buf b = CT_BUF_INIT;
	struct ct_err e;
	uint64_t v;
	char small[4];
	char *s;
	int i;

	is_str(ct_buf_str(&b), "", "empty buffer reads as empty string");
	ct_buf_puts(&b, "hello");
	ct_buf_putc(&b, ' ');
	ct_buf_printf(&b, "%s %d", "world", 42);
	is_str(b.data, "hello world 42", "puts, putc, printf append");
	is_int((long long)b.len, 14, "length tracked");
	for (i = 0; i < 10000; i++)
		ct_buf_putc(&b, 'x');
	is_int((long long)b.len, 10014, "grows past many reallocations");
	ok(b.data[b.len] == '\0', "always NUL-terminated");
	ct_buf_reset(&b);
	is_str(ct_buf_str(&b), "", "reset empties");
	ct_buf_add(&b, "a\0b", 3);
	is_int((long long)b.len, 3, "binary data with NUL");
	s = ct_buf_detach(&b);
	ok(s && s[0] == 'a' && s[2] == 'b', "detach hands over the data");
	ok(b.data == NULL && b.len == 0, "detach leaves the buffer empty");
	free(s);

	s = ct_xasprintf("%s-%03d", "ct", 7);
	is_str(s, "ct-007", "xasprintf");
	free(s);

	is_int(ct_strlcpy(small, "abc", sizeof small), 0, "strlcpy fits");
	is_int(ct_strlcpy(small, "abcd", sizeof small), -1, "strlcpy reports truncation");
	is_str(small, "abc", "truncated copy is terminated");
	ok(ct_has_prefix("sha256:ab", "sha256:"), "has_prefix");
	ok(!ct_has_prefix("sha", "sha256:"), "has_prefix on short string");
	ok(ct_has_suffix("layer.tar.gz", ".gz"), "has_suffix");
	ok(!ct_has_suffix("gz", ".tar.gz"), "has_suffix on short string");

	ok(ct_parse_u64("42", 100, &v, &e) == 0 && v == 42, "parse_u64 42");
	ok(ct_parse_u64("101", 100, &v, &e) < 0 && strstr(e.msg, "at most 100"), "parse_u64 range: %s", e.msg);
	ok(ct_parse_u64("4x", 100, &v, &e) < 0 && strstr(e.msg, "\"4x\""), "parse_u64 junk: %s", e.msg);
	ok(ct_parse_u64("", 100, &v, &e) < 0, "parse_u64 empty");
	ok(ct_parse_u64("-1", 100, &v, &e) < 0, "parse_u64 negative");
	ok(ct_parse_u64("99999999999999999999999", UINT64_MAX, &v, &e) < 0, "parse_u64 overflow");

	ok(ct_parse_size("512", &v, &e) == 0 && v == 512, "size 512");
	ok(ct_parse_size("64k", &v, &e) == 0 && v == 65536, "size 64k");
	ok(ct_parse_size("10m", &v, &e) == 0 && v == 10485760, "size 10m");
	ok(ct_parse_size("10MB", &v, &e) == 0 && v == 10485760, "size 10MB");
	ok(ct_parse_size("1g", &v, &e) == 0 && v == 1073741824, "size 1g");
	ok(ct_parse_size("1.5g", &v, &e) == 0 && v == 1610612736, "size 1.5g");
	ok(ct_parse_size("2GiB", &v, &e) == 0 && v == 2147483648ULL, "size 2GiB");
	ok(ct_parse_size("7x", &v, &e) < 0 && strstr(e.msg, "unknown unit"), "size bad unit: %s", e.msg);
	ok(ct_parse_size("m", &v, &e) < 0, "size without number");
	ok(ct_parse_size("99999999999t", &v, &e) < 0 && strstr(e.msg, "too large"), "size overflow");
	return tap_done();
}
