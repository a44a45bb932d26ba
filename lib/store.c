#include "store.h"
#include "layer.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "ref.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* An image config may carry a long history; allow more than a manifest. */
#define CT_CONFIG_MAX (16u << 20)

static const char empty_index[] = "{\"schemaVersion\":2,\"manifests\":[]}\n";
static const char layout_file[] = "{\"imageLayoutVersion\":\"1.0.0\"}\n";

static char *store_path(const struct ct_store *s, const char *name)
{
	return ct_xasprintf("%s/%s", s->dir, name);
}

static int store_lock(const struct ct_store *s, enum ct_lock_mode mode, struct ct_err *e)
{
	char *p = store_path(s, ".lock");
	int fd = ct_lock(p, mode, 0, e);

	free(p);
	return fd;
}

static int store_create(struct ct_store *s, struct ct_err *e)
{
	char *p;
	int lk, rc = 0;

	p = store_path(s, "blobs/sha256");
	if (ct_mkdir_p(p, 0755, e) < 0) {
		free(p);
		return -1;
	}
	free(p);
	lk = store_lock(s, CT_LOCK_EXCLUSIVE, e);
	if (lk < 0)
		return -1;
	p = store_path(s, "oci-layout");
	if (!ct_exists(p)) {
		ct_say("create OCI image layout %s", s->dir);
		rc = ct_write_file_atomic(p, layout_file, strlen(layout_file), 0644, e);
	}
	free(p);
	p = store_path(s, "index.json");
	if (rc == 0 && !ct_exists(p))
		rc = ct_write_file_atomic(p, empty_index, strlen(empty_index), 0644, e);
	free(p);
	ct_unlock(lk);
	return rc;
}

int ct_store_open(struct ct_store *s, const char *root, int create, struct ct_err *e)
{
	char *p;
	int there;

	s->root = ct_xstrdup(root);
	s->dir = ct_xasprintf("%s/images", root);
	if (create) {
		if (store_create(s, e) < 0)
			goto fail;
		return 0;
	}
	p = store_path(s, "index.json");
	there = ct_exists(p);
	free(p);
	if (!there) {
		ct_err(e, 0, "no image store at %s", s->dir);
		ct_err_hint(e, "pull or import an image first");
		goto fail;
	}
	return 0;
fail:
	ct_store_close(s);
	return -1;
}

int ct_store_open_default(struct ct_store *s, int create, struct ct_err *e)
{
	struct ct_config c = { 0 };
	char root[PATH_MAX];
	int rc;

	if (ct_config_load(&c, e) < 0)
		return -1;
	rc = ct_config_root(&c, root, sizeof root, e);
	ct_config_free(&c);
	if (rc < 0)
		return -1;
	return ct_store_open(s, root, create, e);
}

void ct_store_close(struct ct_store *s)
{
	free(s->root);
	free(s->dir);
	s->root = s->dir = NULL;
}

char *ct_store_blob_path(const struct ct_store *s, const struct ct_digest *d)
{
	return ct_xasprintf("%s/blobs/sha256/%s", s->dir, ct_digest_encoded(d));
}

int ct_store_has_blob(const struct ct_store *s, const struct ct_digest *d)
{
	char *p = ct_store_blob_path(s, d);
	struct stat st;
	int r = stat(p, &st) == 0 && S_ISREG(st.st_mode);

	free(p);
	return r;
}

int ct_store_put_blob(const struct ct_store *s, const void *data, size_t len,
		      struct ct_digest *out, struct ct_err *e)
{
	char *p;
	int rc = 0;

	ct_digest_buf(data, len, out);
	if (ct_store_has_blob(s, out))
		return 0;
	p = ct_store_blob_path(s, out);
	rc = ct_write_file_atomic(p, data, len, 0644, e);
	free(p);
	return rc;
}

int ct_store_read_blob(const struct ct_store *s, const struct ct_digest *d,
		       size_t max, char **data, size_t *len, struct ct_err *e)
{
	struct ct_buf b = { 0 };
	char *p = ct_store_blob_path(s, d);

	if (ct_read_file(p, &b, max, e) < 0)
		goto fail;
	if (ct_digest_verify_buf(d, b.data ? b.data : "", b.len, e) < 0) {
		ct_err_wrap(e, "blob %s", p);
		ct_err_hint(e, "the store is damaged: remove the file and pull the image again");
		goto fail;
	}
	free(p);
	*len = b.len;
	*data = ct_buf_detach(&b);
	return 0;
fail:
	free(p);
	ct_buf_free(&b);
	return -1;
}

/* ---------------------------------------------------------------- writer */

static void writer_release(struct ct_blob_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	free(w->partial);
	free(w->final);
	w->partial = w->final = NULL;
}

/* Hash what an earlier writer left in the partial file. */
static int writer_rehash(struct ct_blob_writer *w, struct ct_err *e)
{
	char buf[65536];
	ssize_t n;

	ct_sha256_init(&w->h);
	w->have = 0;
	if (lseek(w->fd, 0, SEEK_SET) < 0)
		return ct_err(e, errno, "lseek %s", w->partial);
	while ((n = ct_read_full(w->fd, buf, sizeof buf)) > 0) {
		ct_sha256_update(&w->h, buf, (size_t)n);
		w->have += (uint64_t)n;
	}
	if (n < 0)
		return ct_err(e, errno, "read %s", w->partial);
	return 0;
}

int ct_blob_begin(const struct ct_store *s, const struct ct_digest *want,
		  int64_t size, struct ct_blob_writer *w, struct ct_err *e)
{
	struct stat a, b;

	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->lockfd = -1;
	w->want = *want;
	w->want_size = size;
	w->final = ct_store_blob_path(s, want);
	w->partial = ct_xasprintf("%s/blobs/sha256/.%s.partial", s->dir, ct_digest_encoded(want));
	for (;;) {
		if (stat(w->final, &a) == 0 && S_ISREG(a.st_mode))
			goto present;
		w->fd = open(w->partial, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (w->fd < 0) {
			ct_err(e, errno, "open %s", w->partial);
			goto fail;
		}
		while (flock(w->fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				ct_err(e, errno, "flock %s", w->partial);
				goto fail;
			}
		}
		/* The partial file may have been renamed into place or removed
		 * while we waited: then start over on the name. */
		if (fstat(w->fd, &a) < 0) {
			ct_err(e, errno, "fstat %s", w->partial);
			goto fail;
		}
		if (stat(w->partial, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			break;
		close(w->fd);
		w->fd = -1;
	}
	if (stat(w->final, &b) == 0 && S_ISREG(b.st_mode)) {
		unlink(w->partial);
		goto present;
	}
	if (size >= 0 && a.st_size > size) {
		ct_say("%s: %lld bytes, more than the blob's %lld: starting over",
		       w->partial, (long long)a.st_size, (long long)size);
		if (ftruncate(w->fd, 0) < 0) {
			ct_err(e, errno, "truncate %s", w->partial);
			goto fail;
		}
	}
	if (writer_rehash(w, e) < 0)
		goto fail;
	if (w->have)
		ct_say("resume %s at byte %llu", w->partial, (unsigned long long)w->have);
	return 0;
present:
	writer_release(w);
	return 1;
fail:
	writer_release(w);
	return -1;
}

int ct_blob_write(struct ct_blob_writer *w, const void *buf, size_t len, struct ct_err *e)
{
	if (w->want_size >= 0 && w->have + len > (uint64_t)w->want_size)
		return ct_err(e, 0, "blob %s: more data than its size of %lld bytes",
			      w->want.str, (long long)w->want_size);
	if (ct_write_all(w->fd, buf, len) < 0)
		return ct_err(e, errno, "write %s", w->partial);
	ct_sha256_update(&w->h, buf, len);
	w->have += len;
	return 0;
}

int ct_blob_restart(struct ct_blob_writer *w, struct ct_err *e)
{
	if (ftruncate(w->fd, 0) < 0)
		return ct_err(e, errno, "truncate %s", w->partial);
	if (lseek(w->fd, 0, SEEK_SET) < 0)
		return ct_err(e, errno, "lseek %s", w->partial);
	ct_sha256_init(&w->h);
	w->have = 0;
	return 0;
}

int ct_blob_commit(struct ct_blob_writer *w, struct ct_err *e)
{
	struct ct_digest got;
	int rc = -1;

	if (w->want_size >= 0 && w->have != (uint64_t)w->want_size) {
		ct_err(e, 0, "blob %s: got %llu bytes, expected %lld", w->want.str,
		       (unsigned long long)w->have, (long long)w->want_size);
		unlink(w->partial);
		goto out;
	}
	ct_sha256_digest(&w->h, &got);
	if (!ct_digest_equal(&got, &w->want)) {
		ct_err(e, 0, "blob %s: content digest mismatch: got %s", w->want.str, got.str);
		ct_err_hint(e, "the data was corrupted on the way; nothing was stored, try again");
		unlink(w->partial);
		goto out;
	}
	if (fsync(w->fd) < 0) {
		ct_err(e, errno, "fsync %s", w->partial);
		goto out;
	}
	if (rename(w->partial, w->final) < 0) {
		ct_err(e, errno, "rename %s to %s", w->partial, w->final);
		goto out;
	}
	/* The name is made durable by ct_store_tag, which syncs the blob
	 * directory once before index.json can refer to it: one fsync per
	 * pull, not one per blob. A crash before that can lose the name,
	 * never the content under a name. */
	rc = 0;
out:
	writer_release(w);
	return rc;
}

void ct_blob_suspend(struct ct_blob_writer *w)
{
	writer_release(w);
}

void ct_blob_abort(struct ct_blob_writer *w)
{
	if (w->partial)
		unlink(w->partial);
	writer_release(w);
}

/* ---------------------------------------------------------------- index */

static json_t *index_load(const struct ct_store *s, struct ct_err *e)
{
	char *p = store_path(s, "index.json");
	json_t *j = ct_json_load_file(p, CT_MANIFEST_MAX * 4, e);
	json_t *m;

	if (j) {
		m = json_object_get(j, "manifests");
		if (!json_is_object(j) || (m && !json_is_array(m))) {
			ct_err(e, 0, "%s: not an OCI image index", p);
			json_decref(j);
			j = NULL;
		} else if (!m) {
			json_object_set_new(j, "manifests", json_array());
		}
	}
	free(p);
	return j;
}

json_t *ct_store_index(const struct ct_store *s, struct ct_err *e)
{
	int lk = store_lock(s, CT_LOCK_SHARED, e);
	json_t *j;

	if (lk < 0)
		return NULL;
	j = index_load(s, e);
	ct_unlock(lk);
	return j;
}

static const char *entry_name(json_t *ent)
{
	return ct_json_str(json_object_get(ent, "annotations"), CT_ANNOT_REF_NAME);
}

int ct_store_tag(const struct ct_store *s, const char *name, const char *media_type,
		 const struct ct_digest *d, int64_t size, struct ct_err *e)
{
	json_t *idx, *m, *ent, *desc;
	char *p;
	size_t i;
	int lk, rc;

	lk = store_lock(s, CT_LOCK_EXCLUSIVE, e);
	if (lk < 0)
		return -1;
	idx = index_load(s, e);
	if (!idx) {
		ct_unlock(lk);
		return -1;
	}
	m = json_object_get(idx, "manifests");
	for (i = 0; i < json_array_size(m);) {
		const char *n;

		ent = json_array_get(m, i);
		n = entry_name(ent);
		if (name ? (n && strcmp(n, name) == 0)
			 : (!n && ct_json_str(ent, "digest") &&
			    strcmp(ct_json_str(ent, "digest"), d->str) == 0))
			json_array_remove(m, i);
		else
			i++;
	}
	desc = json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", d->str,
			 "size", (json_int_t)size);
	if (name)
		json_object_set_new(desc, "annotations",
				    json_pack("{s:s}", CT_ANNOT_REF_NAME, name));
	json_array_append_new(m, desc);
	ct_say("index.json: %s -> %s", name ? name : "(untagged)", d->str);
	p = store_path(s, "blobs/sha256");	/* the names ct_blob_commit made */
	rc = ct_fsync_dir(p, e);
	free(p);
	if (rc < 0) {
		json_decref(idx);
		ct_unlock(lk);
		return -1;
	}
	p = store_path(s, "index.json");
	rc = ct_json_write_file(p, idx, JSON_INDENT(2), 0644, e);
	free(p);
	json_decref(idx);
	ct_unlock(lk);
	return rc;
}

int ct_store_untag(const struct ct_store *s, const char *name, struct ct_err *e)
{
	json_t *idx, *m;
	char *p;
	size_t i;
	int lk, rc = 0, found = 0;

	lk = store_lock(s, CT_LOCK_EXCLUSIVE, e);
	if (lk < 0)
		return -1;
	idx = index_load(s, e);
	if (!idx) {
		ct_unlock(lk);
		return -1;
	}
	m = json_object_get(idx, "manifests");
	for (i = 0; i < json_array_size(m);) {
		const char *n = entry_name(json_array_get(m, i));

		if (n && strcmp(n, name) == 0) {
			json_array_remove(m, i);
			found = 1;
		} else {
			i++;
		}
	}
	if (!found) {
		rc = ct_err(e, 0, "no such image tag: %s", name);
	} else {
		ct_say("index.json: remove %s", name);
		p = store_path(s, "index.json");
		rc = ct_json_write_file(p, idx, JSON_INDENT(2), 0644, e);
		free(p);
	}
	json_decref(idx);
	ct_unlock(lk);
	return rc;
}

int ct_store_drop_digest(const struct ct_store *s, const struct ct_digest *d,
			 int untagged_only, struct ct_err *e)
{
	char *lockpath = ct_xasprintf("%s/.lock", s->dir);
	char *path = ct_xasprintf("%s/index.json", s->dir);
	json_t *index = NULL, *list, *keep, *m;
	int fd, dropped = 0, rc = -1;
	size_t i;

	fd = ct_lock(lockpath, CT_LOCK_EXCLUSIVE, 0, e);
	if (fd < 0)
		goto out;
	index = ct_json_load_file(path, CT_MANIFEST_MAX, e);
	if (!index)
		goto out;
	list = json_object_get(index, "manifests");
	keep = json_array();
	json_array_foreach(list, i, m) {
		const char *dg = ct_json_str(m, "digest");
		int tagged = ct_json_str(json_object_get(m, "annotations"), CT_ANNOT_REF_NAME) != NULL;

		if (dg && !strcmp(dg, d->str) && !(untagged_only && tagged))
			dropped++;
		else
			json_array_append(keep, m);
	}
	json_object_set_new(index, "manifests", keep);
	if (dropped) {
		ct_say("rewrite %s without %d entr%s of %s", path, dropped,
		       dropped == 1 ? "y" : "ies", d->str);
		if (ct_json_write_file(path, index, JSON_INDENT(2), 0644, e) < 0)
			goto out;
	}
	rc = dropped;
out:
	json_decref(index);
	if (fd >= 0)
		ct_unlock(fd);
	free(lockpath);
	free(path);
	return rc;
}

/* ---------------------------------------------------------------- platforms */

const char *ct_host_platform(void)
{
	static char buf[64];
	struct utsname u;
	const char *arch = "amd64";

	if (buf[0])
		return buf;
	if (uname(&u) == 0) {
		if (strcmp(u.machine, "x86_64") == 0)
			arch = "amd64";
		else if (strcmp(u.machine, "aarch64") == 0 || strcmp(u.machine, "arm64") == 0)
			arch = "arm64";
		else if (strncmp(u.machine, "armv7", 5) == 0)
			arch = "arm/v7";
		else if (strncmp(u.machine, "armv6", 5) == 0)
			arch = "arm/v6";
		else if (u.machine[0] == 'i' && strcmp(u.machine + 2, "86") == 0)
			arch = "386";
		else
			arch = u.machine;   /* ppc64le, s390x, riscv64, ... */
	}
	snprintf(buf, sizeof buf, "linux/%s", arch);
	return buf;
}

struct platform {
	char os[32], arch[32], variant[32];
};

static int platform_parse(const char *s, struct platform *p, struct ct_err *e)
{
	const char *a, *v;

	memset(p, 0, sizeof *p);
	a = strchr(s, '/');
	if (!a || a == s || !a[1])
		goto bad;
	v = strchr(a + 1, '/');
	if ((size_t)(a - s) >= sizeof p->os)
		goto bad;
	memcpy(p->os, s, (size_t)(a - s));
	if (v) {
		if ((size_t)(v - a - 1) >= sizeof p->arch || !v[1] || strchr(v + 1, '/') ||
		    strlen(v + 1) >= sizeof p->variant)
			goto bad;
		memcpy(p->arch, a + 1, (size_t)(v - a - 1));
		strcpy(p->variant, v + 1);
	} else {
		if (strlen(a + 1) >= sizeof p->arch)
			goto bad;
		strcpy(p->arch, a + 1);
	}
	return 0;
bad:
	return ct_err(e, 0, "invalid platform \"%s\": expected os/arch[/variant], e.g. linux/amd64", s);
}

/* Does the index entry's platform object fit the wanted one? arm64's
 * variant v8 is the default and may be left out on either side. */
static int platform_match(json_t *pl, const struct platform *want)
{
	const char *os = ct_json_str(pl, "os"), *arch = ct_json_str(pl, "architecture");
	const char *var = ct_json_str(pl, "variant");

	if (!os || !arch || strcmp(os, want->os) || strcmp(arch, want->arch))
		return 0;
	if (!want->variant[0])
		return 1;
	if (!var)
		return strcmp(want->arch, "arm64") == 0 && strcmp(want->variant, "v8") == 0;
	return strcmp(want->variant, var) == 0;
}

static void platform_list(json_t *manifests, struct ct_buf *b)
{
	json_t *ent;
	size_t i;

	json_array_foreach(manifests, i, ent) {
		json_t *pl = json_object_get(ent, "platform");
		const char *os = ct_json_str(pl, "os"), *arch = ct_json_str(pl, "architecture");
		const char *var = ct_json_str(pl, "variant");

		if (!os || !arch || strcmp(os, "unknown") == 0)
			continue;
		ct_buf_printf(b, "%s%s/%s%s%s", b->len ? ", " : "", os, arch,
			      var ? "/" : "", var ? var : "");
	}
}

/* ---------------------------------------------------------------- reading */

static int is_index_type(const char *mt)
{
	return mt && (strcmp(mt, CT_MT_OCI_INDEX) == 0 || strcmp(mt, CT_MT_DOCKER_LIST) == 0);
}

static int is_manifest_type(const char *mt)
{
	return mt && (strcmp(mt, CT_MT_OCI_MANIFEST) == 0 ||
		      strcmp(mt, CT_MT_DOCKER_MANIFEST) == 0);
}

static json_t *read_json_blob(const struct ct_store *s, const struct ct_digest *d,
			      size_t max, const char *what, struct ct_err *e)
{
	char *data, *name;
	size_t len;
	json_t *j;

	if (ct_store_read_blob(s, d, max, &data, &len, e) < 0)
		return NULL;
	name = ct_xasprintf("%s %s", what, d->str);
	j = ct_json_parse(data, len, name, e);
	free(name);
	free(data);
	if (j && !json_is_object(j)) {
		ct_err(e, 0, "%s %s: not a JSON object", what, d->str);
		json_decref(j);
		return NULL;
	}
	return j;
}

/* The media type of a manifest-like document: its own mediaType field,
 * else the descriptor's, else guessed from its shape (umoci leaves the
 * field out of OCI manifests). */
static const char *doc_media_type(json_t *doc, const char *desc_mt)
{
	const char *mt = ct_json_str(doc, "mediaType");

	if (mt)
		return mt;
	if (desc_mt && desc_mt[0])
		return desc_mt;
	if (json_is_array(json_object_get(doc, "manifests")))
		return CT_MT_OCI_INDEX;
	if (json_is_object(json_object_get(doc, "config")))
		return CT_MT_OCI_MANIFEST;
	return NULL;
}

static int parse_descriptor_digest(json_t *desc, const char *what, struct ct_digest *d,
				   struct ct_err *e)
{
	const char *s = ct_json_str(desc, "digest");

	if (!s)
		return ct_err(e, 0, "%s has no digest", what);
	if (ct_digest_parse(s, d, e) < 0)
		return ct_err_wrap(e, "%s", what);
	return 0;
}

/* Index → the manifest descriptor for the platform. */
static int pick_platform(json_t *index, const char *top, const char *platform,
			 struct ct_digest *d, const char **mt, struct ct_err *e)
{
	struct platform want;
	json_t *m = json_object_get(index, "manifests"), *ent;
	struct ct_buf have = { 0 };
	size_t i;

	if (platform_parse(platform, &want, e) < 0)
		return -1;
	json_array_foreach(m, i, ent) {
		if (platform_match(json_object_get(ent, "platform"), &want)) {
			*mt = ct_json_str(ent, "mediaType");
			return parse_descriptor_digest(ent, "index entry", d, e);
		}
	}
	platform_list(m, &have);
	ct_err(e, 0, "image %s has no variant for platform %s (it has: %s)", top, platform,
	       have.len ? ct_buf_str(&have) : "none");
	ct_err_hint(e, "choose one with --platform");
	ct_buf_free(&have);
	return -1;
}

static int load_layers(struct ct_image *img, struct ct_err *e)
{
	json_t *layers = json_object_get(img->manifest, "layers");
	json_t *diffs = ct_json_path(img->config, "rootfs.diff_ids");
	json_t *l;
	size_t i;

	if (!json_is_array(layers))
		return ct_err(e, 0, "manifest %s has no layers list", img->manifest_digest.str);
	if (!json_is_array(diffs))
		return ct_err(e, 0, "image config %s has no rootfs.diff_ids",
			      img->config_digest.str);
	if (json_array_size(diffs) != json_array_size(layers))
		return ct_err(e, 0, "image %s: %zu layers but %zu rootfs.diff_ids in its config",
			      img->manifest_digest.str, json_array_size(layers),
			      json_array_size(diffs));
	img->nlayers = json_array_size(layers);
	img->layers = ct_xcalloc(img->nlayers ? img->nlayers : 1, sizeof *img->layers);
	json_array_foreach(layers, i, l) {
		struct ct_store_layer *sl = &img->layers[i];
		const char *mt = ct_json_str(l, "mediaType");
		const char *diff = json_string_value(json_array_get(diffs, i));
		char what[64];

		snprintf(what, sizeof what, "layer %zu", i + 1);
		if (parse_descriptor_digest(l, what, &sl->digest, e) < 0)
			return -1;
		if (!diff || ct_digest_parse(diff, &sl->diff_id, e) < 0)
			return ct_err(e, 0, "image config %s: bad rootfs.diff_ids[%zu]",
				      img->config_digest.str, i);
		sl->media_type = ct_xstrdup(mt ? mt : CT_MT_OCI_LAYER_GZIP);
		sl->size = ct_json_int(l, "size", -1);
	}
	return 0;
}

/* Load manifest (resolving an index) and config of a top-level descriptor. */
static int image_from_top(const struct ct_store *s, const struct ct_digest *top,
			  const char *top_mt, const char *platform, struct ct_image *img,
			  struct ct_err *e)
{
	json_t *doc;
	const char *mt;
	struct ct_digest d = *top;
	int depth, from_index = 0;

	memset(img, 0, sizeof *img);
	img->top_digest = *top;
	for (depth = 0;; depth++) {
		doc = read_json_blob(s, &d, CT_MANIFEST_MAX, "manifest", e);
		if (!doc)
			return -1;
		mt = doc_media_type(doc, depth == 0 ? top_mt : NULL);
		if (is_index_type(mt) && depth == 0) {
			const char *emt = NULL;
			int rc = pick_platform(doc, top->str,
					       platform ? platform : ct_host_platform(), &d,
					       &emt, e);

			json_decref(doc);
			if (rc < 0)
				return -1;
			top_mt = emt;
			from_index = 1;
			continue;
		}
		break;
	}
	img->manifest = doc;
	img->manifest_digest = d;
	if (!is_manifest_type(mt)) {
		ct_err(e, 0, "manifest %s has media type %s, which ct cannot run", d.str,
		       mt ? mt : "(none)");
		if (mt && strstr(mt, "v1+prettyjws"))
			ct_err_hint(e, "Docker schema 1 images are deprecated; rebuild or re-push the image");
		return -1;
	}
	img->manifest_media_type = ct_xstrdup(mt);
	if (ct_json_int(doc, "schemaVersion", 0) != 2)
		return ct_err(e, 0, "manifest %s: schemaVersion is not 2", d.str);
	if (parse_descriptor_digest(json_object_get(doc, "config"), "manifest config",
				    &img->config_digest, e) < 0)
		return ct_err_wrap(e, "manifest %s", d.str);
	img->config = read_json_blob(s, &img->config_digest, CT_CONFIG_MAX, "image config", e);
	if (!img->config)
		return -1;
	/* a single-platform image asked for another platform: refused, as
	 * Docker does (an index was picked from above already) */
	if (platform && !from_index) {
		struct platform want;
		const char *os = ct_json_str(img->config, "os");
		const char *arch = ct_json_str(img->config, "architecture");

		if (platform_parse(platform, &want, e) < 0)
			return -1;
		if (os && arch && !platform_match(img->config, &want)) {
			const char *var = ct_json_str(img->config, "variant");

			ct_err(e, 0, "image %s is %s/%s%s%s, not %s", top->str, os, arch,
			       var ? "/" : "", var ? var : "", platform);
			return ct_err_hint(e, "leave out --platform, or pull the image for %s",
					   platform);
		}
	}
	return load_layers(img, e);
}

void ct_image_free(struct ct_image *img)
{
	size_t i;

	for (i = 0; i < img->nlayers; i++)
		free(img->layers[i].media_type);
	free(img->layers);
	free(img->manifest_media_type);
	json_decref(img->manifest);
	json_decref(img->config);
	memset(img, 0, sizeof *img);
}

/* ---------------------------------------------------------------- resolve */

static int is_hex_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 4 && n <= CT_SHA256_HEX_LEN && s[n] == '\0';
}

/* The image id (config digest) of an index entry, for the host platform;
 * "" when it cannot be loaded. */
static void entry_image_id(const struct ct_store *s, json_t *ent, char *out, size_t n)
{
	struct ct_image img;
	struct ct_digest d;
	struct ct_err e;

	out[0] = '\0';
	if (parse_descriptor_digest(ent, "entry", &d, &e) < 0)
		return;
	if (image_from_top(s, &d, ct_json_str(ent, "mediaType"), NULL, &img, &e) == 0)
		ct_strlcpy(out, img.config_digest.str, n);
	ct_image_free(&img);
}

static int take_entry(json_t *ent, struct ct_digest *d, char *mt, size_t mtlen,
		      struct ct_err *e)
{
	const char *m = ct_json_str(ent, "mediaType");

	if (parse_descriptor_digest(ent, "index.json entry", d, e) < 0)
		return -1;
	if (mt && mtlen)
		ct_strlcpy(mt, m ? m : "", mtlen);
	return 0;
}

static int not_found(const struct ct_store *s, const char *what, struct ct_err *e)
{
	ct_err(e, 0, "image \"%s\" not found in %s", what, s->dir);
	return ct_err_hint(e, "pull it first (ct-pull %s) or see ct-image ls", what);
}

int ct_store_resolve(const struct ct_store *s, const char *what,
		     struct ct_digest *d, char *media_type, size_t mtlen,
		     struct ct_err *e)
{
	json_t *idx, *m, *ent, *hit = NULL;
	struct ct_ref r;
	struct ct_err rerr;
	char name[CT_REF_STR_MAX], id[CT_DIGEST_STR_MAX];
	const char *hex = what;
	size_t i;
	int rc = -1, parsed, nhits = 0;

	idx = ct_store_index(s, e);
	if (!idx)
		return -1;
	m = json_object_get(idx, "manifests");
	if (ct_has_prefix(hex, CT_DIGEST_PREFIX))
		hex += strlen(CT_DIGEST_PREFIX);

	/* A reference: by name, or name@digest / a full digest. */
	parsed = ct_ref_parse(what, &r, &rerr) == 0;
	if (parsed && r.digest[0]) {
		json_array_foreach(m, i, ent) {
			const char *dg = ct_json_str(ent, "digest");

			if (dg && strcmp(dg, r.digest) == 0) {
				rc = take_entry(ent, d, media_type, mtlen, e);
				goto out;
			}
		}
	} else if (parsed) {
		r.digest[0] = '\0';
		ct_ref_format(&r, name, sizeof name);
		json_array_foreach(m, i, ent) {
			const char *n = entry_name(ent);

			if (n && strcmp(n, name) == 0) {
				rc = take_entry(ent, d, media_type, mtlen, e);
				goto out;
			}
		}
	}
	/* A digest or id, whole or a unique prefix. */
	if (is_hex_prefix(hex)) {
		size_t hl = strlen(hex);

		char key[CT_DIGEST_STR_MAX] = "";

		json_array_foreach(m, i, ent) {
			const char *dg = ct_json_str(ent, "digest");
			const char *k = NULL;

			if (dg && ct_has_prefix(dg, CT_DIGEST_PREFIX) &&
			    strncmp(dg + 7, hex, hl) == 0) {
				k = dg;
			} else {
				entry_image_id(s, ent, id, sizeof id);
				if (id[0] && strncmp(id + 7, hex, hl) == 0)
					k = id;
			}
			if (!k)
				continue;
			/* several tags of one image, or an index and a
			 * manifest of one image id, are one match */
			if (hit && strcmp(key, k) == 0)
				continue;
			ct_strlcpy(key, k, sizeof key);
			hit = ent;
			nhits++;
		}
		if (nhits > 1) {
			rc = ct_err(e, 0, "image id prefix \"%s\" is ambiguous: %d images match",
				    what, nhits);
			ct_err_hint(e, "give more digits");
			goto out;
		}
		if (hit) {
			rc = take_entry(hit, d, media_type, mtlen, e);
			goto out;
		}
	}
	if (!parsed && !is_hex_prefix(hex)) {
		*e = rerr;
		goto out;
	}
	rc = not_found(s, what, e);
out:
	json_decref(idx);
	return rc;
}

int ct_image_load(const struct ct_store *s, const char *what, const char *platform,
		  struct ct_image *img, struct ct_err *e)
{
	struct ct_digest top;
	char mt[128];

	memset(img, 0, sizeof *img);
	if (ct_store_resolve(s, what, &top, mt, sizeof mt, e) < 0)
		return -1;
	if (image_from_top(s, &top, mt, platform, img, e) < 0) {
		ct_image_free(img);
		return -1;
	}
	return 0;
}

/* ROOT/layers/<diff-id hex>: declared in layer.h beside what fills it, but
 * here, with the rest of the store's layout, so that a tool that only
 * looks for unpacked layers (ct-mount --image) does not link the unpacker */
char *ct_layer_dir(const char *root, const struct ct_digest *diff_id)
{
	return ct_xasprintf("%s/layers/%s", root, ct_digest_encoded(diff_id));
}
