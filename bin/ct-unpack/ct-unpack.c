/* ct-unpack: image layers -> unpacked layer directories (or one flat tree).
 *
 *     ct-unpack [options] [REF|DIGEST|-]
 *
 * Prints the image's manifest digest, then each layer directory
 * ROOT/layers/<diff-id hex>, lowest first: the input of ct-mount. */
#include "buf.h"
#include "err.h"
#include "file.h"
#include "flatten.h"
#include "layer.h"
#include "say.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"usage: ct-unpack [options] [REF|DIGEST|-]\n"
	"\n"
	"Unpack each layer of an image from the store once into\n"
	"$CT_ROOT/layers/<diff-id>/ (overlay-ready: whiteouts become 0:0\n"
	"character devices, opaque dirs get trusted.overlay.opaque=y), checking\n"
	"every diff-id. Prints the image's manifest digest, then the layer\n"
	"directories, lowest first. With no argument or '-', the image is the\n"
	"first line of stdin (what ct-pull prints).\n"
	"\n"
	"  --flatten DIR    apply all layers into DIR (new or empty), whiteouts\n"
	"                   applied; prints the digest and DIR\n"
	"  --tar            write the flattened tree as one tar on stdout\n"
	"  --platform P     os/arch[/variant] of an index (default: this host)\n"
	"  --no-devices     refuse layers with device nodes\n"
	"  -j, --jobs N     layers unpacked at once (default: CPUs)\n"
	"  -v, --verbose    tell each step on stderr (-vv: more)\n"
	"  -h, --help       this text\n"
	"      --version    print the version\n"
	"\n"
	"Exit status: 0 done, 1 failure, 2 usage error.\n";

struct opts {
	const char *flatten;
	int tar;
	const char *platform;
	int jobs;
	struct ct_layer_opts lo;
};

/* The image named on stdin: its first non-empty line. */
static char *read_stdin_image(void)
{
	char line[1024];

	if (isatty(0))
		ct_die_usage("no image given and stdin is a terminal");
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			return ct_xstrdup(line);
	}
	ct_die_usage("no image on stdin (expected a digest or reference line)");
}

/* Unpack the layers into the store, up to o->jobs at once (one child
 * process each). Returns the number of failures. */
static int unpack_all(const struct ct_store *s, const struct ct_image *img,
		      const struct opts *o)
{
	size_t i, running = 0;
	int failed = 0, status;
	struct ct_err e;
	pid_t pid;

	if (o->jobs <= 1 || img->nlayers <= 1) {
		for (i = 0; i < img->nlayers; i++)
			if (ct_layer_unpack(s, &img->layers[i], &o->lo, NULL, &e) < 0) {
				ct_warn_err(&e);
				failed++;
			}
		return failed;
	}
	for (i = 0; i < img->nlayers; i++) {
		char *dir = ct_layer_dir(s->root, &img->layers[i].diff_id);
		int have = ct_exists(dir);

		free(dir);
		if (have)
			continue;
		if (running == (size_t)o->jobs) {
			if (wait(&status) > 0) {
				running--;
				failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			}
		}
		fflush(stderr);
		pid = fork();
		if (pid < 0) {
			ct_warn("fork:");
			failed++;
			break;
		}
		if (pid == 0) {
			int r = ct_layer_unpack(s, &img->layers[i], &o->lo, NULL, &e);

			if (r < 0)
				ct_warn_err(&e);
			fflush(stderr);
			_exit(r < 0 ? CT_EXIT_FAIL : 0);
		}
		ct_say("fork: pid %ld unpacks layer %zu (%s)", (long)pid, i + 1,
		       img->layers[i].digest.str);
		running++;
	}
	while (running > 0 && wait(&status) > 0) {
		running--;
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	return failed;
}

/* Layer dirs, lowest first; a layer that comes again higher up is listed
 * only there (overlayfs refuses a lowerdir twice; the upper copy hides
 * the lower one anyway). */
static void print_layers(const struct ct_store *s, const struct ct_image *img)
{
	size_t i, j;

	printf("%s\n", img->top_digest.str);
	for (i = 0; i < img->nlayers; i++) {
		int again = 0;
		char *dir;

		for (j = i + 1; j < img->nlayers; j++)
			if (ct_digest_equal(&img->layers[i].diff_id, &img->layers[j].diff_id))
				again = 1;
		if (again)
			continue;
		dir = ct_layer_dir(s->root, &img->layers[i].diff_id);
		printf("%s\n", dir);
		free(dir);
	}
}

static int flatten_into(const struct ct_store *s, const struct ct_image *img,
			int dirfd, const struct opts *o, struct ct_err *e)
{
	struct ct_layer_opts lo = o->lo;
	size_t i;

	lo.flatten = 1;
	for (i = 0; i < img->nlayers; i++) {
		ct_say("apply layer %zu/%zu %s", i + 1, img->nlayers, img->layers[i].digest.str);
		if (ct_layer_apply(s, &img->layers[i], dirfd, &lo, e) < 0)
			return -1;
	}
	return 0;
}

/* --flatten DIR: DIR must be missing (then it is made, and removed again
 * on failure) or an empty directory. */
static int do_flatten(const struct ct_store *s, const struct ct_image *img,
		      const struct opts *o, char *abs, size_t abslen)
{
	struct ct_err e, e2;
	int created = 0, fd, r;

	ct_say("mkdir %s", o->flatten);
	if (mkdir(o->flatten, 0755) == 0) {
		created = 1;
		if (chmod(o->flatten, 0755) < 0)   /* not the umask's choice */
			ct_die("chmod %s:", o->flatten);
	} else if (errno != EEXIST) {
		ct_die("mkdir %s:", o->flatten);
	}
	fd = open(o->flatten, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		ct_die("open %s:", o->flatten);
	if (!created) {
		r = ct_flatten_dir_is_empty(fd, o->flatten, &e);
		if (r < 0)
			ct_die_err(&e);
		if (r == 0)
			ct_die("%s is not empty: flatten into a new or empty directory",
			       o->flatten);
	}
	if (!realpath(o->flatten, abs))
		ct_die("realpath %s:", o->flatten);
	(void)abslen;
	r = flatten_into(s, img, fd, o, &e);
	close(fd);
	if (r < 0) {
		if (created)
			ct_say("removing %s", o->flatten);
		if (created && ct_rm_rf(o->flatten, &e2) < 0)
			ct_warn_err(&e2);
		ct_die_err(&e);
	}
	return 0;
}

static int do_tar(const struct ct_store *s, const struct ct_image *img,
		  const struct opts *o)
{
	struct ct_err e, e2;
	char *tmpl = NULL;
	char *layers = ct_xasprintf("%s/layers", s->root);
	int fd, r;

	if (isatty(1))
		ct_die_usage("--tar writes a tar stream: redirect stdout to a file or pipe");
	if (ct_mkdir_p(layers, 0700, &e) < 0)
		ct_die_err(&e);
	fd = ct_flatten_scratch(layers, &tmpl, &e);
	if (fd < 0)
		ct_die_err(&e);
	r = flatten_into(s, img, fd, o, &e);
	if (r == 0) {
		ct_say("write the tree of %s as a tar on stdout", tmpl);
		r = ct_flatten_write_tar(fd, 1, &e);
	}
	if (ct_rm_rf(tmpl, &e2) < 0)   /* still locked: no sweeper races us */
		ct_warn_err(&e2);
	close(fd);
	free(tmpl);
	free(layers);
	if (r < 0)
		ct_die_err(&e);
	return 0;
}

int ct_unpack_main(int argc, char **argv);
int ct_unpack_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "flatten", required_argument, NULL, 'F' },
		{ "tar", no_argument, NULL, 'T' },
		{ "platform", required_argument, NULL, 'P' },
		{ "no-devices", no_argument, NULL, 'D' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char errbuf[4096];
	struct opts o;
	struct ct_store s;
	struct ct_image img;
	struct ct_err e;
	char *what = NULL, abs[PATH_MAX];
	const char *hook;
	int c, verbose = 0, failed;
	long n;

	/* whole lines to stderr, so parallel unpackers' -v lines do not mix */
	setvbuf(stderr, errbuf, _IOLBF, sizeof errbuf);
	memset(&o, 0, sizeof o);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = n > 0 ? (int)n : 1;
	while ((c = getopt_long(argc, argv, "j:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'F': o.flatten = optarg; break;
		case 'T': o.tar = 1; break;
		case 'P': o.platform = optarg; break;
		case 'D': o.lo.no_devices = 1; break;
		case 'j': {
			uint64_t v;

			if (ct_parse_u64(optarg, 1024, &v, &e) < 0 || v == 0)
				ct_die_usage("--jobs wants a number from 1 to 1024, not %s", optarg);
			o.jobs = (int)v;
			break;
		}
		case 'v': verbose++; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("ct-unpack %s\n", CT_VERSION); return 0;
		default: ct_die_usage("try ct-unpack --help");
		}
	}
	ct_set_verbose(verbose);
	if (argc - optind > 1)
		ct_die_usage("one image at a time (got %d arguments)", argc - optind);
	if (o.flatten && o.tar)
		ct_die_usage("--flatten and --tar do not go together");
	if (geteuid() != 0)
		o.lo.no_devices = 1;
	hook = getenv("CT_TEST_UNPACK_STOP_AFTER");
	if (hook)
		o.lo.stop_after = strtoul(hook, NULL, 10);
	if (optind == argc || strcmp(argv[optind], "-") == 0)
		what = read_stdin_image();
	else
		what = ct_xstrdup(argv[optind]);

	if (ct_store_open_default(&s, 0, &e) < 0 ||
	    ct_image_load(&s, what, o.platform, &img, &e) < 0)
		ct_die_err(&e);
	ct_say("image %s: %zu layers", img.top_digest.str, img.nlayers);

	if (o.tar) {
		do_tar(&s, &img, &o);
	} else if (o.flatten) {
		do_flatten(&s, &img, &o, abs, sizeof abs);
		printf("%s\n%s\n", img.top_digest.str, abs);
	} else {
		failed = unpack_all(&s, &img, &o);
		if (failed)
			ct_die("%d of %zu layers failed to unpack; the store keeps only "
			       "complete layers", failed, img.nlayers);
		print_layers(&s, &img);
	}
	if (fflush(stdout) != 0)
		ct_die("write stdout:");
	ct_image_free(&img);
	ct_store_close(&s);
	free(what);
	return 0;
}
