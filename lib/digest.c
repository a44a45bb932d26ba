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

/* ---- streaming SHA-256: the one place that calls the hash primitive ----
 *
 * BearSSL does the work (its context, padding and output), except that on
 * x86-64 CPUs with the SHA extensions (SHA-NI, detected at run time) whole
 * 64-byte blocks go through the sha256rnds2/sha256msg1/sha256msg2
 * instructions instead of BearSSL's portable round function, about five
 * times faster. Both update the same state (br_sha224_context's val[],
 * buf[] and count, public fields of bearssl_hash.h), so the result is the
 * same; t/unit/sha256ni.c checks it against BearSSL on random inputs.
 * CT_SHA256_PORTABLE=1 in the environment turns the fast path off. */

#if defined(__x86_64__) && defined(__GNUC__)
#define CT_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>

static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* 0 unknown, 1 yes, -1 no; the same answer in every thread, so a race
 * on the first call is harmless. */
static volatile int shani_state;

static int shani_ok(void)
{
	unsigned a, b, c, d;
	const char *env;
	int ok;

	if (shani_state)
		return shani_state > 0;
	env = getenv("CT_SHA256_PORTABLE");
	ok = !(env && *env && strcmp(env, "0")) &&
	     __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) && (c & bit_SSE4_1) &&
	     __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
	shani_state = ok ? 1 : -1;
	return ok;
}

/* n 64-byte blocks of p into st (a..h, host order, as BearSSL keeps them).
 * The instructions want the state as {A,B,E,F} and {C,D,G,H}, highest
 * lane first, and do two rounds per sha256rnds2 from the low half of the
 * W+K vector; sha256msg1/msg2 extend the schedule four words at a time. */
__attribute__((target("sha,sse4.1,ssse3")))
static void shani_blocks(uint32_t st[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
	__m128i lo = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]), 0x1B);
	__m128i hi = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]), 0x1B);
	__m128i abef = _mm_unpackhi_epi64(hi, lo);   /* lanes 0..3: f e b a */
	__m128i cdgh = _mm_unpacklo_epi64(hi, lo);   /* lanes 0..3: h g d c */

	for (; n > 0; n--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh, w[4], wk, x;
		int g;

		for (g = 0; g < 4; g++)
			w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
#pragma GCC unroll 16
		for (g = 0; g < 16; g++) {
			if (g >= 4) {
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] */
				x = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
				w[g & 3] = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
			}
			wk = _mm_add_epi32(w[g & 3], _mm_load_si128((const __m128i *)&sha256_k[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	lo = _mm_shuffle_epi32(_mm_unpackhi_epi64(cdgh, abef), 0x1B);
	hi = _mm_shuffle_epi32(_mm_unpacklo_epi64(cdgh, abef), 0x1B);
	_mm_storeu_si128((__m128i *)&st[0], lo);
	_mm_storeu_si128((__m128i *)&st[4], hi);
}

/* br_sha224_update's buffering, with the blocks done by shani_blocks. */
static void shani_update(br_sha256_context *c, const unsigned char *p, size_t len)
{
	size_t ptr = (size_t)c->count & 63, k;

	c->count += len;
	if (ptr) {
		k = 64 - ptr < len ? 64 - ptr : len;
		memcpy(c->buf + ptr, p, k);
		p += k;
		len -= k;
		if (ptr + k < 64)
			return;
		shani_blocks(c->val, c->buf, 1);
	}
	if (len >= 64) {
		shani_blocks(c->val, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(c->buf, p, len);
}
#endif

void ct_sha256_init(struct ct_sha256 *h)
{
	br_sha256_init(&h->ctx);
}

void ct_sha256_update(struct ct_sha256 *h, const void *buf, size_t len)
{
#ifdef CT_SHANI
	if (shani_ok()) {
		shani_update(&h->ctx, buf, len);
		return;
	}
#endif
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
