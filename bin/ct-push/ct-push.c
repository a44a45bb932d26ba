/* ct-push: local image store → registry; prints the pushed digest.
 *
 *     ct-push [-qv] [--from REPO]... [--platform P] [SRC] REF
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "push.h"
#include "ref.h"
#include "say.h"

static const char usage[] =
"usage: ct-push [-qv] [--from REPO]... [--platform OS/ARCH[/VARIANT]] [SRC] REF\n"
"\n"
"Upload an image from the local store ($CT_ROOT/images) to a registry and\n"
"print the digest of the manifest pushed on stdout.\n"
"\n"
"  REF                     where to: localhost:5000/app:1, user/app:latest\n"
"  SRC                     the image in the store (a reference, a digest or\n"
"                          a short id); default: REF itself\n"
"  --from REPO             a repository of that registry to mount blobs\n"
"                          from (repeatable; the image's own repository\n"
"                          there is tried anyway)\n"
"  --platform P            for an index of which the store holds one\n"
"                          platform: the one to push (default: the host's)\n"
"  -q, --quiet             no progress on stderr\n"
"  -v, --verbose           tell each HTTP exchange and auth step (-vv: more)\n"
"  -h, --help              this text\n"
"      --version           the version\n"
"\n"
"Blobs the repository has are not sent again (HEAD); others are mounted\n"
"from another repository of the registry when possible, else uploaded in\n"
"one PUT, or in PATCH chunks over [registry] upload_chunk (ct.conf).\n"
"Credentials, TLS and insecure registries as for ct-pull(1); log in with\n"
"ct-pull login REGISTRY.\n"
"Exit status: 0 pushed, 1 failed, 2 usage.\n";

int ct_push_main(int argc, char **argv);
int ct_push_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "platform", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_push_opts o = { 0 };
	const char **from = NULL;
	struct ct_push_result res;
	struct ct_ref ref;
	struct ct_err e;
	const char *src, *dst;
	int verbose = 0, ch;

	while ((ch = getopt_long(argc, argv, "p:qvh", lo, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = ct_xrealloc(from, (o.nfrom + 1) * sizeof *from);
			from[o.nfrom++] = optarg;
			o.from = from;
			break;
		case 'p': o.platform = optarg; break;
		case 'q': o.quiet = 1; break;
		case 'v': verbose++; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("ct-push " CT_VERSION); return 0;
		default: ct_die_usage("try ct-push --help");
		}
	}
	ct_set_verbose(verbose);
	if (argc - optind < 1 || argc - optind > 2)
		ct_die_usage("want [SRC] REF (try ct-push --help)");
	dst = argv[argc - 1];
	src = argc - optind == 2 ? argv[optind] : dst;
	if (ct_ref_parse(dst, &ref, &e) < 0)
		ct_die_usage("%s", e.msg);
	if (ct_push(src, dst, &o, &res, &e) < 0)
		ct_die_err(&e);
	free(from);
	if (!o.quiet)
		fprintf(stderr, "%s: digest: %s size: %lld\n", res.tag, res.digest.str, res.size);
	printf("%s\n", res.digest.str);
	if (fflush(stdout) == EOF)
		ct_die("write stdout:");
	return 0;
}
