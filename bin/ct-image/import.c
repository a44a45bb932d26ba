/* ct-image import: a root file system (tarball or directory) as a
 * one-layer image, as `docker import` makes it. */
#include "image.h"
#include "buf.h"
#include "imgcfg.h"
#include "imgfmt.h"
#include "imgwrite.h"
#include "ref.h"
#include "say.h"

#include <archive.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define USAGE "usage: ct-image import [-c CHANGE]... [-m MESSAGE] FILE|DIR|- [REPO[:TAG]]"

/* "linux/amd64/v8" → os, architecture, variant of the config. */
static void set_platform(json_t *cfg)
{
	char *p = ct_xstrdup(ct_host_platform());
	char *arch = strchr(p, '/'), *variant = NULL;

	if (arch) {
		*arch++ = '\0';
		variant = strchr(arch, '/');
		if (variant)
			*variant++ = '\0';
	}
	json_object_set_new(cfg, "os", json_string(p));
	json_object_set_new(cfg, "architecture", json_string(arch ? arch : "amd64"));
	if (variant && *variant)
		json_object_set_new(cfg, "variant", json_string(variant));
	free(p);
}

static int layer_from(struct ct_layer_out *lo, const char *src, struct ct_err *e)
{
	struct archive *in;
	struct stat st;
	int rc;

	if (strcmp(src, "-") != 0) {
		if (stat(src, &st) < 0)
			return ct_err(e, errno, "stat %s", src);
		if (S_ISDIR(st.st_mode)) {
			char *dir = ct_xstrdup(src);
			size_t n = strlen(dir);

			while (n > 1 && dir[n - 1] == '/')
				dir[--n] = '\0';
			ct_say("tar of directory %s", dir);
			rc = ct_layer_copy_dir(lo, dir, e);
			free(dir);
			return rc;
		}
	}
	in = archive_read_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	if (!strcmp(src, "-"))
		rc = archive_read_open_fd(in, 0, 128 * 1024);
	else
		rc = archive_read_open_filename(in, src, 128 * 1024);
	if (rc != ARCHIVE_OK) {
		ct_err(e, 0, "read %s: %s", !strcmp(src, "-") ? "standard input" : src,
		       archive_error_string(in));
		archive_read_free(in);
		return -1;
	}
	ct_say("read tar %s", !strcmp(src, "-") ? "from standard input" : src);
	rc = ct_layer_copy_tar(lo, in, !strcmp(src, "-") ? "standard input" : src, e);
	archive_read_free(in);
	return rc;
}

int img_cmd_import(const struct ct_store *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "change", required_argument, NULL, 'c' },
		{ "message", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *message = NULL, *src;
	char name[CT_REF_STR_MAX], now[32];
	struct ct_layer_out lo;
	struct ct_store_layer layer;
	struct ct_digest manifest;
	struct ct_ref ref;
	struct ct_err e;
	json_t *cfg, *config;
	int c, tagged = 0;

	config = json_object();
	optind = 0;
	while ((c = getopt_long(argc, argv, "c:m:v", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (ct_imgcfg_change(config, optarg, &e) < 0)
				ct_die_usage("%s", e.msg);
			break;
		case 'm': message = optarg; break;
		case 'v': ct_set_verbose(ct_verbose() + 1); break;
		default: ct_die_usage(USAGE);
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		ct_die_usage(USAGE);
	src = argv[optind];
	if (argc - optind == 2) {
		if (ct_ref_parse(argv[optind + 1], &ref, &e) < 0)
			ct_die_err(&e);
		if (ref.digest[0])
			ct_die("import: %s: a name with a digest cannot be a tag", argv[optind + 1]);
		ct_ref_format(&ref, name, sizeof name);
		tagged = 1;
	}

	if (ct_layer_out_open(&lo, s->root, &e) < 0)
		ct_die_err(&e);
	if (layer_from(&lo, src, &e) < 0) {
		ct_layer_out_abort(&lo);
		ct_err_hint(&e, "import takes a tar archive (plain, gzip, zstd, xz, bzip2) or a directory");
		ct_die_err(&e);
	}
	if (ct_layer_out_close(&lo, s, &layer, &e) < 0)
		ct_die_err(&e);

	ct_fmt_time((int64_t)time(NULL), now, sizeof now);
	cfg = json_object();
	json_object_set_new(cfg, "created", json_string(now));
	set_platform(cfg);
	json_object_set_new(cfg, "config", config);
	json_object_set_new(cfg, "rootfs", json_pack("{s:s, s:[s]}", "type", "layers",
						     "diff_ids", layer.diff_id.str));
	{
		char *comment = message ? ct_xstrdup(message)
					: ct_xasprintf("Imported from %s", src);

		json_object_set_new(cfg, "history", json_pack("[{s:s, s:s, s:s}]",
			"created", now, "created_by", "ct-image import", "comment", comment));
		free(comment);
	}
	{
		char *bytes = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
		const char *names[] = { name };

		if (ct_image_write(s, bytes, strlen(bytes), &layer, 1, names, tagged ? 1 : 0,
				   &manifest, &e) < 0)
			ct_die_err(&e);
		free(bytes);
	}
	json_decref(cfg);
	free(layer.media_type);
	printf("%s\n", manifest.str);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
