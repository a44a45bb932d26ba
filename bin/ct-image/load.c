/* ct-image load: images into the store from a `docker save` archive
 * (manifest.json) or a tar of an OCI image layout (index.json), told apart
 * by what the archive holds. The archive is unpacked into ROOT/tmp, every
 * digest is checked, and only then is anything written to the store: a bad
 * archive leaves the store as it was. */
#include "image.h"
#include "buf.h"
#include "file.h"
#include "imgwrite.h"
#include "json.h"
#include "ref.h"
#include "say.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define USAGE "usage: ct-image load [-i FILE] [-q]"
#define CHUNK (128 * 1024)

/* A blob to copy into the store once everything is verified. */
struct pending_blob {
	char *path;
	struct ct_digest digest;
	int64_t size;
};

/* An image to record: a docker-save entry (config bytes + layers) or an
 * OCI index entry (top descriptor). */
struct pending_image {
	char *config;                    /* docker: config bytes */
	size_t config_len;
	struct ct_store_layer *layers;   /* docker: layers */
	size_t nlayers;
	struct ct_digest top;            /* oci: the manifest or index */
	char media_type[128];
	int64_t size;
	char **names;                    /* full references */
	size_t nnames;
};

struct loader {
	const struct ct_store *s;
	char *tmp;                       /* the unpacked archive */
	const char *what;                /* the archive, for messages */
	struct pending_blob *blobs;
	size_t nblobs;
	struct pending_image *images;
	size_t nimages;
};

/* ---------------------------------------------------------------- unpack */

static int bad_name(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return 1;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int unpack(struct loader *ld, struct archive *in, struct ct_err *e)
{
	struct archive *out = archive_write_disk_new();
	struct archive_entry *en;
	int r, rc = -1, count = 0;

	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	while ((r = archive_read_next_header(in, &en)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(en);
		const char *hl = archive_entry_hardlink(en);
		mode_t type = archive_entry_filetype(en);
		char *full;

		if (!name || bad_name(name) || (hl && bad_name(hl))) {
			ct_err(e, 0, "%s: unsafe entry name \"%s\"", ld->what, name ? name : "");
			goto out;
		}
		if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
			continue;
		full = ct_xasprintf("%s/%s", ld->tmp, name);
		archive_entry_set_pathname(en, full);
		free(full);
		if (hl) {
			full = ct_xasprintf("%s/%s", ld->tmp, hl);
			archive_entry_set_hardlink(en, full);
			free(full);
		}
		archive_entry_set_perm(en, type == AE_IFDIR ? 0700 : 0600);
		if (archive_read_extract2(in, en, out) < ARCHIVE_WARN) {
			ct_err(e, 0, "%s: unpack %s: %s", ld->what, name, archive_error_string(out));
			goto out;
		}
		count++;
	}
	if (r != ARCHIVE_EOF) {
		ct_err(e, 0, "%s: not a valid tar archive: %s", ld->what, archive_error_string(in));
		goto out;
	}
	if (count == 0) {
		ct_err(e, 0, "%s: an empty archive", ld->what);
		goto out;
	}
	rc = 0;
out:
	archive_write_free(out);
	return rc;
}

/* The real path of name inside the unpacked archive, or NULL (missing, or
 * a symlink leading outside). */
static char *inside(const struct loader *ld, const char *name)
{
	char *p = ct_xasprintf("%s/%s", ld->tmp, name), *real;
	size_t tl = strlen(ld->tmp);

	if (bad_name(name)) {
		free(p);
		return NULL;
	}
	real = realpath(p, NULL);
	free(p);
	if (!real || strncmp(real, ld->tmp, tl) != 0 || real[tl] != '/') {
		free(real);
		return NULL;
	}
	return real;
}

static int file_size(const char *path, int64_t *size, struct ct_err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ct_err(e, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode))
		return ct_err(e, 0, "%s: not a regular file", path);
	*size = st.st_size;
	return 0;
}

static void add_blob(struct loader *ld, const char *path, const struct ct_digest *d, int64_t size)
{
	for (size_t i = 0; i < ld->nblobs; i++)
		if (ct_digest_equal(&ld->blobs[i].digest, d))
			return;
	ld->blobs = ct_xrealloc(ld->blobs, (ld->nblobs + 1) * sizeof *ld->blobs);
	ld->blobs[ld->nblobs].path = ct_xstrdup(path);
	ld->blobs[ld->nblobs].digest = *d;
	ld->blobs[ld->nblobs].size = size;
	ld->nblobs++;
}

static struct pending_image *new_image(struct loader *ld)
{
	struct pending_image *im;

	ld->images = ct_xrealloc(ld->images, (ld->nimages + 1) * sizeof *ld->images);
	im = &ld->images[ld->nimages++];
	memset(im, 0, sizeof *im);
	return im;
}

static void add_name(struct pending_image *im, const char *name)
{
	im->names = ct_xrealloc(im->names, (im->nnames + 1) * sizeof *im->names);
	im->names[im->nnames++] = ct_xstrdup(name);
}

/* ---------------------------------------------------------------- docker save */

/* The sha256 of the layer file uncompressed; *filter gets libarchive's
 * filter code (ARCHIVE_FILTER_NONE for a plain tar). */
static int uncompressed_digest(const char *path, struct ct_digest *d, int *filter,
			       struct ct_err *e)
{
	struct archive *in = archive_read_new();
	struct archive_entry *en;
	struct ct_sha256 h;
	char *buf;
	la_ssize_t n;

	archive_read_support_filter_all(in);
	archive_read_support_format_raw(in);
	if (archive_read_open_filename(in, path, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(in, &en) != ARCHIVE_OK) {
		ct_err(e, 0, "read %s: %s", path, archive_error_string(in));
		archive_read_free(in);
		return -1;
	}
	*filter = archive_filter_code(in, 0);
	ct_sha256_init(&h);
	buf = ct_xmalloc(CHUNK);
	while ((n = archive_read_data(in, buf, CHUNK)) > 0)
		ct_sha256_update(&h, buf, (size_t)n);
	free(buf);
	if (n < 0) {
		ct_err(e, 0, "uncompress %s: %s", path, archive_error_string(in));
		archive_read_free(in);
		return -1;
	}
	archive_read_free(in);
	ct_sha256_digest(&h, d);
	return 0;
}

static int docker_layer(struct loader *ld, const char *rel, const struct ct_digest *diff_id,
			struct ct_store_layer *l, struct ct_err *e)
{
	char *path = inside(ld, rel);
	struct ct_digest raw, un;
	int filter, rc = -1;

	memset(l, 0, sizeof *l);
	if (!path)
		return ct_err(e, 0, "%s: layer %s is missing from the archive", ld->what, rel);
	if (file_size(path, &l->size, e) < 0 || ct_digest_file(path, &raw, e) < 0)
		goto out;
	l->diff_id = *diff_id;
	l->digest = raw;
	if (ct_digest_equal(&raw, diff_id)) {
		l->media_type = ct_xstrdup(CT_MT_OCI_LAYER);
	} else {
		if (uncompressed_digest(path, &un, &filter, e) < 0)
			goto out;
		if (!ct_digest_equal(&un, diff_id)) {
			ct_err(e, 0, "%s: layer %s: content is %s, but the image config says %s",
			       ld->what, rel, un.str, diff_id->str);
			goto out;
		}
		if (filter == ARCHIVE_FILTER_GZIP)
			l->media_type = ct_xstrdup(CT_MT_OCI_LAYER_GZIP);
		else if (filter == ARCHIVE_FILTER_ZSTD)
			l->media_type = ct_xstrdup(CT_MT_OCI_LAYER_ZSTD);
		else {
			ct_err(e, 0, "%s: layer %s: compressed, but neither gzip nor zstd",
			       ld->what, rel);
			goto out;
		}
	}
	add_blob(ld, path, &raw, l->size);
	rc = 0;
out:
	free(path);
	return rc;
}

/* "<64 hex>.json" or "blobs/sha256/<64 hex>": the digest the name promises. */
static int named_digest(const char *rel, struct ct_digest *d)
{
	const char *base = strrchr(rel, '/');
	char buf[CT_DIGEST_STR_MAX];

	base = base ? base + 1 : rel;
	if (strlen(base) < CT_SHA256_HEX_LEN)
		return -1;
	snprintf(buf, sizeof buf, "sha256:%.64s", base);
	if (strcmp(base + CT_SHA256_HEX_LEN, ".json") && base[CT_SHA256_HEX_LEN] != '\0')
		return -1;
	return ct_digest_parse(buf, d, NULL);
}

static int docker_image(struct loader *ld, json_t *ent, size_t idx, struct ct_err *e)
{
	const char *cfgname = ct_json_str(ent, "Config");
	json_t *tags = json_object_get(ent, "RepoTags"), *layers = json_object_get(ent, "Layers");
	json_t *cfg = NULL, *diff_ids, *v;
	struct pending_image *im;
	struct ct_digest want, got;
	struct ct_buf b = CT_BUF_INIT;
	char *path;
	size_t i;

	if (!cfgname || !json_is_array(layers))
		return ct_err(e, 0, "%s: manifest.json entry %zu has no Config or Layers",
			      ld->what, idx + 1);
	path = inside(ld, cfgname);
	if (!path)
		return ct_err(e, 0, "%s: config %s is missing from the archive", ld->what, cfgname);
	if (ct_read_file(path, &b, CT_MANIFEST_MAX, e) < 0) {
		free(path);
		return -1;
	}
	free(path);
	ct_digest_buf(b.data ? b.data : "", b.len, &got);
	if (named_digest(cfgname, &want) == 0 && !ct_digest_equal(&want, &got)) {
		ct_buf_free(&b);
		return ct_err(e, 0, "%s: config %s: content digest mismatch: expected %s, got %s",
			      ld->what, cfgname, want.str, got.str);
	}
	cfg = ct_json_parse(b.data ? b.data : "", b.len, cfgname, e);
	diff_ids = cfg ? ct_json_path(cfg, "rootfs.diff_ids") : NULL;
	if (!cfg || !json_is_array(diff_ids) || json_array_size(diff_ids) != json_array_size(layers)) {
		if (cfg)
			ct_err(e, 0, "%s: config %s: rootfs.diff_ids does not list the %zu layers",
			       ld->what, cfgname, json_array_size(layers));
		json_decref(cfg);
		ct_buf_free(&b);
		return -1;
	}
	im = new_image(ld);
	im->config_len = b.len;
	im->config = ct_buf_detach(&b);
	im->layers = ct_xcalloc(json_array_size(layers) + 1, sizeof *im->layers);
	json_array_foreach(layers, i, v) {
		struct ct_digest diff;

		if (!json_is_string(v) ||
		    ct_digest_parse(json_string_value(json_array_get(diff_ids, i)), &diff, e) < 0 ||
		    docker_layer(ld, json_string_value(v), &diff, &im->layers[i], e) < 0) {
			if (!json_is_string(v))
				ct_err(e, 0, "%s: manifest.json: layer %zu is not a path", ld->what, i + 1);
			json_decref(cfg);
			return -1;
		}
		im->nlayers++;
	}
	json_decref(cfg);
	json_array_foreach(tags, i, v) {
		struct ct_ref r;
		char full[CT_REF_STR_MAX];

		if (!json_is_string(v) || ct_ref_parse(json_string_value(v), &r, e) < 0)
			return ct_err_wrap(e, "%s: manifest.json: RepoTags", ld->what);
		ct_ref_format(&r, full, sizeof full);
		add_name(im, full);
	}
	return 0;
}

static int load_docker(struct loader *ld, const char *manifest, struct ct_err *e)
{
	json_t *m = ct_json_load_file(manifest, CT_MANIFEST_MAX, e), *ent;
	size_t i;
	int rc = 0;

	if (!m)
		return -1;
	if (!json_is_array(m) || json_array_size(m) == 0) {
		json_decref(m);
		return ct_err(e, 0, "%s: manifest.json lists no images", ld->what);
	}
	json_array_foreach(m, i, ent) {
		if ((rc = docker_image(ld, ent, i, e)) < 0)
			break;
	}
	json_decref(m);
	return rc;
}

/* ---------------------------------------------------------------- OCI layout */

/* Verify the blob d (and, for manifests and indexes, what it names). */
static int oci_blob(struct loader *ld, const struct ct_digest *d, int need, int depth,
		    struct ct_err *e)
{
	char *rel = ct_xasprintf("blobs/sha256/%s", ct_digest_encoded(d));
	char *path = inside(ld, rel);
	struct ct_digest got;
	struct ct_buf b = CT_BUF_INIT;
	json_t *doc, *v;
	int64_t size = 0;
	size_t i;
	int rc = -1;

	if (!path) {
		rc = need ? ct_err(e, 0, "%s: blob %s is missing from the archive", ld->what, d->str)
			  : 0;
		goto out;
	}
	if (file_size(path, &size, e) < 0 || ct_digest_file(path, &got, e) < 0)
		goto out;
	if (!ct_digest_equal(&got, d)) {
		ct_err(e, 0, "%s: %s: content digest mismatch: expected %s, got %s", ld->what, rel,
		       d->str, got.str);
		goto out;
	}
	add_blob(ld, path, d, size);
	rc = 0;
	if (depth > 2 || size > (int64_t)CT_MANIFEST_MAX || ct_read_file(path, &b, CT_MANIFEST_MAX, NULL) < 0)
		goto out;
	doc = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		goto out;
	}
	/* an index may name platforms the archive does not carry */
	json_array_foreach(json_object_get(doc, "manifests"), i, v) {
		struct ct_digest c;

		if (ct_digest_parse(ct_json_str(v, "digest") ? ct_json_str(v, "digest") : "", &c, e) < 0 ||
		    oci_blob(ld, &c, 0, depth + 1, e) < 0) {
			rc = -1;
			break;
		}
	}
	v = json_object_get(doc, "config");
	if (rc == 0 && json_is_object(v)) {
		struct ct_digest c;

		if (ct_digest_parse(ct_json_str(v, "digest") ? ct_json_str(v, "digest") : "", &c, e) < 0 ||
		    oci_blob(ld, &c, 1, 9, e) < 0)
			rc = -1;
	}
	json_array_foreach(json_object_get(doc, "layers"), i, v) {
		struct ct_digest c;

		if (rc < 0)
			break;
		if (ct_digest_parse(ct_json_str(v, "digest") ? ct_json_str(v, "digest") : "", &c, e) < 0 ||
		    oci_blob(ld, &c, 1, 9, e) < 0)
			rc = -1;
	}
	json_decref(doc);
out:
	ct_buf_free(&b);
	free(rel);
	free(path);
	return rc;
}

/* The name an OCI index entry carries, as a full reference, or NULL. */
static int oci_name(json_t *ent, char *out, size_t n)
{
	json_t *a = json_object_get(ent, "annotations");
	const char *name = ct_json_str(a, "io.containerd.image.name");
	struct ct_ref r;

	if (!name) {
		name = ct_json_str(a, CT_ANNOT_REF_NAME);
		/* a bare tag ("latest") names no repository */
		if (name && !strchr(name, ':') && !strchr(name, '/'))
			name = NULL;
	}
	if (!name || ct_ref_parse(name, &r, NULL) < 0 || r.digest[0])
		return 0;
	ct_ref_format(&r, out, n);
	return 1;
}

static int load_oci(struct loader *ld, const char *index, struct ct_err *e)
{
	json_t *ix = ct_json_load_file(index, CT_MANIFEST_MAX, e), *ent;
	size_t i;
	int rc = 0;

	if (!ix)
		return -1;
	if (!json_is_array(json_object_get(ix, "manifests")) ||
	    json_array_size(json_object_get(ix, "manifests")) == 0) {
		json_decref(ix);
		return ct_err(e, 0, "%s: index.json lists no images", ld->what);
	}
	json_array_foreach(json_object_get(ix, "manifests"), i, ent) {
		struct pending_image *im;
		const char *dg = ct_json_str(ent, "digest"), *mt = ct_json_str(ent, "mediaType");
		char name[CT_REF_STR_MAX];
		struct ct_digest d;

		if (!dg || ct_digest_parse(dg, &d, e) < 0) {
			rc = dg ? ct_err_wrap(e, "%s: index.json", ld->what)
				: ct_err(e, 0, "%s: index.json entry %zu has no digest", ld->what, i + 1);
			break;
		}
		if ((rc = oci_blob(ld, &d, 1, 0, e)) < 0)
			break;
		im = new_image(ld);
		im->top = d;
		snprintf(im->media_type, sizeof im->media_type, "%s", mt ? mt : CT_MT_OCI_MANIFEST);
		im->size = ct_json_int(ent, "size", 0);
		if (oci_name(ent, name, sizeof name))
			add_name(im, name);
	}
	json_decref(ix);
	return rc;
}

/* ---------------------------------------------------------------- store */

static int copy_blob(const struct ct_store *s, const struct pending_blob *pb, struct ct_err *e)
{
	struct ct_blob_writer w;
	char *buf;
	ssize_t n;
	int fd, r;

	r = ct_blob_begin(s, &pb->digest, pb->size, &w, e);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (w.have && ct_blob_restart(&w, e) < 0) {
		ct_blob_abort(&w);
		return -1;
	}
	fd = open(pb->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ct_blob_abort(&w);
		return ct_err(e, errno, "open %s", pb->path);
	}
	buf = ct_xmalloc(CHUNK);
	while ((n = ct_read_full(fd, buf, CHUNK)) > 0)
		if (ct_blob_write(&w, buf, (size_t)n, e) < 0)
			break;
	free(buf);
	close(fd);
	if (n != 0) {
		if (n < 0)
			ct_err(e, errno, "read %s", pb->path);
		ct_blob_abort(&w);
		return -1;
	}
	return ct_blob_commit(&w, e);
}

static int store_all(struct loader *ld, int quiet, struct ct_err *e)
{
	for (size_t i = 0; i < ld->nblobs; i++) {
		ct_say("blob %s into the store", ld->blobs[i].digest.str);
		if (copy_blob(ld->s, &ld->blobs[i], e) < 0)
			return -1;
	}
	for (size_t i = 0; i < ld->nimages; i++) {
		struct pending_image *im = &ld->images[i];
		struct ct_digest m = im->top;

		if (im->config) {
			if (ct_image_write(ld->s, im->config, im->config_len, im->layers, im->nlayers,
					   (const char *const *)im->names, im->nnames, &m, e) < 0)
				return -1;
		} else {
			for (size_t j = 0; j < (im->nnames ? im->nnames : 1); j++)
				if (ct_store_tag(ld->s, im->nnames ? im->names[j] : NULL,
						 im->media_type, &m, im->size, e) < 0)
					return -1;
		}
		for (size_t j = 0; !quiet && j < im->nnames; j++) {
			char fam[CT_REF_STR_MAX];

			img_familiar(im->names[j], fam, sizeof fam);
			fprintf(stderr, "Loaded image: %s\n", fam);
		}
		if (!quiet && !im->nnames)
			fprintf(stderr, "Loaded image ID: %s\n", m.str);
		printf("%s\n", m.str);
	}
	return 0;
}

static void loader_free(struct loader *ld)
{
	struct ct_err e;

	for (size_t i = 0; i < ld->nblobs; i++)
		free(ld->blobs[i].path);
	free(ld->blobs);
	for (size_t i = 0; i < ld->nimages; i++) {
		struct pending_image *im = &ld->images[i];

		free(im->config);
		for (size_t j = 0; j < im->nlayers; j++)
			free(im->layers[j].media_type);
		free(im->layers);
		for (size_t j = 0; j < im->nnames; j++)
			free(im->names[j]);
		free(im->names);
	}
	free(ld->images);
	if (ld->tmp && ct_rm_rf(ld->tmp, &e) < 0)
		ct_warn_err(&e);
	free(ld->tmp);
}

int img_cmd_load(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *input = NULL;
	struct loader ld = { .s = s };
	struct archive *in;
	struct ct_err e;
	char *tmpl, *p, *q;
	int c, quiet = 0, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "i:qv", opts, NULL)) != -1) {
		switch (c) {
		case 'i': input = optarg; break;
		case 'q': quiet = 1; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage(USAGE);
		}
	}
	if (optind != argc)
		ct_die_usage(USAGE);
	if (!input && isatty(0))
		ct_die("refusing to read an archive from a terminal; use -i FILE or redirect");
	ld.what = input ? input : "standard input";

	tmpl = ct_xasprintf("%s/tmp", s->root);
	if (ct_mkdir_p(tmpl, 0700, &e) < 0)
		ct_die_err(&e);
	free(tmpl);
	tmpl = ct_xasprintf("%s/tmp/load-XXXXXX", s->root);
	if (!mkdtemp(tmpl))
		ct_die("mkdtemp %s:", tmpl);
	ld.tmp = realpath(tmpl, NULL);
	free(tmpl);
	if (!ld.tmp)
		ct_die("realpath of the load directory:");

	in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	rc = input ? archive_read_open_filename(in, input, CHUNK) : archive_read_open_fd(in, 0, CHUNK);
	if (rc != ARCHIVE_OK) {
		rc = ct_err(&e, 0, "%s: not a tar archive: %s", ld.what, archive_error_string(in));
	} else {
		ct_say("unpack %s into %s", ld.what, ld.tmp);
		rc = unpack(&ld, in, &e);
	}
	archive_read_free(in);
	if (rc == 0) {
		char *layout = inside(&ld, "oci-layout");

		p = inside(&ld, "index.json");
		q = inside(&ld, "manifest.json");
		/* Docker 25+ writes both: the OCI layout is the richer one */
		if (p && (q == NULL || layout)) {
			ct_say("%s: an OCI image layout", ld.what);
			rc = load_oci(&ld, p, &e);
		} else if (q) {
			ct_say("%s: a docker save archive", ld.what);
			rc = load_docker(&ld, q, &e);
		} else {
			rc = ct_err(&e, 0, "%s: neither manifest.json (docker save) nor index.json "
				    "(OCI layout) in the archive", ld.what);
		}
		free(p);
		free(q);
		free(layout);
	}
	if (rc == 0)
		rc = store_all(&ld, quiet, &e);
	loader_free(&ld);
	if (rc < 0) {
		ct_warn_err(&e);
		return CT_EXIT_FAIL;
	}
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
