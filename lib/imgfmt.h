/* imgfmt: image listings and documents shaped the way Docker prints them
 * (`docker images`, `docker image inspect`, `docker history`), so that
 * scripts written for Docker read ct-image's output unchanged.
 *
 *     ct_fmt_size(4261888)        "4.26MB"   (decimal units, 3 digits)
 *     ct_fmt_since(3 * 86400)     "3 days"   (the caller adds " ago")
 *     ct_fmt_ellipsis(s, 45)      s cut to 44 characters + "…"
 *
 * Tables follow Go's text/tabwriter as the Docker CLI configures it: every
 * column but the last is as wide as its widest cell plus 3 spaces, and at
 * least 10.
 */
#ifndef CT_IMGFMT_H
#define CT_IMGFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct ct_image;
struct ct_err;

/* Docker's units.HumanSizeWithPrecision(n, 3): "0B", "999B", "1.5kB",
 * "4.26MB", "123GB". Returns buf. */
const char *ct_fmt_size(int64_t bytes, char *buf, size_t n);

/* Docker's units.HumanDuration: "Less than a second", "5 seconds",
 * "About a minute", "12 minutes", "About an hour", "5 hours", "3 days",
 * "2 weeks", "4 months", "2 years". Returns buf. */
const char *ct_fmt_since(int64_t seconds, char *buf, size_t n);

/* Parse an RFC 3339 time ("2024-01-02T03:04:05Z", fractions and
 * "+01:00" offsets allowed) to seconds since the epoch. -1 on bad input. */
int ct_fmt_parse_time(const char *s, int64_t *out);
/* "2024-01-02T03:04:05Z" for t (UTC). Returns buf (at least 21 bytes). */
const char *ct_fmt_time(int64_t t, char *buf, size_t n);

/* s if it has at most max characters (UTF-8 aware), else its first max-1
 * characters followed by "…". Allocated. */
char *ct_fmt_ellipsis(const char *s, size_t max);

/* A table printed like Docker's tabwriter(minwidth 10, padding 3). */
struct ct_table {
	size_t ncols, nrows, cap;
	char **cells;   /* nrows * ncols, row-major, owned */
};
void ct_table_init(struct ct_table *t, size_t ncols);
/* Add a row of exactly t->ncols strings (copied). */
void ct_table_add(struct ct_table *t, const char *const *row);
void ct_table_print(const struct ct_table *t, FILE *out);
void ct_table_free(struct ct_table *t);

/* The `docker image inspect` object for one image: Id, RepoTags,
 * RepoDigests, Parent, Comment, Created, Author, Config, Architecture,
 * Variant (when set), Os, Size, RootFS {Type, Layers}. tags and digests
 * are the familiar forms ("busybox:latest", "busybox@sha256:…"). */
json_t *ct_fmt_inspect(const struct ct_image *img, const char *const *tags, size_t ntags,
		       const char *const *digests, size_t ndigests, int64_t size);

/* The size ct reports for an image: the config blob plus every layer
 * blob as stored (compressed), as the containerd-backed Docker does. */
int64_t ct_fmt_image_size(const struct ct_image *img);

#endif
