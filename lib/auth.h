/* auth: the pieces of HTTP authentication registries use: WWW-Authenticate
 * challenges (RFC 7235 auth-params), Basic credentials, base64.
 *
 *     WWW-Authenticate: Bearer realm="https://auth.docker.io/token",
 *                       service="registry.docker.io",scope="repository:library/alpine:pull"
 *
 * parses to scheme "Bearer" and the three parameters. The registry module
 * (lib/registry) turns a Bearer challenge into a token request. */
#ifndef CT_AUTH_H
#define CT_AUTH_H

#include <stddef.h>

struct ct_err;

struct ct_auth_challenge {
	char scheme[16];        /* "Bearer", "Basic" */
	char *realm;
	char *service;
	char *scope;
	char *error;            /* error="insufficient_scope" etc., or NULL */
};

/* Parse the first challenge of a WWW-Authenticate value. */
int ct_auth_parse_challenge(const char *value, struct ct_auth_challenge *c,
			    struct ct_err *e);
void ct_auth_challenge_free(struct ct_auth_challenge *c);

/* "Basic base64(user:pass)", allocated. */
char *ct_auth_basic(const char *user, const char *pass);

/* Base64, standard alphabet with padding. */
char *ct_base64_encode(const void *data, size_t len);
/* Decoded bytes, NUL-terminated, length in *len; NULL if s is not base64
 * (whitespace is not allowed; padding is optional). */
char *ct_base64_decode(const char *s, size_t *len);

/* Percent-encode for a URL query value (RFC 3986 unreserved kept). */
char *ct_url_escape(const char *s);

#endif
