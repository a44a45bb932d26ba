/* ct-image commit: a container's writable layer as a new image on top of
 * the image it was made from, as `docker commit` makes it.
 *
 *     ct-mount --diff web | ct-image commit --container ID [-c CHANGE]...
 *             [-m MESSAGE] [-a AUTHOR] BASE - [REPO[:TAG]]
 *
 * The layer tar (ct-mount --diff: overlay whiteouts as .wh. entries) is
 * stored gzip-compressed; the config is BASE's with the new diff_id and a
 * history entry, then the container's own process settings (Cmd, Env,
 * WorkingDir, User, from its config.json) and last the -c changes. */
#include "image.h"
#include "buf.h"
#include "config.h"
#include "imgcfg.h"
#include "imgfmt.h"
#include "imgwrite.h"
#include "json.h"
#include "ref.h"
#include "say.h"

#include <archive.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USAGE "usage: ct-image commit [--container ID] [-c CHANGE]... [-m MESSAGE] [-a AUTHOR]\n" \
	      "                        BASE LAYER.tar|- [REPO[:TAG]]"

static int prefix_of(const json_t *pre, const json_t *a)
{
	if (!json_is_array(pre) || !json_is_array(a) || json_array_size(pre) > json_array_size(a))
		return 0;
	for (size_t i = 0; i < json_array_size(pre); i++)
		if (!json_equal(json_array_get(pre, i), json_array_get(a, i)))
			return 0;
	return 1;
}

/* The container's settings into the image config's "config" object. */
static void from_container(const struct ct_store *s, const char *id, json_t *cc)
{
	struct ct_err e;
	char *p = ct_xasprintf("%s/containers/%s/config.json", s->root, id);
	json_t *spec = ct_json_load_file(p, 16 << 20, &e), *proc, *args, *env, *ent, *x;
	size_t i;

	free(p);
	if (!spec)
		ct_die_err(&e);
	proc = json_object_get(spec, "process");
	args = json_object_get(proc, "args");
	ent = json_object_get(cc, "Entrypoint");
	if (json_is_array(args)) {
		size_t from = prefix_of(ent, args) ? json_array_size(ent) : 0;
		json_t *cmd = json_array();

		if (!from)
			json_object_set_new(cc, "Entrypoint", json_null());
		for (i = from; i < json_array_size(args); i++)
			json_array_append(cmd, json_array_get(args, i));
		json_object_set_new(cc, "Cmd", cmd);
	}
	/* the environment, less what the runtime adds for every container */
	env = json_array();
	json_array_foreach(json_object_get(proc, "env"), i, x) {
		const char *v = json_string_value(x);

		if (!v || !strncmp(v, "HOSTNAME=", 9))
			continue;
		json_array_append(env, x);
	}
	json_object_set_new(cc, "Env", env);
	if (ct_json_str(proc, "cwd") && strcmp(ct_json_str(proc, "cwd"), "/"))
		json_object_set_new(cc, "WorkingDir", json_string(ct_json_str(proc, "cwd")));
	x = json_object_get(proc, "user");
	if (json_is_object(x) && (ct_json_int(x, "uid", 0) || ct_json_int(x, "gid", 0)) &&
	    !ct_json_str(cc, "User")) {
		char u[64];

		snprintf(u, sizeof u, "%lld:%lld", (long long)ct_json_int(x, "uid", 0),
			 (long long)ct_json_int(x, "gid", 0));
		json_object_set_new(cc, "User", json_string(u));
	}
	json_decref(spec);
}

int img_cmd_commit(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "change", required_argument, NULL, 'c' },
		{ "message", required_argument, NULL, 'm' },
		{ "author", required_argument, NULL, 'a' },
		{ "container", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *message = "", *author = NULL, *container = NULL, *src;
	char name[CT_REF_STR_MAX], now[32];
	char **changes = NULL;
	size_t nchanges = 0;
	struct ct_layer_out lo;
	struct ct_store_layer *layers;
	struct ct_digest manifest;
	struct ct_image base;
	struct ct_ref ref;
	struct ct_err e;
	struct archive *in;
	json_t *cfg, *cc;
	int c, tagged = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "c:m:a:v", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			changes = ct_xrealloc(changes, (nchanges + 1) * sizeof *changes);
			changes[nchanges++] = optarg;
			break;
		case 'm': message = optarg; break;
		case 'a': author = optarg; break;
		case 'C': container = optarg; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage(USAGE);
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		ct_die_usage(USAGE);
	if (container && (strchr(container, '/') || strchr(container, '.')))
		ct_die_usage("--container takes a container's full id");
	src = argv[optind + 1];
	if (argc - optind == 3) {
		if (ct_ref_parse(argv[optind + 2], &ref, &e) < 0)
			ct_die_err(&e);
		if (ref.digest[0])
			ct_die("commit: %s: a name with a digest cannot be a tag", argv[optind + 2]);
		ct_ref_format(&ref, name, sizeof name);
		tagged = 1;
	}
	if (ct_image_load(s, argv[optind], NULL, &base, &e) < 0)
		ct_die_err(&e);

	/* the new layer */
	if (ct_layer_out_open(&lo, s->root, &e) < 0)
		ct_die_err(&e);
	in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	if ((!strcmp(src, "-") ? archive_read_open_fd(in, 0, 128 * 1024)
			       : archive_read_open_filename(in, src, 128 * 1024)) != ARCHIVE_OK) {
		ct_layer_out_abort(&lo);
		ct_die("read %s: %s", src, archive_error_string(in));
	}
	ct_say("layer from %s", !strcmp(src, "-") ? "standard input" : src);
	if (ct_layer_copy_tar(&lo, in, !strcmp(src, "-") ? "standard input" : src, &e) < 0) {
		ct_layer_out_abort(&lo);
		ct_die_err(&e);
	}
	archive_read_free(in);
	layers = ct_xmalloc((base.nlayers + 1) * sizeof *layers);
	memcpy(layers, base.layers, base.nlayers * sizeof *layers);
	if (ct_layer_out_close(&lo, s, &layers[base.nlayers], &e) < 0)
		ct_die_err(&e);
	ct_say("new layer %s", layers[base.nlayers].diff_id.str);

	/* the config: the base's, the container's settings, the changes */
	ct_fmt_time((int64_t)time(NULL), now, sizeof now);
	cfg = json_deep_copy(base.config);
	json_object_set_new(cfg, "created", json_string(now));
	if (author)
		json_object_set_new(cfg, "author", json_string(author));
	cc = json_object_get(cfg, "config");
	if (!json_is_object(cc)) {
		cc = json_object();
		json_object_set_new(cfg, "config", cc);
	}
	if (container)
		from_container(s, container, cc);
	for (size_t i = 0; i < nchanges; i++)
		if (ct_imgcfg_change(cc, changes[i], &e) < 0)
			ct_die_usage("%s", e.msg);
	json_t *rootfs = json_object_get(cfg, "rootfs"), *ids = json_object_get(rootfs, "diff_ids");

	if (!json_is_array(ids))
		ct_die("image %s: its config has no rootfs.diff_ids", argv[optind]);
	json_array_append_new(ids, json_string(layers[base.nlayers].diff_id.str));
	json_t *hist = json_object_get(cfg, "history");

	if (!json_is_array(hist)) {
		hist = json_array();
		json_object_set_new(cfg, "history", hist);
	}
	json_t *h = json_pack("{s:s, s:s, s:s}", "created", now, "created_by", "ct commit",
			      "comment", message);

	if (author)
		json_object_set_new(h, "author", json_string(author));
	json_array_append_new(hist, h);
	{
		char *bytes = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
		const char *names[] = { name };

		if (ct_image_write(s, bytes, strlen(bytes), layers, base.nlayers + 1, names,
				   tagged ? 1 : 0, &manifest, &e) < 0)
			ct_die_err(&e);
		free(bytes);
	}
	json_decref(cfg);
	free(layers[base.nlayers].media_type);
	free(layers);
	free(changes);
	ct_image_free(&base);
	printf("%s\n", manifest.str);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
