/* pull: registry → store. See pull.h. */
#include "pull.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

#define CHUNK (128u << 10)
#define NO_LINE ((size_t)-1)

struct job {
	struct ct_digest digest;
	int64_t size;
	size_t line;            /* progress line, NO_LINE for the config */
};

struct pull {
	struct ct_registry reg;
	struct ct_store store;
	struct ct_progress prog;
	struct job *jobs;
	size_t njobs, next;
	int fetched;            /* blobs downloaded */
	int failed;
	struct ct_err err;
	pthread_mutex_t lock;
};

static const char *short_id(const struct ct_digest *d, char *buf)
{
	memcpy(buf, ct_digest_encoded(d), 12);
	buf[12] = 0;
	return buf;
}

static void status(struct pull *p, const struct job *j, const char *s)
{
	if (j->line != NO_LINE)
		ct_progress_status(&p->prog, j->line, s);
}

/* One attempt at the body of a blob into w; 0 done, -1 with e (w suspended
 * or aborted by the caller). *retry says the failure was the network's. */
static int fetch_once(struct pull *p, struct ct_http_conn *c, struct job *j,
		      struct ct_blob_writer *w, unsigned char *buf, int *retry,
		      struct ct_err *e)
{
	char path[CT_REF_NAME_MAX + 128], range[64] = "", what[CT_REF_NAME_MAX + 96];
	struct ct_http_resp rs;
	ssize_t n;

	*retry = 0;
	snprintf(path, sizeof path, "/v2/%s/blobs/%s", p->reg.repo, j->digest.str);
	snprintf(what, sizeof what, "blob %s of %s/%s", j->digest.str, p->reg.domain, p->reg.repo);
	if (w->have)
		snprintf(range, sizeof range, "Range: bytes=%llu-\r\n", (unsigned long long)w->have);
	if (ct_registry_do(&p->reg, c, "GET", path, range[0] ? range : NULL, NULL, 0, &rs, e) < 0) {
		*retry = 1;
		return -1;
	}
	if (rs.status == 416 && w->have) {
		ct_http_resp_done(c, &rs);
		*retry = 1;
		if (ct_blob_restart(w, e) < 0)
			return -1;
		return ct_err(e, 0, "%s: the registry refused to resume; starting over", what);
	}
	if (rs.status != 200 && rs.status != 206)
		return ct_registry_status_err(&p->reg, c, &rs, what, e);
	if (rs.status == 206) {
		const char *cr = ct_http_header(&rs, "Content-Range");
		unsigned long long start = 0;
		char *end = NULL;
		if (cr && !strncmp(cr, "bytes ", 6))
			start = strtoull(cr + 6, &end, 10);
		if (!end || *end != '-' || start != w->have) {
			ct_http_resp_done(c, &rs);
			*retry = 1;
			if (ct_blob_restart(w, e) < 0)
				return -1;
			return ct_err(e, 0, "%s: bad Content-Range \"%s\"", what, cr ? cr : "");
		}
	} else if (w->have) {
		ct_say("%s: the registry sent the whole blob; starting over", what);
		if (ct_blob_restart(w, e) < 0) {
			ct_http_resp_done(c, &rs);
			return -1;
		}
	}
	status(p, j, "Downloading");
	while ((n = ct_http_read(c, &rs, buf, CHUNK, e)) > 0) {
		if (ct_blob_write(w, buf, (size_t)n, e) < 0) {
			ct_http_resp_done(c, &rs);
			return -1;
		}
		if (j->line != NO_LINE)
			ct_progress_bytes(&p->prog, j->line, w->have,
					  j->size > 0 ? (uint64_t)j->size : 0);
	}
	ct_http_resp_done(c, &rs);
	if (n < 0) {
		*retry = 1;
		return ct_err_wrap(e, "%s", what);
	}
	return 0;
}

static int fetch_blob(struct pull *p, struct ct_http_conn *c, struct job *j,
		      unsigned char *buf, struct ct_err *e)
{
	struct ct_blob_writer w;
	int tries, retry, rc;

	if (ct_store_has_blob(&p->store, &j->digest)) {
		status(p, j, "Already exists");
		return 0;
	}
	for (tries = 1;; tries++) {
		rc = ct_blob_begin(&p->store, &j->digest, j->size, &w, e);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			status(p, j, "Already exists");
			return 0;
		}
		if (j->size >= 0 && w.have == (uint64_t)j->size) {
			rc = 0;     /* complete but not committed by a killed writer */
		} else {
			if (w.have)
				status(p, j, "Resuming");
			rc = fetch_once(p, c, j, &w, buf, &retry, e);
		}
		if (rc == 0)
			break;
		if (!retry || tries >= p->reg.max_tries) {
			ct_blob_suspend(&w);
			return -1;
		}
		ct_say("%s", e->msg);
		ct_blob_suspend(&w);
		status(p, j, "Retrying");
		ct_registry_backoff(tries, NULL);
	}
	status(p, j, "Verifying Checksum");
	if (ct_blob_commit(&w, e) < 0)
		return -1;
	status(p, j, "Pull complete");
	pthread_mutex_lock(&p->lock);
	p->fetched++;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void *worker(void *arg)
{
	struct pull *p = arg;
	struct ct_http_conn c;
	unsigned char *buf = ct_xmalloc(CHUNK);
	struct ct_err e;

	ct_http_conn_init(&c, &p->reg.opts);
	for (;;) {
		struct job *j;

		pthread_mutex_lock(&p->lock);
		if (p->failed || p->next == p->njobs) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		j = &p->jobs[p->next++];
		pthread_mutex_unlock(&p->lock);
		if (fetch_blob(p, &c, j, buf, &e) < 0) {
			pthread_mutex_lock(&p->lock);
			if (!p->failed) {
				p->failed = 1;
				p->err = e;
			}
			pthread_mutex_unlock(&p->lock);
			status(p, j, "Failed");
			break;
		}
	}
	ct_http_conn_close(&c);
	free(buf);
	return NULL;
}

/* The config (job 0) is fetched here on c, the connection the manifest
 * came over, while up to parallel threads fetch the layers, each on a
 * connection of its own. */
static int run_jobs(struct pull *p, struct ct_http_conn *c, int parallel, struct ct_err *e)
{
	pthread_t tid[16];
	pthread_attr_t attr;
	int n = parallel < 1 ? 1 : parallel > 16 ? 16 : parallel, i, started = 0, rc;
	unsigned char *buf;

	p->next = 1;
	if ((size_t)n > p->njobs - 1)
		n = (int)p->njobs - 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (i = 0; i < n; i++) {
		rc = pthread_create(&tid[i], &attr, worker, p);
		if (rc) {
			pthread_mutex_lock(&p->lock);
			if (!p->failed) {
				p->failed = 1;
				ct_err(&p->err, rc, "pthread_create");
			}
			pthread_mutex_unlock(&p->lock);
			break;
		}
		started++;
	}
	pthread_attr_destroy(&attr);
	buf = ct_xmalloc(CHUNK);
	if (!p->failed && fetch_blob(p, c, &p->jobs[0], buf, e) < 0) {
		pthread_mutex_lock(&p->lock);
		if (!p->failed) {
			p->failed = 1;
			p->err = *e;
		}
		pthread_mutex_unlock(&p->lock);
	}
	free(buf);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (p->failed) {
		*e = p->err;
		return -1;
	}
	return 0;
}

static int known_layer(const char *mt)
{
	return !strcmp(mt, CT_MT_OCI_LAYER) || !strcmp(mt, CT_MT_OCI_LAYER_GZIP) ||
	       !strcmp(mt, CT_MT_OCI_LAYER_ZSTD) || !strcmp(mt, CT_MT_DOCKER_LAYER_GZIP) ||
	       !strcmp(mt, "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip") ||
	       !strcmp(mt, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
}

static int add_job(struct pull *p, json_t *desc, const char *what, struct ct_err *e)
{
	const char *dg = ct_json_str(desc, "digest");
	json_t *size = json_object_get(desc, "size");
	struct job *j;

	if (!dg)
		return ct_err(e, 0, "manifest: %s has no digest", what);
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return ct_err(e, 0, "manifest: %s has no valid size", what);
	p->jobs = ct_xrealloc(p->jobs, (p->njobs + 1) * sizeof *p->jobs);
	j = &p->jobs[p->njobs];
	if (ct_digest_parse(dg, &j->digest, e) < 0)
		return ct_err_wrap(e, "manifest: %s", what);
	j->size = json_integer_value(size);
	j->line = NO_LINE;
	p->njobs++;
	return 0;
}

/* Check the image manifest and turn it into jobs (config first). */
static int plan(struct pull *p, const struct ct_manifest *m, const char *name,
		struct ct_err *e)
{
	json_t *j = ct_json_parse(m->data, m->len, "manifest", e), *cfg, *layers, *l;
	const char *cmt;
	size_t i;
	int rc = -1;

	if (!j)
		return -1;
	cfg = json_object_get(j, "config");
	layers = json_object_get(j, "layers");
	if (!json_is_object(cfg) || !json_is_array(layers)) {
		ct_err(e, 0, "manifest %s of %s is malformed: it needs a config object and "
		       "a layers array", m->digest.str, name);
		goto out;
	}
	cmt = ct_json_str(cfg, "mediaType");
	if (cmt && strcmp(cmt, CT_MT_OCI_CONFIG) && strcmp(cmt, CT_MT_DOCKER_CONFIG)) {
		ct_err(e, 0, "%s is not a container image: its config has media type \"%s\"",
		       name, cmt);
		goto out;
	}
	if (add_job(p, cfg, "config", e) < 0)
		goto out;
	json_array_foreach(layers, i, l) {
		const char *lmt = ct_json_str(l, "mediaType");
		char what[32];
		snprintf(what, sizeof what, "layer %zu", i + 1);
		if (lmt && !known_layer(lmt)) {
			ct_err(e, 0, "%s: %s has unsupported media type \"%s\"", name, what, lmt);
			goto out;
		}
		if (add_job(p, l, what, e) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(j);
	return rc;
}

static int parallel_default(const struct ct_config *cfg)
{
	const char *v = ct_config_get(cfg, "registry", "parallel");
	uint64_t n;

	if (v && ct_parse_u64(v, 16, &n, NULL) == 0 && n > 0)
		return (int)n;
	return 3;
}

int ct_pull(const char *refstr, const struct ct_pull_opts *o, struct ct_pull_result *res,
	    struct ct_err *e)
{
	struct pull p;
	struct ct_ref ref;
	struct ct_config cfg = { 0 };
	struct ct_http_conn c;
	struct ct_manifest top = { 0 }, img = { 0 };
	const struct ct_manifest *m;
	struct ct_digest stored;
	int progress_done = 0;
	char full[CT_REF_STR_MAX], tagname[CT_REF_STR_MAX];
	const char *platform = o->platform ? o->platform : ct_host_platform();
	int rc = -1, store_open = 0, top_present;
	size_t i;

	memset(&p, 0, sizeof p);
	memset(res, 0, sizeof *res);
	pthread_mutex_init(&p.lock, NULL);
	ct_progress_init(&p.prog, o->quiet);
	ct_http_conn_init(&c, NULL);
	if (ct_ref_parse(refstr, &ref, e) < 0)
		goto out;
	ct_ref_familiar(&ref, res->name, sizeof res->name);
	ct_ref_format(&ref, full, sizeof full);
	if (ct_config_load(&cfg, e) < 0)
		goto out;
	if (ct_registry_open(&p.reg, &ref, &cfg, "pull", &c, e) < 0)
		goto out;
	if (ref.tag[0] && !ref.digest[0])
		ct_progress_note(&p.prog, "%s: Pulling from %s", ref.tag, ref.path);
	if (ct_registry_get_manifest(&p.reg, &c, ct_ref_manifest_ref(&ref), &top, e) < 0)
		goto out;
	m = &top;
	if (ct_media_is_index(top.media_type)) {
		struct ct_digest d;
		char mt[128];
		int64_t size;
		if (ct_index_select(top.data, top.len, platform, &d, mt, sizeof mt, &size, e) < 0) {
			ct_err_wrap(e, "%s", full);
			goto out;
		}
		ct_say("index %s → %s manifest %s", top.digest.str, platform, d.str);
		if (ct_registry_get_manifest(&p.reg, &c, d.str, &img, e) < 0)
			goto out;
		if (ct_media_is_index(img.media_type)) {
			ct_err(e, 0, "%s: the index entry for %s is another index; not supported",
			       full, platform);
			goto out;
		}
		m = &img;
	}
	if (plan(&p, m, full, e) < 0)
		goto out;

	/* from here on the store is written */
	if (ct_store_open_default(&p.store, 1, e) < 0)
		goto out;
	store_open = 1;
	top_present = ct_store_has_blob(&p.store, &top.digest);
	for (i = 1; i < p.njobs; i++) {
		char id[16];
		p.jobs[i].line = ct_progress_add(&p.prog, short_id(&p.jobs[i].digest, id),
						 "Pulling fs layer");
	}
	if (run_jobs(&p, &c, o->parallel > 0 ? o->parallel : parallel_default(&cfg), e) < 0)
		goto out;
	ct_progress_done(&p.prog);
	progress_done = 1;
	if (img.data && ct_store_put_blob(&p.store, img.data, img.len, &stored, e) < 0)
		goto out;
	if (ct_store_put_blob(&p.store, top.data, top.len, &stored, e) < 0)
		goto out;
	if (ref.tag[0]) {
		struct ct_ref named = ref;
		named.digest[0] = 0;
		ct_ref_format(&named, tagname, sizeof tagname);
	}
	if (ct_store_tag(&p.store, ref.tag[0] ? tagname : NULL, top.media_type, &top.digest,
			 (int64_t)top.len, e) < 0)
		goto out;
	ct_say("tag %s → %s", ref.tag[0] ? tagname : "(untagged)", top.digest.str);
	res->digest = top.digest;
	res->up_to_date = top_present && p.fetched == 0;
	rc = 0;
out:
	if (!progress_done)
		ct_progress_done(&p.prog);
	ct_http_conn_close(&c);
	ct_manifest_free(&top);
	ct_manifest_free(&img);
	if (store_open)
		ct_store_close(&p.store);
	if (p.reg.actions)
		ct_registry_close(&p.reg);
	ct_config_free(&cfg);
	free(p.jobs);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
