/* Unit test for lib/digest's fast SHA-256 path (SHA-NI, x86-64): every
 * length 0..300, then large inputs, each fed whole, byte by byte and in
 * random pieces, must give exactly what BearSSL's portable code gives.
 * On a CPU without SHA-NI the same checks run on the portable path. */
#include "digest.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)next();
}

static void bearssl_sum(const unsigned char *p, size_t n, unsigned char out[32])
{
	br_sha256_context c;

	br_sha256_init(&c);
	br_sha256_update(&c, p, n);
	br_sha256_out(&c, out);
}

/* mode 0: one update; 1: byte by byte; 2: random pieces (0..200 bytes) */
static void ct_sum(const unsigned char *p, size_t n, int mode, unsigned char out[32])
{
	struct ct_sha256 h;
	size_t off = 0;

	ct_sha256_init(&h);
	while (off < n || (mode == 0 && off == 0 && n == 0)) {
		size_t k = mode == 0 ? n : mode == 1 ? 1 : (size_t)(next() % 201);
		if (k > n - off)
			k = n - off;
		ct_sha256_update(&h, p + off, k);
		off += k;
		if (mode == 0)
			break;
	}
	ct_sha256_final(&h, out);
}

static int have_shani(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	unsigned a, b, c, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
#else
	return 0;
#endif
}

int main(void)
{
	size_t big[] = { 4096, 65536 + 17, 1000003, 8u << 20 };
	unsigned char want[32], got[32];
	unsigned char *buf = malloc(8u << 20);
	size_t len, i;
	int mode, bad;

	if (!buf)
		return 1;
	diag("CPU %s SHA-NI; CT_SHA256_PORTABLE=%s", have_shani() ? "has" : "lacks",
	     getenv("CT_SHA256_PORTABLE") ? getenv("CT_SHA256_PORTABLE") : "(unset)");
	for (mode = 0; mode < 3; mode++) {
		bad = 0;
		for (len = 0; len <= 300; len++) {
			fill(buf, len);
			bearssl_sum(buf, len, want);
			ct_sum(buf, len, mode, got);
			if (memcmp(want, got, 32)) {
				if (!bad)
					diag("first difference at length %zu", len);
				bad++;
			}
		}
		ok(bad == 0, "lengths 0..300, %s: same sums as BearSSL",
		   mode == 0 ? "one update" : mode == 1 ? "byte by byte" : "random pieces");
	}
	for (i = 0; i < sizeof big / sizeof big[0]; i++) {
		fill(buf, big[i]);
		bearssl_sum(buf, big[i], want);
		for (mode = 0; mode < 3; mode += 2) {
			ct_sum(buf, big[i], mode, got);
			ok(!memcmp(want, got, 32), "%zu bytes, %s: same sum as BearSSL", big[i],
			   mode == 0 ? "one update" : "random pieces");
		}
	}
	/* a known vector, through the fast path */
	{
		struct ct_digest d;
		memset(buf, 'a', 1000000);
		ct_digest_buf(buf, 1000000, &d);
		is_str(d.str, "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		       "one million 'a'");
	}
	free(buf);
	return tap_done();
}
