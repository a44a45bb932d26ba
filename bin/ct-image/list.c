/* ct-image ls, inspect, history: read-only views of the store, printed the
 * way `docker images`, `docker image inspect` and `docker history` do. */
#include "image.h"
#include "buf.h"
#include "imgfmt.h"
#include "json.h"
#include "ref.h"
#include "say.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One distinct image (index.json digest) with what ls shows of it. */
struct shown {
	struct ct_digest top;
	int loaded;
	struct ct_image img;
	int64_t created;        /* -1: unknown */
	int64_t size;
	char id[CT_DIGEST_STR_MAX];
};

static void shown_load(const struct ct_store *s, const struct img_entry *en, struct shown *sh)
{
	struct ct_err e;
	const char *created;

	memset(sh, 0, sizeof *sh);
	sh->top = en->digest;
	sh->created = -1;
	sh->size = en->size;
	snprintf(sh->id, sizeof sh->id, "%s", en->digest.str);
	if (ct_image_load(s, en->digest.str, NULL, &sh->img, &e) < 0) {
		ct_warn_err(&e);
		return;
	}
	sh->loaded = 1;
	snprintf(sh->id, sizeof sh->id, "%s", sh->img.config_digest.str);
	sh->size = ct_fmt_image_size(&sh->img);
	created = ct_json_str(sh->img.config, "created");
	if (ct_fmt_parse_time(created, &sh->created) < 0)
		sh->created = -1;
}

static int by_created_desc(const void *a, const void *b)
{
	const struct shown *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return ct_digest_cmp(&x->top, &y->top);
}

static int by_name(const void *a, const void *b)
{
	const struct img_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static const char *short_id(const char *id, int no_trunc, char *buf, size_t n)
{
	const char *hex = strchr(id, ':');

	if (no_trunc)
		snprintf(buf, n, "%s", id);
	else
		snprintf(buf, n, "%.12s", hex ? hex + 1 : id);
	return buf;
}

static const char *created_since(int64_t created, char *buf, size_t n)
{
	char d[64];
	int64_t now = (int64_t)time(NULL);

	if (created < 0)
		snprintf(buf, n, "N/A");
	else
		snprintf(buf, n, "%s ago", ct_fmt_since(now > created ? now - created : 0, d, sizeof d));
	return buf;
}

/* Does the entry name match the filter (repository, and tag if given)? */
static int name_matches(const char *name, const struct ct_ref *want, int want_tag)
{
	struct ct_ref r;
	char a[CT_REF_STR_MAX], b[CT_REF_STR_MAX];

	if (!name || ct_ref_parse(name, &r, NULL) < 0)
		return 0;
	if (strcmp(ct_ref_name(&r, a, sizeof a), ct_ref_name(want, b, sizeof b)))
		return 0;
	return !want_tag || !strcmp(r.tag, want->tag);
}

static void add_row(struct ct_table *t, int digests, const char *repo, const char *tag,
		    const struct shown *sh, int no_trunc)
{
	char id[CT_DIGEST_STR_MAX], since[80], size[32];
	const char *row[6];
	size_t i = 0;

	row[i++] = repo;
	row[i++] = tag;
	if (digests)
		row[i++] = sh->top.str;
	row[i++] = short_id(sh->id, no_trunc, id, sizeof id);
	row[i++] = created_since(sh->created, since, sizeof since);
	row[i++] = ct_fmt_size(sh->size, size, sizeof size);
	ct_table_add(t, row);
}

int img_cmd_ls(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "all", no_argument, NULL, 'a' },
		{ "digests", no_argument, NULL, 'D' },
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "filter", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c, quiet = 0, digests = 0, no_trunc = 0, want_tag = 0, dangling = -1;
	struct ct_ref want;
	struct img_index ix = { 0 };
	struct shown *shown;
	size_t nshown = 0;
	struct ct_table t;
	struct ct_err e;
	const char *filter = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "qaf:v", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quiet = 1; break;
		case 'f':
			if (!strcmp(optarg, "dangling=true") || !strcmp(optarg, "dangling=1"))
				dangling = 1;
			else if (!strcmp(optarg, "dangling=false") || !strcmp(optarg, "dangling=0"))
				dangling = 0;
			else
				ct_die_usage("--filter %s: ct-image knows dangling=true|false", optarg);
			break;
		case 'a': break;	/* no intermediate images in ct: all are shown */
		case 'D': digests = 1; break;
		case 'T': no_trunc = 1; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage("usage: ct-image ls [-q] [--digests] [--no-trunc] [-f dangling=BOOL] [REPO[:TAG]]");
		}
	}
	if (argc - optind > 1)
		ct_die_usage("usage: ct-image ls [-q] [--digests] [--no-trunc] [-f dangling=BOOL] [REPO[:TAG]]");
	if (optind < argc) {
		const char *slash;

		filter = argv[optind];
		if (ct_ref_parse(filter, &want, &e) < 0)
			ct_die_err(&e);
		slash = strrchr(filter, '/');
		want_tag = strchr(slash ? slash : filter, ':') != NULL;
	}
	if (s && img_index_read(s, &ix, &e) < 0)
		ct_die_err(&e);

	shown = ct_xcalloc(ix.n + 1, sizeof *shown);
	for (size_t i = 0; i < ix.n; i++) {
		size_t j;

		for (j = 0; j < nshown; j++)
			if (ct_digest_equal(&shown[j].top, &ix.v[i].digest))
				break;
		if (j == nshown)
			shown_load(s, &ix.v[i], &shown[nshown++]);
	}
	qsort(shown, nshown, sizeof *shown, by_created_desc);

	ct_table_init(&t, digests ? 6 : 5);
	if (digests)
		ct_table_add(&t, (const char *[]){ "REPOSITORY", "TAG", "DIGEST", "IMAGE ID",
						   "CREATED", "SIZE" });
	else
		ct_table_add(&t, (const char *[]){ "REPOSITORY", "TAG", "IMAGE ID", "CREATED",
						   "SIZE" });
	for (size_t i = 0; i < nshown; i++) {
		const struct img_entry **tags = ct_xcalloc(ix.n + 1, sizeof(const struct img_entry *));
		size_t ntags = 0;
		int any_tag = 0;

		for (size_t j = 0; j < ix.n; j++) {
			if (!ct_digest_equal(&ix.v[j].digest, &shown[i].top) || !ix.v[j].name)
				continue;
			any_tag = 1;
			if (!filter || name_matches(ix.v[j].name, &want, want_tag))
				tags[ntags++] = &ix.v[j];
		}
		qsort(tags, ntags, sizeof(const struct img_entry *), by_name);
		if (dangling == 1)
			ntags = 0;
		for (size_t j = 0; j < ntags; j++) {
			char repo[CT_REF_STR_MAX], tag[CT_REF_TAG_MAX + 8];

			img_split_name(tags[j]->name, repo, sizeof repo, tag, sizeof tag);
			add_row(&t, digests, repo, tag, &shown[i], no_trunc);
		}
		if (!any_tag && !filter && dangling != 0)	/* dangling */
			add_row(&t, digests, "<none>", "<none>", &shown[i], no_trunc);
		free(tags);
	}
	if (quiet) {
		/* the IMAGE ID column alone, one line per row as docker -q */
		size_t col = digests ? 3 : 2;

		for (size_t r = 1; r < t.nrows; r++)
			puts(t.cells[r * t.ncols + col]);
	} else {
		ct_table_print(&t, stdout);
	}
	ct_table_free(&t);
	for (size_t i = 0; i < nshown; i++)
		if (shown[i].loaded)
			ct_image_free(&shown[i].img);
	free(shown);
	img_index_free(&ix);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}

/* Tags (familiar) and repo digests of the image at top. */
static void names_of(const struct img_index *ix, const struct ct_digest *top,
		     char ***tags, size_t *ntags, char ***digests, size_t *ndigests)
{
	*tags = ct_xcalloc(ix->n + 1, sizeof **tags);
	*digests = ct_xcalloc(ix->n + 1, sizeof **digests);
	*ntags = *ndigests = 0;
	for (size_t i = 0; i < ix->n; i++) {
		char fam[CT_REF_STR_MAX], repo[CT_REF_STR_MAX], tag[CT_REF_TAG_MAX + 8];
		char *rd;
		size_t j;

		if (!ix->v[i].name || !ct_digest_equal(&ix->v[i].digest, top))
			continue;
		img_familiar(ix->v[i].name, fam, sizeof fam);
		(*tags)[(*ntags)++] = ct_xstrdup(fam);
		img_split_name(ix->v[i].name, repo, sizeof repo, tag, sizeof tag);
		rd = ct_xasprintf("%s@%s", repo, top->str);
		for (j = 0; j < *ndigests; j++)
			if (!strcmp((*digests)[j], rd))
				break;
		if (j == *ndigests)
			(*digests)[(*ndigests)++] = rd;
		else
			free(rd);
	}
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int img_cmd_inspect(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *platform = NULL;
	struct img_index ix;
	struct ct_err e;
	json_t *out = json_array();
	int c, rc = 0;
	char *text;

	optind = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'p': platform = optarg; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage("usage: ct-image inspect [--platform OS/ARCH] IMAGE...");
		}
	}
	if (optind >= argc)
		ct_die_usage("usage: ct-image inspect [--platform OS/ARCH] IMAGE...");
	if (img_index_read(s, &ix, &e) < 0)
		ct_die_err(&e);
	for (int i = optind; i < argc; i++) {
		struct ct_digest top;
		char mt[128];
		struct ct_image img;
		char **tags, **digests;
		size_t ntags, ndigests;

		if (ct_store_resolve(s, argv[i], &top, mt, sizeof mt, &e) < 0 ||
		    ct_image_load(s, top.str, platform, &img, &e) < 0) {
			ct_warn_err(&e);
			rc = CT_EXIT_FAIL;
			continue;
		}
		names_of(&ix, &top, &tags, &ntags, &digests, &ndigests);
		json_array_append_new(out, ct_fmt_inspect(&img, (const char *const *)tags, ntags,
							  (const char *const *)digests, ndigests,
							  ct_fmt_image_size(&img)));
		free_strv(tags, ntags);
		free_strv(digests, ndigests);
		ct_image_free(&img);
	}
	text = json_dumps(out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	puts(text ? text : "[]");
	free(text);
	json_decref(out);
	img_index_free(&ix);
	if (fflush(stdout) != 0)
		rc = CT_EXIT_FAIL;
	return rc;
}

int img_cmd_history(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-trunc", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "platform", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *platform = NULL;
	int c, no_trunc = 0, quiet = 0;
	struct ct_image img;
	struct ct_err e;
	struct ct_table t;
	json_t *hist, *h;
	size_t nh, layer;
	int64_t now = (int64_t)time(NULL);

	optind = 0;
	while ((c = getopt_long(argc, argv, "qv", opts, NULL)) != -1) {
		switch (c) {
		case 'T': no_trunc = 1; break;
		case 'q': quiet = 1; break;
		case 'p': platform = optarg; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage("usage: ct-image history [--no-trunc] [-q] IMAGE");
		}
	}
	if (argc - optind != 1)
		ct_die_usage("usage: ct-image history [--no-trunc] [-q] IMAGE");
	if (ct_image_load(s, argv[optind], platform, &img, &e) < 0)
		ct_die_err(&e);

	ct_table_init(&t, 5);
	ct_table_add(&t, (const char *[]){ "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT" });
	hist = json_object_get(img.config, "history");
	nh = json_array_size(hist);
	/* which layer each history entry made: non-empty entries, in order */
	layer = 0;
	for (size_t i = 0; i < nh; i++)
		if (!json_is_true(json_object_get(json_array_get(hist, i), "empty_layer")))
			layer++;
	for (size_t k = nh; k-- > 0;) {
		char id[CT_DIGEST_STR_MAX], since[80], size[32], *by, *cut;
		const char *cb, *comment;
		int64_t created = -1, bytes = 0;

		h = json_array_get(hist, k);
		if (!json_is_true(json_object_get(h, "empty_layer")) && layer > 0) {
			layer--;
			if (layer < img.nlayers)
				bytes = img.layers[layer].size;
		}
		if (ct_fmt_parse_time(ct_json_str(h, "created"), &created) < 0)
			created = -1;
		cb = ct_json_str(h, "created_by");
		by = ct_xstrdup(cb ? cb : "");
		for (char *p = by; *p; p++)
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		cut = no_trunc ? ct_xstrdup(by) : ct_fmt_ellipsis(by, 45);
		comment = ct_json_str(h, "comment");
		if (k == nh - 1)
			short_id(img.config_digest.str, no_trunc, id, sizeof id);
		else
			snprintf(id, sizeof id, "<missing>");
		if (created < 0)
			snprintf(since, sizeof since, "N/A");
		else
			created_since(created < now ? created : now, since, sizeof since);
		ct_table_add(&t, (const char *[]){ id, since, cut, ct_fmt_size(bytes, size, sizeof size),
						   comment ? comment : "" });
		free(by);
		free(cut);
	}
	if (nh == 0) {
		/* no history recorded: one anonymous row per layer, top first */
		for (size_t i = img.nlayers; i-- > 0;) {
			char id[CT_DIGEST_STR_MAX], size[32];

			if (i == img.nlayers - 1)
				short_id(img.config_digest.str, no_trunc, id, sizeof id);
			else
				snprintf(id, sizeof id, "<missing>");
			ct_table_add(&t, (const char *[]){ id, "N/A", "",
				ct_fmt_size(img.layers[i].size, size, sizeof size), "" });
		}
	}
	if (quiet) {
		for (size_t r = 1; r < t.nrows; r++)
			puts(t.cells[r * t.ncols]);
	} else {
		ct_table_print(&t, stdout);
	}
	ct_table_free(&t);
	ct_image_free(&img);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
