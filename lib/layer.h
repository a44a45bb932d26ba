/* layer: extract one OCI layer (a tar stream, maybe gzip or zstd
 * compressed) into a directory, safely, computing its diff-id on the way.
 *
 * libarchive only reads: it decompresses the blob (a "raw" reader with the
 * gzip or zstd filter) and parses the tar (a second reader fed from the
 * first through a callback). Every uncompressed byte passes that callback
 * exactly once, where it is hashed, so the diff-id is the SHA-256 of the
 * uncompressed tar, trailing padding included.
 *
 * Every entry is created by this module, relative to a directory fd of the
 * layer root: parents are opened with openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV), leaves with
 * O_CREAT|O_EXCL|O_NOFOLLOW, mknodat, symlinkat, linkat. Refused, naming the
 * entry and the reason: absolute names, ".." components, names of PATH_MAX
 * bytes or more, an entry whose parent is (or goes through) a symlink,
 * hardlinks whose target is outside the layer or missing, device nodes
 * when not allowed, overlay xattrs carried by the tar, sparse files far
 * larger than their data ("sparse bombs"), and garbage or truncated streams.
 *
 * Whiteouts, in the default (overlay) mode: ".wh.NAME" becomes a 0:0
 * character device NAME, ".wh..wh..opq" sets trusted.overlay.opaque=y on
 * its directory; other ".wh..wh." names (aufs bookkeeping) are skipped.
 * In flatten mode they are applied instead: NAME (or everything in the
 * directory that this layer did not create) is removed.
 *
 * Metadata: owner (numeric), mode with setuid/setgid/sticky, mtime (dirs
 * fixed up after all entries), xattrs incl. security.capability (set after
 * chown, which clears it). Owners are set only when running as root.
 */
#ifndef CT_LAYER_H
#define CT_LAYER_H

#include <stdint.h>

#include "digest.h"

struct ct_err;

enum ct_layer_comp {
	CT_LAYER_TAR = 0,
	CT_LAYER_GZIP,
	CT_LAYER_ZSTD,
};

/* A sparse file may claim at most this many bytes, or this ratio times
 * the data it holds, whichever is larger. */
#define CT_LAYER_SPARSE_MAX (1ull << 30)
#define CT_LAYER_SPARSE_RATIO 64

struct ct_layer_opts {
	int flatten;       /* apply whiteouts instead of converting them */
	int no_devices;    /* refuse char/block device entries */
	/* test hook: stop the process (SIGSTOP) after this many entries */
	unsigned long stop_after;
};

struct ct_layer_stats {
	uint64_t entries;
	uint64_t tar_bytes;   /* uncompressed bytes hashed */
	/* what the entries made (for -v) */
	uint64_t dirs, files, symlinks, hardlinks, nodes, xattrs;
	uint64_t whiteouts;   /* overlay: 0:0 devices made; flatten: applied */
	uint64_t opaques;     /* overlay: dirs marked; flatten: dirs emptied */
};

/* The compression of a layer media type (OCI or Docker); an unknown or
 * non-layer media type is an error naming it. */
int ct_layer_comp_of(const char *media_type, enum ct_layer_comp *c,
		     struct ct_err *e);

/* Extract the layer read from blobfd into the directory rootfd. name is
 * what error messages call the stream (a path or digest). On success
 * *diff_id is the SHA-256 of the uncompressed tar. On failure the
 * directory holds whatever was extracted so far: the caller removes it. */
int ct_layer_extract(int blobfd, enum ct_layer_comp comp, const char *name,
		     int rootfd, const struct ct_layer_opts *o,
		     struct ct_digest *diff_id, struct ct_layer_stats *st,
		     struct ct_err *e);

/* Remove NAME in dirfd recursively, never following symlinks and never
 * leaving the file system of dirfd. Missing is fine. */
int ct_layer_rm_at(int dirfd, const char *name, struct ct_err *e);


/* --- layers in the store: ROOT/layers/<diff-id hex>/ --------------------- */

struct ct_store;
struct ct_store_layer;

/* "ROOT/layers/<hex>", allocated. */
char *ct_layer_dir(const char *root, const struct ct_digest *diff_id);

/* Make ROOT/layers/<diff-id hex>/ from the layer's blob unless it is there:
 * extracted into layers/.<hex>.tmp-PID, its diff-id checked against the
 * config's, renamed into place. Holds layers/.<hex>.lock meanwhile, so a
 * second unpacker of the same layer waits and then finds it done; leftovers
 * of a killed unpacker are removed first. A diff-id mismatch or a refused
 * entry removes the temporary directory: the store stays as it was.
 * *made (may be NULL) says whether this call extracted it. */
int ct_layer_unpack(const struct ct_store *s, const struct ct_store_layer *l,
		    const struct ct_layer_opts *o, int *made, struct ct_err *e);

/* Apply the layer's blob to the directory dirfd (flatten mode normally),
 * checking its diff-id. */
int ct_layer_apply(const struct ct_store *s, const struct ct_store_layer *l,
		   int dirfd, const struct ct_layer_opts *o, struct ct_err *e);

#endif
