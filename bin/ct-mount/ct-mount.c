/* ct-mount: layer directories → a container's copy-on-write root and its
 * OCI bundle. See ct-mount(1).
 *
 *     ct-unpack alpine | ct-mount --name web      prints the bundle dir
 *     ct-mount --umount web [--rm]
 *     ct-mount --diff web >changes.tar
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "inspect.h"
#include "buf.h"
#include "config.h"
#include "container.h"
#include "ctvolume.h"
#include "digest.h"
#include "err.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "overlay.h"
#include "say.h"
#include "spec.h"
#include "store.h"
#include "layer.h"

static const char usage[] =
	"usage: ct-mount [options] [sha256:IMAGE] [LAYERDIR...] [-- COMMAND [ARG...]]\n"
	"       ct-mount [options] --image REF [--platform P] [-- COMMAND [ARG...]]\n"
	"       ct-mount --umount [--rm] ID|NAME    ct-mount --remount ID|NAME\n"
	"       ct-mount --diff ID|NAME >layer.tar\n"
	"       ct-mount --inspect [-f FORMAT] ID|NAME...   (ct inspect)\n"
	"       ct-mount --cp-stat|--cp-out|--cp-in ID PATH  (ct cp)\n"
	"\n"
	"Make a container from layer directories (lowest first) and an image, read\n"
	"from the arguments, from stdin (ct-unpack's output) or, unpacked, from the\n"
	"store (--image): containers/<id>/ with upper/, work/, rootfs/ (overlayfs\n"
	"on it), config.json and ct.ini. Prints the bundle directory.\n"
	"\n"
	"  -n, --name NAME        a unique name (default: generated, swift_maple)\n"
	"  -e, --env KEY=VAL      environment (KEY alone: its value here); repeatable\n"
	"  -w, --workdir DIR      working directory inside the container\n"
	"  -u, --user USER[:GRP]  user (name or uid) and group to run as\n"
	"      --entrypoint CMD   replace the image's entrypoint ('' for none)\n"
	"      --hostname NAME    the container's hostname (default: short id)\n"
	"      --copy             copy the layers instead of mounting overlayfs\n"
	"      --volatile         a throw-away container (ct run --rm): nothing synced\n"
	"      --seccomp FILE     seccomp profile (OCI JSON), or 'unconfined'\n"
	"      --volume [SRC:]DST[:ro]  --mount type=bind|volume|tmpfs,...\n"
	"                         volumes and binds, as docker run -v/--mount\n"
	"  -- COMMAND ARG...      the command, replacing the image's Cmd\n"
	"As docker run's (see ct-mount(1)): --read-only --privileged --memory SIZE\n"
	"  --memory-swap SIZE --cpus N --cpu-shares N --cpuset-cpus LIST\n"
	"  --pids-limit N --cap-add CAP --cap-drop CAP --security-opt OPT\n"
	"  --ulimit NAME=SOFT[:HARD] --label K=V --tmpfs PATH[:OPTS] --stop-signal SIG\n"
	"  --stop-timeout SECS --health-cmd CMD --health-interval|--health-timeout|\n"
	"  --health-start-period DURATION --health-retries N --no-healthcheck\n"
	"  --restart POLICY --init (only kept in ct.ini, for ct start)\n"
	"\n"
	"      --umount [--rm]    unmount the container's rootfs [and remove it]\n"
	"      --remount          mount it again (after a reboot); prints the bundle\n"
	"      --diff             write its changes (upper/) as an OCI layer tar\n"
	"      --generate-name    print a free container name\n"
	"  -v, --verbose          tell each kernel-level step on stderr (-vv more)\n"
	"  -h, --help             this text; --version prints the version\n"
	"\n"
	"Exit: 0 done, 1 failure, 2 usage, 3 --image not unpacked. See ct-mount(1).\n";

enum { OPT_ENTRYPOINT = 256, OPT_HOSTNAME, OPT_COPY, OPT_UMOUNT, OPT_RM, OPT_DIFF, OPT_REMOUNT,
       OPT_VERSION, OPT_SECCOMP, OPT_GENNAME, OPT_VOLATILE, OPT_IMAGE, OPT_PLATFORM,
       /* docker run's runtime flags (struct ct_spec_run) */
       OPT_READ_ONLY, OPT_PRIVILEGED, OPT_MEMORY, OPT_MEMORY_SWAP, OPT_CPUS, OPT_CPU_SHARES,
       OPT_CPUSET_CPUS, OPT_PIDS_LIMIT, OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECURITY_OPT,
       OPT_ULIMIT, OPT_LABEL, OPT_TMPFS, OPT_STOP_SIGNAL, OPT_STOP_TIMEOUT, OPT_HEALTH_CMD,
       OPT_HEALTH_INTERVAL, OPT_HEALTH_TIMEOUT, OPT_HEALTH_RETRIES, OPT_HEALTH_START,
       OPT_NO_HEALTHCHECK, OPT_RESTART, OPT_INIT, OPT_VOLUME, OPT_MOUNT };

static const struct option long_opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "copy", no_argument, NULL, OPT_COPY },
	{ "volatile", no_argument, NULL, OPT_VOLATILE },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "volume", required_argument, NULL, OPT_VOLUME },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "umount", no_argument, NULL, OPT_UMOUNT },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "remount", no_argument, NULL, OPT_REMOUNT },
	{ "generate-name", no_argument, NULL, OPT_GENNAME },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "health-cmd", required_argument, NULL, OPT_HEALTH_CMD },
	{ "health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL },
	{ "health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT },
	{ "health-retries", required_argument, NULL, OPT_HEALTH_RETRIES },
	{ "health-start-period", required_argument, NULL, OPT_HEALTH_START },
	{ "no-healthcheck", no_argument, NULL, OPT_NO_HEALTHCHECK },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct mount_req {
	const char *name;
	const char *user;
	int copy, init;
	const char *restart;	/* kept in ct.ini for ct start */
	struct ct_spec_opts spec;
	struct ct_spec_run run;	/* docker run's flags; run.seccomp: a profile,
				 * "unconfined", or NULL: the default */
	char *image;		/* "sha256:..." or NULL */
	char **layers;		/* absolute paths, lowest first */
	size_t nlayers;
	/* --image: the image as take_image loaded it (for its platform), and
	 * its store, handed on to make_container instead of loading it twice */
	int preloaded;
	struct ct_store pre_store;
	struct ct_image pre_img;
};

static char *state_root(void)
{
	struct ct_err e;
	char *root = ct_state_root(&e);

	if (!root)
		ct_die_err(&e);
	return root;
}

/* One line of the pipe protocol: an image digest or a layer directory. */
static void take_line(struct mount_req *r, const char *line, const char *where)
{
	struct ct_err e;
	struct stat st;

	if (!line[0])
		return;
	if (ct_has_prefix(line, CT_DIGEST_PREFIX)) {
		if (ct_digest_parse(line, NULL, &e) < 0)
			ct_die("%s: %s", where, e.msg);
		if (r->image && strcmp(r->image, line) != 0)
			ct_die_usage("%s: a second image %s (already have %s): one image per "
				     "container", where, line, r->image);
		free(r->image);
		r->image = ct_xstrdup(line);
		return;
	}
	if (line[0] != '/')
		ct_die_usage("%s: \"%s\" is neither an image (sha256:...) nor an absolute "
			     "layer directory", where, line);
	if (stat(line, &st) < 0)
		ct_die("%s: layer directory %s:", where, line);
	if (!S_ISDIR(st.st_mode))
		ct_die("%s: layer %s is not a directory", where, line);
	r->layers = ct_xrealloc(r->layers, (r->nlayers + 1) * sizeof(*r->layers));
	r->layers[r->nlayers++] = ct_xstrdup(line);
}

/* --image REF: the image's layer directories as ct-unpack REF prints them,
 * when every one is unpacked already (as it nearly always is when a
 * container is made): the pipeline without its first process. Anything
 * missing exits 3, for the caller to pull and unpack first. */
#define EXIT_NOT_UNPACKED 3
static void take_image(const char *root, const char *ref, const char *platform,
		       struct mount_req *r)
{
	struct ct_store s = { 0 };
	struct ct_image img = { 0 };
	struct ct_err e;

	if (ct_store_open(&s, root, 0, &e) < 0 || ct_image_load(&s, ref, platform, &img, &e) < 0) {
		ct_warn("%s", e.msg);
		exit(EXIT_NOT_UNPACKED);
	}
	ct_say("image %s: %zu layers, looked up in the store", img.top_digest.str, img.nlayers);
	take_line(r, img.top_digest.str, "--image");
	for (size_t i = 0; i < img.nlayers; i++) {
		int again = 0;
		char *dir;

		/* a layer that comes again higher up only there, as ct-unpack */
		for (size_t j = i + 1; j < img.nlayers; j++)
			if (ct_digest_equal(&img.layers[i].diff_id, &img.layers[j].diff_id))
				again = 1;
		if (again)
			continue;
		dir = ct_layer_dir(s.root, &img.layers[i].diff_id);
		if (!ct_exists(dir)) {
			ct_warn("layer %zu of %s is not unpacked (%s): ct-unpack %s first",
				 i + 1, ref, dir, ref);
			exit(EXIT_NOT_UNPACKED);
		}
		take_line(r, dir, "--image");
		free(dir);
	}
	r->preloaded = 1;
	r->pre_store = s;
	r->pre_img = img;
}

static void read_stdin_lines(struct mount_req *r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;

	if (isatty(0))
		ct_die_usage("no layers given: pipe ct-unpack's output in, or name layer "
			     "directories (see --help)");
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char where[32];
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		snprintf(where, sizeof(where), "stdin line %u", ++lineno);
		take_line(r, line, where);
	}
	if (ferror(stdin))
		ct_die("read stdin:");
	free(line);
}

/* The tag that points at the image in index.json, for ct.ini's image_ref. */
static char *image_ref_of(const struct ct_store *s, const struct ct_digest *top)
{
	struct ct_err e;
	json_t *index = ct_store_index(s, &e), *m;
	char *ref = NULL;
	size_t i;

	if (!index)
		return ct_xstrdup("");
	json_array_foreach(json_object_get(index, "manifests"), i, m) {
		const char *d = ct_json_str(m, "digest");
		const char *name = ct_json_str(json_object_get(m, "annotations"),
					       CT_ANNOT_REF_NAME);
		if (d && name && strcmp(d, top->str) == 0 && !strpbrk(name, "\r\n")) {
			ref = ct_xstrdup(name);
			break;
		}
	}
	json_decref(index);
	return ref ? ref : ct_xstrdup("");
}

/* containers/<id>/layers: the layer dirs, lowest first, one a line, so
 * that --remount can mount the same root again (after a reboot). */
static int save_layers(const char *dir, char **layers, size_t n, int sync, struct ct_err *e)
{
	struct ct_buf b = CT_BUF_INIT;
	char *path = ct_xasprintf("%s/layers", dir);
	int r;

	for (size_t i = 0; i < n; i++) {
		if (strchr(layers[i], '\n')) {
			free(path);
			ct_buf_free(&b);
			return ct_err(e, 0, "layer path holds a line break");
		}
		ct_buf_printf(&b, "%s\n", layers[i]);
	}
	r = sync ? ct_write_file_atomic(path, b.data, b.len, 0644, e)
		 : ct_write_file_volatile(path, b.data, b.len, 0644, e);
	free(path);
	ct_buf_free(&b);
	return r;
}

/* linux.seccomp: the profile asked for, none for "unconfined", else ct's
 * default profile; without one, say so (the container is less confined). */
static int add_seccomp(json_t *spec, const char *want, struct ct_err *e)
{
	char path[PATH_MAX];
	const char *p;

	if (want && !strcmp(want, "unconfined")) {
		ct_say("seccomp: unconfined");
		return ct_spec_set_seccomp(spec, NULL, e);
	}
	p = want ? want : ct_spec_find_seccomp(path, sizeof(path));
	if (!p) {
		ct_warn("no default seccomp profile (share/ct/seccomp/default.json beside the "
			"tools, or $CT_SECCOMP_PROFILE): the container runs without seccomp");
		return 0;
	}
	ct_say("seccomp profile %s", p);
	return ct_spec_set_seccomp(spec, p, e);
}

/* Make the bundle; on failure remove everything made so far. */
static int make_container(const char *root, struct mount_req *r, struct ct_container *c,
			  struct ct_err *e)
{
	struct ct_store store = { 0 };
	struct ct_image img = { 0 };
	json_t *spec = ct_spec_default();
	char *upper = NULL, *work = NULL, *rootfs = NULL, *cfgpath = NULL;
	const char *user = r->user;
	int have_img = 0, mounted = 0, made = 0, rc = -1, unusable = 0, busyfd = -1;

	if (r->preloaded) {
		store = r->pre_store;
		img = r->pre_img;
	} else if (r->image &&
		   (ct_store_open(&store, root, 0, e) < 0 ||
		    ct_image_load(&store, r->image, NULL, &img, e) < 0)) {
		goto out;
	}
	if (r->image) {
		have_img = 1;
		ct_say("image %s: config %s, %zu layers", img.top_digest.str,
		       img.config_digest.str, img.nlayers);
		if (img.nlayers != r->nlayers)
			ct_warn("image %.19s has %zu layers but %zu layer directories were "
				"given", img.top_digest.str, img.nlayers, r->nlayers);
		c->image = ct_xstrdup(img.top_digest.str);
		c->image_ref = image_ref_of(&store, &img.top_digest);
		if (!user)
			user = ct_json_str(ct_json_path(img.config, "config"), "User");
	}
	if (ct_spec_build(spec, have_img ? img.config : NULL, &r->spec, e) < 0 ||
	    add_seccomp(spec, r->run.seccomp ? r->run.seccomp
			: r->run.privileged ? "unconfined" : NULL, e) < 0 ||
	    ct_spec_apply_run(spec, have_img ? img.config : NULL, &r->run, e) < 0)
		goto out;
	c->command = ct_spec_command_line(spec);
	c->labels = ct_spec_labels_line(spec, have_img ? img.config : NULL, &r->run);
	if (r->restart || r->init)
		c->extra = ct_xasprintf("%s%s%s%s", r->restart ? "restart = " : "",
					r->restart ? r->restart : "", r->restart ? "\n" : "",
					r->init ? "init = true\n" : "");

	c->name = ct_xstrdup(r->name ? r->name : "");
	c->throwaway = ct_overlay_volatile();
	if (c->throwaway)
		ct_say("a throw-away container: overlay volatile, its files not synced");
	if (ct_container_create(root, c, &busyfd, e) < 0)
		goto out;
	made = 1;
	ct_say("mkdir %s", c->dir);
	upper = ct_xasprintf("%s/upper", c->dir);
	work = ct_xasprintf("%s/work", c->dir);
	rootfs = ct_xasprintf("%s/rootfs", c->dir);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(rootfs, 0755) < 0) {
		ct_err(e, errno, "mkdir upper, work, rootfs in %s", c->dir);
		goto out;
	}
	if (save_layers(c->dir, r->layers, r->nlayers, !c->throwaway, e) < 0)
		goto out;

	free(c->rootfs);
	if (!r->copy) {
		struct ct_err oe;
		if (ct_overlay_mount((const char *const *)r->layers, r->nlayers, upper, work,
				     rootfs, &unusable, &oe) == 0) {
			mounted = 1;
			c->rootfs = ct_xstrdup("overlay");
		} else if (!unusable) {
			*e = oe;
			c->rootfs = NULL;
			goto out;
		} else {
			ct_warn("overlayfs cannot be used here (%s): copying the layers into "
				"rootfs instead", oe.msg);
		}
	}
	if (!mounted) {
		c->rootfs = ct_xstrdup("copy");
		if (ct_copy_layers((const char *const *)r->layers, r->nlayers, rootfs, e) < 0)
			goto out;
	}

	if (!r->spec.hostname) {
		char shortid[CT_CONTAINER_SHORT_LEN + 1];
		memcpy(shortid, c->id, CT_CONTAINER_SHORT_LEN);
		shortid[CT_CONTAINER_SHORT_LEN] = '\0';
		ct_spec_set_hostname(spec, shortid);
	}
	if (ct_spec_set_user(spec, rootfs, user, e) < 0)
		goto out;
	cfgpath = ct_xasprintf("%s/config.json", c->dir);
	ct_say("write %s", cfgpath);
	if ((c->throwaway
	     ? ct_json_write_file_volatile(cfgpath, spec, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0644, e)
	     : ct_json_write_file(cfgpath, spec, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0644, e)) < 0 ||
	    ct_container_save(c, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && made) {
		struct ct_err ce;
		if (mounted && ct_overlay_umount(rootfs, &ce) < 0)
			ct_warn_err(&ce);
		else if (ct_rm_rf(c->dir, &ce) < 0)
			ct_warn_err(&ce);
	}
	if (busyfd >= 0)
		ct_unlock(busyfd);
	free(upper);
	free(work);
	free(rootfs);
	free(cfgpath);
	json_decref(spec);
	if (have_img)
		ct_image_free(&img);
	if (store.dir)
		ct_store_close(&store);
	return rc;
}

/* state.ini's status and pid, as ct-spawn writes them. */
struct state {
	char status[32];
	long pid;
};

static int state_cb(void *user, const char *section, const char *key, const char *value)
{
	struct state *st = user;

	if (strcmp(section, "state") != 0)
		return 1;
	if (!strcmp(key, "status"))
		ct_strlcpy(st->status, value, sizeof(st->status));
	else if (!strcmp(key, "pid"))
		st->pid = strtol(value, NULL, 10);
	return 1;
}

/* 1 when ct-spawn says the container runs and its process is there. */
static int container_running(const struct ct_container *c)
{
	struct state st = { "", 0 };
	char *path = ct_xasprintf("%s/state.ini", c->dir);
	int r = ini_parse(path, state_cb, &st);

	free(path);
	if (r != 0)
		return 0;
	if (strcmp(st.status, "running") && strcmp(st.status, "paused"))
		return 0;
	return st.pid > 0 && (kill((pid_t)st.pid, 0) == 0 || errno == EPERM);
}

static int do_umount(const char *root, const char *what, int rm)
{
	struct ct_container c = { 0 };
	struct ct_err e;
	char *rootfs;

	if (ct_container_lookup(root, what, &c, &e) < 0) {
		char *dir = ct_xasprintf("%s/containers/%s", root, what);

		/* a ct.ini a crash left empty or cut (a --rm container's is not
		 * synced): named by its full id, the container can still go */
		if (!rm || !ct_container_id_valid(what) || !ct_exists(dir))
			ct_die_err(&e);
		ct_warn("%s; removing what is there", e.msg);
		memset(&c, 0, sizeof c);
		ct_strlcpy(c.id, what, sizeof c.id);
		c.dir = dir;
	}
	if (container_running(&c))
		ct_die("container %.12s is running: stop it first (ct-spawn kill)", c.id);
	rootfs = ct_xasprintf("%s/rootfs", c.dir);
	if (ct_overlay_umount(rootfs, &e) < 0)
		ct_die_err(&e);
	if (rm) {
		ct_say("rm -rf %s", c.dir);
		if (ct_rm_rf(c.dir, &e) < 0)
			ct_die_err(&e);
	}
	free(rootfs);
	ct_container_free(&c);
	return 0;
}

static int do_remount(const char *root, const char *what)
{
	struct ct_container c;
	struct ct_buf b = CT_BUF_INIT;
	struct ct_err e;
	char **layers = NULL, *path, *upper, *work, *rootfs, *save = NULL;
	size_t n = 0;
	int unusable;

	if (ct_container_lookup(root, what, &c, &e) < 0)
		ct_die_err(&e);
	rootfs = ct_xasprintf("%s/rootfs", c.dir);
	if (strcmp(c.rootfs, "overlay") != 0 || ct_is_mountpoint(rootfs)) {
		ct_say("%s: nothing to mount (%s)", rootfs,
		       strcmp(c.rootfs, "overlay") ? "a copied rootfs" : "mounted already");
	} else {
		path = ct_xasprintf("%s/layers", c.dir);
		if (ct_read_file(path, &b, 1u << 20, &e) < 0)
			ct_die_err(&e);
		for (char *l = strtok_r(b.data ? b.data : (char *)"", "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save)) {
			layers = ct_xrealloc(layers, (n + 1) * sizeof(*layers));
			layers[n++] = l;
		}
		upper = ct_xasprintf("%s/upper", c.dir);
		work = ct_xasprintf("%s/work", c.dir);
		if (ct_overlay_mount((const char *const *)layers, n, upper, work, rootfs,
				     &unusable, &e) < 0)
			ct_die_err(&e);
		free(upper);
		free(work);
		free(path);
		free(layers);
		ct_buf_free(&b);
	}
	printf("%s\n", c.dir);
	free(rootfs);
	ct_container_free(&c);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}

static int do_diff(const char *root, const char *what)
{
	struct ct_container c;
	struct ct_err e;
	char *upper;

	if (isatty(1))
		ct_die_usage("--diff writes a tar to stdout: redirect it to a file or a pipe");
	if (ct_container_lookup(root, what, &c, &e) < 0)
		ct_die_err(&e);
	if (strcmp(c.rootfs, "overlay") != 0)
		ct_die("container %.12s has a copied rootfs, not an overlay: its changes are "
		       "not kept apart, so --diff cannot list them", c.id);
	upper = ct_xasprintf("%s/upper", c.dir);
	if (ct_overlay_diff(upper, 1, &e) < 0)
		ct_die_err(&e);
	free(upper);
	ct_container_free(&c);
	return 0;
}

/* docker run's runtime flags into r; -1 for an option that is none of them. */
static int run_option(struct ct_spec_run *r, int opt, char *arg)
{
	struct ct_err e;

	switch (opt) {
	case OPT_READ_ONLY: r->read_only = 1; break;
	case OPT_PRIVILEGED: r->privileged = 1; break;
	case OPT_MEMORY: r->memory = arg; break;
	case OPT_MEMORY_SWAP: r->memory_swap = arg; break;
	case OPT_CPUS: r->cpus = arg; break;
	case OPT_CPU_SHARES: r->cpu_shares = arg; break;
	case OPT_CPUSET_CPUS: r->cpuset_cpus = arg; break;
	case OPT_PIDS_LIMIT: r->pids_limit = arg; break;
	case OPT_CAP_ADD: ct_spec_list_add(&r->cap_add, arg); break;
	case OPT_CAP_DROP: ct_spec_list_add(&r->cap_drop, arg); break;
	case OPT_SECURITY_OPT:
		if (ct_spec_security_opt(r, arg, &e) < 0)
			ct_die_usage("%s", e.msg);
		break;
	case OPT_ULIMIT: ct_spec_list_add(&r->ulimits, arg); break;
	case OPT_LABEL: ct_spec_list_add(&r->labels, arg); break;
	case OPT_TMPFS: ct_spec_list_add(&r->tmpfs, arg); break;
	case OPT_STOP_SIGNAL: r->stop_signal = arg; break;
	case OPT_STOP_TIMEOUT: r->stop_timeout = arg; break;
	case OPT_HEALTH_CMD: r->health_cmd = arg; break;
	case OPT_HEALTH_INTERVAL: r->health_interval = arg; break;
	case OPT_HEALTH_TIMEOUT: r->health_timeout = arg; break;
	case OPT_HEALTH_RETRIES: r->health_retries = arg; break;
	case OPT_HEALTH_START: r->health_start_period = arg; break;
	case OPT_NO_HEALTHCHECK: r->no_healthcheck = 1; break;
	default: return -1;
	}
	return 0;
}

int ct_mount_main(int argc, char **argv);

int ct_mount_main(int argc, char **argv)
{
	struct mount_req r = { 0 };
	struct ct_mount_vols vols = { 0 };
	struct ct_container c = { 0 };
	struct ct_err e;
	int umount = 0, diff = 0, remount = 0, genname = 0;
	int rm = 0, verbose = 0, opt, nopts = argc;
	const char *image = NULL, *platform = NULL;
	char *root;

	if (argc > 1 && !strcmp(argv[1], "--inspect"))
		return ct_mount_inspect_main(argc, argv);	/* inspect.c */
	if (argc > 1 && !strncmp(argv[1], "--cp-", 5))
		return ct_mount_cp_main(argc, argv);		/* cp.c */
	/* words after "--" are the command, never options or layers */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			nopts = i;
			r.spec.args = argv + i + 1;
			r.spec.nargs = (size_t)(argc - i - 1);
			break;
		}
	while ((opt = getopt_long(nopts, argv, "n:e:w:u:vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'n': r.name = optarg; break;
		case 'e':
			r.spec.env = ct_xrealloc(r.spec.env, (r.spec.nenv + 1) * sizeof(char *));
			r.spec.env[r.spec.nenv++] = optarg;
			break;
		case 'w': r.spec.workdir = optarg; break;
		case 'u': r.user = optarg; break;
		case OPT_ENTRYPOINT: r.spec.entrypoint = optarg; break;
		case OPT_HOSTNAME: r.spec.hostname = optarg; break;
		case OPT_COPY: r.copy = 1; break;
		case OPT_VOLATILE: ct_overlay_set_volatile(1); break;
		case OPT_IMAGE: image = optarg; break;
		case OPT_PLATFORM: platform = optarg; break;
		case OPT_SECCOMP: r.run.seccomp = optarg; break;
		case OPT_RESTART:
			if (strpbrk(optarg, "\r\n") || !optarg[0])
				ct_die_usage("invalid --restart \"%s\"", optarg);
			r.restart = optarg;
			break;
		case OPT_INIT: r.init = 1; break;
		case OPT_VOLUME: case OPT_MOUNT: ct_mount_volume_arg(&vols, opt == OPT_MOUNT, optarg); break;
		case OPT_UMOUNT: umount = 1; break;
		case OPT_RM: rm = 1; break;
		case OPT_DIFF: diff = 1; break;
		case OPT_REMOUNT: remount = 1; break;
		case OPT_GENNAME: genname = 1; break;
		case 'v': verbose++; break;
		default:
			if (run_option(&r.run, opt, optarg) < 0)
				ct_die_usage("see ct-mount --help");
			break;
		case OPT_VERSION: printf("ct-mount %s\n", CT_VERSION); return 0;
		case 'h': fputs(usage, stdout); return 0;
		}
	}
	ct_set_verbose(verbose);
	if (umount + diff + remount > 1)
		ct_die_usage("--umount, --remount and --diff do not go together");
	if (rm && !umount)
		ct_die_usage("--rm goes with --umount");
	if (r.name && ct_container_name_check(r.name, &e) < 0)
		ct_die_usage("%s", e.msg);
	root = state_root();
	if (genname) {
		char *name = ct_container_generate_name(root, &e);
		if (name) {
			printf("%s\n", name);
			free(name);
			free(root);
			return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
		}
		ct_die_err(&e);
	}
	if (umount || diff || remount) {
		if (optind + 1 != nopts || r.spec.args)
			ct_die_usage("%s takes one container id or name",
				     umount ? "--umount" : diff ? "--diff" : "--remount");
		int rc = umount ? do_umount(root, argv[optind], rm)
			 : diff ? do_diff(root, argv[optind]) : do_remount(root, argv[optind]);
		free(root);
		return rc;
	}

	if (platform && !image)
		ct_die_usage("--platform goes with --image (ct-unpack --platform otherwise)");
	if (image) {
		if (optind < nopts)
			ct_die_usage("--image takes the layers from the store: no image or layer "
				     "arguments (%s)", argv[optind]);
		take_image(root, image, platform, &r);
	} else if (optind < nopts) {
		for (int i = optind; i < nopts; i++)
			take_line(&r, argv[i], "argument");
	} else {
		read_stdin_lines(&r);
	}
	if (r.nlayers == 0)
		ct_die_usage("no layer directories given%s: ct-unpack prints them",
			     r.image ? " (only an image)" : "");

	if (make_container(root, &r, &c, &e) < 0 || ct_mount_volumes_apply(root, &vols, c.dir, &e) < 0)
		ct_die_err(&e);
	printf("%s\n", c.dir);
	if (fflush(stdout) != 0)
		ct_die("write stdout:");

	ct_container_free(&c);
	for (size_t i = 0; i < r.nlayers; i++)
		free(r.layers[i]);
	free(r.layers);
	free(r.image);
	free(r.spec.env);
	free(r.run.cap_add.v);
	free(r.run.cap_drop.v);
	free(r.run.ulimits.v);
	free(r.run.labels.v);
	free(r.run.tmpfs.v);
	free(root);
	return 0;
}
