/* registry: a client of one repository on an OCI distribution / Docker
 * Registry v2 server: scheme and TLS set-up, the auth dance, requests with
 * retries, manifests.
 *
 * ct_registry_open() pings /v2/ and settles how to talk:
 *   - https, verified against the system CAs plus the registry's own CA
 *     ([registry "HOST"] ca = FILE in ct.conf, or /etc/docker/certs.d/HOST/ca.crt);
 *   - plain http only for localhost, 127.0.0.0/8, ::1, or a registry with
 *     [registry "HOST"] insecure = true, and only when it does not speak TLS;
 *   - 401 + "WWW-Authenticate: Bearer realm=…" → a token from the realm for
 *     "repository:PATH:ACTIONS" (with the credentials of docker's
 *     config.json when there are any, anonymous otherwise), reused for every
 *     later request; "Basic" → the credentials on every request.
 * A 401 later on (token expired, new scope) fetches a new token once.
 *
 * One struct ct_registry may be shared by threads, each with its own
 * struct ct_http_conn (the token is guarded by a mutex). */
#ifndef CT_REGISTRY_H
#define CT_REGISTRY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "http.h"
#include "ref.h"
#include "tls.h"

struct ct_err;
struct ct_buf;
struct ct_config;

struct ct_registry {
	char domain[CT_REF_NAME_MAX + 1];   /* as in the reference: "docker.io" */
	char host[CT_REF_NAME_MAX + 1];     /* to connect to: "registry-1.docker.io" */
	char repo[CT_REF_NAME_MAX + 1];     /* "library/alpine" */
	char base[CT_REF_NAME_MAX + 16];    /* "https://host[:port]" */
	const char *actions;                /* "pull" or "pull,push" */
	int insecure;
	char *ca_file;
	struct ct_tls_anchors anchors;      /* loaded at the first https use */
	pthread_mutex_t anchors_lock;
	int anchors_state;                  /* 0 not yet, 1 loaded, -1 failed */
	char *anchors_err;                  /* the failure, said again */
	struct ct_http_opts opts;
	char *user, *pass;                  /* from config.json, or NULL */
	char *auth;                         /* Authorization value, or NULL */
	char *realm, *service;              /* of the Bearer challenge */
	int basic;
	int max_tries;                      /* for 429/5xx/network errors */
	pthread_mutex_t lock;
};

/* Set up for the reference's registry and repository and ping it. actions
 * is the token scope wanted: "pull" or "pull,push". cfg may be NULL. */
int ct_registry_open(struct ct_registry *r, const struct ct_ref *ref,
		     const struct ct_config *cfg, const char *actions,
		     struct ct_http_conn *c, struct ct_err *e);
/* The same with these credentials instead of config.json's (login); a
 * reference with an empty path asks for no repository scope. */
int ct_registry_open_as(struct ct_registry *r, const struct ct_ref *ref,
			const struct ct_config *cfg, const char *actions,
			const char *user, const char *pass,
			struct ct_http_conn *c, struct ct_err *e);
void ct_registry_close(struct ct_registry *r);

/* A request to path ("/v2/…", or an absolute URL from a Location header)
 * with authentication, re-authenticating once on 401 and retrying 429/5xx
 * and connection failures (honouring Retry-After) when the request can be
 * repeated (no streamed body). The response is the caller's to read and
 * finish with ct_http_resp_done(). */
int ct_registry_do(struct ct_registry *r, struct ct_http_conn *c, const char *method,
		   const char *path, const char *headers, const void *body,
		   size_t body_len, struct ct_http_resp *rs, struct ct_err *e);
/* The same with len bytes of body read from fd, from its current offset
 * (rewound there for a retry); progress, when not NULL, is told the bytes
 * sent so far. */
int ct_registry_do_fd(struct ct_registry *r, struct ct_http_conn *c, const char *method,
		      const char *path, const char *headers, int fd, uint64_t len,
		      void (*progress)(void *arg, uint64_t sent), void *arg,
		      struct ct_http_resp *rs, struct ct_err *e);

/* An error for an unexpected status, with the registry's own error text
 * ({"errors":[{"code":…,"message":…}]}) read from the body; what names
 * the thing asked for ("manifest localhost:5000/x:1"). Finishes rs. */
int ct_registry_status_err(struct ct_registry *r, struct ct_http_conn *c,
			   struct ct_http_resp *rs, const char *what, struct ct_err *e);

/* Sleep before retry number n (from 1), honouring Retry-After when given. */
void ct_registry_backoff(int n, const char *retry_after);

/* A manifest or index as fetched. */
struct ct_manifest {
	char *data;             /* the exact bytes (digest is over these) */
	size_t len;
	char media_type[128];
	struct ct_digest digest;
};

/* GET /v2/REPO/manifests/REFERENCE (a tag or a digest) with the Accept
 * header for OCI index/manifest and Docker list/schema2. The media type
 * comes from Content-Type (the document's mediaType when that is missing);
 * schema1 and unknown types are refused, as are manifests over
 * CT_MANIFEST_MAX bytes; a digest reference is verified. */
int ct_registry_get_manifest(struct ct_registry *r, struct ct_http_conn *c,
			     const char *reference, struct ct_manifest *m,
			     struct ct_err *e);
void ct_manifest_free(struct ct_manifest *m);

/* 1 for the index/list media types, 0 for image manifests. */
int ct_media_is_index(const char *mt);
/* 1 when mt is one of the four manifest/index types ct handles. */
int ct_media_is_known_manifest(const char *mt);

/* In an index, the descriptor for platform ("os/arch[/variant]"); an
 * index without it is an error listing the platforms it has. */
int ct_index_select(const char *index_json, size_t len, const char *platform,
		    struct ct_digest *d, char *media_type, size_t mtlen, int64_t *size,
		    struct ct_err *e);

#endif
