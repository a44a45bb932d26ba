/* ct-image: the local image store — ls, inspect, history, tag, rm, prune,
 * gc, import, save, load. Each verb lives in its own file; this one reads
 * the global options, opens the store and dispatches. */
#include "image.h"
#include "config.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: ct-image [-v] VERB [OPTIONS] [ARGS]\n"
	"\n"
	"The local image store ($CT_ROOT/images, an OCI image layout).\n"
	"\n"
	"  ls [-q] [--digests] [--no-trunc] [REPO[:TAG]]  list images\n"
	"  inspect IMAGE...          Docker-shaped JSON of each image\n"
	"  history [--no-trunc] [-q] IMAGE   the layers and how they were made\n"
	"  tag SOURCE TARGET         give an image another name\n"
	"  rm [-f] IMAGE...          untag; delete the image when no tag is left\n"
	"  prune [-a] [-f]           remove dangling images (-a: all unused)\n"
	"  gc [-n] [--grace SECS]    remove blobs and layers nothing refers to\n"
	"  import [-c CHANGE]... FILE|DIR|- [REPO[:TAG]]\n"
	"                            a rootfs tarball or directory as an image;\n"
	"                            prints the manifest digest\n"
	"  save [-o FILE] [--format docker|oci] IMAGE...\n"
	"                            write images as a tar archive (stdout)\n"
	"  load [-i FILE] [-q]       read a docker-save or OCI archive (stdin);\n"
	"                            prints each loaded manifest digest\n"
	"  commit [-c CHANGE]... [-m MSG] [-a AUTHOR] [--container ID]\n"
	"         BASE LAYER.tar|- [REPO[:TAG]]   BASE plus a layer (ct-mount\n"
	"                            --diff) as a new image; prints its id\n"
	"\n"
	"IMAGE is a reference (busybox, localhost:5000/app:1), a digest, or an\n"
	"image id prefix of at least 4 hex digits.\n"
	"\n"
	"Options:\n"
	"  -v, --verbose   tell each step on stderr (repeat for more)\n"
	"  -h, --help      this help\n"
	"      --version   print the version\n"
	"\n"
	"See ct-image(1).\n";

struct verb {
	const char *name, *alias1, *alias2;
	int create;	/* make the store when missing */
	int (*fn)(const struct ct_store *, int, char **);
	const char *usage;
};

static const struct verb verbs[] = {
	{ "ls", "list", "images", 0, img_cmd_ls,
	  "ls [-q] [--digests] [--no-trunc] [-f dangling=true|false]\n"
	  "          [--format F] [REPO[:TAG]]" },
	{ "inspect", NULL, NULL, 0, img_cmd_inspect, "inspect [--platform OS/ARCH] IMAGE..." },
	{ "history", NULL, NULL, 0, img_cmd_history,
	  "history [--no-trunc] [-q] [--platform OS/ARCH] IMAGE" },
	{ "tag", NULL, NULL, 0, img_cmd_tag, "tag SOURCE TARGET" },
	{ "rm", "rmi", "remove", 0, img_cmd_rm, "rm [-f] IMAGE..." },
	{ "prune", NULL, NULL, 0, img_cmd_prune, "prune [-a] [-f]" },
	{ "gc", NULL, NULL, 0, img_cmd_gc, "gc [-n|--dry-run] [--grace SECONDS]" },
	{ "import", NULL, NULL, 1, img_cmd_import,
	  "import [-c CHANGE]... [-m MESSAGE] FILE|DIR|- [REPO[:TAG]]" },
	{ "commit", NULL, NULL, 0, img_cmd_commit,	/* commit.c */
	  "commit [--container ID] [-c CHANGE]... [-m MSG] [-a AUTHOR]\n"
	  "          BASE LAYER.tar|- [REPO[:TAG]]" },
	{ "save", NULL, NULL, 0, img_cmd_save, "save [-o FILE] [--format docker|oci] IMAGE..." },
	{ "load", NULL, NULL, 1, img_cmd_load, "load [-i FILE] [-q]" },
};

/* "ct-image VERB --help": the verb's synopsis, without touching the store. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		const struct verb *v = &verbs[i];

		if (!strcmp(name, v->name) || (v->alias1 && !strcmp(name, v->alias1)) ||
		    (v->alias2 && !strcmp(name, v->alias2)))
			return v;
	}
	return NULL;
}

int ct_image_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct verb *v;
	struct ct_config cfg;
	struct ct_store s;
	struct ct_err e;
	char root[PATH_MAX];
	int c, verbose = 0, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose++;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("ct-image %s\n", CT_VERSION);
			return 0;
		default:
			ct_die_usage("see ct-image --help");
		}
	}
	ct_set_verbose(verbose);
	if (optind >= argc)
		ct_die_usage("no verb given (ls, inspect, tag, rm, ...); see ct-image --help");
	v = find_verb(argv[optind]);
	if (!v)
		ct_die_usage("unknown verb \"%s\"; see ct-image --help", argv[optind]);
	if (wants_help(argc - optind, argv + optind)) {
		printf("usage: ct-image %s\nSee ct-image(1).\n", v->usage);
		return 0;
	}

	if (ct_config_load(&cfg, &e) < 0 || ct_config_root(&cfg, root, sizeof root, &e) < 0)
		ct_die_err(&e);
	ct_config_free(&cfg);
	if (ct_store_open(&s, root, v->create, &e) < 0) {
		char *index = ct_xasprintf("%s/images/index.json", root);
		int missing = !ct_exists(index);

		free(index);
		/* an empty machine lists nothing and has nothing to reclaim;
		 * every other verb says why it cannot go on */
		if (missing && v->fn == img_cmd_ls)
			return img_cmd_ls(NULL, argc - optind, argv + optind);
		if (missing && (v->fn == img_cmd_gc || v->fn == img_cmd_prune)) {
			printf("Total reclaimed space: 0B\n");
			return 0;
		}
		ct_die_err(&e);
	}
	rc = v->fn(&s, argc - optind, argv + optind);
	ct_store_close(&s);
	return rc;
}
