/* push: local store → registry (the work of ct-push).
 *
 * The image named by src in the store (a reference, digest or short id, as
 * ct_store_resolve takes it) is uploaded to the repository of dst: each
 * blob is checked with HEAD; a missing one is mounted from another
 * repository of the registry when one may hold it (o->from, then the
 * repositories of that registry the store has images from that contain it),
 * else uploaded (POST, then one PUT, or PATCH chunks for blobs over the
 * chunk size); then the manifests
 * are PUT, the top one under dst's tag (or digest). An index whose
 * platform manifests are all in the store is pushed whole; otherwise only
 * the manifest for platform (the host's by default) is pushed. */
#ifndef CT_PUSH_H
#define CT_PUSH_H

#include "digest.h"

struct ct_err;

struct ct_push_opts {
	const char *platform;   /* for an incomplete index; NULL: the host's */
	const char *const *from; /* repositories to mount blobs from (--from) */
	size_t nfrom;
	int quiet;
};

struct ct_push_result {
	struct ct_digest digest;        /* of the top manifest pushed */
	long long size;
	char tag[160];
};

int ct_push(const char *src, const char *dst, const struct ct_push_opts *o,
	    struct ct_push_result *res, struct ct_err *e);

#endif
