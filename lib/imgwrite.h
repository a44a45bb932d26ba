/* imgwrite: new images into the store (import, load, and any tool that
 * makes layers), on top of lib/store's blob writer.
 *
 * A spool takes content whose digest is not known in advance (a layer
 * being compressed, a file out of an archive): it is written to a
 * temporary file under ROOT/tmp while hashed, then streamed into the store
 * with ct_blob_begin/ct_blob_write/ct_blob_commit, which verify it again.
 *
 * A layer writer is a libarchive pax writer whose output is hashed
 * uncompressed (the diff_id) and gzip-compressed (zlib) into a spool (the
 * blob digest), in one pass:
 *
 *     struct ct_layer_out lo;
 *     ct_layer_out_open(&lo, root, e);
 *     archive_write_header(lo.ar, entry); archive_write_data(lo.ar, …);
 *     ct_layer_out_close(&lo, store, &layer, e);    layer: digest, diff_id, size
 *
 * ct_image_write then stores config and manifest and sets the tag.
 */
#ifndef CT_IMGWRITE_H
#define CT_IMGWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <zlib.h>

#include "digest.h"
#include "store.h"

struct archive;
struct ct_err;

struct ct_spool {
	int fd;
	char *path;           /* ROOT/tmp/spool-… */
	struct ct_sha256 h;
	uint64_t size;
};

int ct_spool_open(struct ct_spool *sp, const char *root, struct ct_err *e);
int ct_spool_write(struct ct_spool *sp, const void *buf, size_t len, struct ct_err *e);
/* The digest of what was written so far (without closing). */
void ct_spool_digest(const struct ct_spool *sp, struct ct_digest *d);
/* Stream the content into the store (a blob already present is kept),
 * remove the temporary file; *d and *size describe the blob. */
int ct_spool_commit(struct ct_spool *sp, const struct ct_store *s, struct ct_digest *d,
		    int64_t *size, struct ct_err *e);
void ct_spool_abort(struct ct_spool *sp);

struct ct_layer_out {
	struct archive *ar;        /* write entries here */
	struct ct_spool spool;     /* the compressed blob */
	struct ct_sha256 diff;     /* of the uncompressed tar */
	z_stream z;
	int z_ready;
	struct ct_err err;         /* set by the write callback */
};

int ct_layer_out_open(struct ct_layer_out *lo, const char *root, struct ct_err *e);
/* Finish the tar and the gzip stream, put the blob in the store. out gets
 * digest, diff_id, size and media type (CT_MT_OCI_LAYER_GZIP, owned by the
 * caller: free out->media_type). */
int ct_layer_out_close(struct ct_layer_out *lo, const struct ct_store *s,
		       struct ct_store_layer *out, struct ct_err *e);
void ct_layer_out_abort(struct ct_layer_out *lo);

/* Copy every entry of the tar archive in (already opened for reading) to
 * lo, with names made relative ("./etc/x" and "/etc/x" become "etc/x"; the
 * root entry itself is dropped). what names the input in errors. */
int ct_layer_copy_tar(struct ct_layer_out *lo, struct archive *in, const char *what,
		      struct ct_err *e);
/* Write the tree under dir to lo: types, modes, owners, times, xattrs,
 * hard links as links. Mount points inside are not crossed. */
int ct_layer_copy_dir(struct ct_layer_out *lo, const char *dir, struct ct_err *e);

/* Store the config bytes as they are (their digest is the image id) and
 * an OCI manifest over the layers; tag it with each of names (full
 * references) or, with nnames 0, add it untagged. *manifest gets the
 * manifest digest. */
int ct_image_write(const struct ct_store *s, const char *config, size_t config_len,
		   const struct ct_store_layer *layers, size_t n,
		   const char *const *names, size_t nnames,
		   struct ct_digest *manifest, struct ct_err *e);

#endif
