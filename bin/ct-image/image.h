/* ct-image internals shared by its verb files (not a library: bin only). */
#ifndef CT_IMAGE_INTERNAL_H
#define CT_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"
#include "store.h"

/* One manifests[] entry of index.json. */
struct img_entry {
	char *name;             /* ref name annotation, NULL when untagged */
	struct ct_digest digest;
	char *media_type;
	int64_t size;
};

struct img_index {
	struct img_entry *v;
	size_t n;
};

int img_index_read(const struct ct_store *s, struct img_index *ix, struct ct_err *e);
void img_index_free(struct img_index *ix);
/* The first entry with this digest, or NULL. */
const struct img_entry *img_index_find(const struct img_index *ix, const struct ct_digest *d);

/* The tag entry what names, as typed or normalised ("busybox" is
 * docker.io/library/busybox:latest), or NULL. */
const struct img_entry *img_index_find_tag(const struct img_index *ix, const char *what);

/* "docker.io/library/busybox:latest" → repo "busybox", tag "latest". A
 * name that is no valid reference is shown as is, with tag "<none>". */
void img_split_name(const char *name, char *repo, size_t rn, char *tag, size_t tn);
/* "busybox:latest" (Docker's familiar form) of a full name. */
void img_familiar(const char *name, char *out, size_t n);

/* A container from ROOT/containers/<id>/ct.ini. */
struct img_user {
	char *id;
	char *name;
	char *image;    /* "sha256:…" top digest */
	char *status;   /* from state.ini, "created" when unknown */
};
int img_users_read(const char *root, struct img_user **v, size_t *n, struct ct_err *e);
void img_users_free(struct img_user *v, size_t n);
/* The first container whose image is d, or NULL. */
const struct img_user *img_user_of(const struct img_user *v, size_t n, const struct ct_digest *d);

/* Blobs and unpacked layers nothing refers to. With only (an array of n
 * blob/diff-id digests), remove only those of them that are unreferenced;
 * without, every unreferenced one older than grace seconds. Partial
 * writes and dot files are never touched. Holds images/.lock meanwhile.
 * *reclaimed gets the bytes of removed blobs. */
int img_sweep(const struct ct_store *s, const struct ct_digest *only, size_t n,
	      int64_t grace, int dry_run, int64_t *reclaimed, struct ct_err *e);
/* Every blob (manifest, children, config, layers) and diff id of the image
 * at d that is present, appended to *v. */
void img_collect(const struct ct_store *s, const struct ct_digest *d,
		 struct ct_digest **v, size_t *n);

/* The tool (mk/single.c and ctbox call it). */
int ct_image_main(int argc, char **argv);

/* Verbs. */
int img_cmd_ls(const struct ct_store *s, int argc, char **argv);
int img_cmd_inspect(const struct ct_store *s, int argc, char **argv);
int img_cmd_history(const struct ct_store *s, int argc, char **argv);
int img_cmd_tag(const struct ct_store *s, int argc, char **argv);
int img_cmd_rm(const struct ct_store *s, int argc, char **argv);
int img_cmd_prune(const struct ct_store *s, int argc, char **argv);
int img_cmd_gc(const struct ct_store *s, int argc, char **argv);
int img_cmd_import(const struct ct_store *s, int argc, char **argv);
int img_cmd_commit(const struct ct_store *s, int argc, char **argv);	/* commit.c */
int img_cmd_save(const struct ct_store *s, int argc, char **argv);
int img_cmd_load(const struct ct_store *s, int argc, char **argv);

#endif
