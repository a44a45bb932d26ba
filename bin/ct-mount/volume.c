/* ct-mount --volume / --mount: volumes, binds and tmpfs mounts into the
 * bundle's config.json, as `docker run -v` and `--mount` do. See
 * ct-mount(1) and lib/volume.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ctvolume.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "overlay.h"
#include "say.h"
#include "spec.h"
#include "volume.h"

#define INI_LINE_MAX 199	/* Debian's libinih cuts lines at 200 bytes */

void ct_mount_volume_arg(struct ct_mount_vols *v, int is_mount, const char *arg)
{
	struct ct_err e;
	struct ct_mount_spec m;

	if ((is_mount ? ct_mount_parse(arg, &m, &e) : ct_mount_parse_v(arg, &m, &e)) < 0)
		ct_die_usage("%s", e.msg);
	v->specs = ct_xrealloc(v->specs, (v->n + 1) * sizeof(*v->specs));
	v->specs[v->n++] = m;
}

static size_t depth(const char *p)
{
	size_t n = 0;
	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* The image's Volumes (annotation "/a,/b") not covered by an option become
 * anonymous volumes, as Docker makes them. */
static void add_image_volumes(struct ct_mount_vols *v, const json_t *cfg)
{
	const char *list = ct_json_str(json_object_get(cfg, "annotations"), CT_ANNOT_VOLUMES);
	char *copy, *save = NULL;

	if (!list || !*list)
		return;
	copy = ct_xstrdup(list);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *clean;
		int have = 0;
		if (t[0] != '/')
			continue;
		clean = ct_path_clean(t);
		for (size_t i = 0; i < v->n; i++)
			have |= !strcmp(v->specs[i].target, clean);
		if (have || !strcmp(clean, "/")) {
			free(clean);
			continue;
		}
		ct_say("image volume %s: an anonymous volume", clean);
		v->specs = ct_xrealloc(v->specs, (v->n + 1) * sizeof(*v->specs));
		memset(&v->specs[v->n], 0, sizeof(v->specs[0]));
		v->specs[v->n].type = CT_MOUNT_VOLUME;
		v->specs[v->n++].target = clean;
	}
	free(copy);
}

static json_t *bind_json(const char *src, const struct ct_mount_spec *m)
{
	json_t *j = json_object(), *o = json_array();

	json_object_set_new(j, "destination", json_string(m->target));
	json_object_set_new(j, "type", json_string("bind"));
	json_object_set_new(j, "source", json_string(src));
	json_array_append_new(o, json_string(m->nonrecursive ? "bind" : "rbind"));
	json_array_append_new(o, json_string(m->propagation ? m->propagation : "rprivate"));
	if (m->readonly)
		json_array_append_new(o, json_string("ro"));
	json_object_set_new(j, "options", o);
	return j;
}

static json_t *tmpfs_json(const struct ct_mount_spec *m)
{
	json_t *j = json_object(), *o = json_array();

	json_object_set_new(j, "destination", json_string(m->target));
	json_object_set_new(j, "type", json_string("tmpfs"));
	json_object_set_new(j, "source", json_string("tmpfs"));
	json_array_append_new(o, json_string("nosuid"));
	json_array_append_new(o, json_string("nodev"));
	if (m->tmpfs_size)
		json_array_append_new(o, json_sprintf("size=%s", m->tmpfs_size));
	if (m->tmpfs_mode)
		json_array_append_new(o, json_sprintf("mode=%o", m->tmpfs_mode & 07777));
	if (m->readonly)
		json_array_append_new(o, json_string("ro"));
	json_object_set_new(j, "options", o);
	return j;
}

/* A mount of ours replaces a default one at the same place (/dev/shm). */
static void put_mount(json_t *mounts, json_t *m)
{
	const char *d = ct_json_str(m, "destination");
	json_t *x;
	size_t i;

	json_array_foreach(mounts, i, x) {
		const char *xd = ct_json_str(x, "destination");
		if (xd && !strcmp(xd, d)) {
			json_array_remove(mounts, i);
			break;
		}
	}
	json_array_append_new(mounts, m);
}

static int bind_source(const struct ct_mount_spec *m, struct ct_err *e)
{
	struct stat st;

	if (stat(m->source, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return ct_err(e, errno, "stat bind source %s", m->source);
	if (!m->create_src)
		return ct_err(e, 0, "invalid mount config for type \"bind\": bind source path "
			      "does not exist: %s", m->source);
	ct_say("mkdir -p %s (a missing -v source, as Docker makes it)", m->source);
	return ct_mkdir_p(m->source, 0755, e);
}

/* One volume mount: create or find it, fill it from the image when empty. */
static int volume_mount(const char *root, const char *rootfs, const struct ct_mount_spec *m,
			json_t *mounts, struct ct_buf *ini, char ***made_anon, size_t *nmade,
			struct ct_err *e)
{
	struct ct_volume vol;
	int made, empty;
	json_t *j;

	if (ct_volume_create(root, m->source, m->source == NULL, m->labels, m->nlabels, &vol,
			     &made, e) < 0)
		return -1;
	if (made && !m->source) {
		*made_anon = ct_xrealloc(*made_anon, (*nmade + 1) * sizeof(char *));
		(*made_anon)[(*nmade)++] = ct_xstrdup(vol.name);
	}
	ct_say("volume %s%s at %s", vol.name, made ? " (new)" : "", m->target);
	if (strlen("volume = ") + strlen(vol.name) + 1 + strlen(m->target) > INI_LINE_MAX) {
		ct_err(e, 0, "volume %s at %s: the path is too long to record in ct.ini (%d "
		       "bytes a line)", vol.name, m->target, INI_LINE_MAX);
		goto fail;
	}
	if (!m->nocopy) {
		empty = ct_volume_dir_empty(vol.data, e);
		if (empty < 0 || (empty && ct_volume_copy_up(rootfs, m->target, vol.data, e) < 0))
			goto fail;
	}
	j = bind_json(vol.data, m);
	put_mount(mounts, j);
	ct_buf_printf(ini, "volume = %s:%s\n", vol.name, m->target);
	ct_volume_free(&vol);
	return 0;
fail:
	ct_volume_free(&vol);
	return -1;
}

/* Append the volume lines to ct.ini (under [container], its only section). */
static int record(const char *dir, const struct ct_buf *lines, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char *path = ct_xasprintf("%s/ct.ini", dir);
	int r = ct_read_file(path, &b, 1u << 20, e);

	if (r == 0) {
		if (b.len && b.data[b.len - 1] != '\n')
			ct_buf_putc(&b, '\n');
		ct_buf_add(&b, lines->data, lines->len);
		r = ct_write_file_atomic(path, b.data, b.len, 0644, e);
	}
	free(path);
	ct_buf_free(&b);
	return r;
}

static void drop_container(const char *dir)
{
	struct ct_err ce;
	char *rootfs = ct_xasprintf("%s/rootfs", dir);

	if (ct_overlay_umount(rootfs, &ce) < 0)
		ct_warn_err(&ce);
	else if (ct_rm_rf(dir, &ce) < 0)
		ct_warn_err(&ce);
	free(rootfs);
}

static int apply(const char *root, struct ct_mount_vols *v, const char *dir,
		 char ***made_anon, size_t *nmade, struct ct_err *e)
{
	char *cfgpath = ct_xasprintf("%s/config.json", dir);
	char *rootfs = ct_xasprintf("%s/rootfs", dir);
	json_t *cfg = ct_json_load_file(cfgpath, 1 << 22, e), *mounts;
	struct ct_buf ini = CT_BUF_INIT;
	size_t *order = NULL;
	int lockfd = -1, r = -1;

	if (!cfg)
		goto out;
	add_image_volumes(v, cfg);
	if (v->n == 0) {
		r = 0;
		goto out;
	}
	for (size_t i = 0; i < v->n; i++)
		for (size_t k = i + 1; k < v->n; k++)
			if (!strcmp(v->specs[i].target, v->specs[k].target)) {
				ct_err(e, 0, "Duplicate mount point: %s", v->specs[i].target);
				goto out;
			}
	/* parents before children, else stable */
	order = ct_xcalloc(v->n, sizeof(*order));
	for (size_t i = 0; i < v->n; i++) {
		size_t k = i;
		while (k > 0 && depth(v->specs[order[k - 1]].target) > depth(v->specs[i].target)) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	mounts = json_object_get(cfg, "mounts");
	if (!json_is_array(mounts)) {
		mounts = json_array();
		json_object_set_new(cfg, "mounts", mounts);
	}
	lockfd = ct_volumes_lock(root, e);
	if (lockfd < 0)
		goto out;
	for (size_t i = 0; i < v->n; i++) {
		const struct ct_mount_spec *m = &v->specs[order[i]];
		switch (m->type) {
		case CT_MOUNT_VOLUME:
			if (volume_mount(root, rootfs, m, mounts, &ini, made_anon, nmade, e) < 0)
				goto out;
			break;
		case CT_MOUNT_BIND:
			if (bind_source(m, e) < 0)
				goto out;
			ct_say("bind %s at %s%s", m->source, m->target, m->readonly ? " (ro)" : "");
			put_mount(mounts, bind_json(m->source, m));
			break;
		case CT_MOUNT_TMPFS:
			ct_say("tmpfs at %s", m->target);
			put_mount(mounts, tmpfs_json(m));
			break;
		}
	}
	ct_say("write %s", cfgpath);
	if (ct_json_write_file(cfgpath, cfg, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0644, e) < 0)
		goto out;
	if (ini.len && record(dir, &ini, e) < 0)
		goto out;
	r = 0;
out:
	if (lockfd >= 0 && r < 0) {
		/* the anonymous volumes made for this container go with it */
		for (size_t i = 0; i < *nmade; i++) {
			struct ct_err ve;
			if (ct_volume_remove(root, (*made_anon)[i], &ve) < 0)
				ct_warn_err(&ve);
		}
	}
	if (lockfd >= 0)
		ct_unlock(lockfd);
	free(order);
	ct_buf_free(&ini);
	json_decref(cfg);
	free(cfgpath);
	free(rootfs);
	return r;
}

int ct_mount_volumes_apply(const char *root, struct ct_mount_vols *v, const char *dir,
			   struct ct_err *e)
{
	char **made = NULL;
	size_t nmade = 0;
	int r = apply(root, v, dir, &made, &nmade, e);

	if (r < 0)
		drop_container(dir);
	for (size_t i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	for (size_t i = 0; i < v->n; i++)
		ct_mount_spec_free(&v->specs[i]);
	free(v->specs);
	v->specs = NULL;
	v->n = 0;
	return r;
}
