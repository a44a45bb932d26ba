/* ct-image: what the verbs share: index entries, names, containers that
 * use images, and the sweep that removes what nothing refers to. */
#include "image.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "ref.h"
#include "say.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int index_from_json(json_t *index, struct img_index *ix)
{
	json_t *m, *list;
	size_t i;

	memset(ix, 0, sizeof *ix);
	if (!index)
		return -1;
	list = json_object_get(index, "manifests");
	ix->v = ct_xcalloc(json_array_size(list) + 1, sizeof *ix->v);
	json_array_foreach(list, i, m) {
		struct img_entry *en = &ix->v[ix->n];
		const char *dg = ct_json_str(m, "digest");
		const char *mt = ct_json_str(m, "mediaType");
		const char *name = ct_json_str(json_object_get(m, "annotations"), CT_ANNOT_REF_NAME);

		if (!dg || ct_digest_parse(dg, &en->digest, NULL) < 0)
			continue;	/* not ours to judge; skip what we cannot name */
		en->name = name ? ct_xstrdup(name) : NULL;
		en->media_type = ct_xstrdup(mt ? mt : CT_MT_OCI_MANIFEST);
		en->size = ct_json_int(m, "size", 0);
		ix->n++;
	}
	json_decref(index);
	return 0;
}

int img_index_read(const struct ct_store *s, struct img_index *ix, struct ct_err *e)
{
	return index_from_json(ct_store_index(s, e), ix);
}

/* For callers that hold images/.lock already (flock is per open file:
 * ct_store_index's shared lock would wait for our own exclusive one). */
static int index_read_locked(const struct ct_store *s, struct img_index *ix, struct ct_err *e)
{
	char *path = ct_xasprintf("%s/index.json", s->dir);
	json_t *index = ct_json_load_file(path, CT_MANIFEST_MAX, e);

	free(path);
	return index_from_json(index, ix);
}

void img_index_free(struct img_index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->v[i].name);
		free(ix->v[i].media_type);
	}
	free(ix->v);
	memset(ix, 0, sizeof *ix);
}

const struct img_entry *img_index_find(const struct img_index *ix, const struct ct_digest *d)
{
	for (size_t i = 0; i < ix->n; i++)
		if (ct_digest_equal(&ix->v[i].digest, d))
			return &ix->v[i];
	return NULL;
}

/* Does what name a tag in the index (as typed or normalised)? */
const struct img_entry *img_index_find_tag(const struct img_index *ix, const char *what)
{
	struct ct_ref r;
	char full[CT_REF_STR_MAX];

	for (size_t i = 0; i < ix->n; i++)
		if (ix->v[i].name && !strcmp(ix->v[i].name, what))
			return &ix->v[i];
	if (ct_ref_parse(what, &r, NULL) < 0 || r.digest[0])
		return NULL;
	ct_ref_format(&r, full, sizeof full);
	for (size_t i = 0; i < ix->n; i++)
		if (ix->v[i].name && !strcmp(ix->v[i].name, full))
			return &ix->v[i];
	return NULL;
}

int img_index_drop(const struct ct_store *s, const struct ct_digest *d, int untagged_only,
		   struct ct_err *e)
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

void img_familiar(const char *name, char *out, size_t n)
{
	struct ct_ref r;

	if (ct_ref_parse(name, &r, NULL) == 0)
		ct_ref_familiar(&r, out, n);
	else
		snprintf(out, n, "%s", name);
}

void img_split_name(const char *name, char *repo, size_t rn, char *tag, size_t tn)
{
	struct ct_ref r;
	char fam[CT_REF_STR_MAX];
	size_t fl, tl;

	if (ct_ref_parse(name, &r, NULL) < 0 || !r.tag[0]) {
		snprintf(repo, rn, "%s", name);
		snprintf(tag, tn, "<none>");
		return;
	}
	ct_ref_familiar(&r, fam, sizeof fam);
	fl = strlen(fam);
	tl = strlen(r.tag);
	if (fl > tl + 1 && fam[fl - tl - 1] == ':' && !strcmp(fam + fl - tl, r.tag))
		fam[fl - tl - 1] = '\0';
	snprintf(repo, rn, "%s", fam);
	snprintf(tag, tn, "%s", r.tag);
}

static char *ini_value(const char *path, const char *section, const char *key)
{
	struct ct_config c;
	const char *v;
	char *out = NULL;

	if (ct_config_load_file(&c, path, 1, NULL) < 0)
		return NULL;
	v = ct_config_get(&c, section, key);
	if (v && *v)
		out = ct_xstrdup(v);
	ct_config_free(&c);
	return out;
}

int img_users_read(const char *root, struct img_user **v, size_t *n, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/containers", root);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	if (!d) {
		int saved = errno;

		free(dir);
		if (saved == ENOENT)
			return 0;
		return ct_err(e, saved, "opendir %s/containers", root);
	}
	while ((de = readdir(d))) {
		char *ini, *image;
		struct img_user *u;

		if (de->d_name[0] == '.')
			continue;
		ini = ct_xasprintf("%s/%s/ct.ini", dir, de->d_name);
		image = ini_value(ini, "container", "image");
		if (!image) {
			free(ini);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = ct_xrealloc(*v, cap * sizeof **v);
		}
		u = &(*v)[(*n)++];
		u->id = ct_xstrdup(de->d_name);
		u->image = image;
		u->name = ini_value(ini, "container", "name");
		free(ini);
		ini = ct_xasprintf("%s/%s/state.ini", dir, de->d_name);
		u->status = ini_value(ini, "state", "status");
		if (!u->status)
			u->status = ct_xstrdup("created");
		free(ini);
	}
	closedir(d);
	free(dir);
	return 0;
}

void img_users_free(struct img_user *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].image);
		free(v[i].status);
	}
	free(v);
}

const struct img_user *img_user_of(const struct img_user *v, size_t n, const struct ct_digest *d)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].image, d->str))
			return &v[i];
	return NULL;
}

/* ---- marking ------------------------------------------------------------ */

struct dset {
	struct ct_digest *v;
	size_t n, cap;
};

static int dset_has(const struct dset *s, const struct ct_digest *d)
{
	for (size_t i = 0; i < s->n; i++)
		if (ct_digest_equal(&s->v[i], d))
			return 1;
	return 0;
}

static int dset_add(struct dset *s, const struct ct_digest *d)
{
	if (dset_has(s, d))
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = ct_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = *d;
	return 1;
}

static int dset_add_str(struct dset *s, const char *str)
{
	struct ct_digest d;

	if (!str || ct_digest_parse(str, &d, NULL) < 0)
		return 0;
	return dset_add(s, &d);
}

/* Mark the blob d and everything it refers to; diff ids go to layers. */
static void mark(const struct ct_store *s, const struct ct_digest *d, struct dset *blobs,
		 struct dset *layers, int depth)
{
	char *data = NULL;
	size_t len = 0, i;
	json_t *doc, *v, *list;

	if (!dset_add(blobs, d) || depth > 4)
		return;
	if (ct_store_read_blob(s, d, CT_MANIFEST_MAX, &data, &len, NULL) < 0)
		return;	/* a layer, or missing: nothing to follow */
	doc = json_loadb(data, len, 0, NULL);
	free(data);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return;
	}
	list = json_object_get(doc, "manifests");
	json_array_foreach(list, i, v) {
		struct ct_digest c;

		if (ct_digest_parse(ct_json_str(v, "digest") ? ct_json_str(v, "digest") : "",
				    &c, NULL) == 0)
			mark(s, &c, blobs, layers, depth + 1);
	}
	v = json_object_get(doc, "config");
	if (json_is_object(v)) {
		struct ct_digest c;

		if (dset_add_str(blobs, ct_json_str(v, "digest")) &&
		    ct_digest_parse(ct_json_str(v, "digest"), &c, NULL) == 0 &&
		    ct_store_read_blob(s, &c, CT_MANIFEST_MAX, &data, &len, NULL) == 0) {
			json_t *cfg = json_loadb(data, len, 0, NULL);

			free(data);
			json_array_foreach(ct_json_path(cfg, "rootfs.diff_ids"), i, v) {
				dset_add_str(layers, json_string_value(v));
			}
			json_decref(cfg);
		}
	}
	json_array_foreach(json_object_get(doc, "layers"), i, v) {
		dset_add_str(blobs, ct_json_str(v, "digest"));
	}
	json_decref(doc);
}

void img_collect(const struct ct_store *s, const struct ct_digest *d,
		 struct ct_digest **v, size_t *n)
{
	struct dset blobs = { 0 }, layers = { 0 };

	mark(s, d, &blobs, &layers, 0);
	*v = ct_xrealloc(*v, (*n + blobs.n + layers.n + 1) * sizeof **v);
	for (size_t i = 0; i < blobs.n; i++)
		(*v)[(*n)++] = blobs.v[i];
	for (size_t i = 0; i < layers.n; i++)
		(*v)[(*n)++] = layers.v[i];
	free(blobs.v);
	free(layers.v);
}

static int in_list(const struct ct_digest *only, size_t n, const struct ct_digest *d)
{
	for (size_t i = 0; i < n; i++)
		if (ct_digest_equal(&only[i], d))
			return 1;
	return 0;
}

/* 1 when the layer ROOT/layers/<hex> is named in a mount's options (an
 * overlay lowerdir, absolute or relative, as ct-mount may write it) or is
 * a mount point: a layer in use by a running container. A false alarm only
 * keeps a layer. */
static int layer_mounted(const char *hex)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *needle = ct_xasprintf("layers/%s", hex);
	size_t nl = strlen(needle), cap = 0;
	int found = 0;

	if (!f) {
		free(needle);
		return 0;
	}
	while (!found && getline(&line, &cap, f) > 0) {
		for (const char *p = strstr(line, needle); p && !found; p = strstr(p + 1, needle)) {
			char c = p[nl];

			found = c == ':' || c == ',' || c == ' ' || c == '\n' || c == '/' || c == '\0';
		}
	}
	fclose(f);
	free(line);
	free(needle);
	return found;
}

static int old_enough(const struct stat *st, int64_t grace)
{
	return grace <= 0 || (int64_t)time(NULL) - (int64_t)st->st_mtime >= grace;
}

static int sweep_blobs(const struct ct_store *s, const struct dset *keep,
		       const struct ct_digest *only, size_t n, int64_t grace, int dry_run,
		       int64_t *reclaimed, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/blobs/sha256", s->dir);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		int saved = errno;

		free(dir);
		return saved == ENOENT ? 0 : ct_err(e, saved, "opendir %s/blobs/sha256", s->dir);
	}
	while ((de = readdir(d))) {
		struct ct_digest dg;
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')	/* partial writes, locks, temporaries */
			continue;
		path = ct_xasprintf("sha256:%s", de->d_name);
		if (ct_digest_parse(path, &dg, NULL) < 0 || dset_has(keep, &dg) ||
		    (only && !in_list(only, n, &dg))) {
			free(path);
			continue;
		}
		free(path);
		path = ct_xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || (!only && !old_enough(&st, grace))) {
			free(path);
			continue;
		}
		ct_say("unlink %s", path);
		if (!dry_run && unlink(path) < 0 && errno != ENOENT) {
			rc = ct_err(e, errno, "unlink %s", path);
			free(path);
			break;
		}
		*reclaimed += st.st_size;
		free(path);
	}
	closedir(d);
	free(dir);
	return rc;
}

static int sweep_layers(const struct ct_store *s, const struct dset *keep,
			const struct ct_digest *only, size_t n, int64_t grace, int dry_run,
			struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/layers", s->root);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		int saved = errno;

		free(dir);
		return saved == ENOENT ? 0 : ct_err(e, saved, "opendir %s/layers", s->root);
	}
	while ((de = readdir(d))) {
		struct ct_digest dg;
		struct stat st;
		char *path;

		if (de->d_name[0] == '.')	/* unpacks in progress, locks */
			continue;
		path = ct_xasprintf("sha256:%s", de->d_name);
		if (ct_digest_parse(path, &dg, NULL) < 0 || dset_has(keep, &dg) ||
		    (only && !in_list(only, n, &dg))) {
			free(path);
			continue;
		}
		free(path);
		path = ct_xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    (!only && !old_enough(&st, grace)) || layer_mounted(de->d_name)) {
			free(path);
			continue;
		}
		ct_say("rm -rf %s", path);
		if (!dry_run && ct_rm_rf(path, e) < 0) {
			rc = -1;
			free(path);
			break;
		}
		free(path);
	}
	closedir(d);
	free(dir);
	return rc;
}

/* Spool files and load directories under ROOT/tmp left by killed
 * imports and loads: a day old is surely dead. */
#define TMP_STALE (24 * 3600)

static int sweep_tmp(const struct ct_store *s, int dry_run, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/tmp", s->root);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		int saved = errno;

		free(dir);
		return saved == ENOENT ? 0 : ct_err(e, saved, "opendir %s/tmp", s->root);
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *path;

		if (!ct_has_prefix(de->d_name, "spool-") && !ct_has_prefix(de->d_name, "load-"))
			continue;
		path = ct_xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && old_enough(&st, TMP_STALE)) {
			ct_say("rm -rf %s (stale)", path);
			if (!dry_run && ct_rm_rf(path, e) < 0)
				rc = -1;
		}
		free(path);
		if (rc < 0)
			break;
	}
	closedir(d);
	free(dir);
	return rc;
}

int img_sweep(const struct ct_store *s, const struct ct_digest *only, size_t n,
	      int64_t grace, int dry_run, int64_t *reclaimed, struct ct_err *e)
{
	char *lockpath = ct_xasprintf("%s/.lock", s->dir);
	struct dset blobs = { 0 }, layers = { 0 };
	struct img_index ix;
	struct img_user *users = NULL;
	size_t nusers = 0;
	int fd, rc = -1;

	*reclaimed = 0;
	/* the index cannot change under us: nobody tags what we are removing */
	fd = ct_lock(lockpath, CT_LOCK_EXCLUSIVE, 0, e);
	free(lockpath);
	if (fd < 0)
		return -1;
	if (index_read_locked(s, &ix, e) < 0)
		goto out;
	if (img_users_read(s->root, &users, &nusers, e) < 0) {
		img_index_free(&ix);
		goto out;
	}
	for (size_t i = 0; i < ix.n; i++)
		mark(s, &ix.v[i].digest, &blobs, &layers, 0);
	for (size_t i = 0; i < nusers; i++) {
		struct ct_digest d;

		if (ct_digest_parse(users[i].image, &d, NULL) == 0)
			mark(s, &d, &blobs, &layers, 0);
	}
	img_index_free(&ix);
	img_users_free(users, nusers);
	ct_say("mark: %zu blobs and %zu layers in use", blobs.n, layers.n);
	if (sweep_blobs(s, &blobs, only, n, grace, dry_run, reclaimed, e) < 0 ||
	    sweep_layers(s, &layers, only, n, grace, dry_run, e) < 0 ||
	    (!only && sweep_tmp(s, dry_run, e) < 0))
		goto out;
	rc = 0;
out:
	free(blobs.v);
	free(layers.v);
	ct_unlock(fd);
	return rc;
}
