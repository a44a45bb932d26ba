#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define QUOTE_MAX 160

static const char hexdigits[] = "0123456789abcdef";

/* ---- streaming SHA-256: the one place that calls the hash primitive ---- */

void ct_sha256_init(struct ct_sha256 *h)
{
	br_sha256_init(&h->ctx);
}

void ct_sha256_update(struct ct_sha256 *h, const void *buf, size_t len)
{
	br_sha256_update(&h->ctx, buf, len);
}

void ct_sha256_final(struct ct_sha256 *h, unsigned char out[CT_SHA256_LEN])
{
	br_sha256_out(&h->ctx, out);
}

void ct_sha256_hex(struct ct_sha256 *h, char out[CT_DIGEST_STR_MAX])
{
	unsigned char sum[CT_SHA256_LEN];

	ct_sha256_final(h, sum);
	ct_digest_format(sum, out);
}

void ct_sha256_digest(struct ct_sha256 *h, struct ct_digest *out)
{
	unsigned char sum[CT_SHA256_LEN];

	ct_sha256_final(h, sum);
	ct_digest_from_sum(out, sum);
}

/* ---- formatting ---- */

void ct_digest_format(const unsigned char sum[CT_SHA256_LEN],
		      char out[CT_DIGEST_STR_MAX])
{
	size_t plen = strlen(CT_DIGEST_PREFIX), i;

	memcpy(out, CT_DIGEST_PREFIX, plen);
	for (i = 0; i < CT_SHA256_LEN; i++) {
		out[plen + 2 * i] = hexdigits[sum[i] >> 4];
		out[plen + 2 * i + 1] = hexdigits[sum[i] & 0xf];
	}
	out[plen + CT_SHA256_HEX_LEN] = '\0';
}

void ct_digest_from_sum(struct ct_digest *d,
			const unsigned char sum[CT_SHA256_LEN])
{
	memcpy(d->sum, sum, CT_SHA256_LEN);
	ct_digest_format(d->sum, d->str);
}

const char *ct_digest_encoded(const struct ct_digest *d)
{
	return d->str + strlen(CT_DIGEST_PREFIX);
}

int ct_digest_cmp(const struct ct_digest *a, const struct ct_digest *b)
{
	return memcmp(a->sum, b->sum, CT_SHA256_LEN);
}

int ct_digest_equal(const struct ct_digest *a, const struct ct_digest *b)
{
	return ct_digest_cmp(a, b) == 0;
}

/* ---- parsing ---- */

/* Copy s into buf for an error message: bytes outside printable ASCII as
 * \xNN, '"' and '\' escaped, cut short with "..." when it does not fit. */
static const char *quote(const char *s, char *buf, size_t n)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[5];
		size_t k;

		if (c == '"' || c == '\\')
			k = (size_t)snprintf(tmp, sizeof tmp, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", c);
		else
			k = (size_t)snprintf(tmp, sizeof tmp, "%c", c);
		if (o + k + 4 > n) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, tmp, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}

/* 'c' for a printable character, '\xNN' for anything else. */
static const char *show_char(char ch, char buf[8])
{
	unsigned char c = (unsigned char)ch;

	if (c == '\'' || c == '\\')
		snprintf(buf, 8, "'\\%c'", c);
	else if (c < 0x20 || c >= 0x7f)
		snprintf(buf, 8, "'\\x%02x'", c);
	else
		snprintf(buf, 8, "'%c'", c);
	return buf;
}

__attribute__((format(printf, 3, 4)))
static int invalid_digest(struct ct_err *e, const char *s, const char *fmt, ...)
{
	char q[QUOTE_MAX], why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ct_err(e, 0, "invalid digest \"%s\": %s", quote(s, q, sizeof q),
		      why);
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_algorithm_separator(char c)
{
	return c == '+' || c == '.' || c == '_' || c == '-';
}

static int is_encoded_char(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' ||
	       c == '_' || c == '-';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* algorithm ::= [a-z0-9]+ ([+._-] [a-z0-9]+)*, the len bytes at s. */
static int check_algorithm(const char *s, size_t len, struct ct_err *e)
{
	char cb[8];
	size_t i;

	if (len == 0)
		return invalid_digest(e, s, "empty algorithm before ':'; "
				      "want sha256:<64 hex digits>");
	for (i = 0; i < len; i++) {
		if (is_lower_alnum(s[i]))
			continue;
		if (!is_algorithm_separator(s[i]))
			return invalid_digest(e, s, "invalid character %s at "
				"position %zu in algorithm (allowed: a-z, 0-9 "
				"and the separators + . _ -)",
				show_char(s[i], cb), i + 1);
		if (i == 0 || i == len - 1 || !is_lower_alnum(s[i - 1]))
			return invalid_digest(e, s, "misplaced separator %s at "
				"position %zu in algorithm",
				show_char(s[i], cb), i + 1);
	}
	return 0;
}

/* encoded ::= [a-zA-Z0-9=_-]+, from enc (inside s) to the end. */
static int check_encoded(const char *s, const char *enc, struct ct_err *e)
{
	char cb[8];
	const char *p;

	if (!*enc)
		return invalid_digest(e, s, "empty encoded value after ':'");
	for (p = enc; *p; p++)
		if (!is_encoded_char(*p))
			return invalid_digest(e, s, "invalid character %s at "
					      "position %zu",
					      show_char(*p, cb),
					      (size_t)(p - s) + 1);
	return 0;
}

static int check_sha256_hex(const char *s, const char *hex, struct ct_err *e)
{
	char cb[8];
	const char *p;

	for (p = hex; *p; p++) {
		if (hex_value(*p) >= 0)
			continue;
		if (*p >= 'A' && *p <= 'F')
			return invalid_digest(e, s, "uppercase hex digit %s at "
				"position %zu; sha256 digests are lowercase",
				show_char(*p, cb), (size_t)(p - s) + 1);
		return invalid_digest(e, s, "invalid hex digit %s at position %zu",
				      show_char(*p, cb), (size_t)(p - s) + 1);
	}
	if (p - hex != CT_SHA256_HEX_LEN)
		return invalid_digest(e, s, "sha256 digest must have %d hex "
				      "digits, got %zu", CT_SHA256_HEX_LEN,
				      (size_t)(p - hex));
	return 0;
}

/* hex has been checked: 64 lowercase hex digits. */
static void decode_sha256_hex(const char *hex, unsigned char sum[CT_SHA256_LEN])
{
	size_t i;

	for (i = 0; i < CT_SHA256_LEN; i++) {
		unsigned hi = (unsigned)hex_value(hex[2 * i]);
		unsigned lo = (unsigned)hex_value(hex[2 * i + 1]);

		sum[i] = (unsigned char)((hi << 4 | lo) & 0xff);
	}
}

int ct_digest_parse(const char *s, struct ct_digest *d, struct ct_err *e)
{
	char q[QUOTE_MAX];
	const char *colon;
	size_t alen;

	if (!s || !*s)
		return invalid_digest(e, "", "empty; want sha256:<64 hex digits>");
	colon = strchr(s, ':');
	if (!colon)
		return invalid_digest(e, s, "missing ':' between algorithm and "
				      "encoded value; want sha256:<64 hex digits>");
	alen = (size_t)(colon - s);
	if (check_algorithm(s, alen, e) < 0 || check_encoded(s, colon + 1, e) < 0)
		return -1;
	if (alen != strlen("sha256") || memcmp(s, "sha256", alen) != 0)
		return ct_err(e, 0, "unsupported digest algorithm \"%.*s\" in "
			      "\"%s\"; ct supports only sha256", (int)alen, s,
			      quote(s, q, sizeof q));
	if (check_sha256_hex(s, colon + 1, e) < 0)
		return -1;
	if (d) {
		unsigned char sum[CT_SHA256_LEN];

		decode_sha256_hex(colon + 1, sum);
		ct_digest_from_sum(d, sum);
	}
	return 0;
}

/* ---- computing and verifying ---- */

void ct_digest_buf(const void *buf, size_t len, struct ct_digest *out)
{
	struct ct_sha256 h;

	ct_sha256_init(&h);
	ct_sha256_update(&h, buf, len);
	ct_sha256_digest(&h, out);
}

int ct_digest_verify_buf(const struct ct_digest *want, const void *buf,
			 size_t len, struct ct_err *e)
{
	struct ct_digest got;

	ct_digest_buf(buf, len, &got);
	if (!ct_digest_equal(&got, want))
		return ct_err(e, 0, "content digest mismatch: expected %s, "
			      "got %s", want->str, got.str);
	return 0;
}

static int hash_fd(int fd, const char *name, unsigned char *buf,
		   struct ct_sha256 *h, struct ct_err *e)
{
	ssize_t n;

	for (;;) {
		n = read(fd, buf, READ_CHUNK);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err(e, errno, "read %s", name);
		ct_sha256_update(h, buf, (size_t)n);
	}
}

int ct_digest_fd(int fd, const char *name, struct ct_digest *out,
		 struct ct_err *e)
{
	struct ct_sha256 h;
	unsigned char *buf;
	int r;

	buf = malloc(READ_CHUNK);
	if (!buf)
		return ct_err(e, errno, "hash %s: allocate %d KiB read buffer",
			      name, READ_CHUNK / 1024);
	ct_sha256_init(&h);
	r = hash_fd(fd, name, buf, &h, e);
	free(buf);
	if (r < 0)
		return -1;
	ct_sha256_digest(&h, out);
	return 0;
}

int ct_digest_file(const char *path, struct ct_digest *out, struct ct_err *e)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	r = ct_digest_fd(fd, path, out, e);
	close(fd);
	return r;
}

int ct_digest_verify_file(const char *path, const struct ct_digest *want,
			  struct ct_err *e)
{
	struct ct_digest got;

	if (ct_digest_file(path, &got, e) < 0)
		return -1;
	if (!ct_digest_equal(&got, want)) {
		ct_err(e, 0, "%s: digest mismatch: expected %s, got %s", path,
		       want->str, got.str);
		return ct_err_hint(e, "the file is corrupt or incomplete; "
				   "remove it and fetch it again");
	}
	return 0;
}
