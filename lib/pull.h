/* pull: registry → local store (the work of ct-pull).
 *
 * Fetch the manifest (an index is resolved to one platform's manifest),
 * check it, download config and layers into the store in parallel (blobs
 * already there are skipped, partial ones resumed with Range), then store
 * the manifests and point the tag at the top one. Nothing is tagged unless
 * every blob arrived and matched its digest; nothing is written to the
 * store at all before the manifest has been fetched and checked. */
#ifndef CT_PULL_H
#define CT_PULL_H

#include "digest.h"

struct ct_err;

struct ct_pull_opts {
	const char *platform;   /* "os/arch[/variant]", NULL: the host's */
	int quiet;              /* no progress */
	int parallel;           /* layers at once; 0: ct.conf or 3 */
};

struct ct_pull_result {
	struct ct_digest digest;        /* the top manifest (what the tag names) */
	int up_to_date;                 /* nothing new was fetched or tagged */
	char name[512];                 /* the reference, familiar form */
};

int ct_pull(const char *ref, const struct ct_pull_opts *o, struct ct_pull_result *res,
	    struct ct_err *e);

#endif
