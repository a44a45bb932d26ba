/* digest: SHA-256 and OCI content digests ("sha256:<64 lowercase hex>").
 *
 * Hashing goes through the streaming API below and nowhere else, so that a
 * faster compression function (SHA-NI) can later replace BearSSL's behind
 * it without touching any caller:
 *
 *     struct ct_sha256 h;
 *     ct_sha256_init(&h);
 *     ct_sha256_update(&h, buf, n);          (as often as needed)
 *     ct_sha256_digest(&h, &d);              d.str is "sha256:…"
 *
 * Digest strings follow the OCI image spec's grammar
 *
 *     digest     ::= algorithm ":" encoded
 *     algorithm  ::= component (separator component)*   component [a-z0-9]+
 *     separator  ::= [+._-]                               encoded   [a-zA-Z0-9=_-]+
 *
 * of which ct stores and verifies content by sha256 only: sha256's encoded
 * part is exactly 64 lowercase hex digits. Other well-formed algorithms
 * (sha512, …) are refused with "unsupported digest algorithm".
 *
 * Positions in error messages count characters from 1.
 */
#ifndef CT_DIGEST_H
#define CT_DIGEST_H

#include <stddef.h>

#include <bearssl.h>

#include "err.h"

#define CT_SHA256_LEN 32          /* bytes of a SHA-256 sum */
#define CT_SHA256_HEX_LEN 64      /* hex digits of a SHA-256 sum */
#define CT_DIGEST_STR_MAX 72      /* "sha256:" + 64 hex + NUL */
#define CT_DIGEST_PREFIX "sha256:"

struct ct_sha256 {
	br_sha256_context ctx;
};

/* A parsed or computed sha256 digest, in both forms. */
struct ct_digest {
	unsigned char sum[CT_SHA256_LEN];   /* raw bytes */
	char str[CT_DIGEST_STR_MAX];        /* "sha256:<64 lowercase hex>" */
};

/* Streaming SHA-256. After final/hex/digest, init again before reuse. */
void ct_sha256_init(struct ct_sha256 *h);
void ct_sha256_update(struct ct_sha256 *h, const void *buf, size_t len);
void ct_sha256_final(struct ct_sha256 *h, unsigned char out[CT_SHA256_LEN]);
void ct_sha256_hex(struct ct_sha256 *h, char out[CT_DIGEST_STR_MAX]);
void ct_sha256_digest(struct ct_sha256 *h, struct ct_digest *out);

/* Write "sha256:<hex of sum>" into out. */
void ct_digest_format(const unsigned char sum[CT_SHA256_LEN],
		      char out[CT_DIGEST_STR_MAX]);
/* Fill both forms of *d from raw bytes. */
void ct_digest_from_sum(struct ct_digest *d,
			const unsigned char sum[CT_SHA256_LEN]);

/* Parse and validate a digest string. d may be NULL to only validate.
 * Errors quote the input: invalid digest "sha256:abc": sha256 digest must
 * have 64 hex digits, got 3. */
int ct_digest_parse(const char *s, struct ct_digest *d, struct ct_err *e);

/* The encoded part (64 hex digits), e.g. for blobs/sha256/<hex>. */
const char *ct_digest_encoded(const struct ct_digest *d);

/* Order of the raw sums (that is, of the hex strings); 0 when equal. */
int ct_digest_cmp(const struct ct_digest *a, const struct ct_digest *b);
int ct_digest_equal(const struct ct_digest *a, const struct ct_digest *b);

/* One-shot digest of a buffer. */
void ct_digest_buf(const void *buf, size_t len, struct ct_digest *out);

/* 0 when buf hashes to *want, else -1 with "content digest mismatch:
 * expected …, got …" (wrap it with what the content was). */
int ct_digest_verify_buf(const struct ct_digest *want, const void *buf,
			 size_t len, struct ct_err *e);

/* Digest of everything read from fd until end of file, in 64 KiB chunks;
 * name is the path or description used in error messages. */
int ct_digest_fd(int fd, const char *name, struct ct_digest *out,
		 struct ct_err *e);

/* Digest of a file's content; errors name the path. */
int ct_digest_file(const char *path, struct ct_digest *out, struct ct_err *e);

/* 0 when the file at path hashes to *want, else -1: "PATH: digest
 * mismatch: expected …, got …" with a hint, or the open/read error. */
int ct_digest_verify_file(const char *path, const struct ct_digest *want,
			  struct ct_err *e);

#endif
