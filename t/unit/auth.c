/* Unit tests for lib/auth (challenges, base64) and lib/http's URL helpers. */
#include "auth.h"
#include "err.h"
#include "http.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void challenge(const char *in, const char *scheme, const char *realm,
		      const char *service, const char *scope)
{
	struct ct_auth_challenge c;
	struct ct_err e;

	if (ct_auth_parse_challenge(in, &c, &e) < 0) {
		ok(0, "parse %s: %s", in, e.msg);
		return;
	}
	is_str(c.scheme, scheme, "scheme of %s", in);
	is_str(c.realm, realm, "realm of %s", in);
	is_str(c.service, service, "service of %s", in);
	is_str(c.scope, scope, "scope of %s", in);
	ct_auth_challenge_free(&c);
}

static void b64(const char *plain, const char *enc)
{
	char *got = ct_base64_encode(plain, strlen(plain));
	size_t len;
	char *dec;

	is_str(got, enc, "base64(\"%s\")", plain);
	dec = ct_base64_decode(enc, &len);
	is_str(dec, plain, "unbase64(\"%s\")", enc);
	is_int((long long)len, (long long)strlen(plain), "length of unbase64(\"%s\")", enc);
	free(got);
	free(dec);
}

static void url(const char *in, const char *scheme, const char *host, int port,
		const char *path)
{
	struct ct_url u;
	struct ct_err e;

	if (ct_url_parse(in, &u, &e) < 0) {
		ok(scheme == NULL, "parse %s fails: %s", in, e.msg);
		return;
	}
	if (!ok(scheme != NULL, "parse %s succeeds", in)) {
		ct_url_free(&u);
		return;
	}
	is_str(u.scheme, scheme, "scheme of %s", in);
	is_str(u.host, host, "host of %s", in);
	is_int(u.port, port, "port of %s", in);
	is_str(u.path, path, "path of %s", in);
	ct_url_free(&u);
}

static void resolve(const char *base, const char *ref, const char *want)
{
	char *got = ct_url_resolve(base, ref);
	is_str(got, want, "resolve %s against %s", ref, base);
	free(got);
}

int main(void)
{
	struct ct_auth_challenge c;
	struct ct_err e;
	size_t len;
	char *s;

	challenge("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		  "scope=\"repository:library/alpine:pull\"",
		  "Bearer", "https://auth.docker.io/token", "registry.docker.io",
		  "repository:library/alpine:pull");
	challenge("Bearer realm=https://a/t, service=\"x\\\"y\" , scope=\"a:b:pull,push\"",
		  "Bearer", "https://a/t", "x\"y", "a:b:pull,push");
	challenge("Basic realm=\"Registry Realm\"", "Basic", "Registry Realm", NULL, NULL);
	challenge("Basic realm=\"r\", Bearer realm=\"t\"", "Basic", "r", NULL, NULL);
	ok(ct_auth_parse_challenge("Bearer realm=\"open", &c, &e) < 0 &&
	   strstr(e.msg, "unclosed quote"), "unclosed quote refused: %s", e.msg);
	ok(ct_auth_parse_challenge("", &c, &e) < 0, "empty challenge refused");

	b64("", "");
	b64("f", "Zg==");
	b64("fo", "Zm8=");
	b64("foo", "Zm9v");
	b64("user:pass word", "dXNlcjpwYXNzIHdvcmQ=");
	s = ct_base64_decode("Zm9v!", &len);
	ok(s == NULL, "invalid base64 refused");
	free(s);
	s = ct_base64_decode("Zm9vY", &len);
	ok(s == NULL, "base64 of impossible length refused");
	free(s);
	s = ct_auth_basic("u", "p");
	is_str(s, "Basic dTpw", "Basic header");
	free(s);
	s = ct_url_escape("repository:a/b:pull");
	is_str(s, "repository%3Aa%2Fb%3Apull", "url escape");
	free(s);

	url("https://localhost:5000/v2/", "https", "localhost", 5000, "/v2/");
	url("http://127.0.0.1/x?y=1#frag", "http", "127.0.0.1", 80, "/x?y=1");
	url("https://h", "https", "h", 443, "/");
	url("https://h?q", "https", "h", 443, "/?q");
	url("https://[::1]:8443/a", "https", "::1", 8443, "/a");
	url("HTTPS://Host:1/", "https", "Host", 1, "/");
	url("ftp://h/", NULL, NULL, 0, NULL);
	url("https://:5000/", NULL, NULL, 0, NULL);
	url("https://h:99999/", NULL, NULL, 0, NULL);
	url("https://h:x/", NULL, NULL, 0, NULL);
	url("https://[::1/", NULL, NULL, 0, NULL);

	resolve("https://a:1/v2/x/blobs/up", "/v2/x/blobs/uploads/abc?s=1",
		"https://a:1/v2/x/blobs/uploads/abc?s=1");
	resolve("https://a/v2/x", "https://cdn.example/b", "https://cdn.example/b");
	resolve("https://a/v2/x", "//cdn/b", "https://cdn/b");
	resolve("https://a/v2/x/y", "z", "https://a/v2/x/z");
	resolve("https://a", "z", "https://a/z");
	return tap_done();
}
