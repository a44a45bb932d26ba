/* registry: talking to one repository of a v2 registry. See registry.h. */
#include "registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "creds.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "say.h"
#include "store.h"

#define TOKEN_MAX (1u << 20)
#define ERRBODY_MAX (64u << 10)

#define MT_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

static const char accept_manifests[] =
	"Accept: " CT_MT_OCI_INDEX ", " CT_MT_OCI_MANIFEST ", " CT_MT_DOCKER_LIST
	", " CT_MT_DOCKER_MANIFEST "\r\n";

int ct_media_is_index(const char *mt)
{
	return !strcmp(mt, CT_MT_OCI_INDEX) || !strcmp(mt, CT_MT_DOCKER_LIST);
}

int ct_media_is_known_manifest(const char *mt)
{
	return ct_media_is_index(mt) || !strcmp(mt, CT_MT_OCI_MANIFEST) ||
	       !strcmp(mt, CT_MT_DOCKER_MANIFEST);
}

static const char *cfg_get(const struct ct_config *cfg, const char *domain,
			   const char *key)
{
	char sec[CT_REF_NAME_MAX + 32];

	if (!cfg)
		return NULL;
	snprintf(sec, sizeof sec, "registry \"%s\"", domain);
	return ct_config_get(cfg, sec, key);
}

void ct_registry_close(struct ct_registry *r)
{
	ct_tls_anchors_free(&r->anchors);
	free(r->ca_file);
	free(r->user);
	free(r->pass);
	free(r->auth);
	free(r->realm);
	free(r->service);
	free(r->anchors_err);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->anchors_lock);
	memset(r, 0, sizeof *r);
}

void ct_registry_backoff(int n, const char *retry_after)
{
	long ms = 250L << (n > 6 ? 6 : n - 1);
	struct timespec ts;

	if (retry_after && *retry_after >= '0' && *retry_after <= '9')
		ms = strtol(retry_after, NULL, 10) * 1000;
	if (ms > 30000)
		ms = 30000;
	ct_say("retry %d in %ld ms%s", n, ms, retry_after ? " (Retry-After)" : "");
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* --- tokens --------------------------------------------------------------- */

static int fetch_token(struct ct_registry *r, const char *scope, struct ct_err *e)
{
	struct ct_http_conn c;
	struct ct_http_req rq = { .method = "GET" };
	struct ct_http_resp rs;
	struct ct_buf url = CT_BUF_INIT, body = CT_BUF_INIT;
	char *basic = NULL, *esc;
	json_t *j = NULL;
	const char *tok, *sc;
	size_t n = 0;
	int rc = -1;

	ct_buf_puts(&url, r->realm);
	ct_buf_putc(&url, strchr(r->realm, '?') ? '&' : '?');
	if (r->service) {
		esc = ct_url_escape(r->service);
		ct_buf_printf(&url, "service=%s&", esc);
		free(esc);
	}
	/* one scope= per space-separated scope, as Docker sends them */
	for (sc = scope; sc && *sc; sc += n + strspn(sc + n, " ")) {
		char *one;
		n = strcspn(sc, " ");
		if (!n)
			continue;
		one = ct_xasprintf("%.*s", (int)n, sc);
		esc = ct_url_escape(one);
		ct_buf_printf(&url, "scope=%s&", esc);
		free(esc);
		free(one);
	}
	if (url.data[url.len - 1] == '&' || url.data[url.len - 1] == '?')
		url.data[--url.len] = 0;
	if (r->user) {
		basic = ct_auth_basic(r->user, r->pass ? r->pass : "");
		rq.auth = basic;
	}
	ct_say("token: GET %s (%s)", url.data, r->user ? "as the user of config.json" : "anonymous");
	rq.url = url.data;
	ct_http_conn_init(&c, &r->opts);
	if (ct_http_request(&c, &rq, &rs, e) < 0) {
		ct_err_wrap(e, "get a token for %s", r->domain);
		goto out;
	}
	if (rs.status == 401 || rs.status == 403) {
		ct_http_resp_done(&c, &rs);
		if (r->user)
			ct_err(e, 0, "%s: login as \"%s\" refused by %s: wrong username or password",
			       r->domain, r->user, r->realm);
		else
			ct_err(e, 0, "%s: the token service %s wants credentials; "
			       "log in first (ct-pull login %s)", r->domain, r->realm, r->domain);
		goto out;
	}
	if (rs.status != 200) {
		ct_registry_status_err(r, &c, &rs, "token", e);
		goto out;
	}
	if (ct_http_read_all(&c, &rs, &body, TOKEN_MAX, e) < 0) {
		ct_http_resp_done(&c, &rs);
		goto out;
	}
	ct_http_resp_done(&c, &rs);
	j = ct_json_parse(body.data, body.len, "token response", e);
	if (!j)
		goto out;
	tok = ct_json_str(j, "token");
	if (!tok || !*tok)
		tok = ct_json_str(j, "access_token");
	if (!tok || !*tok) {
		ct_err(e, 0, "token response from %s has no token", r->realm);
		goto out;
	}
	free(r->auth);
	r->auth = ct_xasprintf("Bearer %s", tok);
	ct_say("token: got a Bearer token for %s", scope ? scope : "(no scope)");
	rc = 0;
out:
	json_decref(j);
	ct_http_conn_close(&c);
	ct_buf_free(&url);
	ct_buf_free(&body);
	free(basic);
	return rc;
}

/* React to a 401 challenge: set r->auth. Called with r->lock held. */
static int authenticate(struct ct_registry *r, const char *www, struct ct_err *e)
{
	struct ct_auth_challenge ch;
	char *scope;
	int rc;

	if (!www)
		return ct_err(e, 0, "%s answered 401 without WWW-Authenticate", r->domain);
	if (ct_auth_parse_challenge(www, &ch, e) < 0)
		return -1;
	if (!strcasecmp(ch.scheme, "Basic")) {
		ct_auth_challenge_free(&ch);
		if (!r->user) {
			ct_err(e, 0, "%s wants a username and password", r->domain);
			return ct_err_hint(e, "log in first: ct-pull login %s", r->domain);
		}
		ct_say("auth: Basic as \"%s\"", r->user);
		free(r->auth);
		r->auth = ct_auth_basic(r->user, r->pass ? r->pass : "");
		r->basic = 1;
		return 0;
	}
	if (strcasecmp(ch.scheme, "Bearer") || !ch.realm) {
		ct_err(e, 0, "%s: unsupported authentication \"%s\"", r->domain, www);
		ct_auth_challenge_free(&ch);
		return -1;
	}
	free(r->realm);
	free(r->service);
	r->realm = ct_xstrdup(ch.realm);
	r->service = ch.service ? ct_xstrdup(ch.service) : NULL;
	if (ch.scope)
		scope = ct_xstrdup(ch.scope);
	else if (!r->repo[0])
		scope = NULL;
	else
		scope = ct_xasprintf("repository:%s:%s", r->repo, r->actions);
	ct_say("auth: 401 → Bearer token from %s", r->realm);
	rc = fetch_token(r, scope, e);
	free(scope);
	ct_auth_challenge_free(&ch);
	return rc;
}

/* --- requests --------------------------------------------------------------- */

static int do_request(struct ct_registry *r, struct ct_http_conn *c, const char *method,
		      const char *path, const char *headers, const void *body,
		      size_t body_len, int fd, uint64_t fd_len,
		      void (*progress)(void *, uint64_t), void *parg,
		      struct ct_http_resp *rs, struct ct_err *e)
{
	char *url = (path[0] == '/') ? ct_xasprintf("%s%s", r->base, path) : ct_xstrdup(path);
	/* an fd body is re-read from where it started for each attempt */
	off_t start = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;
	int repeatable = fd < 0 || start >= 0;
	int reauthed = 0, tries = 0;

	for (;;) {
		struct ct_http_req rq = { .method = method, .url = url, .headers = headers,
					  .body = body, .body_len = body_len, .body_fd = -1 };
		char *auth, *ra;
		int rc;

		if (fd >= 0) {
			if (lseek(fd, start, SEEK_SET) < 0) {
				ct_err(e, errno, "lseek the body of %s %s", method, url);
				free(url);
				return -1;
			}
			rq.body_fd = fd;
			rq.body_len = fd_len;
			rq.progress = progress;
			rq.progress_arg = parg;
		}
		pthread_mutex_lock(&r->lock);
		auth = r->auth ? ct_xstrdup(r->auth) : NULL;
		pthread_mutex_unlock(&r->lock);
		rq.auth = auth;
		tries++;
		rc = ct_http_request(c, &rq, rs, e);
		if (rc < 0) {
			free(auth);
			if (!repeatable || tries >= r->max_tries || c->tls_not_tls || c->no_retry) {
				free(url);
				return -1;
			}
			ct_say("%s", e->msg);
			ct_registry_backoff(tries, NULL);
			continue;
		}
		if (rs->status == 401 && !reauthed) {
			char *www = ct_http_header(rs, "WWW-Authenticate") ?
				ct_xstrdup(ct_http_header(rs, "WWW-Authenticate")) : NULL;
			reauthed = 1;
			ct_http_resp_done(c, rs);
			pthread_mutex_lock(&r->lock);
			/* another thread may have renewed it meanwhile */
			if (!r->auth || !auth || !strcmp(r->auth, auth))
				rc = r->basic && auth ? 1 : authenticate(r, www, e);
			else
				rc = 0;
			pthread_mutex_unlock(&r->lock);
			free(www);
			free(auth);
			if (rc < 0) {
				free(url);
				return -1;
			}
			if (rc == 1) {
				/* Basic creds already sent and refused: no use repeating */
				free(url);
				return ct_err(e, 0, "%s: login as \"%s\" refused: "
					      "wrong username or password", r->domain, r->user);
			}
			continue;
		}
		free(auth);
		if ((rs->status == 429 || rs->status >= 500) && repeatable &&
		    tries < r->max_tries) {
			const char *h = ct_http_header(rs, "Retry-After");
			ra = h ? ct_xstrdup(h) : NULL;
			ct_http_resp_done(c, rs);
			ct_registry_backoff(tries, ra);
			free(ra);
			continue;
		}
		free(url);
		return 0;
	}
}

int ct_registry_do(struct ct_registry *r, struct ct_http_conn *c, const char *method,
		   const char *path, const char *headers, const void *body,
		   size_t body_len, struct ct_http_resp *rs, struct ct_err *e)
{
	return do_request(r, c, method, path, headers, body, body_len, -1, 0, NULL, NULL, rs, e);
}

int ct_registry_do_fd(struct ct_registry *r, struct ct_http_conn *c, const char *method,
		      const char *path, const char *headers, int fd, uint64_t len,
		      void (*progress)(void *arg, uint64_t sent), void *arg,
		      struct ct_http_resp *rs, struct ct_err *e)
{
	return do_request(r, c, method, path, headers, NULL, 0, fd, len, progress, arg, rs, e);
}

int ct_registry_status_err(struct ct_registry *r, struct ct_http_conn *c,
			   struct ct_http_resp *rs, const char *what, struct ct_err *e)
{
	struct ct_buf body = CT_BUF_INIT, msg = CT_BUF_INIT;
	int status = rs->status;
	json_t *j = NULL, *errs;
	size_t i;

	if (!rs->head && ct_http_read_all(c, rs, &body, ERRBODY_MAX, NULL) == 0 && body.len)
		j = json_loadb(body.data, body.len, 0, NULL);
	errs = json_object_get(j, "errors");
	for (i = 0; i < json_array_size(errs); i++) {
		json_t *x = json_array_get(errs, i);
		const char *m = ct_json_str(x, "message"), *code = ct_json_str(x, "code");
		if (msg.len)
			ct_buf_puts(&msg, "; ");
		ct_buf_printf(&msg, "%s%s%s", m ? m : "", m && code ? " " : "",
			      code ? code : "");
	}
	if (!msg.len)
		ct_buf_printf(&msg, "HTTP %d %s", status, rs->reason ? rs->reason : "");
	else
		ct_buf_printf(&msg, " (HTTP %d)", status);
	ct_http_resp_done(c, rs);
	if (status == 404)
		ct_err(e, 0, "%s not found: %s", what, msg.data);
	else if (status == 401)
		ct_err(e, 0, "%s: unauthorized: %s", what, msg.data);
	else
		ct_err(e, 0, "%s: %s", what, msg.data);
	if (status == 401 && !r->user)
		ct_err_hint(e, "log in first: ct-pull login %s", r->domain);
	else if (status == 401 || status == 403)
		ct_err_hint(e, "check the credentials for %s in %s", r->domain,
			    "$DOCKER_CONFIG/config.json");
	json_decref(j);
	ct_buf_free(&body);
	ct_buf_free(&msg);
	return -1;
}

/* --- opening --------------------------------------------------------------- */

static int load_anchors(struct ct_registry *r, struct ct_err *e)
{
	struct ct_err se;
	int have_system = ct_tls_anchors_add_system(&r->anchors, &se) == 0;

	if (r->ca_file && ct_tls_anchors_add_file(&r->anchors, r->ca_file, e) < 0)
		return ct_err_wrap(e, "CA file of registry %s", r->domain);
	if (!have_system && !r->ca_file) {
		*e = se;
		return -1;
	}
	return 0;
}

/* The http layer's anchors_load: the CAs are read once, at the first TLS
 * handshake (any thread); a failure is said again to every later caller. */
static int anchors_once(void *arg, struct ct_err *e)
{
	struct ct_registry *r = arg;
	int rc;

	pthread_mutex_lock(&r->anchors_lock);
	if (r->anchors_state == 0) {
		if (load_anchors(r, e) == 0) {
			r->anchors_state = 1;
		} else {
			r->anchors_state = -1;
			r->anchors_err = ct_xstrdup(e->msg);
		}
	} else if (r->anchors_state < 0) {
		ct_err(e, 0, "%s", r->anchors_err);
	}
	rc = r->anchors_state > 0 ? 0 : -1;
	pthread_mutex_unlock(&r->anchors_lock);
	return rc;
}

static int ping(struct ct_registry *r, struct ct_http_conn *c, struct ct_err *e)
{
	struct ct_http_resp rs;
	int rc;

	snprintf(r->base, sizeof r->base, "https://%s", r->host);
	rc = ct_registry_do(r, c, "GET", "/v2/", NULL, NULL, 0, &rs, e);
	/* an insecure registry (localhost, 127.0.0.0/8, or so marked) is also
	 * tried in plain HTTP when it does not speak TLS, or when this machine
	 * has no CA bundle to check it with (an initramfs, a minimal image) */
	if (rc < 0 && r->insecure && (c->tls_not_tls || r->anchors_state < 0)) {
		if (c->tls_not_tls)
			ct_say("%s does not speak TLS; plain HTTP (insecure registry)", r->host);
		else
			ct_say("%s: %s; plain HTTP (insecure registry)", r->host, e->msg);
		snprintf(r->base, sizeof r->base, "http://%s", r->host);
		rc = ct_registry_do(r, c, "GET", "/v2/", NULL, NULL, 0, &rs, e);
	}
	if (rc < 0)
		return -1;
	if (rs.status == 200 || rs.status == 401) {
		/* 401 that survived authenticate(): credentials not accepted */
		if (rs.status == 401 && r->user) {
			ct_http_resp_done(c, &rs);
			return ct_err(e, 0, "%s: login as \"%s\" refused: wrong username or "
				      "password", r->domain, r->user);
		}
		if (rs.status == 401)
			return ct_registry_status_err(r, c, &rs, r->domain, e);
		ct_http_resp_done(c, &rs);
		return 0;
	}
	if (rs.status == 404)
		ct_err(e, 0, "%s/v2/ answered 404: not a registry (OCI distribution API)",
		       r->base);
	else
		return ct_registry_status_err(r, c, &rs, r->domain, e);
	ct_http_resp_done(c, &rs);
	return -1;
}

int ct_registry_open(struct ct_registry *r, const struct ct_ref *ref,
		     const struct ct_config *cfg, const char *actions,
		     struct ct_http_conn *c, struct ct_err *e)
{
	return ct_registry_open_as(r, ref, cfg, actions, NULL, NULL, c, e);
}

int ct_registry_open_as(struct ct_registry *r, const struct ct_ref *ref,
			const struct ct_config *cfg, const char *actions,
			const char *user, const char *pass,
			struct ct_http_conn *c, struct ct_err *e)
{
	const char *v;
	char *certsd;
	int flag = 0;

	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->anchors_lock, NULL);
	snprintf(r->domain, sizeof r->domain, "%s", ref->domain);
	snprintf(r->host, sizeof r->host, "%s", ct_ref_registry_host(ref));
	snprintf(r->repo, sizeof r->repo, "%s", ref->path);
	r->actions = actions;
	r->max_tries = 5;
	r->insecure = ct_ref_is_insecure_default(ref);
	if (cfg) {
		char sec[CT_REF_NAME_MAX + 32];
		snprintf(sec, sizeof sec, "registry \"%s\"", r->domain);
		if (ct_config_bool(cfg, sec, "insecure", 0, &flag, e) < 0)
			return -1;
		if (flag)
			r->insecure = 1;
	}
	if ((v = cfg_get(cfg, r->domain, "ca")))
		r->ca_file = ct_xstrdup(v);
	certsd = ct_xasprintf("/etc/docker/certs.d/%s/ca.crt", r->domain);
	if (!r->ca_file && ct_exists(certsd))
		r->ca_file = ct_xstrdup(certsd);
	free(certsd);
	if ((v = cfg_get(cfg, r->domain, "retries")) || (cfg && (v = ct_config_get(cfg, "registry", "retries")))) {
		uint64_t n;
		if (ct_parse_u64(v, 100, &n, e) < 0)
			return ct_err_wrap(e, "ct.conf registry retries");
		r->max_tries = (int)n + 1;
	}
	if ((v = cfg_get(cfg, r->domain, "timeout")) || (cfg && (v = ct_config_get(cfg, "registry", "timeout")))) {
		uint64_t n;
		if (ct_parse_u64(v, 3600, &n, e) < 0)
			return ct_err_wrap(e, "ct.conf registry timeout (seconds, 1 to 3600)");
		if (n == 0)
			return ct_err(e, 0, "ct.conf registry timeout: 0 seconds; give 1 to 3600");
		r->opts.connect_timeout_ms = r->opts.read_timeout_ms = (int)n * 1000;
	}
	r->opts.anchors = &r->anchors;
	r->opts.anchors_load = anchors_once;
	r->opts.anchors_arg = r;
	if (user) {
		r->user = ct_xstrdup(user);
		r->pass = ct_xstrdup(pass ? pass : "");
	} else if (ct_creds_get(r->domain, &r->user, &r->pass, e) < 0) {
		return -1;
	}
	ct_http_conn_init(c, &r->opts);
	if (ping(r, c, e) < 0)
		return -1;
	return 0;
}

/* --- manifests --------------------------------------------------------------- */

void ct_manifest_free(struct ct_manifest *m)
{
	free(m->data);
	memset(m, 0, sizeof *m);
}

static void guess_media_type(const char *data, size_t len, char *mt, size_t n)
{
	json_t *j = json_loadb(data, len, 0, NULL);
	const char *s = ct_json_str(j, "mediaType");

	if (s)
		snprintf(mt, n, "%s", s);
	else if (json_integer_value(json_object_get(j, "schemaVersion")) == 1)
		snprintf(mt, n, "%s", MT_SCHEMA1);
	else if (json_object_get(j, "manifests"))
		snprintf(mt, n, "%s", CT_MT_OCI_INDEX);
	else if (json_object_get(j, "config") && json_object_get(j, "layers"))
		snprintf(mt, n, "%s", CT_MT_OCI_MANIFEST);
	else
		snprintf(mt, n, "(none)");
	json_decref(j);
}

int ct_registry_get_manifest(struct ct_registry *r, struct ct_http_conn *c,
			     const char *reference, struct ct_manifest *m,
			     struct ct_err *e)
{
	struct ct_http_resp rs;
	struct ct_buf body = CT_BUF_INIT;
	char *path = ct_xasprintf("/v2/%s/manifests/%s", r->repo, reference);
	char what[CT_REF_STR_MAX + 64];
	const char *ct, *dh;
	json_t *j;
	int by_digest = !strncmp(reference, "sha256:", 7);

	memset(m, 0, sizeof *m);
	snprintf(what, sizeof what, "manifest for %s/%s%s%s", r->domain, r->repo,
		 by_digest ? "@" : ":", reference);
	if (ct_registry_do(r, c, "GET", path, accept_manifests, NULL, 0, &rs, e) < 0) {
		free(path);
		return -1;
	}
	free(path);
	if (rs.status != 200)
		return ct_registry_status_err(r, c, &rs, what, e);
	if (rs.length > (int64_t)CT_MANIFEST_MAX) {
		ct_err(e, 0, "%s is %lld bytes, over the limit of %u (4 MiB); refused", what,
		       (long long)rs.length, CT_MANIFEST_MAX);
		ct_http_resp_done(c, &rs);
		return -1;
	}
	if (ct_http_read_all(c, &rs, &body, CT_MANIFEST_MAX, e) < 0) {
		ct_http_resp_done(c, &rs);
		ct_buf_free(&body);
		return ct_err_wrap(e, "%s", what);
	}
	ct = ct_http_header(&rs, "Content-Type");
	if (ct && strncmp(ct, "application/json", 16) && strncmp(ct, "text/plain", 10) &&
	    strncmp(ct, "application/octet-stream", 24)) {
		snprintf(m->media_type, sizeof m->media_type, "%.*s", (int)strcspn(ct, "; "), ct);
	} else {
		guess_media_type(body.data, body.len, m->media_type, sizeof m->media_type);
	}
	ct_digest_buf(body.data, body.len, &m->digest);
	dh = ct_http_header(&rs, "Docker-Content-Digest");
	if (dh && !by_digest && !strncmp(dh, "sha256:", 7) && strcmp(dh, m->digest.str)) {
		ct_err(e, 0, "%s: content digest mismatch: the registry says %s, the bytes hash to %s",
		       what, dh, m->digest.str);
		ct_http_resp_done(c, &rs);
		ct_buf_free(&body);
		return -1;
	}
	ct_http_resp_done(c, &rs);
	if (by_digest && strcmp(reference, m->digest.str)) {
		ct_err(e, 0, "%s: content digest mismatch: got %s", what, m->digest.str);
		ct_buf_free(&body);
		return -1;
	}
	if (!strcmp(m->media_type, MT_SCHEMA1) || !strcmp(m->media_type, MT_SCHEMA1_SIGNED)) {
		ct_err(e, 0, "%s is a Docker schema 1 manifest (%s), which ct does not support: "
		       "schema 1 is deprecated and unsafe", what, m->media_type);
		ct_err_hint(e, "push the image again with a current Docker, Podman or skopeo to "
			    "convert it to schema 2 or OCI");
		ct_buf_free(&body);
		return -1;
	}
	if (!ct_media_is_known_manifest(m->media_type)) {
		ct_err(e, 0, "%s has media type \"%s\", which is not an image: ct pulls OCI "
		       "image indexes and manifests and Docker manifest lists and schema 2 "
		       "manifests", what, m->media_type);
		ct_buf_free(&body);
		return -1;
	}
	j = ct_json_parse(body.data, body.len, what, e);
	if (!j) {
		ct_buf_free(&body);
		return -1;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		ct_buf_free(&body);
		return ct_err(e, 0, "%s: not a JSON object", what);
	}
	json_decref(j);
	m->len = body.len;
	m->data = ct_buf_detach(&body);
	return 0;
}

static int platform_match(json_t *p, const char *os, const char *arch, const char *variant)
{
	const char *pos = ct_json_str(p, "os"), *parch = ct_json_str(p, "architecture");
	const char *pvar = ct_json_str(p, "variant");

	if (!pos || !parch || strcmp(pos, os) || strcmp(parch, arch))
		return 0;
	if (!*variant)
		return 1;
	if (!pvar || !*pvar)
		return !strcmp(arch, "arm64") && !strcmp(variant, "v8");
	return !strcmp(pvar, variant);
}

int ct_index_select(const char *index_json, size_t len, const char *platform,
		    struct ct_digest *d, char *media_type, size_t mtlen, int64_t *size,
		    struct ct_err *e)
{
	char os[64] = "", arch[64] = "", variant[64] = "";
	json_t *j = ct_json_parse(index_json, len, "image index", e), *ms, *ent;
	struct ct_buf have = CT_BUF_INIT;
	size_t i;
	int rc = -1;

	if (!j)
		return -1;
	if (sscanf(platform, "%63[^/]/%63[^/]/%63s", os, arch, variant) < 2) {
		ct_err(e, 0, "invalid platform \"%s\": want os/arch[/variant]", platform);
		goto out;
	}
	ms = json_object_get(j, "manifests");
	if (!json_is_array(ms)) {
		ct_err(e, 0, "image index has no manifests array");
		goto out;
	}
	json_array_foreach(ms, i, ent) {
		json_t *p = json_object_get(ent, "platform");
		const char *dg = ct_json_str(ent, "digest"), *mt = ct_json_str(ent, "mediaType");
		if (p) {
			const char *v = ct_json_str(p, "variant");
			ct_buf_printf(&have, "%s%s/%s%s%s", have.len ? ", " : "",
				      ct_json_str(p, "os") ? ct_json_str(p, "os") : "?",
				      ct_json_str(p, "architecture") ? ct_json_str(p, "architecture") : "?",
				      v ? "/" : "", v ? v : "");
		}
		if (!p || !platform_match(p, os, arch, variant))
			continue;
		if (!dg || ct_digest_parse(dg, d, e) < 0) {
			ct_err_wrap(e, "image index entry for %s", platform);
			goto out;
		}
		snprintf(media_type, mtlen, "%s", mt ? mt : CT_MT_OCI_MANIFEST);
		*size = ct_json_int(ent, "size", -1);
		rc = 0;
		goto out;
	}
	ct_err(e, 0, "no image for platform %s in the index (it has: %s)", platform,
	       have.len ? have.data : "none");
	ct_err_hint(e, "choose one with --platform");
out:
	ct_buf_free(&have);
	json_decref(j);
	return rc;
}
