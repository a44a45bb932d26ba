/* ref: image references ("alpine", "ghcr.io/o/r:1.2", "x@sha256:…").
 *
 * Parsed exactly per the grammar of distribution/reference,
 *
 *     reference      := name [ ":" tag ] [ "@" digest ]
 *     name           := [domain '/'] remote-name          (at most 255 chars)
 *     domain         := host [':' port-number]
 *     host           := domain-name | IPv4 | '[' IPv6 ']'
 *     domain-name    := component ('.' component)*  component [a-zA-Z0-9] or
 *                       [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *     remote-name    := path-component ('/' path-component)*
 *     path-component := [a-z0-9]+ (separator [a-z0-9]+)*
 *     separator      := '.' | '_' | '__' | '-'+
 *     tag            := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *     digest         := see digest.h; ct accepts sha256 only
 *
 * with Docker's normalisation: the first '/'-separated component is a
 * domain only if it holds '.' or ':' or an uppercase letter, or is exactly
 * "localhost"; otherwise the domain is docker.io. index.docker.io becomes
 * docker.io, and one-component docker.io names get "library/" in front.
 * No tag and no digest means tag "latest". "name:tag@digest" keeps both;
 * the digest wins for pulling (ct_ref_manifest_ref). A bare 64-hex string is
 * refused, as by Docker, since it looks like an image ID.
 *
 * Errors quote the input, say what is wrong, and count positions from 1:
 *     invalid reference "Alpine": repository name must be lowercase
 *     invalid reference "a..b": invalid separator ".." at position 2 …
 *     invalid reference "a:b c": invalid tag "b c": invalid character ' ' …
 */
#ifndef CT_REF_H
#define CT_REF_H

#include <stddef.h>

#include "digest.h"
#include "err.h"

#define CT_REF_NAME_MAX 255       /* domain + '/' + path */
#define CT_REF_TAG_MAX 128
#define CT_REF_DEFAULT_DOMAIN "docker.io"
#define CT_REF_DEFAULT_TAG "latest"
/* Enough for any formatted reference: name, ':' tag, '@' digest, NUL. */
#define CT_REF_STR_MAX 512

struct ct_ref {
	char domain[CT_REF_NAME_MAX + 1];  /* "docker.io", "localhost:5000", "[::1]:5000" */
	char path[CT_REF_NAME_MAX + 1];    /* "library/alpine" */
	char tag[CT_REF_TAG_MAX + 1];      /* "latest"; "" only for name@digest */
	char digest[CT_DIGEST_STR_MAX];    /* "sha256:<64 hex>", "" if none */
};

/* Parse and normalise s into *r. Returns 0, or -1 with *e set. */
int ct_ref_parse(const char *s, struct ct_ref *r, struct ct_err *e);

/* Check a tag alone, for "ct-image tag" and the like:
 * invalid tag "-x": first character must be a letter, digit or '_'. */
int ct_ref_check_tag(const char *tag, struct ct_err *e);

/* The full form, "docker.io/library/alpine:latest[@sha256:…]", as
 * snprintf: returns the length it needs; n >= CT_REF_STR_MAX always fits. */
int ct_ref_format(const struct ct_ref *r, char *buf, size_t n);

/* Docker's short form: "alpine:latest", "user/app:1", "localhost:5000/x:y".
 * Returns buf; n >= CT_REF_STR_MAX always fits. */
const char *ct_ref_familiar(const struct ct_ref *r, char *buf, size_t n);

/* The repository name without tag or digest: "docker.io/library/alpine".
 * Returns buf. */
const char *ct_ref_name(const struct ct_ref *r, char *buf, size_t n);

/* What to ask the registry for: the digest if there is one, else the tag
 * (the <reference> of /v2/<path>/manifests/<reference>). */
const char *ct_ref_manifest_ref(const struct ct_ref *r);

/* The host to talk to: "registry-1.docker.io" for docker.io, else the
 * domain as written ("localhost:5000", "[::1]:5000"). */
const char *ct_ref_registry_host(const struct ct_ref *r);

/* 1 when Docker would allow plain HTTP to this registry without being told:
 * localhost, 127.0.0.0/8 and ::1 (any port). Else 0. */
int ct_ref_is_insecure_default(const struct ct_ref *r);

#endif
