/* store: the local image store, an OCI image layout at ROOT/images.
 *
 *     images/oci-layout           {"imageLayoutVersion": "1.0.0"}
 *     images/index.json           one manifests[] entry per tag, named by the
 *                                 org.opencontainers.image.ref.name annotation
 *                                 (the full reference, "docker.io/library/
 *                                 alpine:latest"), plus untagged entries for
 *                                 images pulled by digest
 *     images/blobs/sha256/<hex>   content, immutable, named by its digest
 *     images/.lock                flock held while index.json is rewritten
 *
 * skopeo and umoci read and write the same layout (oci:ROOT/images:TAG).
 *
 * Blobs become visible only complete and verified: they are written to
 * blobs/sha256/.<hex>.partial, hashed on the way, and renamed into place when
 * digest and size match. A partial file left by a killed writer is resumed
 * by the next writer of the same blob (ct_blob_begin reports its length).
 * index.json is replaced atomically under images/.lock, so concurrent
 * writers never lose each other's tags.
 */
#ifndef CT_STORE_H
#define CT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "digest.h"

struct ct_err;

#define CT_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define CT_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define CT_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define CT_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define CT_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define CT_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define CT_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define CT_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define CT_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define CT_MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

#define CT_ANNOT_REF_NAME "org.opencontainers.image.ref.name"

/* Largest manifest, index or image config ct accepts (as the issue asks:
 * anything bigger is refused, not read). */
#define CT_MANIFEST_MAX (4u << 20)

struct ct_store {
	char *root;     /* the state root ($CT_ROOT) */
	char *dir;      /* root/images */
};

/* Open the store under the state root. With create, make the layout
 * (directories, oci-layout, an empty index.json) when missing; without,
 * a missing store is an error saying no image has been pulled yet. */
int ct_store_open(struct ct_store *s, const char *root, int create, struct ct_err *e);
/* The same for the root from ct.conf / $CT_ROOT (lib/config.h). */
int ct_store_open_default(struct ct_store *s, int create, struct ct_err *e);
void ct_store_close(struct ct_store *s);

/* "DIR/blobs/sha256/<hex>", allocated. */
char *ct_store_blob_path(const struct ct_store *s, const struct ct_digest *d);
/* 1 when the blob is present (complete: partial files do not count). */
int ct_store_has_blob(const struct ct_store *s, const struct ct_digest *d);

/* Write a whole in-memory blob; its digest is returned in *out. Present
 * blobs are left alone. */
int ct_store_put_blob(const struct ct_store *s, const void *data, size_t len,
		      struct ct_digest *out, struct ct_err *e);
/* Read a blob of at most max bytes into a NUL-terminated allocation,
 * verifying its digest. */
int ct_store_read_blob(const struct ct_store *s, const struct ct_digest *d,
		       size_t max, char **data, size_t *len, struct ct_err *e);

/* A blob being written (streamed from a registry or a tar). */
struct ct_blob_writer {
	int fd;
	char *partial;            /* blobs/sha256/.<hex>.partial */
	char *final;              /* blobs/sha256/<hex> */
	struct ct_digest want;
	int64_t want_size;        /* -1 when unknown */
	uint64_t have;            /* bytes in the partial file */
	struct ct_sha256 h;
	int lockfd;               /* flock on the partial file's lock */
};
/* Start writing the blob with digest want (and size, or -1). If a partial
 * file is there from an earlier, interrupted writer, it is kept, hashed,
 * and w->have says how many bytes to skip (resume with Range: bytes=have-).
 * Two writers of one blob: the second waits for the first, then finds the
 * blob present (returns 1: nothing to write). Returns 0 to go on writing. */
int ct_blob_begin(const struct ct_store *s, const struct ct_digest *want,
		  int64_t size, struct ct_blob_writer *w, struct ct_err *e);
int ct_blob_write(struct ct_blob_writer *w, const void *buf, size_t len,
		  struct ct_err *e);
/* Drop what was written so far (e.g. the server ignored the Range). */
int ct_blob_restart(struct ct_blob_writer *w, struct ct_err *e);
/* Check digest and size, fsync, rename into place (the directory is synced
 * by the ct_store_tag that refers to it). A mismatch removes the partial
 * file and fails: "blob sha256:…: content digest mismatch: …". */
int ct_blob_commit(struct ct_blob_writer *w, struct ct_err *e);
/* Keep the partial file for a later resume (interrupted download), release. */
void ct_blob_suspend(struct ct_blob_writer *w);
/* Remove the partial file and release. */
void ct_blob_abort(struct ct_blob_writer *w);

/* index.json: a deep copy of its current content (read under a shared lock). */
json_t *ct_store_index(const struct ct_store *s, struct ct_err *e);

/* Point the tag name (a full reference without digest, as ct_ref_format
 * gives it: "docker.io/library/alpine:latest") at a manifest or index blob.
 * The descriptor holds media type, digest and size; any earlier entry of
 * that name is replaced. name NULL adds an untagged entry (kept once per
 * digest), as for pulls by digest. */
int ct_store_tag(const struct ct_store *s, const char *name, const char *media_type,
		 const struct ct_digest *d, int64_t size, struct ct_err *e);
/* Remove the tag; a name that is not there is an error naming it. */
int ct_store_untag(const struct ct_store *s, const char *name, struct ct_err *e);

/* Remove every index.json entry pointing at digest d (with untagged_only,
 * only entries without a name). Returns how many were removed, or -1.
 * Blobs stay: ct-image gc removes what nothing refers to. */
int ct_store_drop_digest(const struct ct_store *s, const struct ct_digest *d,
			 int untagged_only, struct ct_err *e);

/* What the user typed → the top-level descriptor in index.json: a reference
 * ("alpine", "localhost:5000/x:1", "x@sha256:…"), a digest, or a unique
 * prefix (at least 4 hex digits, "sha256:" optional) of a manifest digest
 * or of an image id (config digest), as Docker accepts. Fills digest and
 * media type. Unknown: "image "alpine" not found in ROOT/images: pull it
 * first (ct-pull alpine)". */
int ct_store_resolve(const struct ct_store *s, const char *what,
		     struct ct_digest *d, char *media_type, size_t mtlen,
		     struct ct_err *e);

/* An image as stored: a manifest (an index already resolved to one
 * platform), its config and its layers. */
struct ct_store_layer {
	struct ct_digest digest;   /* compressed blob */
	struct ct_digest diff_id;  /* uncompressed tar, from config rootfs */
	char *media_type;
	int64_t size;
};
struct ct_image {
	struct ct_digest manifest_digest;   /* of the platform manifest */
	struct ct_digest top_digest;        /* what index.json points at */
	char *manifest_media_type;
	json_t *manifest;
	struct ct_digest config_digest;     /* the image id */
	json_t *config;                     /* the image config document */
	size_t nlayers;
	struct ct_store_layer *layers;      /* lowest first */
};

/* The host platform as "os/arch[/variant]" ("linux/amd64"). */
const char *ct_host_platform(void);

/* Load the image named by what (see ct_store_resolve). An index is
 * resolved to the entry for platform (NULL: the host's); a platform it does
 * not have is an error listing those it has. Manifests and configs are
 * digest-checked, size-limited, and must be OCI or Docker schema2; layer
 * count must equal rootfs.diff_ids. */
int ct_image_load(const struct ct_store *s, const char *what, const char *platform,
		  struct ct_image *img, struct ct_err *e);
void ct_image_free(struct ct_image *img);

#endif
