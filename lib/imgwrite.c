#include "imgwrite.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (128 * 1024)

/* ---------------------------------------------------------------- spool */

int ct_spool_open(struct ct_spool *sp, const char *root, struct ct_err *e)
{
	char *dir = ct_xasprintf("%s/tmp", root);

	memset(sp, 0, sizeof *sp);
	sp->fd = -1;
	if (ct_mkdir_p(dir, 0700, e) < 0) {
		free(dir);
		return -1;
	}
	sp->path = ct_xasprintf("%s/spool-XXXXXX", dir);
	free(dir);
	sp->fd = mkostemp(sp->path, O_CLOEXEC);
	if (sp->fd < 0) {
		ct_err(e, errno, "mkstemp %s", sp->path);
		free(sp->path);
		sp->path = NULL;
		return -1;
	}
	ct_sha256_init(&sp->h);
	return 0;
}

int ct_spool_write(struct ct_spool *sp, const void *buf, size_t len, struct ct_err *e)
{
	if (ct_write_all(sp->fd, buf, len) < 0)
		return ct_err(e, errno, "write %s", sp->path);
	ct_sha256_update(&sp->h, buf, len);
	sp->size += len;
	return 0;
}

void ct_spool_digest(const struct ct_spool *sp, struct ct_digest *d)
{
	struct ct_sha256 h = sp->h;

	ct_sha256_digest(&h, d);
}

void ct_spool_abort(struct ct_spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->path)
		unlink(sp->path);
	free(sp->path);
	sp->fd = -1;
	sp->path = NULL;
}

int ct_spool_commit(struct ct_spool *sp, const struct ct_store *s, struct ct_digest *d,
		    int64_t *size, struct ct_err *e)
{
	struct ct_blob_writer w;
	char *buf;
	ssize_t n;
	int rc;

	ct_spool_digest(sp, d);
	*size = (int64_t)sp->size;
	rc = ct_blob_begin(s, d, *size, &w, e);
	if (rc < 0)
		goto fail;
	if (rc == 1) {	/* already in the store */
		ct_spool_abort(sp);
		return 0;
	}
	if (w.have && ct_blob_restart(&w, e) < 0) {
		ct_blob_abort(&w);
		goto fail;
	}
	if (lseek(sp->fd, 0, SEEK_SET) < 0) {
		ct_err(e, errno, "lseek %s", sp->path);
		ct_blob_abort(&w);
		goto fail;
	}
	buf = ct_xmalloc(CHUNK);
	while ((n = ct_read_full(sp->fd, buf, CHUNK)) > 0) {
		if (ct_blob_write(&w, buf, (size_t)n, e) < 0) {
			free(buf);
			ct_blob_abort(&w);
			goto fail;
		}
	}
	free(buf);
	if (n < 0) {
		ct_err(e, errno, "read %s", sp->path);
		ct_blob_abort(&w);
		goto fail;
	}
	if (ct_blob_commit(&w, e) < 0)
		goto fail;
	ct_say("blob %s (%lld bytes) into the store", d->str, (long long)*size);
	ct_spool_abort(sp);
	return 0;
fail:
	ct_spool_abort(sp);
	return -1;
}

/* ---------------------------------------------------------------- layers */

static int deflate_out(struct ct_layer_out *lo, int flush)
{
	unsigned char out[CHUNK];
	int zr;

	do {
		lo->z.next_out = out;
		lo->z.avail_out = sizeof out;
		zr = deflate(&lo->z, flush);
		if (zr == Z_STREAM_ERROR)
			return ct_err(&lo->err, 0, "gzip: deflate failed");
		if (ct_spool_write(&lo->spool, out, sizeof out - lo->z.avail_out, &lo->err) < 0)
			return -1;
	} while (lo->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

static la_ssize_t layer_write_cb(struct archive *a, void *ctx, const void *buf, size_t len)
{
	struct ct_layer_out *lo = ctx;

	(void)a;
	ct_sha256_update(&lo->diff, buf, len);
	lo->z.next_in = (Bytef *)(uintptr_t)buf;
	lo->z.avail_in = (uInt)len;
	if (deflate_out(lo, Z_NO_FLUSH) < 0)
		return -1;
	return (la_ssize_t)len;
}

int ct_layer_out_open(struct ct_layer_out *lo, const char *root, struct ct_err *e)
{
	memset(lo, 0, sizeof *lo);
	lo->spool.fd = -1;
	if (ct_spool_open(&lo->spool, root, e) < 0)
		return -1;
	ct_sha256_init(&lo->diff);
	/* windowBits 15 + 16: a gzip wrapper, mtime 0, so output is reproducible */
	if (deflateInit2(&lo->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		ct_spool_abort(&lo->spool);
		return ct_err(e, 0, "gzip: deflateInit2 failed");
	}
	lo->z_ready = 1;
	lo->ar = archive_write_new();
	if (archive_write_set_format_pax_restricted(lo->ar) != ARCHIVE_OK ||
	    archive_write_open2(lo->ar, lo, NULL, layer_write_cb, NULL, NULL) != ARCHIVE_OK) {
		ct_err(e, 0, "libarchive: %s", archive_error_string(lo->ar));
		ct_layer_out_abort(lo);
		return -1;
	}
	return 0;
}

void ct_layer_out_abort(struct ct_layer_out *lo)
{
	if (lo->ar)
		archive_write_free(lo->ar);	/* may still call the write callback */
	lo->ar = NULL;
	if (lo->z_ready)
		deflateEnd(&lo->z);
	lo->z_ready = 0;
	ct_spool_abort(&lo->spool);
}

int ct_layer_out_close(struct ct_layer_out *lo, const struct ct_store *s,
		       struct ct_store_layer *out, struct ct_err *e)
{
	struct ct_sha256 h;

	memset(out, 0, sizeof *out);
	if (archive_write_close(lo->ar) != ARCHIVE_OK) {
		if (lo->err.msg[0])
			*e = lo->err;
		else
			ct_err(e, 0, "write layer: %s", archive_error_string(lo->ar));
		ct_layer_out_abort(lo);
		return -1;
	}
	archive_write_free(lo->ar);
	lo->ar = NULL;
	lo->z.next_in = NULL;
	lo->z.avail_in = 0;
	if (deflate_out(lo, Z_FINISH) < 0) {
		*e = lo->err;
		ct_layer_out_abort(lo);
		return -1;
	}
	deflateEnd(&lo->z);
	lo->z_ready = 0;
	h = lo->diff;
	ct_sha256_digest(&h, &out->diff_id);
	if (ct_spool_commit(&lo->spool, s, &out->digest, &out->size, e) < 0)
		return -1;
	out->media_type = ct_xstrdup(CT_MT_OCI_LAYER_GZIP);
	ct_say("layer %s diff_id %s", out->digest.str, out->diff_id.str);
	return 0;
}

/* "./a/b" and "/a/b" → "a/b"; "." and "/" → "" */
static const char *relative(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '.' && p[1] == '\0')
			p++;
		else
			return p;
	}
}

/* 1 when a ".." component would lead the name out of the root. */
static int escapes(const char *p)
{
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

static int write_fail(struct ct_layer_out *lo, const char *what, struct ct_err *e)
{
	if (lo->err.msg[0]) {
		*e = lo->err;
		return -1;
	}
	return ct_err(e, 0, "%s: write layer: %s", what, archive_error_string(lo->ar));
}

static int copy_data(struct ct_layer_out *lo, struct archive *in, const char *what,
		     const char *name, struct ct_err *e)
{
	char *buf = ct_xmalloc(CHUNK);
	la_ssize_t n;

	while ((n = archive_read_data(in, buf, CHUNK)) > 0) {
		if (archive_write_data(lo->ar, buf, (size_t)n) != n) {
			free(buf);
			return write_fail(lo, what, e);
		}
	}
	free(buf);
	if (n < 0)
		return ct_err(e, 0, "%s: read %s: %s", what, name, archive_error_string(in));
	return 0;
}

int ct_layer_copy_tar(struct ct_layer_out *lo, struct archive *in, const char *what,
		      struct ct_err *e)
{
	struct archive_entry *ent;
	int r, count = 0;

	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(ent);
		const char *link = archive_entry_hardlink(ent);
		char *rel;

		if (!name)
			return ct_err(e, 0, "%s: an entry without a name", what);
		if (escapes(name) || (link && escapes(link)))
			return ct_err(e, 0, "%s: entry \"%s\"%s%s leads out of the root with \"..\"",
				      what, name, link ? " linked to " : "", link ? link : "");
		rel = ct_xstrdup(relative(name));
		if (!*rel) {
			free(rel);
			continue;
		}
		archive_entry_set_pathname(ent, rel);
		if (link) {
			char *lrel = ct_xstrdup(relative(link));

			archive_entry_set_hardlink(ent, lrel);
			free(lrel);
		}
		ct_say2("layer entry %s", rel);
		if (archive_write_header(lo->ar, ent) < ARCHIVE_WARN) {
			free(rel);
			return write_fail(lo, what, e);
		}
		if (archive_entry_size(ent) > 0 && copy_data(lo, in, what, rel, e) < 0) {
			free(rel);
			return -1;
		}
		free(rel);
		count++;
	}
	if (r != ARCHIVE_EOF)
		return ct_err(e, 0, "%s: not a valid tar archive: %s", what, archive_error_string(in));
	if (count == 0)
		ct_say("%s: an empty archive", what);
	return 0;
}

int ct_layer_copy_dir(struct ct_layer_out *lo, const char *dir, struct ct_err *e)
{
	struct archive *disk = archive_read_disk_new();
	struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
	struct archive_entry *ent = archive_entry_new(), *sparse = NULL;
	size_t dl = strlen(dir);
	int r, rc = -1;

	archive_entry_linkresolver_set_strategy(lr, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	archive_read_disk_set_standard_lookup(disk);
	archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS |
				       ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS);
	if (archive_read_disk_open(disk, dir) != ARCHIVE_OK) {
		ct_err(e, 0, "open %s: %s", dir, archive_error_string(disk));
		goto out;
	}
	while ((r = archive_read_next_header2(disk, ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *p = archive_entry_pathname(ent);
		struct archive_entry *w;
		char *rel;

		archive_read_disk_descend(disk);
		if (strncmp(p, dir, dl) != 0)
			continue;
		rel = ct_xstrdup(relative(p + dl));
		if (!*rel) {
			free(rel);
			continue;
		}
		archive_entry_set_pathname(ent, rel);
		w = ent;
		archive_entry_linkify(lr, &w, &sparse);
		if (w) {
			/* a hard link names the relative path set above */
			ct_say2("layer entry %s", rel);
			if (archive_write_header(lo->ar, w) < ARCHIVE_WARN) {
				free(rel);
				rc = write_fail(lo, dir, e);
				goto out;
			}
			if (archive_entry_size(w) > 0 && copy_data(lo, disk, dir, rel, e) < 0) {
				free(rel);
				goto out;
			}
		}
		free(rel);
	}
	if (r != ARCHIVE_EOF) {
		ct_err(e, 0, "read %s: %s", dir, archive_error_string(disk));
		goto out;
	}
	rc = 0;
out:
	archive_entry_free(ent);
	archive_entry_linkresolver_free(lr);
	archive_read_free(disk);
	return rc;
}

/* ---------------------------------------------------------------- image */

int ct_image_write(const struct ct_store *s, const char *config, size_t config_len,
		   const struct ct_store_layer *layers, size_t n,
		   const char *const *names, size_t nnames,
		   struct ct_digest *manifest, struct ct_err *e)
{
	struct ct_digest cd;
	json_t *m, *ls;
	char *man;
	int rc;

	if (ct_store_put_blob(s, config, config_len, &cd, e) < 0)
		return -1;
	ls = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ls, json_pack("{s:s, s:s, s:I}",
			"mediaType", layers[i].media_type, "digest", layers[i].digest.str,
			"size", (json_int_t)layers[i].size));
	m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2,
		      "mediaType", CT_MT_OCI_MANIFEST,
		      "config", "mediaType", CT_MT_OCI_CONFIG, "digest", cd.str,
		      "size", (json_int_t)config_len, "layers", ls);
	man = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(m);
	rc = ct_store_put_blob(s, man, strlen(man), manifest, e);
	for (size_t i = 0; rc == 0 && i < nnames; i++)
		rc = ct_store_tag(s, names[i], CT_MT_OCI_MANIFEST, manifest, (int64_t)strlen(man), e);
	if (rc == 0 && nnames == 0)
		rc = ct_store_tag(s, NULL, CT_MT_OCI_MANIFEST, manifest, (int64_t)strlen(man), e);
	free(man);
	return rc;
}
