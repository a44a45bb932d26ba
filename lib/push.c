/* push: store → registry. See push.h. */
#include "push.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "progress.h"
#include "ref.h"
#include "registry.h"
#include "say.h"
#include "store.h"

#define DEFAULT_CHUNK (64ull << 20)
#define MOUNT_TRIES 3

struct push {
	struct ct_registry reg;
	struct ct_store store;
	struct ct_http_conn c;
	struct ct_progress prog;
	uint64_t chunk;
	const char *const *from;        /* --from repositories */
	size_t nfrom;
	json_t *known;                  /* {repo: {digest: true}} from the store's tags */
};

static const char *short_id(const struct ct_digest *d, char *buf)
{
	memcpy(buf, ct_digest_encoded(d), 12);
	buf[12] = 0;
	return buf;
}

/* The upload URL from a 202's Location, absolute. */
static char *upload_url(struct push *p, struct ct_http_resp *rs, struct ct_err *e)
{
	const char *loc = ct_http_header(rs, "Location");

	if (!loc) {
		ct_err(e, 0, "%s: upload answer without Location", p->reg.domain);
		return NULL;
	}
	return ct_url_resolve(rs->url ? rs->url : p->reg.base, loc);
}

static int blob_exists(struct push *p, const struct ct_digest *d, int *yes, struct ct_err *e)
{
	char path[CT_REF_NAME_MAX + 96];
	struct ct_http_resp rs;

	snprintf(path, sizeof path, "/v2/%s/blobs/%s", p->reg.repo, d->str);
	if (ct_registry_do(&p->reg, &p->c, "HEAD", path, NULL, NULL, 0, &rs, e) < 0)
		return -1;
	*yes = rs.status == 200;
	if (rs.status != 200 && rs.status != 404) {
		char what[CT_REF_NAME_MAX + 96];
		snprintf(what, sizeof what, "HEAD blob %s", d->str);
		return ct_registry_status_err(&p->reg, &p->c, &rs, what, e);
	}
	ct_http_resp_done(&p->c, &rs);
	return 0;
}

struct upload_progress {
	struct push *p;
	size_t line;            /* progress line, or (size_t)-1 */
	uint64_t base, total;   /* bytes before this request, blob size */
};

static void upload_sent(void *arg, uint64_t sent)
{
	struct upload_progress *u = arg;

	if (u->line != (size_t)-1)
		ct_progress_bytes(&u->p->prog, u->line, u->base + sent, u->total);
}

/* Upload blob d: POST for an upload URL (unless session is one already
 * opened, which this takes over), PATCH chunks when large, the final PUT. */
static int upload_blob(struct push *p, const struct ct_digest *d, char *session,
		       size_t line, struct ct_err *e)
{
	struct upload_progress up = { .p = p, .line = line };
	char path[CT_REF_NAME_MAX + 64], what[CT_REF_NAME_MAX + 96];
	char *blob = ct_store_blob_path(&p->store, d), *url = session, *put = NULL;
	struct ct_http_resp rs;
	struct stat st;
	uint64_t off = 0;
	int fd = open(blob, O_RDONLY | O_CLOEXEC), rc = -1;

	snprintf(what, sizeof what, "upload of blob %s", d->str);
	if (fd < 0) {
		ct_err(e, errno, "open %s", blob);
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		ct_err(e, errno, "fstat %s", blob);
		goto out;
	}
	up.total = (uint64_t)st.st_size;
	if (!url) {
		snprintf(path, sizeof path, "/v2/%s/blobs/uploads/", p->reg.repo);
		if (ct_registry_do(&p->reg, &p->c, "POST", path, NULL, NULL, 0, &rs, e) < 0)
			goto out;
		if (rs.status != 202) {
			ct_registry_status_err(&p->reg, &p->c, &rs, what, e);
			goto out;
		}
		url = upload_url(p, &rs, e);
		ct_http_resp_done(&p->c, &rs);
		if (!url)
			goto out;
	}
	/* large blobs go in PATCH chunks, each answered with the next Location */
	while ((uint64_t)st.st_size > p->chunk && off < (uint64_t)st.st_size) {
		uint64_t n = (uint64_t)st.st_size - off < p->chunk ? (uint64_t)st.st_size - off : p->chunk;
		char hdr[160];
		snprintf(hdr, sizeof hdr, "Content-Type: application/octet-stream\r\n"
			 "Content-Range: %llu-%llu\r\n", (unsigned long long)off,
			 (unsigned long long)(off + n - 1));
		if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
			ct_err(e, errno, "lseek %s", blob);
			goto out;
		}
		up.base = off;
		if (ct_registry_do_fd(&p->reg, &p->c, "PATCH", url, hdr, fd, n, upload_sent, &up,
				      &rs, e) < 0)
			goto out;
		if (rs.status != 202) {
			ct_registry_status_err(&p->reg, &p->c, &rs, what, e);
			goto out;
		}
		free(url);
		url = upload_url(p, &rs, e);
		ct_http_resp_done(&p->c, &rs);
		if (!url)
			goto out;
		off += n;
	}
	put = ct_xasprintf("%s%cdigest=%s", url, strchr(url, '?') ? '&' : '?', d->str);
	up.base = off;
	if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
		ct_err(e, errno, "lseek %s", blob);
		goto out;
	}
	if (ct_registry_do_fd(&p->reg, &p->c, "PUT", put,
			      "Content-Type: application/octet-stream\r\n", fd,
			      (uint64_t)st.st_size - off, upload_sent, &up, &rs, e) < 0)
		goto out;
	if (rs.status != 201 && rs.status != 204) {
		ct_registry_status_err(&p->reg, &p->c, &rs, what, e);
		goto out;
	}
	ct_http_resp_done(&p->c, &rs);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(blob);
	free(url);
	free(put);
	return rc;
}

/* Repositories of this registry that may hold d, best first: --from,
 * then those the store has images from that contain it. */
static size_t mount_sources(struct push *p, const struct ct_digest *d, const char **out,
			    size_t max)
{
	const char *repo;
	json_t *set;
	size_t n = 0, i;

	for (i = 0; i < p->nfrom && n < max; i++)
		if (strcmp(p->from[i], p->reg.repo))
			out[n++] = p->from[i];
	json_object_foreach(p->known, repo, set) {
		int dup = 0;
		if (n >= max)
			break;
		if (!json_object_get(set, d->str) || !strcmp(repo, p->reg.repo))
			continue;
		for (i = 0; i < n; i++)
			dup |= !strcmp(out[i], repo);
		if (!dup)
			out[n++] = repo;
	}
	return n;
}

/* Give up an upload session the registry opened (best effort), free url. */
static void cancel_upload(struct push *p, char *url)
{
	struct ct_http_resp rs;
	struct ct_err e;

	if (!url)
		return;
	if (ct_registry_do(&p->reg, &p->c, "DELETE", url, NULL, NULL, 0, &rs, &e) == 0)
		ct_http_resp_done(&p->c, &rs);
	free(url);
}

/* Try to mount d from another repository of the registry: 1 mounted (from
 * names it), 0 not (an upload session the registry opened instead may be
 * left in *session), -1 error. */
static int mount_blob(struct push *p, const struct ct_digest *d, const char **from,
		      char **session, struct ct_err *e)
{
	const char *src[MOUNT_TRIES];
	size_t n = mount_sources(p, d, src, MOUNT_TRIES), i;

	for (i = 0; i < n; i++) {
		struct ct_http_resp rs;
		char *esc = ct_url_escape(src[i]);
		char *path = ct_xasprintf("/v2/%s/blobs/uploads/?mount=%s&from=%s",
					  p->reg.repo, d->str, esc);
		int rc = ct_registry_do(&p->reg, &p->c, "POST", path, NULL, NULL, 0, &rs, e);

		free(esc);
		free(path);
		if (rc < 0)
			return -1;
		if (rs.status == 201) {
			ct_say("blob %s mounted from %s", d->str, src[i]);
			ct_http_resp_done(&p->c, &rs);
			cancel_upload(p, *session);
			*session = NULL;
			*from = src[i];
			return 1;
		}
		if (rs.status == 202) {
			ct_say("blob %s: no mount from %s (the registry opened an upload)",
			       d->str, src[i]);
			cancel_upload(p, *session);
			*session = upload_url(p, &rs, NULL);
			ct_http_resp_done(&p->c, &rs);
			continue;
		}
		/* 401/403: no pull right on that repository; others: no mount */
		ct_say("blob %s: no mount from %s (HTTP %d)", d->str, src[i], rs.status);
		ct_http_resp_done(&p->c, &rs);
	}
	return 0;
}

static int push_blob(struct push *p, json_t *desc, int show, struct ct_err *e)
{
	struct ct_digest d;
	const char *dg = ct_json_str(desc, "digest"), *from = NULL;
	char id[16], *session = NULL, msg[CT_REF_NAME_MAX + 40];
	size_t line = 0;
	int yes, m;

	if (!dg || ct_digest_parse(dg, &d, e) < 0)
		return ct_err(e, 0, "manifest has a descriptor without a valid digest");
	if (!ct_store_has_blob(&p->store, &d))
		return ct_err(e, 0, "blob %s is not in the store %s; pull the image again",
			      d.str, p->store.dir);
	if (show)
		line = ct_progress_add(&p->prog, short_id(&d, id), "Preparing");
	if (blob_exists(p, &d, &yes, e) < 0)
		return -1;
	if (yes) {
		if (show)
			ct_progress_status(&p->prog, line, "Layer already exists");
		return 0;
	}
	if ((m = mount_blob(p, &d, &from, &session, e)) < 0) {
		free(session);
		return -1;
	}
	if (m) {
		free(session);
		snprintf(msg, sizeof msg, "Mounted from %s", from);
		if (show)
			ct_progress_status(&p->prog, line, msg);
		return 0;
	}
	if (show)
		ct_progress_status(&p->prog, line, "Pushing");
	if (upload_blob(p, &d, session, show ? line : (size_t)-1, e) < 0)
		return -1;
	if (show)
		ct_progress_status(&p->prog, line, "Pushed");
	return 0;
}

static int put_manifest(struct push *p, const char *reference, const char *mt,
			const char *data, size_t len, struct ct_err *e)
{
	char path[CT_REF_NAME_MAX + 200], hdr[200], what[CT_REF_NAME_MAX + 200];
	struct ct_http_resp rs;

	snprintf(path, sizeof path, "/v2/%s/manifests/%s", p->reg.repo, reference);
	snprintf(hdr, sizeof hdr, "Content-Type: %s\r\n", mt);
	snprintf(what, sizeof what, "manifest PUT %s/%s:%s", p->reg.domain, p->reg.repo, reference);
	if (ct_registry_do(&p->reg, &p->c, "PUT", path, hdr, data, len, &rs, e) < 0)
		return -1;
	if (rs.status != 201 && rs.status != 200 && rs.status != 202)
		return ct_registry_status_err(&p->reg, &p->c, &rs, what, e);
	ct_http_resp_done(&p->c, &rs);
	return 0;
}

static int read_manifest(struct push *p, const struct ct_digest *d, char **data, size_t *len,
			 json_t **j, struct ct_err *e)
{
	if (ct_store_read_blob(&p->store, d, CT_MANIFEST_MAX, data, len, e) < 0)
		return -1;
	*j = ct_json_parse(*data, *len, d->str, e);
	if (!*j) {
		free(*data);
		return -1;
	}
	return 0;
}

/* Push an image manifest's blobs, then the manifest under reference. */
static int push_image(struct push *p, const struct ct_digest *d, const char *mt,
		      const char *reference, struct ct_err *e)
{
	char *data;
	size_t len, i;
	json_t *j, *l;
	int rc = -1;

	if (read_manifest(p, d, &data, &len, &j, e) < 0)
		return -1;
	if (!json_is_object(json_object_get(j, "config")) ||
	    !json_is_array(json_object_get(j, "layers"))) {
		ct_err(e, 0, "manifest %s in the store is malformed", d->str);
		goto out;
	}
	json_array_foreach(json_object_get(j, "layers"), i, l)
		if (push_blob(p, l, 1, e) < 0)
			goto out;
	if (push_blob(p, json_object_get(j, "config"), 0, e) < 0)
		goto out;
	rc = put_manifest(p, reference, mt, data, len, e);
out:
	json_decref(j);
	free(data);
	return rc;
}

/* The blobs of manifest d (config and layers; an index: those of its
 * platform manifests in the store) into set. */
static void add_blobs(struct push *p, const char *dg, json_t *set, int depth)
{
	struct ct_digest d;
	char *data;
	size_t len, i;
	json_t *j, *x;

	if (!dg || ct_digest_parse(dg, &d, NULL) < 0 || !ct_store_has_blob(&p->store, &d) ||
	    ct_store_read_blob(&p->store, &d, CT_MANIFEST_MAX, &data, &len, NULL) < 0)
		return;
	j = json_loadb(data, len, 0, NULL);
	free(data);
	if ((x = json_object_get(j, "config")) && ct_json_str(x, "digest"))
		json_object_set_new(set, ct_json_str(x, "digest"), json_true());
	json_array_foreach(json_object_get(j, "layers"), i, x) {
		if (ct_json_str(x, "digest"))
			json_object_set_new(set, ct_json_str(x, "digest"), json_true());
	}
	if (depth == 0) {
		json_array_foreach(json_object_get(j, "manifests"), i, x) {
			add_blobs(p, ct_json_str(x, "digest"), set, 1);
		}
	}
	json_decref(j);
}

/* Which blobs the store's images tagged from other repositories of the
 * destination registry hold: the candidates for cross-repository mounts. */
static void find_known_sources(struct push *p, const char *src)
{
	json_t *idx = ct_store_index(&p->store, NULL), *m;
	struct ct_ref sr;
	size_t i;

	p->known = json_object();
	/* the image's own repository first (objects keep insertion order) */
	if (ct_ref_parse(src, &sr, NULL) == 0 && !strcmp(sr.domain, p->reg.domain) &&
	    strcmp(sr.path, p->reg.repo))
		json_object_set_new(p->known, sr.path, json_object());
	json_array_foreach(json_object_get(idx, "manifests"), i, m) {
		const char *name = ct_json_str(json_object_get(m, "annotations"),
					       "org.opencontainers.image.ref.name");
		struct ct_ref r;
		json_t *set;

		if (!name || ct_ref_parse(name, &r, NULL) < 0 ||
		    strcmp(r.domain, p->reg.domain) || !strcmp(r.path, p->reg.repo))
			continue;
		if (!(set = json_object_get(p->known, r.path))) {
			set = json_object();
			json_object_set_new(p->known, r.path, set);
		}
		add_blobs(p, ct_json_str(m, "digest"), set, 0);
	}
	json_decref(idx);
}

/* --from: a repository path of the destination registry, or a reference
 * on it; the path goes in buf. */
static int from_repo(const char *s, const struct ct_ref *dst, char *buf, size_t n,
		     struct ct_err *e)
{
	struct ct_ref r;
	char *full;

	if (ct_ref_parse(s, &r, NULL) == 0 && !strcmp(r.domain, dst->domain)) {
		snprintf(buf, n, "%s", r.path);
		return 0;
	}
	full = ct_xasprintf("%s/%s", dst->domain, s);
	if (ct_ref_parse(full, &r, e) < 0) {
		free(full);
		return ct_err_wrap(e, "--from %s", s);
	}
	free(full);
	snprintf(buf, n, "%s", r.path);
	return 0;
}

static int index_complete(struct push *p, json_t *idx)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(idx, "manifests"), i, m) {
		struct ct_digest d;
		const char *dg = ct_json_str(m, "digest");
		if (!dg || ct_digest_parse(dg, &d, NULL) < 0 || !ct_store_has_blob(&p->store, &d))
			return 0;
	}
	return 1;
}

int ct_push(const char *src, const char *dst, const struct ct_push_opts *o,
	    struct ct_push_result *res, struct ct_err *e)
{
	struct push p;
	struct ct_ref ref;
	struct ct_config cfg = { 0 };
	struct ct_digest top;
	char mt[128], name[CT_REF_STR_MAX];
	char (*from)[CT_REF_NAME_MAX + 1] = NULL;
	const char **fromv = NULL;
	const char *reference, *v;
	size_t i;
	char *data = NULL;
	size_t len = 0;
	json_t *j = NULL;
	int rc = -1, store_open = 0, reg_open = 0;

	memset(&p, 0, sizeof p);
	memset(res, 0, sizeof *res);
	ct_progress_init(&p.prog, o->quiet);
	ct_http_conn_init(&p.c, NULL);
	p.chunk = DEFAULT_CHUNK;
	if (ct_ref_parse(dst, &ref, e) < 0)
		goto out;
	if (ct_config_load(&cfg, e) < 0)
		goto out;
	if ((v = ct_config_get(&cfg, "registry", "upload_chunk")) &&
	    (ct_parse_size(v, &p.chunk, e) < 0 || p.chunk == 0)) {
		ct_err_wrap(e, "ct.conf [registry] upload_chunk");
		goto out;
	}
	if (o->nfrom) {
		from = ct_xmalloc(o->nfrom * sizeof *from);
		fromv = ct_xmalloc(o->nfrom * sizeof *fromv);
		for (i = 0; i < o->nfrom; i++) {
			if (from_repo(o->from[i], &ref, from[i], sizeof from[i], e) < 0)
				goto out;
			fromv[i] = from[i];
		}
		p.from = fromv;
		p.nfrom = o->nfrom;
	}
	if (ct_store_open_default(&p.store, 0, e) < 0)
		goto out;
	store_open = 1;
	if (ct_store_resolve(&p.store, src, &top, mt, sizeof mt, e) < 0)
		goto out;
	if (ct_registry_open(&p.reg, &ref, &cfg, "pull,push", &p.c, e) < 0)
		goto out;
	reg_open = 1;
	find_known_sources(&p, src);
	ct_ref_name(&ref, name, sizeof name);
	ct_progress_note(&p.prog, "The push refers to repository [%s]", name);
	reference = ref.tag[0] ? ref.tag : ref.digest;
	snprintf(res->tag, sizeof res->tag, "%s", reference);
	if (read_manifest(&p, &top, &data, &len, &j, e) < 0)
		goto out;
	if (!ct_media_is_index(mt)) {
		if (push_image(&p, &top, mt, reference, e) < 0)
			goto out;
	} else if (index_complete(&p, j)) {
		json_t *m;
		json_array_foreach(json_object_get(j, "manifests"), i, m) {
			struct ct_digest d;
			const char *cmt = ct_json_str(m, "mediaType");
			ct_digest_parse(ct_json_str(m, "digest"), &d, NULL);
			if (push_image(&p, &d, cmt ? cmt : CT_MT_OCI_MANIFEST, d.str, e) < 0)
				goto out;
		}
		if (put_manifest(&p, reference, mt, data, len, e) < 0)
			goto out;
	} else {
		struct ct_digest d;
		char cmt[128];
		int64_t size;
		const char *platform = o->platform ? o->platform : ct_host_platform();
		if (ct_index_select(data, len, platform, &d, cmt, sizeof cmt, &size, e) < 0)
			goto out;
		ct_progress_note(&p.prog, "only the %s image of the index is in the store: "
				 "pushing that manifest", platform);
		free(data);
		json_decref(j);
		j = NULL;
		data = NULL;
		if (read_manifest(&p, &d, &data, &len, &j, e) < 0)
			goto out;
		if (push_image(&p, &d, cmt, reference, e) < 0)
			goto out;
		top = d;
	}
	res->digest = top;
	res->size = (long long)len;
	rc = 0;
out:
	ct_progress_done(&p.prog);
	json_decref(p.known);
	free(from);
	free(fromv);
	json_decref(j);
	free(data);
	ct_http_conn_close(&p.c);
	if (reg_open)
		ct_registry_close(&p.reg);
	if (store_open)
		ct_store_close(&p.store);
	ct_config_free(&cfg);
	return rc;
}
