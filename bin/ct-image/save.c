/* ct-image save: images out of the store as one tar archive, in the format
 * of `docker save` (manifest.json, repositories, <config>.json,
 * <diff-id>/layer.tar uncompressed) or as a tar of an OCI image layout. */
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

#define USAGE "usage: ct-image save [-o FILE] [--format docker|oci] IMAGE..."
#define CHUNK (128 * 1024)

struct saver {
	const struct ct_store *s;
	struct archive *ar;
	char **written;         /* entry names already in the archive */
	size_t nwritten;
};

static int written(struct saver *sv, const char *name)
{
	for (size_t i = 0; i < sv->nwritten; i++)
		if (!strcmp(sv->written[i], name))
			return 1;
	sv->written = ct_xrealloc(sv->written, (sv->nwritten + 1) * sizeof *sv->written);
	sv->written[sv->nwritten++] = ct_xstrdup(name);
	return 0;
}

static struct archive_entry *entry(const char *name, mode_t type, mode_t perm, int64_t size)
{
	struct archive_entry *en = archive_entry_new();

	archive_entry_set_pathname(en, name);
	archive_entry_set_filetype(en, type);
	archive_entry_set_perm(en, perm);
	archive_entry_set_size(en, size);
	archive_entry_set_mtime(en, 0, 0);	/* the same bytes on every save */
	return en;
}

static int put_header(struct saver *sv, struct archive_entry *en, struct ct_err *e)
{
	int r = archive_write_header(sv->ar, en);

	if (r < ARCHIVE_WARN)
		ct_err(e, 0, "write %s: %s", archive_entry_pathname(en),
		       archive_error_string(sv->ar));
	archive_entry_free(en);
	return r < ARCHIVE_WARN ? -1 : 0;
}

static int add_dir(struct saver *sv, const char *name, struct ct_err *e)
{
	if (written(sv, name))
		return 0;
	return put_header(sv, entry(name, AE_IFDIR, 0755, 0), e);
}

static int add_mem(struct saver *sv, const char *name, const void *data, size_t len,
		   struct ct_err *e)
{
	if (written(sv, name))
		return 0;
	if (put_header(sv, entry(name, AE_IFREG, 0644, (int64_t)len), e) < 0)
		return -1;
	if (len && archive_write_data(sv->ar, data, len) != (la_ssize_t)len)
		return ct_err(e, 0, "write %s: %s", name, archive_error_string(sv->ar));
	return 0;
}

/* The file at fd (size bytes, from its start) as entry name. */
static int add_fd(struct saver *sv, const char *name, int fd, int64_t size, struct ct_err *e)
{
	char *buf;
	ssize_t n;
	int64_t left = size;

	if (put_header(sv, entry(name, AE_IFREG, 0644, size), e) < 0)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return ct_err(e, errno, "lseek for %s", name);
	buf = ct_xmalloc(CHUNK);
	while (left > 0 && (n = ct_read_full(fd, buf, left < CHUNK ? (size_t)left : CHUNK)) > 0) {
		if (archive_write_data(sv->ar, buf, (size_t)n) != n) {
			free(buf);
			return ct_err(e, 0, "write %s: %s", name, archive_error_string(sv->ar));
		}
		left -= n;
	}
	free(buf);
	if (left != 0)
		return ct_err(e, errno, "read for %s: short by %lld bytes", name, (long long)left);
	return 0;
}

static int add_blob(struct saver *sv, const char *name, const struct ct_digest *d,
		    struct ct_err *e)
{
	char *path;
	struct stat st;
	int fd, rc;

	if (written(sv, name))
		return 0;
	path = ct_store_blob_path(sv->s, d);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = ct_err(e, errno, "open %s", path);
		if (fd >= 0)
			close(fd);
		free(path);
		return rc;
	}
	free(path);
	rc = add_fd(sv, name, fd, st.st_size, e);
	close(fd);
	return rc;
}

/* Uncompress the layer blob into a spool, checking it against its diff_id. */
static int unpack_layer(struct saver *sv, const struct ct_store_layer *l, struct ct_spool *sp,
			struct ct_err *e)
{
	struct archive *in = archive_read_new();
	struct archive_entry *en;
	char *path = ct_store_blob_path(sv->s, &l->digest), *buf;
	struct ct_digest got;
	la_ssize_t n;
	int rc = -1;

	archive_read_support_filter_all(in);
	archive_read_support_format_raw(in);
	if (ct_spool_open(sp, sv->s->root, e) < 0)
		goto out;
	if (archive_read_open_filename(in, path, CHUNK) != ARCHIVE_OK ||
	    archive_read_next_header(in, &en) != ARCHIVE_OK) {
		ct_err(e, 0, "read layer %s: %s", path, archive_error_string(in));
		goto out;
	}
	buf = ct_xmalloc(CHUNK);
	while ((n = archive_read_data(in, buf, CHUNK)) > 0)
		if (ct_spool_write(sp, buf, (size_t)n, e) < 0)
			break;
	free(buf);
	if (n < 0) {
		ct_err(e, 0, "uncompress layer %s: %s", path, archive_error_string(in));
		goto out;
	}
	if (n > 0)
		goto out;
	ct_spool_digest(sp, &got);
	if (!ct_digest_equal(&got, &l->diff_id)) {
		ct_err(e, 0, "layer %s: uncompressed content is %s, but the config says %s",
		       l->digest.str, got.str, l->diff_id.str);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		ct_spool_abort(sp);
	archive_read_free(in);
	free(path);
	return rc;
}

/* Names to record for what: the tag it names, or every tag of its image. */
static void tags_for(const struct img_index *ix, const char *what, const struct ct_digest *top,
		     const char ***names, size_t *n)
{
	const struct img_entry *t = img_index_find_tag(ix, what);

	*names = ct_xcalloc(ix->n + 1, sizeof **names);
	*n = 0;
	if (t) {
		(*names)[(*n)++] = t->name;
		return;
	}
	for (size_t i = 0; i < ix->n; i++)
		if (ix->v[i].name && ct_digest_equal(&ix->v[i].digest, top))
			(*names)[(*n)++] = ix->v[i].name;
}

static int save_docker_one(struct saver *sv, const struct img_index *ix, const char *what,
			   json_t *manifest, json_t *repos, struct ct_err *e)
{
	struct ct_image img;
	const char **names;
	size_t nnames;
	char *cfg = NULL, *cfgname = NULL;
	size_t cfglen;
	json_t *layers = json_array(), *tags = json_array();
	int rc = -1;

	if (ct_image_load(sv->s, what, NULL, &img, e) < 0) {
		json_decref(layers);
		json_decref(tags);
		return -1;
	}
	tags_for(ix, what, &img.top_digest, &names, &nnames);
	if (ct_store_read_blob(sv->s, &img.config_digest, CT_MANIFEST_MAX, &cfg, &cfglen, e) < 0)
		goto out;
	cfgname = ct_xasprintf("%s.json", ct_digest_encoded(&img.config_digest));
	if (add_mem(sv, cfgname, cfg, cfglen, e) < 0)
		goto out;
	for (size_t i = 0; i < img.nlayers; i++) {
		const struct ct_store_layer *l = &img.layers[i];
		const char *hex = ct_digest_encoded(&l->diff_id);
		char *dir = ct_xasprintf("%s/", hex), *tar = ct_xasprintf("%s/layer.tar", hex);
		struct ct_spool sp;
		int r = 0;

		json_array_append_new(layers, json_string(tar));
		if (!written(sv, tar)) {
			ct_say("layer %s: uncompress for %s", l->digest.str, tar);
			r = add_dir(sv, dir, e);
			if (r == 0 && (r = unpack_layer(sv, l, &sp, e)) == 0) {
				r = add_fd(sv, tar, sp.fd, (int64_t)sp.size, e);
				ct_spool_abort(&sp);
			}
			if (r == 0) {
				char *ver = ct_xasprintf("%s/VERSION", hex);

				r = add_mem(sv, ver, "1.0", 3, e);
				free(ver);
			}
		}
		free(dir);
		free(tar);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < nnames; i++) {
		char repo[CT_REF_STR_MAX], tag[CT_REF_TAG_MAX + 8], fam[CT_REF_STR_MAX];
		json_t *r;

		img_familiar(names[i], fam, sizeof fam);
		json_array_append_new(tags, json_string(fam));
		img_split_name(names[i], repo, sizeof repo, tag, sizeof tag);
		r = json_object_get(repos, repo);
		if (!r) {
			r = json_object();
			json_object_set_new(repos, repo, r);
		}
		if (img.nlayers)
			json_object_set_new(r, tag, json_string(
				ct_digest_encoded(&img.layers[img.nlayers - 1].diff_id)));
	}
	json_array_append_new(manifest, json_pack("{s:s, s:o, s:o}", "Config", cfgname,
						  "RepoTags", nnames ? tags : json_null(),
						  "Layers", layers));
	if (!nnames)
		json_decref(tags);
	tags = layers = NULL;
	rc = 0;
out:
	json_decref(layers);
	json_decref(tags);
	free(cfg);
	free(cfgname);
	free(names);
	ct_image_free(&img);
	return rc;
}

static int save_oci_one(struct saver *sv, const struct img_index *ix, const char *what,
			json_t *index, struct ct_err *e)
{
	struct ct_digest top, *content = NULL;
	const struct img_entry *en;
	const char **names;
	size_t nnames, ncontent = 0;
	char mt[128];
	int rc = 0;

	if (ct_store_resolve(sv->s, what, &top, mt, sizeof mt, e) < 0)
		return -1;
	en = img_index_find(ix, &top);
	img_collect(sv->s, &top, &content, &ncontent);
	for (size_t i = 0; rc == 0 && i < ncontent; i++) {
		char *name;

		if (!ct_store_has_blob(sv->s, &content[i]))
			continue;	/* a diff id, not a blob */
		name = ct_xasprintf("blobs/sha256/%s", ct_digest_encoded(&content[i]));
		rc = add_blob(sv, name, &content[i], e);
		free(name);
	}
	free(content);
	if (rc < 0)
		return -1;
	tags_for(ix, what, &top, &names, &nnames);
	for (size_t i = 0; i < (nnames ? nnames : 1); i++) {
		json_t *desc = json_pack("{s:s, s:s, s:I}", "mediaType", mt, "digest", top.str,
					 "size", (json_int_t)(en ? en->size : 0));

		if (nnames)
			json_object_set_new(desc, "annotations", json_pack("{s:s, s:s}",
				CT_ANNOT_REF_NAME, names[i], "io.containerd.image.name", names[i]));
		json_array_append_new(index, desc);
	}
	free(names);
	return 0;
}

int img_cmd_save(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *format = "docker";
	struct saver sv = { .s = s };
	struct img_index ix;
	struct ct_err e;
	char tmp[PATH_MAX];
	json_t *doc, *repos = NULL;
	char *text;
	int c, fd = 1, rc = 0, oci;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:v", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'F': format = optarg; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage(USAGE);
		}
	}
	if (optind >= argc)
		ct_die_usage(USAGE);
	if (strcmp(format, "docker") && strcmp(format, "oci") && strcmp(format, "docker-archive") &&
	    strcmp(format, "oci-archive"))
		ct_die_usage("--format %s: want docker or oci", format);
	oci = !strncmp(format, "oci", 3);
	if (!output && isatty(1))
		ct_die("refusing to write an archive to a terminal; use -o FILE or redirect");
	if (img_index_read(s, &ix, &e) < 0)
		ct_die_err(&e);
	if (output) {
		fd = ct_atomic_open(output, 0644, tmp, sizeof tmp, &e);
		if (fd < 0)
			ct_die_err(&e);
	}
	sv.ar = archive_write_new();
	archive_write_set_format_pax_restricted(sv.ar);
	/* no padding to 10 KiB: the same bytes to a file, a pipe or a disk */
	archive_write_set_bytes_per_block(sv.ar, CHUNK);
	archive_write_set_bytes_in_last_block(sv.ar, 1);
	if (archive_write_open_fd(sv.ar, fd) != ARCHIVE_OK)
		ct_die("write archive: %s", archive_error_string(sv.ar));

	doc = json_array();
	if (!oci)
		repos = json_object();
	else if (add_mem(&sv, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30, &e) < 0 ||
		 add_dir(&sv, "blobs/", &e) < 0 || add_dir(&sv, "blobs/sha256/", &e) < 0)
		rc = -1;
	for (int i = optind; rc == 0 && i < argc; i++) {
		ct_say("save %s (%s)", argv[i], oci ? "OCI layout" : "docker save format");
		rc = oci ? save_oci_one(&sv, &ix, argv[i], doc, &e)
			 : save_docker_one(&sv, &ix, argv[i], doc, repos, &e);
	}
	if (rc == 0 && oci) {
		json_t *index = json_pack("{s:i, s:s, s:O}", "schemaVersion", 2,
					  "mediaType", CT_MT_OCI_INDEX, "manifests", doc);

		text = json_dumps(index, JSON_COMPACT);
		rc = add_mem(&sv, "index.json", text, strlen(text), &e);
		free(text);
		json_decref(index);
	} else if (rc == 0) {
		text = json_dumps(doc, JSON_COMPACT);
		rc = add_mem(&sv, "manifest.json", text, strlen(text), &e);
		free(text);
		text = json_dumps(repos, JSON_COMPACT | JSON_SORT_KEYS);
		if (rc == 0 && json_object_size(repos))
			rc = add_mem(&sv, "repositories", text, strlen(text), &e);
		free(text);
	}
	json_decref(doc);
	json_decref(repos);
	if (rc == 0 && archive_write_close(sv.ar) != ARCHIVE_OK)
		rc = ct_err(&e, 0, "write archive: %s", archive_error_string(sv.ar));
	archive_write_free(sv.ar);
	for (size_t i = 0; i < sv.nwritten; i++)
		free(sv.written[i]);
	free(sv.written);
	img_index_free(&ix);
	if (output) {
		/* all or nothing by rename, but no fsync: an export, not store
		 * state (docker save does not sync either), and syncing tens of
		 * megabytes costs more than writing them */
		if (rc == 0 && close(fd) < 0) {
			rc = ct_err(&e, errno, "close %s", tmp);
			unlink(tmp);
		} else if (rc == 0 && rename(tmp, output) < 0) {
			rc = ct_err(&e, errno, "rename %s to %s", tmp, output);
			unlink(tmp);
		} else if (rc < 0) {
			ct_atomic_abort(fd, tmp);
		}
	}
	if (rc < 0)
		ct_die_err(&e);
	return 0;
}
