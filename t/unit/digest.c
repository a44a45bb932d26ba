/* Unit tests for lib/digest: SHA-256 vectors, streaming, parsing, files. */
#include "digest.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EMPTY_SHA "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define ABC_SHA "sha256:" ABC_HEX
#define NIST448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define NIST448_SHA "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define MILLION_A_SHA "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define HEX64 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MILLION 1000000

static int contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void test_vector(const char *name, const void *buf, size_t len,
			const char *want)
{
	struct ct_sha256 h;
	char hex[CT_DIGEST_STR_MAX];
	struct ct_digest d;

	ct_sha256_init(&h);
	ct_sha256_update(&h, buf, len);
	ct_sha256_hex(&h, hex);
	is_str(hex, want, "sha256 of %s (streaming api)", name);
	ct_digest_buf(buf, len, &d);
	is_str(d.str, want, "sha256 of %s (one-shot)", name);
}

static void test_vectors(const char *million)
{
	test_vector("empty string", "", 0, EMPTY_SHA);
	test_vector("\"abc\"", "abc", 3, ABC_SHA);
	test_vector("448-bit NIST vector", NIST448, strlen(NIST448), NIST448_SHA);
	test_vector("one million 'a'", million, MILLION, MILLION_A_SHA);
}

/* Feed buf in chunks of size step (the last one shorter). */
static void hash_in_chunks(const char *buf, size_t len, size_t step,
			   char out[CT_DIGEST_STR_MAX])
{
	struct ct_sha256 h;
	size_t off, n;

	ct_sha256_init(&h);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		ct_sha256_update(&h, buf + off, n);
	}
	ct_sha256_hex(&h, out);
}

static void test_streaming(void)
{
	static const size_t steps[] = { 1, 3, 7, 55, 63, 64, 65, 127, 1000, 4097 };
	char buf[20000], one[CT_DIGEST_STR_MAX], got[CT_DIGEST_STR_MAX];
	struct ct_digest d;
	size_t i;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (char)(i * 131 + i / 7);
	ct_digest_buf(buf, sizeof buf, &d);
	memcpy(one, d.str, sizeof one);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		hash_in_chunks(buf, sizeof buf, steps[i], got);
		is_str(got, one, "streaming in chunks of %zu equals one-shot",
		       steps[i]);
	}
}

static void test_final_forms(void)
{
	struct ct_sha256 h;
	unsigned char raw[CT_SHA256_LEN];
	struct ct_digest d;
	char hex[CT_DIGEST_STR_MAX];

	ct_sha256_init(&h);
	ct_sha256_update(&h, "abc", 3);
	ct_sha256_final(&h, raw);
	ok(raw[0] == 0xba && raw[31] == 0xad, "final gives raw bytes");
	ct_digest_format(raw, hex);
	is_str(hex, ABC_SHA, "format raw bytes");
	ct_sha256_init(&h);
	ct_sha256_update(&h, "abc", 3);
	ct_sha256_digest(&h, &d);
	is_str(d.str, ABC_SHA, "finish into struct ct_digest");
	ok(memcmp(d.sum, raw, sizeof raw) == 0, "struct ct_digest holds raw sum");
	is_str(ct_digest_encoded(&d), ABC_HEX, "encoded part is the hex");
}

static void test_parse_ok(void)
{
	struct ct_err e = { 0 };
	struct ct_digest d, abc;

	ok(ct_digest_parse(ABC_SHA, &d, &e) == 0, "parse a valid digest");
	is_str(d.str, ABC_SHA, "parsed digest keeps its string");
	ct_digest_buf("abc", 3, &abc);
	ok(memcmp(d.sum, abc.sum, CT_SHA256_LEN) == 0, "parsed raw bytes match");
	ok(ct_digest_equal(&d, &abc), "equal digests compare equal");
	ok(ct_digest_parse("sha256:" HEX64, NULL, &e) == 0,
	   "validate only, with NULL out");
}

struct parse_case {
	const char *in, *want;
};

static const struct parse_case parse_errors[] = {
	{ "", "invalid digest \"\": empty" },
	{ "sha256", "missing ':'" },
	{ HEX64, "missing ':'" },
	{ ":" HEX64, "empty algorithm" },
	{ "sha256:", "empty encoded value" },
	{ "SHA256:" HEX64, "invalid character 'S' at position 1 in algorithm" },
	{ "sha 256:" HEX64, "invalid character ' ' at position 4" },
	{ "sha256+:" HEX64, "misplaced separator '+' at position 7" },
	{ "+sha256:" HEX64, "misplaced separator '+' at position 1" },
	{ "sha..256:" HEX64, "misplaced separator '.' at position 5" },
	{ "sha256:abc:def", "invalid character ':' at position 11" },
	{ "sha256:ab/cd", "invalid character '/' at position 10" },
	{ "sha512:" HEX64 HEX64, "unsupported digest algorithm \"sha512\"" },
	{ "md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported digest algorithm \"md5\"" },
	{ "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
	  "unsupported digest algorithm \"sha256+b64u\"" },
	{ "sha256:abc", "sha256 digest must have 64 hex digits, got 3" },
	{ "sha256:" HEX64 "0", "must have 64 hex digits, got 65" },
	{ "sha256:" "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	  "uppercase hex digit 'E' at position 8; sha256 digests are lowercase" },
	{ "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
	  "invalid hex digit 'g' at position 71" },
	{ "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85=",
	  "invalid hex digit '=' at position 71" },
	{ "sha256:" HEX64 "\n", "invalid character '\\x0a' at position 72" },
	{ "sha256:\xc3\xa9", "invalid digest \"sha256:\\xc3\\xa9\": invalid character '\\xc3' at position 8" },
};

static void test_parse_errors(void)
{
	struct ct_err e;
	struct ct_digest d;
	size_t i;

	for (i = 0; i < sizeof parse_errors / sizeof parse_errors[0]; i++) {
		const struct parse_case *c = &parse_errors[i];

		ct_err_clear(&e);
		ok(ct_digest_parse(c->in, &d, &e) == -1 && contains(e.msg, c->want),
		   "parse error %zu: %s", i, c->want);
		if (!contains(e.msg, c->want))
			diag("got: %s", e.msg);
	}
	ct_err_clear(&e);
	ok(ct_digest_parse(NULL, &d, &e) == -1 && contains(e.msg, "empty"),
	   "parse NULL is an error");
	ct_err_clear(&e);
	ct_digest_parse("sha256:ab", &d, &e);
	ok(contains(e.msg, "\"sha256:ab\""), "errors quote the input");
	ok(e.errnum == 0, "parse errors carry no errno");
}

static void test_compare(void)
{
	struct ct_digest a, b, c;

	ct_digest_buf("abc", 3, &a);
	ct_digest_buf("abc", 3, &b);
	ct_digest_buf("", 0, &c);
	ok(ct_digest_cmp(&a, &b) == 0, "same content, cmp 0");
	ok(!ct_digest_equal(&a, &c), "different content, not equal");
	ok((ct_digest_cmp(&a, &c) < 0) == (strcmp(a.str, c.str) < 0),
	   "cmp agrees with the order of the hex strings");
}

static void test_verify_buf(void)
{
	struct ct_err e;
	struct ct_digest want;

	ct_digest_parse(ABC_SHA, &want, NULL);
	ct_err_clear(&e);
	ok(ct_digest_verify_buf(&want, "abc", 3, &e) == 0, "verify matching buffer");
	ct_err_clear(&e);
	ok(ct_digest_verify_buf(&want, "abd", 3, &e) == -1, "verify detects mismatch");
	ok(contains(e.msg, "digest mismatch") && contains(e.msg, "expected " ABC_SHA),
	   "mismatch names the expected digest");
	ok(contains(e.msg, "got sha256:"), "mismatch names the actual digest");
}

static const char *tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

/* Write len bytes of buf to a new temporary file; its name into path. */
static int write_temp(const char *buf, size_t len, char *path, size_t n)
{
	size_t off = 0;
	int fd;

	snprintf(path, n, "%s/ct-digest-test.XXXXXX", tmpdir());
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

static void test_file(const char *million)
{
	char path[4096], dir[4096];
	struct ct_digest d, want;
	struct ct_err e;
	/* 3 chunks and a bit: crosses the 64 KiB read boundary. */
	const size_t big = 3 * 65536 + 17;

	if (!ok(write_temp(million, MILLION, path, sizeof path) == 0,
		"write temp file"))
		return;
	ct_err_clear(&e);
	ok(ct_digest_file(path, &d, &e) == 0, "digest a file");
	is_str(d.str, MILLION_A_SHA, "file digest of one million 'a'");
	ct_digest_parse(MILLION_A_SHA, &want, NULL);
	ok(ct_digest_verify_file(path, &want, &e) == 0, "verify matching file");
	ct_digest_parse(ABC_SHA, &want, NULL);
	ct_err_clear(&e);
	ok(ct_digest_verify_file(path, &want, &e) == -1, "verify file detects mismatch");
	ok(contains(e.msg, path) && contains(e.msg, "digest mismatch"),
	   "file mismatch names the path");
	ok(contains(e.msg, "fetch it again"), "file mismatch says what to do");
	unlink(path);

	if (ok(write_temp(million, big, path, sizeof path) == 0, "write temp file 2")) {
		struct ct_digest one;

		ct_digest_buf(million, big, &one);
		ct_digest_file(path, &d, NULL);
		ok(ct_digest_equal(&d, &one), "file across chunk boundaries");
		unlink(path);
	}
	if (ok(write_temp("", 0, path, sizeof path) == 0, "write empty temp file")) {
		ct_digest_file(path, &d, NULL);
		is_str(d.str, EMPTY_SHA, "digest of an empty file");
		/* now it is gone: the error names the path and errno */
		unlink(path);
		ct_err_clear(&e);
		ok(ct_digest_file(path, &d, &e) == -1, "missing file is an error");
		ok(contains(e.msg, path) && e.errnum == ENOENT,
		   "missing file error names path, errno ENOENT");
		ct_err_clear(&e);
		ok(ct_digest_verify_file(path, &want, &e) == -1 &&
		   contains(e.msg, "open"), "verify of missing file reports open");
	}
	snprintf(dir, sizeof dir, "%s", tmpdir());
	ct_err_clear(&e);
	ok(ct_digest_file(dir, &d, &e) == -1 && e.errnum == EISDIR &&
	   contains(e.msg, "read ") && contains(e.msg, dir),
	   "directory: read error names the path");
}

int main(void)
{
	char *million = malloc(MILLION);

	if (!million) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	memset(million, 'a', MILLION);
	test_vectors(million);
	test_streaming();
	test_final_forms();
	test_parse_ok();
	test_parse_errors();
	test_compare();
	test_verify_buf();
	test_file(million);
	free(million);
	return tap_done();
}
