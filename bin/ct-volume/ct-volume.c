/* ct-volume: named and anonymous volumes, as `docker volume` manages them.
 * See ct-volume(1).
 *
 *     ct-volume create [--label K=V] [NAME]     prints the name
 *     ct-volume ls [-q] [--filter dangling=true|name=X|label=K[=V]]
 *     ct-volume inspect [-f '{{.Mountpoint}}'] NAME...
 *     ct-volume rm [-f] NAME...
 *     ct-volume prune [-a] [-f]
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "container.h"
#include "err.h"
#include "json.h"
#include "lock.h"
#include "say.h"
#include "volume.h"

static const char usage[] =
	"usage: ct-volume create [-l KEY=VALUE]... [-d local] [NAME]\n"
	"       ct-volume ls [-q] [-f dangling=BOOL|name=X|label=K[=V]|driver=local]\n"
	"       ct-volume inspect [-f FORMAT] NAME...\n"
	"       ct-volume rm [-f] NAME...\n"
	"       ct-volume prune [-a] [-f] [--filter label=K[=V]]\n"
	"\n"
	"Volumes live in $CT_ROOT/volumes/NAME/_data, as Docker's local driver\n"
	"keeps them. A named volume is also made on first use by ct-mount\n"
	"--volume NAME:/path (and filled from the image when empty); -v /path\n"
	"makes an anonymous one (a 64-hex name).\n"
	"\n"
	"  create     make a volume (NAME: a random 64-hex one); prints the name\n"
	"  ls         list volumes; -q names only; --filter as docker volume ls\n"
	"             (dangling=true: used by no container)\n"
	"  inspect    Docker-shaped JSON; -f '{{.Mountpoint}}' prints one field\n"
	"  rm         remove volumes; refused while a container uses one;\n"
	"             -f: a missing volume is no error\n"
	"  prune      remove the anonymous volumes no container uses; -a: every\n"
	"             unused volume; asks first unless -f\n"
	"\n"
	"  -v, --verbose   tell each step on stderr   --version  print the version\n"
	"  -h, --help      this text\n"
	"\n"
	"Exit status: 0 done, 1 failure, 2 usage error. See ct-volume(1).\n";

static char *state_root(void)
{
	struct ct_err e;
	char *root = ct_state_root(&e);

	if (!root)
		ct_die_err(&e);
	return root;
}

enum { OPT_FILTER = 256, OPT_NAME, OPT_FORMAT };

/* ------------------------------------------------------------- create */

static int cmd_create(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "driver", required_argument, NULL, 'd' },
		{ "opt", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ NULL, 0, NULL, 0 },
	};
	char **labels = NULL;
	size_t nlabels = 0;
	const char *name = NULL;
	struct ct_volume v;
	struct ct_err e;
	int opt, made, fd;

	while ((opt = getopt_long(argc, argv, "+l:d:o:", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			labels = ct_xrealloc(labels, (nlabels + 1) * sizeof(char *));
			labels[nlabels++] = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "local"))
				ct_die("driver \"%s\": only the local driver is there", optarg);
			break;
		case 'o':
			ct_die("volume options (-o %s) are not supported: local volumes are plain "
			       "directories", optarg);
		case OPT_NAME: name = optarg; break;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	if (optind < argc) {
		if (name && strcmp(name, argv[optind]))
			ct_die_usage("conflicting options: either specify --name or provide "
				     "positional arg, not both");
		name = argv[optind++];
	}
	if (optind < argc)
		ct_die_usage("create takes at most one name");
	if (name && ct_volume_name_check(name, &e) < 0)
		ct_die("create %s: %s", name, e.msg);
	fd = ct_volumes_lock(root, &e);
	if (fd < 0 || ct_volume_create(root, name, 0, labels, nlabels, &v, &made, &e) < 0)
		ct_die_err(&e);
	ct_unlock(fd);
	printf("%s\n", v.name);
	ct_volume_free(&v);
	free(labels);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}

/* ----------------------------------------------------------------- ls */

struct filters {
	char **kv;	/* "key=value" */
	size_t n;
};

static int label_matches(const struct ct_volume *v, const char *want)
{
	const char *eq = strchr(want, '=');
	size_t klen = eq ? (size_t)(eq - want) : strlen(want);

	if (v->anonymous && !strncmp(want, CT_VOLUME_ANON_LABEL, klen) &&
	    klen == strlen(CT_VOLUME_ANON_LABEL) && (!eq || !eq[1]))
		return 1;
	for (size_t i = 0; i < v->nlabels; i++) {
		const char *l = v->labels[i];
		if (strncmp(l, want, klen) || (l[klen] != '=' && l[klen] != '\0'))
			continue;
		if (!eq || !strcmp(l[klen] ? l + klen + 1 : "", eq + 1))
			return 1;
	}
	return 0;
}

static int truthy(const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "false") || !strcmp(v, "0"))
		return 0;
	ct_die_usage("invalid filter 'dangling=%s': true or false", v);
}

/* Docker's rule: filters of one key are OR'ed, different keys AND'ed. */
static int passes(char *const *inuse, const struct ct_volume *v, const struct filters *f)
{
	static const char *const keys[] = { "dangling", "name", "label", "driver" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t klen = strlen(keys[k]);
		int seen = 0, any = 0;
		for (size_t i = 0; i < f->n; i++) {
			const char *val;
			if (strncmp(f->kv[i], keys[k], klen) || f->kv[i][klen] != '=')
				continue;
			val = f->kv[i] + klen + 1;
			seen = 1;
			if (k == 0)
				any |= truthy(val) == !ct_strv_has(inuse, v->name);
			else if (k == 1) {
				any |= strstr(v->name, val) != NULL;
			} else if (k == 2) {
				any |= label_matches(v, val);
			} else {
				any |= !strcmp(v->driver, val);
			}
		}
		if (seen && !any)
			return 0;
	}
	return 1;
}

static void check_filter(const char *f)
{
	static const char *const ok[] = { "dangling=", "name=", "label=", "driver=", NULL };

	for (size_t i = 0; ok[i]; i++)
		if (ct_has_prefix(f, ok[i]))
			return;
	ct_die_usage("invalid filter '%s' (dangling=, name=, label=, driver=)", f);
}

static int cmd_ls(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	struct filters f = { 0 };
	struct ct_err e;
	char **names, **inuse;
	int quiet = 0, opt;

	while ((opt = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1) {
		switch (opt) {
		case 'q': quiet = 1; break;
		case 'f':
			check_filter(optarg);
			f.kv = ct_xrealloc(f.kv, (f.n + 1) * sizeof(char *));
			f.kv[f.n++] = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "{{.Name}}"))
				ct_die_usage("--format: only '{{.Name}}' is known (or use inspect -f)");
			quiet = 1;
			break;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	if (optind < argc)
		ct_die_usage("ls takes no arguments");
	names = ct_volume_names(root, &e);
	if (!names || !(inuse = ct_volumes_in_use(root, &e)))
		ct_die_err(&e);
	if (!quiet)
		printf("%-10s%s\n", "DRIVER", "VOLUME NAME");
	for (char **n = names; *n; n++) {
		struct ct_volume v;
		if (ct_volume_load(root, *n, &v, &e) < 0)
			continue;	/* removed meanwhile */
		if (passes(inuse, &v, &f)) {
			if (quiet)
				printf("%s\n", v.name);
			else
				printf("%-10s%s\n", v.driver, v.name);
		}
		ct_volume_free(&v);
	}
	ct_strv_free(names);
	ct_strv_free(inuse);
	free(f.kv);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}

/* ------------------------------------------------------------ inspect */

static json_t *volume_json(const struct ct_volume *v)
{
	json_t *j = json_object(), *labels = json_object();

	for (size_t i = 0; i < v->nlabels; i++) {
		const char *eq = strchr(v->labels[i], '=');
		char *k = eq ? ct_xstrndup(v->labels[i], (size_t)(eq - v->labels[i]))
			     : ct_xstrdup(v->labels[i]);
		json_object_set_new(labels, k, json_string(eq ? eq + 1 : ""));
		free(k);
	}
	if (v->anonymous)
		json_object_set_new(labels, CT_VOLUME_ANON_LABEL, json_string(""));
	json_object_set_new(j, "CreatedAt", json_string(v->created));
	json_object_set_new(j, "Driver", json_string(v->driver));
	if (json_object_size(labels))
		json_object_set_new(j, "Labels", labels);
	else {
		json_decref(labels);
		json_object_set_new(j, "Labels", json_null());
	}
	json_object_set_new(j, "Mountpoint", json_string(v->data));
	json_object_set_new(j, "Name", json_string(v->name));
	json_object_set_new(j, "Options", json_null());
	json_object_set_new(j, "Scope", json_string("local"));
	return j;
}

/* -f: "{{.Key}}" placeholders replaced by the fields (strings as they are,
 * others as JSON); "{{json .Key}}" as JSON. */
static void print_format(const char *fmt, const json_t *j)
{
	struct ct_buf b = CT_BUF_INIT;
	const char *p = fmt;

	while (*p) {
		const char *end;
		if (strncmp(p, "{{", 2) || !(end = strstr(p, "}}"))) {
			ct_buf_putc(&b, *p++);
			continue;
		}
		{
			char *in = ct_xstrndup(p + 2, (size_t)(end - p - 2)), *k = in;
			int as_json = 0;
			json_t *v;
			while (*k == ' ')
				k++;
			if (ct_has_prefix(k, "json ")) {
				as_json = 1;
				k += 5;
				while (*k == ' ')
					k++;
			}
			for (char *t = k + strlen(k); t > k && t[-1] == ' '; )
				*--t = '\0';
			if (k[0] != '.')
				ct_die_usage("format: \"{{%s}}\" is not a field like {{.Name}}", in);
			v = json_object_get(j, k + 1);
			if (!v && k[1])
				ct_die_usage("format: no field %s (CreatedAt, Driver, Labels, "
					     "Mountpoint, Name, Options, Scope)", k);
			if (!k[1] || as_json || !json_is_string(v)) {
				char *s = json_dumps(k[1] ? v : j, JSON_COMPACT | JSON_ENCODE_ANY |
						     JSON_PRESERVE_ORDER);
				if (!as_json && json_is_null(v))
					ct_buf_puts(&b, "<no value>");
				else if (s)
					ct_buf_puts(&b, s);
				free(s);
			} else {
				ct_buf_puts(&b, json_string_value(v));
			}
			free(in);
			p = end + 2;
		}
	}
	printf("%s\n", ct_buf_str(&b));
	ct_buf_free(&b);
}

static int cmd_inspect(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = NULL;
	json_t *all = json_array();
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': fmt = optarg; break;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	if (optind >= argc)
		ct_die_usage("inspect needs at least one volume name");
	for (int i = optind; i < argc; i++) {
		struct ct_volume v;
		struct ct_err e;
		if (ct_volume_load(root, argv[i], &v, &e) < 0) {
			ct_warn("%s", e.msg);
			rc = CT_EXIT_FAIL;
			continue;
		}
		if (fmt) {
			json_t *j = volume_json(&v);
			print_format(fmt, j);
			json_decref(j);
		} else {
			json_array_append_new(all, volume_json(&v));
		}
		ct_volume_free(&v);
	}
	if (!fmt) {
		char *s = json_dumps(all, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
		free(s);
	}
	json_decref(all);
	if (fflush(stdout) != 0)
		ct_die("write stdout:");
	return rc;
}

/* ----------------------------------------------------------------- rm */

/* Remove one volume unless a container uses it; the lock is held. */
static int remove_one(const char *root, const char *name, int quiet_missing)
{
	struct ct_volume v;
	struct ct_err e;
	char **users;

	if (ct_volume_load(root, name, &v, &e) < 0) {
		if (e.errnum == ENOENT && quiet_missing)
			return 0;
		if (e.errnum == ENOENT)
			ct_warn("no such volume: %s", name);
		else
			ct_warn_err(&e);
		return -1;
	}
	ct_volume_free(&v);
	users = ct_volume_users(root, name, &e);
	if (!users) {
		ct_warn_err(&e);
		return -1;
	}
	if (users[0]) {
		struct ct_container c;
		char *cdir = ct_xasprintf("%s/containers/%s", root, users[0]);
		int loaded = ct_container_load(cdir, &c, &e) == 0;
		int named = loaded && c.name[0];
		ct_warn("remove %s: volume is in use - [%s]%s%s%s: remove the container first "
			"(ct rm)", name, users[0], named ? " (container " : "",
			named ? c.name : "", named ? ")" : "");
		if (loaded)
			ct_container_free(&c);
		free(cdir);
		ct_strv_free(users);
		return -1;
	}
	ct_strv_free(users);
	if (ct_volume_remove(root, name, &e) < 0) {
		ct_warn_err(&e);
		return -1;
	}
	return 1;
}

static int cmd_rm(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_err e;
	int opt, force = 0, rc = 0, fd;

	while ((opt = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': force = 1; break;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	if (optind >= argc)
		ct_die_usage("rm needs at least one volume name");
	fd = ct_volumes_lock(root, &e);
	if (fd < 0)
		ct_die_err(&e);
	for (int i = optind; i < argc; i++) {
		int r = remove_one(root, argv[i], force);
		if (r < 0)
			rc = CT_EXIT_FAIL;
		else
			printf("%s\n", argv[i]);
	}
	ct_unlock(fd);
	if (fflush(stdout) != 0)
		ct_die("write stdout:");
	return rc;
}

/* -------------------------------------------------------------- prune */

static int confirm(int all)
{
	char line[16] = "";

	fprintf(stderr, "WARNING! This will remove %s local volumes not used by at least one "
		"container.\nAre you sure you want to continue? [y/N] ", all ? "all" : "anonymous");
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

static int cmd_prune(const char *root, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ NULL, 0, NULL, 0 },
	};
	struct filters f = { 0 };
	struct ct_err e;
	char **names, **inuse, size[32];
	uint64_t freed = 0;
	int opt, all = 0, force = 0, fd, rc = 0, first = 1;

	while ((opt = getopt_long(argc, argv, "+af", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = 1; break;
		case 'f': force = 1; break;
		case OPT_FILTER:
			if (!ct_has_prefix(optarg, "label="))
				ct_die_usage("invalid filter '%s' (prune knows label=)", optarg);
			f.kv = ct_xrealloc(f.kv, (f.n + 1) * sizeof(char *));
			f.kv[f.n++] = optarg;
			break;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	if (optind < argc)
		ct_die_usage("prune takes no arguments");
	if (!force && !confirm(all))
		return 0;
	fd = ct_volumes_lock(root, &e);
	if (fd < 0 || !(names = ct_volume_names(root, &e)) ||
	    !(inuse = ct_volumes_in_use(root, &e)))
		ct_die_err(&e);
	for (char **n = names; *n; n++) {
		struct ct_volume v;
		uint64_t sz;
		if (ct_volume_load(root, *n, &v, &e) < 0)
			continue;
		if ((!all && !v.anonymous) || ct_strv_has(inuse, *n) || !passes(inuse, &v, &f)) {
			ct_volume_free(&v);
			continue;
		}
		sz = ct_volume_du(v.data);
		ct_volume_free(&v);
		if (ct_volume_remove(root, *n, &e) < 0) {
			ct_warn_err(&e);
			rc = CT_EXIT_FAIL;
			continue;
		}
		if (first)
			printf("Deleted Volumes:\n");
		first = 0;
		printf("%s\n", *n);
		freed += sz;
	}
	ct_unlock(fd);
	ct_strv_free(names);
	ct_strv_free(inuse);
	free(f.kv);
	ct_volume_human_size(freed, size, sizeof(size));
	printf("%sTotal reclaimed space: %s\n", first ? "" : "\n", size);
	if (fflush(stdout) != 0)
		ct_die("write stdout:");
	return rc;
}

int ct_volume_main(int argc, char **argv);

int ct_volume_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_NAME },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, verbose = 0, rc;
	const char *verb;
	char *root;

	while ((opt = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose++; break;
		case OPT_NAME: printf("ct-volume %s\n", CT_VERSION); return 0;
		case 'h': fputs(usage, stdout); return 0;
		default: ct_die_usage("see ct-volume --help");
		}
	}
	ct_set_verbose(verbose);
	if (optind >= argc)
		ct_die_usage("a command is needed: create, ls, inspect, rm or prune");
	verb = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		}
	root = state_root();
	if (!strcmp(verb, "create"))
		rc = cmd_create(root, argc, argv);
	else if (!strcmp(verb, "ls") || !strcmp(verb, "list"))
		rc = cmd_ls(root, argc, argv);
	else if (!strcmp(verb, "inspect"))
		rc = cmd_inspect(root, argc, argv);
	else if (!strcmp(verb, "rm") || !strcmp(verb, "remove"))
		rc = cmd_rm(root, argc, argv);
	else if (!strcmp(verb, "prune"))
		rc = cmd_prune(root, argc, argv);
	else
		ct_die_usage("unknown command \"%s\": create, ls, inspect, rm or prune", verb);
	free(root);
	return rc;
}
