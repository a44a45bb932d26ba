/* Unit tests for lib/imgwrite: spools, layers written through libarchive
 * (diff_id of the tar, digest of the gzip), images written and loaded back. */
#include "buf.h"
#include "digest.h"
#include "err.h"
#include "file.h"
#include "imgwrite.h"
#include "json.h"
#include "store.h"
#include "tap.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static void add_file(struct archive *ar, const char *name, const char *text)
{
	struct archive_entry *en = archive_entry_new();

	archive_entry_set_pathname(en, name);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_size(en, (la_int64_t)strlen(text));
	archive_entry_set_mtime(en, 0, 0);
	archive_write_header(ar, en);
	archive_write_data(ar, text, strlen(text));
	archive_entry_free(en);
}

/* gunzip the blob at path and hash it; the uncompressed length in *len. */
static int gunzip_digest(const char *path, struct ct_digest *d, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	struct ct_sha256 h;
	char buf[4096];
	int n;

	if (!gz)
		return -1;
	ct_sha256_init(&h);
	*len = 0;
	while ((n = gzread(gz, buf, sizeof buf)) > 0) {
		ct_sha256_update(&h, buf, (size_t)n);
		*len += (size_t)n;
	}
	gzclose(gz);
	ct_sha256_digest(&h, d);
	return n < 0 ? -1 : 0;
}

int main(void)
{
	char tmpl[] = "/tmp/ct-unit-imgwrite.XXXXXX";
	struct ct_store s;
	struct ct_err e = { 0 };
	struct ct_spool sp;
	struct ct_digest d, want, un, m, m2;
	struct ct_layer_out lo;
	struct ct_store_layer layer, again;
	struct ct_image img;
	int64_t size;
	size_t len = 0;
	char *path, *cfg;
	const char *names[] = { "docker.io/library/unit:1", "docker.io/library/unit:2" };
	json_t *index;

	if (!mkdtemp(tmpl) || ct_store_open(&s, tmpl, 1, &e) < 0) {
		diag("set up: %s", e.msg);
		return 1;
	}

	/* spool: content of unknown digest into the store */
	ok(ct_spool_open(&sp, tmpl, &e) == 0, "spool opens under ROOT/tmp");
	ct_spool_write(&sp, "hello ", 6, &e);
	ct_spool_write(&sp, "world", 5, &e);
	ct_digest_buf("hello world", 11, &want);
	ok(ct_spool_commit(&sp, &s, &d, &size, &e) == 0, "spool commits: %s", e.msg);
	is_str(d.str, want.str, "spool digest is the content's");
	is_int(size, 11, "spool size");
	ok(ct_store_has_blob(&s, &want), "the blob is in the store");
	ok(ct_spool_open(&sp, tmpl, &e) == 0 && ct_spool_write(&sp, "hello world", 11, &e) == 0 &&
	   ct_spool_commit(&sp, &s, &d, &size, &e) == 0 && ct_digest_equal(&d, &want),
	   "committing present content again is fine");
	ok(ct_spool_open(&sp, tmpl, &e) == 0, "spool for abort");
	path = ct_xstrdup(sp.path);
	ct_spool_abort(&sp);
	ok(!ct_exists(path), "abort removes the temporary file");
	free(path);

	/* a layer */
	ok(ct_layer_out_open(&lo, tmpl, &e) == 0, "layer writer opens");
	add_file(lo.ar, "etc/greeting", "hello\n");
	add_file(lo.ar, "bin/x", "#!/bin/sh\n");
	ok(ct_layer_out_close(&lo, &s, &layer, &e) == 0, "layer closes: %s", e.msg);
	is_str(layer.media_type, CT_MT_OCI_LAYER_GZIP, "layer media type is tar+gzip");
	path = ct_store_blob_path(&s, &layer.digest);
	ok(ct_digest_verify_file(path, &layer.digest, &e) == 0, "blob hashes to the layer digest");
	ok(gunzip_digest(path, &un, &len) == 0, "blob is gzip");
	is_str(un.str, layer.diff_id.str, "diff_id is the sha256 of the uncompressed tar");
	ok(len % 512 == 0 && len >= 3 * 512, "uncompressed is a tar (%zu bytes)", len);
	free(path);

	ok(ct_layer_out_open(&lo, tmpl, &e) == 0, "second identical layer");
	add_file(lo.ar, "etc/greeting", "hello\n");
	add_file(lo.ar, "bin/x", "#!/bin/sh\n");
	ok(ct_layer_out_close(&lo, &s, &again, &e) == 0 &&
	   ct_digest_equal(&again.digest, &layer.digest) &&
	   ct_digest_equal(&again.diff_id, &layer.diff_id), "the same entries give the same digests");
	free(again.media_type);

	ok(ct_layer_out_open(&lo, tmpl, &e) == 0, "layer for abort");
	add_file(lo.ar, "x", "y");
	ct_layer_out_abort(&lo);
	path = ct_xasprintf("%s/tmp", tmpl);
	ok(rmdir(path) == 0, "aborted and committed writers leave ROOT/tmp empty");
	free(path);

	/* an image over it */
	cfg = ct_xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
			   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", layer.diff_id.str);
	ok(ct_image_write(&s, cfg, strlen(cfg), &layer, 1, names, 2, &m, &e) == 0,
	   "image writes: %s", e.msg);
	ok(ct_image_load(&s, "unit:2", "linux/amd64", &img, &e) == 0, "image loads by its second tag");
	is_str(img.manifest_digest.str, m.str, "manifest digest");
	ct_digest_buf(cfg, strlen(cfg), &d);
	is_str(img.config_digest.str, d.str, "the config is stored byte for byte (image id)");
	ok(img.nlayers == 1 && ct_digest_equal(&img.layers[0].diff_id, &layer.diff_id),
	   "the layer and its diff_id");
	ct_image_free(&img);
	ok(ct_image_write(&s, cfg, strlen(cfg), &layer, 1, NULL, 0, &m2, &e) == 0 &&
	   ct_digest_equal(&m, &m2), "untagged write of the same image: same manifest");
	index = ct_store_index(&s, &e);
	is_int((long long)json_array_size(json_object_get(index, "manifests")), 3,
	       "index: two tags and one untagged entry");
	json_decref(index);
	free(cfg);
	free(layer.media_type);

	ct_rm_rf(tmpl, &e);
	ct_store_close(&s);
	return tap_done();
}
