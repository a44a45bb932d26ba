/* store: blobs, the resumable verified writer, tags, resolve, image loading. */
#include "buf.h"
#include "digest.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "store.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ct_digest put_json(struct ct_store *s, json_t *j)
{
	struct ct_digest d;
	struct ct_err e;
	char *text = json_dumps(j, JSON_COMPACT);

	if (ct_store_put_blob(s, text, strlen(text), &d, &e) < 0)
		diag("put_blob: %s", e.msg);
	free(text);
	json_decref(j);
	return d;
}

static size_t blob_size(struct ct_store *s, const struct ct_digest *d)
{
	char *p = ct_store_blob_path(s, d);
	struct stat st;

	st.st_size = 0;
	stat(p, &st);
	free(p);
	return (size_t)st.st_size;
}

/* A one-layer image: returns the manifest digest; *cfg gets the config's. */
static struct ct_digest make_image(struct ct_store *s, const char *arch, const char *layer_text,
				   struct ct_digest *cfg)
{
	struct ct_digest layer, diff;
	json_t *config, *manifest;

	ct_store_put_blob(s, layer_text, strlen(layer_text), &layer, NULL);
	diff = layer;   /* an uncompressed layer: diff id = digest */
	config = json_pack("{s:s, s:s, s:{s:[s]}, s:{s:s, s:[s]}}", "architecture", arch,
			   "os", "linux", "config", "Cmd", "sh", "rootfs", "type", "layers",
			   "diff_ids", diff.str);
	*cfg = put_json(s, config);
	manifest = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}]}",
			     "schemaVersion", 2, "mediaType", CT_MT_OCI_MANIFEST,
			     "config", "mediaType", CT_MT_OCI_CONFIG, "digest", cfg->str,
			     "size", (json_int_t)blob_size(s, cfg),
			     "layers", "mediaType", CT_MT_OCI_LAYER, "digest", layer.str,
			     "size", (json_int_t)strlen(layer_text));
	return put_json(s, manifest);
}

int main(void)
{
	char dir[] = "/tmp/ct-unit-store.XXXXXX";
	struct ct_store s;
	struct ct_err e;
	struct ct_digest d, d2, want, cfg_amd, cfg_arm, m_amd, m_arm, idx_d;
	struct ct_blob_writer w;
	struct ct_image img;
	char mt[128], *data, *p;
	size_t len;
	json_t *idx;
	const char *content = "hello, blob store";

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}

	ok(ct_store_open(&s, dir, 0, &e) < 0, "opening a missing store without create fails");
	ok(strstr(e.msg, "no image store") && strstr(e.msg, "pull or import"), "and says what to do: %s", e.msg);
	ok(ct_store_open(&s, dir, 1, &e) == 0, "create the store");
	p = ct_xasprintf("%s/images/oci-layout", dir);
	ok(ct_exists(p), "oci-layout written");
	free(p);
	idx = ct_store_index(&s, &e);
	ok(idx && json_array_size(json_object_get(idx, "manifests")) == 0, "empty index");
	json_decref(idx);

	/* whole blobs */
	ok(ct_store_put_blob(&s, content, strlen(content), &d, &e) == 0, "put a blob");
	ok(ct_store_has_blob(&s, &d), "it is there");
	ok(ct_store_read_blob(&s, &d, 1024, &data, &len, &e) == 0 && len == strlen(content) &&
	   memcmp(data, content, len) == 0, "read it back");
	free(data);
	ok(ct_store_read_blob(&s, &d, 4, &data, &len, &e) < 0, "a size limit is enforced");
	p = ct_store_blob_path(&s, &d);
	{
		FILE *f = fopen(p, "w");

		fputs("tampered", f);
		fclose(f);
	}
	ok(ct_store_read_blob(&s, &d, 1024, &data, &len, &e) < 0 && strstr(e.msg, "mismatch"),
	   "a tampered blob is refused: %s", e.msg);
	unlink(p);
	free(p);

	/* streamed writer, with resume */
	ct_digest_buf(content, strlen(content), &want);
	is_int(ct_blob_begin(&s, &want, (int64_t)strlen(content), &w, &e), 0, "begin a blob");
	ok(ct_blob_write(&w, content, 5, &e) == 0, "write part of it");
	ct_blob_suspend(&w);
	ok(!ct_store_has_blob(&s, &want), "a suspended blob is not visible");
	is_int(ct_blob_begin(&s, &want, (int64_t)strlen(content), &w, &e), 0, "begin again");
	is_int((long long)w.have, 5, "resumes after the 5 bytes written before");
	ok(ct_blob_write(&w, content + 5, strlen(content) - 5, &e) == 0, "write the rest");
	ok(ct_blob_commit(&w, &e) == 0, "commit: %s", e.msg);
	ok(ct_store_has_blob(&s, &want), "now visible");
	is_int(ct_blob_begin(&s, &want, -1, &w, &e), 1, "a present blob needs no writing");

	ct_digest_buf("other", 5, &d2);
	is_int(ct_blob_begin(&s, &d2, 5, &w, &e), 0, "begin a blob that will be corrupt");
	ok(ct_blob_write(&w, "0ther", 5, &e) == 0, "write wrong bytes");
	ok(ct_blob_commit(&w, &e) < 0 && strstr(e.msg, "digest mismatch"),
	   "commit refuses them: %s", e.msg);
	ok(!ct_store_has_blob(&s, &d2), "nothing stored under that digest");
	p = ct_xasprintf("%s/images/blobs/sha256/.%s.partial", dir, ct_digest_encoded(&d2));
	ok(!ct_exists(p), "and the partial file is gone");
	free(p);
	is_int(ct_blob_begin(&s, &d2, 3, &w, &e), 0, "begin with a size");
	ok(ct_blob_write(&w, "other", 5, &e) < 0 && strstr(e.msg, "more data"),
	   "more bytes than the size are refused");
	ct_blob_abort(&w);

	/* images, tags and resolving */
	m_amd = make_image(&s, "amd64", "layer-amd64", &cfg_amd);
	m_arm = make_image(&s, "arm64", "layer-arm64", &cfg_arm);
	idx_d = put_json(&s, json_pack("{s:i, s:s, s:[{s:s, s:s, s:I, s:{s:s, s:s}},"
				       "{s:s, s:s, s:I, s:{s:s, s:s}}]}",
				       "schemaVersion", 2, "mediaType", CT_MT_OCI_INDEX, "manifests",
				       "mediaType", CT_MT_OCI_MANIFEST, "digest", m_arm.str,
				       "size", (json_int_t)blob_size(&s, &m_arm), "platform",
				       "os", "linux", "architecture", "arm64",
				       "mediaType", CT_MT_OCI_MANIFEST, "digest", m_amd.str,
				       "size", (json_int_t)blob_size(&s, &m_amd), "platform",
				       "os", "linux", "architecture", "amd64"));
	ok(ct_store_tag(&s, "docker.io/library/multi:latest", CT_MT_OCI_INDEX, &idx_d,
			(int64_t)blob_size(&s, &idx_d), &e) == 0, "tag an index");
	ok(ct_store_tag(&s, "localhost:5000/single:1", CT_MT_OCI_MANIFEST, &m_amd,
			(int64_t)blob_size(&s, &m_amd), &e) == 0, "tag a manifest");
	ok(ct_store_tag(&s, "localhost:5000/single:1", CT_MT_OCI_MANIFEST, &m_amd,
			(int64_t)blob_size(&s, &m_amd), &e) == 0, "tag it again");
	idx = ct_store_index(&s, &e);
	is_int((long long)json_array_size(json_object_get(idx, "manifests")), 2,
	       "retagging replaces the entry");
	json_decref(idx);

	ok(ct_store_resolve(&s, "multi", &d, mt, sizeof mt, &e) == 0 &&
	   ct_digest_equal(&d, &idx_d), "familiar name resolves");
	is_str(mt, CT_MT_OCI_INDEX, "with its media type");
	ok(ct_store_resolve(&s, "docker.io/library/multi:latest", &d, NULL, 0, &e) == 0,
	   "full name resolves");
	ok(ct_store_resolve(&s, "localhost:5000/single:1", &d, NULL, 0, &e) == 0 &&
	   ct_digest_equal(&d, &m_amd), "registry name resolves");
	ok(ct_store_resolve(&s, m_amd.str, &d, NULL, 0, &e) == 0, "full digest resolves");
	{
		char pre[16];

		snprintf(pre, sizeof pre, "%.12s", ct_digest_encoded(&cfg_amd));
		ok(ct_store_resolve(&s, pre, &d, NULL, 0, &e) == 0, "short image id resolves: %s",
		   e.msg);
	}
	ok(ct_store_resolve(&s, "nosuch", &d, NULL, 0, &e) < 0 &&
	   strstr(e.msg, "\"nosuch\" not found") && strstr(e.msg, "ct-pull nosuch"),
	   "unknown image: %s", e.msg);
	ok(ct_store_resolve(&s, "Bad..Name", &d, NULL, 0, &e) < 0 &&
	   strstr(e.msg, "invalid reference"), "invalid reference: %s", e.msg);

	ok(ct_image_load(&s, "multi", "linux/amd64", &img, &e) == 0, "load the index for amd64");
	ok(ct_digest_equal(&img.manifest_digest, &m_amd) && ct_digest_equal(&img.top_digest, &idx_d),
	   "the amd64 manifest was chosen");
	ok(ct_digest_equal(&img.config_digest, &cfg_amd), "its config");
	is_int((long long)img.nlayers, 1, "one layer");
	is_str(img.layers[0].media_type, CT_MT_OCI_LAYER, "layer media type");
	is_str(ct_json_str(json_object_get(img.config, "config"), "Cmd") ? "str" : "array",
	       "array", "config document loaded");
	ct_image_free(&img);
	ok(ct_image_load(&s, "multi", "linux/arm64/v8", &img, &e) == 0 &&
	   ct_digest_equal(&img.config_digest, &cfg_arm), "arm64/v8 matches an arm64 entry");
	ct_image_free(&img);
	ok(ct_image_load(&s, "multi", "linux/s390x", &img, &e) < 0 &&
	   strstr(e.msg, "linux/arm64") && strstr(e.msg, "linux/amd64"),
	   "missing platform lists those there: %s", e.msg);
	ok(ct_image_load(&s, "multi", "linux", &img, &e) < 0 && strstr(e.msg, "os/arch"),
	   "malformed platform: %s", e.msg);

	ok(ct_store_untag(&s, "localhost:5000/single:1", &e) == 0, "untag");
	ok(ct_store_untag(&s, "localhost:5000/single:1", &e) < 0 && strstr(e.msg, "no such"),
	   "untag twice: %s", e.msg);
	ok(ct_store_tag(&s, NULL, CT_MT_OCI_MANIFEST, &m_arm, 1, &e) == 0, "an untagged entry");
	ok(ct_store_tag(&s, NULL, CT_MT_OCI_MANIFEST, &m_arm, 1, &e) == 0, "the same again");
	idx = ct_store_index(&s, &e);
	is_int((long long)json_array_size(json_object_get(idx, "manifests")), 2,
	       "an untagged entry is kept once");
	json_decref(idx);
	p = ct_xasprintf("image@%s", m_arm.str);
	ok(ct_store_resolve(&s, p, &d, NULL, 0, &e) == 0 && ct_digest_equal(&d, &m_arm),
	   "name@digest resolves by digest");
	free(p);

	ct_store_close(&s);
	ok(ct_rm_rf(dir, &e) == 0, "clean up");
	return tap_done();
}
