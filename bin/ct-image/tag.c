/* ct-image tag, rm, prune, gc: names and removal. Removing a name never
 * removes content a container or another name still uses. */
#include "image.h"
#include "buf.h"
#include "imgfmt.h"
#include "ref.h"
#include "say.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void verbose_more(void)
{
	ct_set_verbose(ct_verbose() + 1);
}

/* Size of the blob as index.json or the file says. */
static int64_t blob_size(const struct ct_store *s, const struct img_index *ix,
			 const struct ct_digest *d)
{
	const struct img_entry *en = img_index_find(ix, d);
	struct stat st;
	char *path;

	if (en && en->size > 0)
		return en->size;
	path = ct_store_blob_path(s, d);
	if (stat(path, &st) < 0) {
		free(path);
		return -1;
	}
	free(path);
	return st.st_size;
}

int img_cmd_tag(const struct ct_store *s, int argc, char **argv)
{
	struct ct_digest d;
	struct ct_ref dst;
	struct img_index ix;
	struct ct_err e;
	char mt[128], name[CT_REF_STR_MAX];
	int64_t size;
	int c;

	optind = 0;
	while ((c = getopt(argc, argv, "v")) != -1) {
		if (c == 'v')
			verbose_more();
		else
			ct_die_usage("usage: ct-image tag SOURCE TARGET");
	}
	if (argc - optind != 2)
		ct_die_usage("usage: ct-image tag SOURCE TARGET");
	if (ct_ref_parse(argv[optind + 1], &dst, &e) < 0)
		ct_die_err(&e);
	if (dst.digest[0])
		ct_die("tag %s: a target with a digest cannot be a tag; give NAME[:TAG]",
		       argv[optind + 1]);
	if (ct_store_resolve(s, argv[optind], &d, mt, sizeof mt, &e) < 0)
		ct_die_err(&e);
	if (img_index_read(s, &ix, &e) < 0)
		ct_die_err(&e);
	size = blob_size(s, &ix, &d);
	img_index_free(&ix);
	if (size < 0)
		ct_die("tag %s: blob %s is missing from %s", argv[optind], d.str, s->dir);
	ct_ref_format(&dst, name, sizeof name);
	ct_say("tag %s -> %s", name, d.str);
	if (ct_store_tag(s, name, mt, &d, size, &e) < 0)
		ct_die_err(&e);
	return 0;
}

static size_t count_entries(const struct img_index *ix, const struct ct_digest *d, int tagged)
{
	size_t n = 0;

	for (size_t i = 0; i < ix->n; i++)
		if (ct_digest_equal(&ix->v[i].digest, d) && (!tagged || ix->v[i].name))
			n++;
	return n;
}

static void short_hex(const struct ct_digest *d, char *out)
{
	snprintf(out, 13, "%s", ct_digest_encoded(d));
}

/* The image id (config digest) of the image at top, for "Deleted:". */
static void image_id(const struct ct_store *s, const struct ct_digest *top, char *out, size_t n)
{
	struct ct_image img;

	if (ct_image_load(s, top->str, NULL, &img, NULL) == 0) {
		snprintf(out, n, "%s", img.config_digest.str);
		ct_image_free(&img);
	} else {
		snprintf(out, n, "%s", top->str);
	}
}

/* Remove every entry of top and the content only it used. */
static int delete_image(const struct ct_store *s, const struct img_index *ix,
			const struct ct_digest *top, int64_t *reclaimed, struct ct_err *e)
{
	struct ct_digest *content = NULL;
	size_t ncontent = 0;
	char id[CT_DIGEST_STR_MAX];
	int rc;

	image_id(s, top, id, sizeof id);
	img_collect(s, top, &content, &ncontent);
	for (size_t i = 0; i < ix->n; i++)
		if (ix->v[i].name && ct_digest_equal(&ix->v[i].digest, top)) {
			char fam[CT_REF_STR_MAX];

			img_familiar(ix->v[i].name, fam, sizeof fam);
			printf("Untagged: %s\n", fam);
		}
	if (img_index_drop(s, top, 0, e) < 0) {
		free(content);
		return -1;
	}
	rc = img_sweep(s, content, ncontent, 0, 0, reclaimed, e);
	free(content);
	if (rc == 0)
		printf("Deleted: %s\n", id);
	return rc;
}

static int rm_one(const struct ct_store *s, const char *what, int force,
		  const struct img_user *users, size_t nusers, struct ct_err *e)
{
	struct img_index ix;
	const struct img_entry *tag;
	const struct img_user *u;
	struct ct_digest top;
	char mt[128], hex[13], uhex[13];
	int64_t reclaimed = 0;
	int rc = -1;

	if (img_index_read(s, &ix, e) < 0)
		return -1;
	tag = img_index_find_tag(&ix, what);
	if (tag) {
		top = tag->digest;
	} else if (ct_store_resolve(s, what, &top, mt, sizeof mt, e) < 0) {
		img_index_free(&ix);
		return -1;
	}
	{
		/* Docker names the image by its id in conflicts */
		char id[CT_DIGEST_STR_MAX];
		struct ct_digest idd;

		image_id(s, &top, id, sizeof id);
		if (ct_digest_parse(id, &idd, NULL) == 0)
			short_hex(&idd, hex);
		else
			short_hex(&top, hex);
	}
	u = img_user_of(users, nusers, &top);
	if (u)
		snprintf(uhex, sizeof uhex, "%s", u->id);

	if (tag && count_entries(&ix, &top, 0) > 1) {
		/* other names remain: only this one goes */
		char fam[CT_REF_STR_MAX];

		img_familiar(tag->name, fam, sizeof fam);
		if (ct_store_untag(s, tag->name, e) == 0) {
			printf("Untagged: %s\n", fam);
			rc = 0;
		}
	} else if (u && !force) {
		if (tag)
			ct_err(e, 0, "conflict: unable to remove repository reference \"%s\" "
			       "(must force) - container %s is using its referenced image %s",
			       what, uhex, hex);
		else
			ct_err(e, 0, "conflict: unable to delete %s (must be forced) - image is "
			       "being used by %s container %s", hex, u->status, uhex);
		ct_err_hint(e, "remove the container first, or use rm -f");
	} else if (!tag && count_entries(&ix, &top, 1) > 1 && !force) {
		ct_err(e, 0, "conflict: unable to delete %s (must be forced) - image is "
		       "referenced in multiple repositories", hex);
		ct_err_hint(e, "remove it by name, or use rm -f to remove every name");
	} else {
		if (u)
			ct_warn("image %s stays in the store for container %s", hex, uhex);
		rc = delete_image(s, &ix, &top, &reclaimed, e);
	}
	img_index_free(&ix);
	return rc;
}

int img_cmd_rm(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct img_user *users;
	size_t nusers;
	struct ct_err e;
	int c, force = 0, rc = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "fv", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'v': verbose_more(); break;
		default: ct_die_usage("usage: ct-image rm [-f] IMAGE...");
		}
	}
	if (optind >= argc)
		ct_die_usage("usage: ct-image rm [-f] IMAGE...");
	if (img_users_read(s->root, &users, &nusers, &e) < 0)
		ct_die_err(&e);
	for (int i = optind; i < argc; i++) {
		if (rm_one(s, argv[i], force, users, nusers, &e) < 0) {
			ct_warn_err(&e);
			rc = CT_EXIT_FAIL;
		}
	}
	img_users_free(users, nusers);
	fflush(stdout);
	return rc;
}

int img_cmd_prune(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct img_user *users;
	struct img_index ix;
	struct ct_digest *gone = NULL, *content = NULL;
	size_t nusers, ngone = 0, ncontent = 0;
	int64_t reclaimed = 0;
	struct ct_err e;
	char size[32];
	int c, all = 0, header = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "afv", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'f': break;	/* ct asks no questions */
		case 'v': verbose_more(); break;
		default: ct_die_usage("usage: ct-image prune [-a] [-f]");
		}
	}
	if (optind != argc)
		ct_die_usage("usage: ct-image prune [-a] [-f]");
	if (img_users_read(s->root, &users, &nusers, &e) < 0 || img_index_read(s, &ix, &e) < 0)
		ct_die_err(&e);
	gone = ct_xcalloc(ix.n + 1, sizeof *gone);
	for (size_t i = 0; i < ix.n; i++) {
		const struct ct_digest *d = &ix.v[i].digest;
		size_t j;
		int tagged = count_entries(&ix, d, 1) > 0;

		if (img_user_of(users, nusers, d) || (tagged && !all))
			continue;
		for (j = 0; j < ngone; j++)
			if (ct_digest_equal(&gone[j], d))
				break;
		if (j == ngone)
			gone[ngone++] = *d;
	}
	for (size_t i = 0; i < ngone; i++) {
		char id[CT_DIGEST_STR_MAX];

		image_id(s, &gone[i], id, sizeof id);
		img_collect(s, &gone[i], &content, &ncontent);
		if (!header++)
			printf("Deleted Images:\n");
		for (size_t j = 0; j < ix.n; j++)
			if (ix.v[j].name && ct_digest_equal(&ix.v[j].digest, &gone[i])) {
				char fam[CT_REF_STR_MAX];

				img_familiar(ix.v[j].name, fam, sizeof fam);
				printf("untagged: %s\n", fam);
			}
		if (img_index_drop(s, &gone[i], !all, &e) < 0)
			ct_die_err(&e);
		printf("deleted: %s\n", id);
	}
	if (ngone && img_sweep(s, content, ncontent, 0, 0, &reclaimed, &e) < 0)
		ct_die_err(&e);
	if (header)
		printf("\n");
	printf("Total reclaimed space: %s\n", ct_fmt_size(reclaimed, size, sizeof size));
	free(gone);
	free(content);
	img_index_free(&ix);
	img_users_free(users, nusers);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}

int img_cmd_gc(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "grace", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t grace = 600;
	int64_t reclaimed = 0;
	struct ct_err e;
	char size[32];
	int c, dry_run = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "nv", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry_run = 1; break;
		case 'g':
			if (ct_parse_u64(optarg, 10ull * 365 * 86400, &grace, &e) < 0)
				ct_die_usage("--grace: %s", e.msg);
			break;
		case 'v': verbose_more(); break;
		default: ct_die_usage("usage: ct-image gc [-n] [--grace SECONDS]");
		}
	}
	if (optind != argc)
		ct_die_usage("usage: ct-image gc [-n] [--grace SECONDS]");
	if (img_sweep(s, NULL, 0, (int64_t)grace, dry_run, &reclaimed, &e) < 0)
		ct_die_err(&e);
	printf("%s space: %s\n", dry_run ? "Reclaimable" : "Total reclaimed",
	       ct_fmt_size(reclaimed, size, sizeof size));
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
