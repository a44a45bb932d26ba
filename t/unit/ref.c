/* Unit tests for lib/ref: the distribution/reference grammar with Docker's
 * normalisation, one table row per input. */
#include "ref.h"
#include "tap.h"

#include <string.h>

#define HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define UHEX "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
#define DGST "sha256:" HEX

#define A10 "aaaaaaaaaa"
#define A50 A10 A10 A10 A10 A10
#define A100 A50 A50
#define A200 A100 A100
#define A237 A200 A10 A10 A10 "aaaaaaa"
#define A238 A237 "a"
#define A243 A200 A10 A10 A10 A10 "aaa"
#define A244 A243 "a"
#define T10 "tttttttttt"
#define T128 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10 "tttttttt"
#define T129 T128 "t"

struct ref_case {
	const char *in;
	const char *full;      /* expected ct_ref_format; NULL: must fail */
	const char *familiar;  /* expected ct_ref_familiar */
	const char *host;      /* expected ct_ref_registry_host */
	int insecure;          /* expected ct_ref_is_insecure_default */
	const char *err;       /* substring of the error message */
};

#define HUB "registry-1.docker.io"
#define GOOD(in, full, fam, host, insecure) { in, full, fam, host, insecure, NULL }
#define BAD(in, err) { in, NULL, NULL, NULL, 0, err }

static const struct ref_case cases[] = {
	/* Docker Hub and its normalisation */
	GOOD("alpine", "docker.io/library/alpine:latest", "alpine:latest", HUB, 0),
	GOOD("alpine:3.20", "docker.io/library/alpine:3.20", "alpine:3.20", HUB, 0),
	GOOD("library/alpine", "docker.io/library/alpine:latest", "alpine:latest", HUB, 0),
	GOOD("docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest", HUB, 0),
	GOOD("docker.io/library/alpine:edge", "docker.io/library/alpine:edge", "alpine:edge", HUB, 0),
	GOOD("index.docker.io/library/alpine", "docker.io/library/alpine:latest", "alpine:latest", HUB, 0),
	GOOD("index.docker.io/alpine", "docker.io/library/alpine:latest", "alpine:latest", HUB, 0),
	GOOD("user/app", "docker.io/user/app:latest", "user/app:latest", HUB, 0),
	GOOD("user/app:1", "docker.io/user/app:1", "user/app:1", HUB, 0),
	GOOD("docker.io/user/app:1", "docker.io/user/app:1", "user/app:1", HUB, 0),
	GOOD("library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest", HUB, 0),
	GOOD("a/b/c/d/e", "docker.io/a/b/c/d/e:latest", "a/b/c/d/e:latest", HUB, 0),
	GOOD("0/1", "docker.io/0/1:latest", "0/1:latest", HUB, 0),
	GOOD("a1", "docker.io/library/a1:latest", "a1:latest", HUB, 0),
	/* a port without a slash is a tag, as in Docker */
	GOOD("localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", HUB, 0),

	/* other registries */
	GOOD("ghcr.io/o/r:t", "ghcr.io/o/r:t", "ghcr.io/o/r:t", "ghcr.io", 0),
	GOOD("quay.io/a/b/c", "quay.io/a/b/c:latest", "quay.io/a/b/c:latest", "quay.io", 0),
	GOOD("a.b/c", "a.b/c:latest", "a.b/c:latest", "a.b", 0),
	GOOD("localhost/x", "localhost/x:latest", "localhost/x:latest", "localhost", 1),
	GOOD("localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest", "localhost:5000", 1),
	GOOD("LOCALHOST/x", "LOCALHOST/x:latest", "LOCALHOST/x:latest", "LOCALHOST", 1),
	GOOD("127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t", "127.0.0.1:5000", 1),
	GOOD("127.1.2.3/x", "127.1.2.3/x:latest", "127.1.2.3/x:latest", "127.1.2.3", 1),
	GOOD("128.0.0.1/x", "128.0.0.1/x:latest", "128.0.0.1/x:latest", "128.0.0.1", 0),
	GOOD("10.0.0.1:5000/x", "10.0.0.1:5000/x:latest", "10.0.0.1:5000/x:latest", "10.0.0.1:5000", 0),
	GOOD("[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest", "[::1]:5000", 1),
	GOOD("[::1]/x", "[::1]/x:latest", "[::1]/x:latest", "[::1]", 1),
	GOOD("[::ffff:7f00:1]/x", "[::ffff:7f00:1]/x:latest", "[::ffff:7f00:1]/x:latest", "[::ffff:7f00:1]", 1),
	GOOD("[2001:DB8::1]:5000/x", "[2001:DB8::1]:5000/x:latest", "[2001:DB8::1]:5000/x:latest", "[2001:DB8::1]:5000", 0),
	GOOD("host.with-dash.example.com:443/x", "host.with-dash.example.com:443/x:latest",
	     "host.with-dash.example.com:443/x:latest", "host.with-dash.example.com:443", 0),
	GOOD("xn--bcher-kva.example/x", "xn--bcher-kva.example/x:latest", "xn--bcher-kva.example/x:latest",
	     "xn--bcher-kva.example", 0),
	GOOD("UPPER.example.com/x", "UPPER.example.com/x:latest", "UPPER.example.com/x:latest", "UPPER.example.com", 0),
	GOOD("Foo/bar", "Foo/bar:latest", "Foo/bar:latest", "Foo", 0),
	GOOD("example.com:5000/a.b_c__d-e--f/g:v1.0", "example.com:5000/a.b_c__d-e--f/g:v1.0",
	     "example.com:5000/a.b_c__d-e--f/g:v1.0", "example.com:5000", 0),

	/* separators */
	GOOD("a__b", "docker.io/library/a__b:latest", "a__b:latest", HUB, 0),
	GOOD("a--b", "docker.io/library/a--b:latest", "a--b:latest", HUB, 0),
	GOOD("a---b", "docker.io/library/a---b:latest", "a---b:latest", HUB, 0),
	GOOD("a-b", "docker.io/library/a-b:latest", "a-b:latest", HUB, 0),
	GOOD("a.b", "docker.io/library/a.b:latest", "a.b:latest", HUB, 0),
	GOOD("a_b", "docker.io/library/a_b:latest", "a_b:latest", HUB, 0),

	/* tags and digests */
	GOOD("alpine:Latest_1.0-rc", "docker.io/library/alpine:Latest_1.0-rc", "alpine:Latest_1.0-rc", HUB, 0),
	GOOD("alpine:_x", "docker.io/library/alpine:_x", "alpine:_x", HUB, 0),
	GOOD("a:" T128, "docker.io/library/a:" T128, "a:" T128, HUB, 0),
	GOOD("name@" DGST, "docker.io/library/name@" DGST, "name@" DGST, HUB, 0),
	GOOD("name:tag@" DGST, "docker.io/library/name:tag@" DGST, "name:tag@" DGST, HUB, 0),
	GOOD("ghcr.io/o/r@" DGST, "ghcr.io/o/r@" DGST, "ghcr.io/o/r@" DGST, "ghcr.io", 0),
	GOOD("localhost:5000/x:1@" DGST, "localhost:5000/x:1@" DGST, "localhost:5000/x:1@" DGST,
	     "localhost:5000", 1),

	/* name length: at most 255 with the domain */
	GOOD("example.com/" A243, "example.com/" A243 ":latest", "example.com/" A243 ":latest",
	     "example.com", 0),
	GOOD(A237, "docker.io/library/" A237 ":latest", A237 ":latest", HUB, 0),
	BAD("example.com/" A244, "name longer than 255 characters"),
	BAD(A238, "name longer than 255 characters: docker.io/library/ + 238 characters = 256"),

	/* empty and missing pieces */
	BAD("", "invalid reference \"\": empty"),
	BAD(":tag", "invalid reference \":tag\": missing repository name before ':'"),
	BAD("@" DGST, "missing repository name before '@'"),
	BAD("alpine:", "invalid reference \"alpine:\": empty tag"),
	BAD("a:@" DGST, "empty tag"),
	BAD("a@", "invalid reference \"a@\": empty digest after '@'"),
	BAD("a:t@", "empty digest after '@'"),
	BAD("/a", "invalid reference \"/a\": reference cannot start with '/'"),
	BAD("a/", "repository name cannot end with '/' (position 2)"),
	BAD("example.com/", "repository name cannot end with '/' (position 12)"),
	BAD("docker.io/", "repository name cannot end with '/'"),
	BAD("a//b", "empty path component ('//') at position 2"),
	BAD("example.com//b", "empty path component ('//') at position 12"),

	/* the repository path */
	BAD("Alpine", "invalid reference \"Alpine\": repository name must be lowercase"),
	BAD("example.com/UPPER", "repository name must be lowercase ('U' at position 13)"),
	BAD("a/B", "repository name must be lowercase"),
	BAD("-a", "path component cannot start with '-' (position 1)"),
	BAD("a-", "path component cannot end with '-' (position 2)"),
	BAD("a/_b", "path component cannot start with '_' (position 3)"),
	BAD("a/b.", "path component cannot end with '.' (position 4)"),
	BAD("a..b", "invalid separator \"..\" at position 2"),
	BAD("a___b", "invalid separator \"___\" at position 2"),
	BAD("a._b", "invalid separator \"._\" at position 2"),
	BAD("a-_b", "invalid separator \"-_\" at position 2"),
	BAD("ho st/x", "invalid character ' ' at position 3 in repository name"),
	BAD("a\tb", "invalid character '\\x09' at position 2 in repository name"),
	BAD("alp\xc3\xafne", "invalid reference \"alp\\xc3\\xafne\": invalid character '\\xc3' at position 4"),
	BAD("a+b", "invalid character '+' at position 2"),
	BAD(HEX, "cannot specify 64-byte hexadecimal strings"),

	/* the domain */
	BAD("ex_ample.com/x", "invalid character '_' at position 3 in domain"),
	BAD("ex\xc3\xa4mple.com/x", "invalid character '\\xc3' at position 3 in domain"),
	BAD("-example.com/x", "domain component cannot start with '-' (position 1)"),
	BAD("example-.com/x", "domain component cannot end with '-' (position 8)"),
	BAD("example..com/x", "empty domain component at position 9"),
	BAD(".example.com/x", "empty domain component at position 1"),
	BAD("localhost:/x", "empty port number after ':' at position 10"),
	BAD("localhost:50a0/x", "invalid character 'a' at position 13 in port number"),
	BAD(":5000/x", "missing host name before ':' at position 1"),
	BAD("a.b/:5000/x", "invalid character ':' at position 5 in repository name"),
	BAD("[::1/x", "missing ']' after the IPv6 address that starts at position 1"),
	BAD("[]:5000/x", "empty IPv6 address at position 1"),
	BAD("[::g]/x", "invalid character 'g' at position 4 in IPv6 address"),
	BAD("[::ffff:127.0.0.1]/x", "invalid character '.' at position 12 in IPv6 address"),
	BAD("[::1]x:1/y", "unexpected 'x' at position 6 after the IPv6 address"),

	/* tags */
	BAD("a:tag with space", "invalid reference \"a:tag with space\": invalid tag \"tag with space\": "
	    "invalid character ' ' at position 4"),
	BAD("a:b:c", "invalid tag \"b:c\": invalid character ':' at position 2"),
	BAD("a:-x", "invalid tag \"-x\": first character '-' must be a letter, digit or '_'"),
	BAD("a:.x", "first character '.' must be"),
	BAD("a:" T129, "invalid tag \"" T129 "\": longer than 128 characters (it has 129)"),
	BAD("a:t\xc3\xa9", "invalid tag \"t\\xc3\\xa9\": invalid character '\\xc3' at position 2"),

	/* digests */
	BAD("a@sha256:short", "invalid reference \"a@sha256:short\": invalid digest \"sha256:short\""),
	BAD("a/b:t@sha256:abc", "invalid digest \"sha256:abc\": sha256 digest must have 64 hex digits, got 3"),
	BAD("a@sha256:" UHEX, "uppercase hex digit 'E'"),
	BAD("a@md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported digest algorithm \"md5\""),
	BAD("a@sha512:" HEX HEX, "unsupported digest algorithm \"sha512\""),
	BAD("a@" HEX, "invalid digest \"" HEX "\": missing ':'"),
	BAD("a@" DGST "@x", "invalid character '@' at position 72"),
	BAD("a@sha256:" HEX "0", "got 65"),
};

static int contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void check_good(const struct ref_case *c, size_t i)
{
	struct ct_ref r;
	struct ct_err e = { 0 };
	char buf[CT_REF_STR_MAX];

	if (!ok(ct_ref_parse(c->in, &r, &e) == 0, "%zu: parse %s", i, c->in)) {
		diag("error: %s", e.msg);
		return;
	}
	ct_ref_format(&r, buf, sizeof buf);
	is_str(buf, c->full, "%zu: full form of %s", i, c->in);
	is_str(ct_ref_familiar(&r, buf, sizeof buf), c->familiar,
	       "%zu: familiar form of %s", i, c->in);
	is_str(ct_ref_registry_host(&r), c->host, "%zu: registry host of %s",
	       i, c->in);
	is_int(ct_ref_is_insecure_default(&r), c->insecure,
	       "%zu: insecure by default: %s", i, c->in);
}

static void check_bad(const struct ref_case *c, size_t i)
{
	struct ct_ref r;
	struct ct_err e = { 0 };

	if (!ok(ct_ref_parse(c->in, &r, &e) == -1, "%zu: refuse %s", i, c->in))
		return;
	if (!ok(contains(e.msg, c->err), "%zu: error says '%s'", i, c->err))
		diag("got: %s", e.msg);
	ok(e.errnum == 0 && contains(e.msg, "invalid reference \""),
	   "%zu: error names the reference, no errno", i);
}

static size_t run_table(void)
{
	size_t i, n = sizeof cases / sizeof cases[0];

	for (i = 0; i < n; i++) {
		if (cases[i].full)
			check_good(&cases[i], i);
		else
			check_bad(&cases[i], i);
	}
	return n;
}

static void test_fields(void)
{
	struct ct_ref r;
	struct ct_err e = { 0 };
	char buf[CT_REF_STR_MAX];

	ct_ref_parse("alpine", &r, &e);
	is_str(r.domain, "docker.io", "fields: domain");
	is_str(r.path, "library/alpine", "fields: path");
	is_str(r.tag, "latest", "fields: default tag");
	is_str(r.digest, "", "fields: no digest");
	is_str(ct_ref_name(&r, buf, sizeof buf), "docker.io/library/alpine",
	       "name without tag");
	is_str(ct_ref_manifest_ref(&r), "latest", "manifest ref is the tag");

	ct_ref_parse("name@" DGST, &r, &e);
	is_str(r.tag, "", "digest only: no tag");
	is_str(r.digest, DGST, "digest only: digest kept");
	is_str(ct_ref_manifest_ref(&r), DGST, "manifest ref is the digest");

	ct_ref_parse("[::1]:5000/a/b:t@" DGST, &r, &e);
	is_str(r.domain, "[::1]:5000", "ipv6: domain");
	is_str(r.path, "a/b", "ipv6: path");
	is_str(r.tag, "t", "tag and digest: tag kept");
	is_str(ct_ref_manifest_ref(&r), DGST, "tag and digest: digest wins");

	is_int(ct_ref_format(&r, buf, 8), (long long)strlen("[::1]:5000/a/b:t@" DGST),
	       "format returns the length it needs");
	is_str(buf, "[::1]:5", "format truncates to the buffer");
}

static void test_check_tag(void)
{
	struct ct_err e = { 0 };

	ok(ct_ref_check_tag("v1.2.3-rc_1", &e) == 0, "check_tag accepts v1.2.3-rc_1");
	ok(ct_ref_check_tag(T128, &e) == 0, "check_tag accepts 128 characters");
	ok(ct_ref_check_tag("", &e) == -1 && contains(e.msg, "invalid tag \"\": empty"),
	   "check_tag refuses empty");
	ok(ct_ref_check_tag(NULL, &e) == -1, "check_tag refuses NULL");
	ok(ct_ref_check_tag("a/b", &e) == -1 &&
	   contains(e.msg, "invalid tag \"a/b\": invalid character '/' at position 2"),
	   "check_tag names the bad character");
	ok(ct_ref_check_tag(T129, &e) == -1 && contains(e.msg, "longer than 128"),
	   "check_tag refuses 129 characters");
}

static void test_null_and_long_input(void)
{
	struct ct_ref r;
	struct ct_err e = { 0 };
	char long_in[4000];

	ok(ct_ref_parse(NULL, &r, &e) == -1 && contains(e.msg, "empty"),
	   "NULL input is an error");
	memset(long_in, 'a', sizeof long_in - 1);
	long_in[sizeof long_in - 1] = '\0';
	ok(ct_ref_parse(long_in, &r, &e) == -1 &&
	   contains(e.msg, "name longer than 255") && contains(e.msg, "...\""),
	   "very long input: quoted cut short, error still says what is wrong");
	ok(ct_ref_parse("a", &r, NULL) == 0 && ct_ref_parse("A", &r, NULL) == -1,
	   "error struct may be NULL");
}

int main(void)
{
	size_t n = run_table();

	diag("%zu table cases", n);
	test_fields();
	test_check_tag();
	test_null_and_long_input();
	return tap_done();
}
