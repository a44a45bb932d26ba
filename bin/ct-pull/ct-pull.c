/* ct-pull: registry → local image store; prints the manifest digest.
 *
 *     ct-pull [-q] [-v] [--platform OS/ARCH[/VARIANT]] [-j N] REF
 *     ct-pull login [-u USER] [--password-stdin] REGISTRY
 *     ct-pull logout REGISTRY
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "pull.h"
#include "ref.h"
#include "registry.h"
#include "say.h"

static const char usage[] =
"usage: ct-pull [-qv] [--platform OS/ARCH[/VARIANT]] [-j N] REF\n"
"       ct-pull login [-u USER] [--password-stdin] REGISTRY\n"
"       ct-pull logout REGISTRY\n"
"\n"
"Download an image from a registry into the local store ($CT_ROOT/images,\n"
"an OCI image layout) and print its manifest digest on stdout.\n"
"\n"
"  REF                     alpine, alpine:3.20, localhost:5000/app@sha256:...\n"
"  --platform P            the platform to take from a multi-platform image\n"
"                          (default: this host's, e.g. linux/amd64)\n"
"  -j, --parallel N        download N layers at once (default 3)\n"
"  -q, --quiet             no progress on stderr\n"
"  -v, --verbose           tell each HTTP exchange and auth step (-vv: more)\n"
"  -h, --help              this text\n"
"      --version           the version\n"
"\n"
"login asks for a password (or reads it from stdin with --password-stdin),\n"
"checks it against the registry and stores it in ~/.docker/config.json\n"
"($DOCKER_CONFIG/config.json) with mode 0600, as docker login does.\n"
"\n"
"Registries are reached over HTTPS; plain HTTP only for localhost,\n"
"127.0.0.0/8 and those marked insecure in ct.conf (see ct-pull(1)).\n"
"Proxies: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (localhost always direct).\n"
"Exit status: 0 pulled, 1 failed, 2 usage.\n";

static int read_password(int from_stdin, char **out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!from_stdin && isatty(STDIN_FILENO)) {
		char *p = getpass("Password: ");
		if (!p)
			return -1;
		*out = ct_xstrdup(p);
		return 0;
	}
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return -1;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	*out = line;
	return 0;
}

/* A reference for REGISTRY alone: its domain, no repository. */
static void registry_ref(const char *registry, struct ct_ref *ref)
{
	struct ct_err e;
	char *s = ct_xasprintf("%s/x", registry);

	if (ct_ref_parse(s, ref, &e) < 0)
		ct_die_usage("invalid registry \"%s\": %s", registry, e.msg);
	free(s);
	if (strcmp(registry, "index.docker.io") && strcmp(registry, "registry-1.docker.io"))
		snprintf(ref->domain, sizeof ref->domain, "%s", registry);
	else
		snprintf(ref->domain, sizeof ref->domain, "docker.io");
	ref->path[0] = 0;
}

static int cmd_login(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL;
	int from_stdin = 0, verbose = 0, ch;
	struct ct_ref ref;
	struct ct_registry r;
	struct ct_http_conn c;
	struct ct_config cfg = { 0 };
	struct ct_err e;
	char *pass = NULL, *u = NULL;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "u:vh", lo, NULL)) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'P': from_stdin = 1; break;
		case 'v': verbose++; break;
		case 'h': fputs(usage, stdout); return 0;
		default: ct_die_usage("try ct-pull --help");
		}
	}
	ct_set_verbose(verbose);
	if (argc - optind != 1)
		ct_die_usage("login wants one REGISTRY (try ct-pull --help)");
	registry_ref(argv[optind], &ref);
	if (!user) {
		size_t cap = 0;
		ssize_t n;
		if (from_stdin)
			ct_die_usage("--password-stdin needs -u USER");
		fprintf(stderr, "Username: ");
		n = getline(&u, &cap, stdin);
		if (n <= 1)
			ct_die("no username given");
		u[strcspn(u, "\r\n")] = 0;
		user = u;
	}
	if (read_password(from_stdin, &pass) < 0 || !*pass)
		ct_die("no password given");
	if (ct_config_load(&cfg, &e) < 0)
		ct_die_err(&e);
	if (ct_registry_open_as(&r, &ref, &cfg, "pull", user, pass, &c, &e) < 0)
		ct_die_err(&e);
	ct_http_conn_close(&c);
	ct_registry_close(&r);
	if (ct_creds_set(ref.domain, user, pass, &e) < 0)
		ct_die_err(&e);
	fprintf(stderr, "Login Succeeded (credentials in %s)\n", ct_creds_path());
	ct_config_free(&cfg);
	free(pass);
	free(u);
	return 0;
}

static int cmd_logout(int argc, char **argv)
{
	struct ct_ref ref;
	struct ct_err e;

	if (argc != 2)
		ct_die_usage("logout wants one REGISTRY (try ct-pull --help)");
	registry_ref(argv[1], &ref);
	if (ct_creds_set(ref.domain, NULL, NULL, &e) < 0)
		ct_die_err(&e);
	fprintf(stderr, "Removed login credentials for %s\n", ref.domain);
	return 0;
}

int ct_pull_main(int argc, char **argv);
int ct_pull_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "platform", required_argument, NULL, 'p' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_pull_opts o = { 0 };
	struct ct_pull_result res;
	struct ct_ref ref;
	struct ct_err e;
	int verbose = 0, ch;
	uint64_t n;

	if (argc > 1 && !strcmp(argv[1], "login"))
		return cmd_login(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "logout"))
		return cmd_logout(argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "p:j:qvh", lo, NULL)) != -1) {
		switch (ch) {
		case 'p': o.platform = optarg; break;
		case 'j':
			if (ct_parse_u64(optarg, 16, &n, &e) < 0 || n == 0)
				ct_die_usage("--parallel: want 1 to 16, got \"%s\"", optarg);
			o.parallel = (int)n;
			break;
		case 'q': o.quiet = 1; break;
		case 'v': verbose++; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("ct-pull " CT_VERSION); return 0;
		default: ct_die_usage("try ct-pull --help");
		}
	}
	ct_set_verbose(verbose);
	if (argc - optind != 1)
		ct_die_usage("want one image reference (try ct-pull --help)");
	if (ct_ref_parse(argv[optind], &ref, &e) < 0)
		ct_die_usage("%s", e.msg);
	if (ct_pull(argv[optind], &o, &res, &e) < 0)
		ct_die_err(&e);
	if (!o.quiet) {
		fprintf(stderr, "Digest: %s\n", res.digest.str);
		fprintf(stderr, "Status: %s for %s\n",
			res.up_to_date ? "Image is up to date" : "Downloaded newer image",
			res.name);
	}
	printf("%s\n", res.digest.str);
	if (fflush(stdout) == EOF)
		ct_die("write stdout:");
	return 0;
}
