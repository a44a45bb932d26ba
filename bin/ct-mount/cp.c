/* ct-mount --cp-stat|--cp-out|--cp-in ID PATH: copying files in and out of
 * a container for `ct cp`, with PATH resolved inside the container's root
 * by openat2(RESOLVE_IN_ROOT): ".." and symlinks, absolute ones included,
 * never leave it.
 *
 *   --cp-stat ID PATH   prints "dir", "file" (anything else) or "missing"
 *   --cp-out ID PATH    a tar on stdout whose one top entry is PATH's last
 *                       name (a directory with everything under it,
 *                       symlinks inside stored as links, never followed)
 *   --cp-in ID DIR      extracts the tar on stdin into DIR (lib/layer: no
 *                       entry may leave DIR, nor go through a symlink) */
#include "inspect.h"

#include "config.h"
#include "container.h"
#include "digest.h"
#include "err.h"
#include "buf.h"
#include "layer.h"
#include "say.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
}

static int write_tree(struct archive *a, int dfd, const char *name, const char *arcname,
		      struct ct_err *e);

static int write_entry(struct archive *a, int dirfd, const char *name, const char *arcname,
		       const struct stat *st, struct ct_err *e)
{
	struct archive_entry *en = archive_entry_new();
	int fd = -1, r = 0;

	archive_entry_copy_stat(en, st);
	archive_entry_set_pathname(en, arcname);
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);

		if (n < 0) {
			archive_entry_free(en);
			return ct_err(e, errno, "readlink %s", arcname);
		}
		target[n] = 0;
		archive_entry_set_symlink(en, target);
	} else if (S_ISREG(st->st_mode)) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			archive_entry_free(en);
			return ct_err(e, errno, "open %s", arcname);
		}
	} else if (!S_ISDIR(st->st_mode)) {
		archive_entry_set_size(en, 0);
	}
	if (archive_write_header(a, en) != ARCHIVE_OK) {
		r = ct_err(e, 0, "write tar header of %s: %s", arcname, archive_error_string(a));
		goto out;
	}
	if (fd >= 0) {
		char buf[65536];
		ssize_t n;

		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (archive_write_data(a, buf, (size_t)n) < 0) {
				r = ct_err(e, 0, "write tar data of %s: %s", arcname, archive_error_string(a));
				goto out;
			}
		if (n < 0)
			r = ct_err(e, errno, "read %s", arcname);
	}
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(en);
	return r;
}

static int write_tree(struct archive *a, int dfd, const char *name, const char *arcname,
		      struct ct_err *e)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err(e, errno, "stat %s", arcname);
	if (write_entry(a, dfd, name, arcname, &st, e) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return ct_err(e, errno, "open directory %s", arcname);
	}
	while (!r && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *sub = ct_xasprintf("%s/%s", arcname, de->d_name);

		r = write_tree(a, fd, de->d_name, sub, e);
		free(sub);
	}
	closedir(d);
	return r;
}

int ct_mount_cp_main(int argc, char **argv)
{
	struct ct_container c = { 0 };
	struct ct_err e;
	char *root;
	int rootfd, fd;
	const char *verb = argv[1];

	if (argc != 4)
		ct_die_usage("usage: ct-mount %s ID|NAME PATH", verb);
	if (!(root = ct_state_root(&e)))
		ct_die_err(&e);
	if (ct_container_lookup(root, argv[2], &c, &e) < 0)
		ct_die_err(&e);
	free(root);
	char *rp = ct_xasprintf("%s/rootfs", c.dir);

	rootfd = open(rp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		ct_die("open %s:", rp);
	ct_say("resolving %s inside %s (RESOLVE_IN_ROOT)", argv[3], rp);
	if (!strcmp(verb, "--cp-stat")) {
		struct stat st;

		fd = open_in_root(rootfd, argv[3], O_PATH);
		if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
			ct_die("resolve %s in container %s:", argv[3], c.name);
		printf("%s\n", fd < 0 ? "missing" : fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? "dir" : "file");
	} else if (!strcmp(verb, "--cp-out")) {
		struct archive *a = archive_write_new();
		char *dir = ct_xstrdup(argv[3]), *base, *slash;
		size_t n = strlen(dir);

		/* the parent resolved in the root; the last name itself is taken
		 * as it is (a symlink is copied as a link, as docker cp does) */
		while (n > 1 && dir[n - 1] == '/')
			dir[--n] = 0;
		slash = strrchr(dir, '/');
		if (!slash) {
			base = ct_xstrdup(dir);
			strcpy(dir, "/");
		} else {
			base = ct_xstrdup(slash + 1);
			slash[1] = 0;
		}
		if (!*base || !strcmp(base, "..")) {
			free(base);
			base = ct_xstrdup(".");
		}
		if (isatty(1))
			ct_die_usage("--cp-out writes a tar to stdout: redirect it to a file or a pipe");
		fd = open_in_root(rootfd, dir, O_PATH | O_DIRECTORY);
		if (fd < 0)
			ct_die("Could not find the file %s in container %s:", argv[3], c.name);
		archive_write_set_format_pax_restricted(a);
		if (archive_write_open_fd(a, 1) != ARCHIVE_OK)
			ct_die("write tar to stdout: %s", archive_error_string(a));
		if (write_tree(a, fd, base, base, &e) < 0)
			ct_die_err(&e);
		if (archive_write_close(a) != ARCHIVE_OK)
			ct_die("write tar to stdout: %s", archive_error_string(a));
		archive_write_free(a);
		free(base);
		free(dir);
	} else if (!strcmp(verb, "--cp-in")) {
		struct ct_layer_opts o = { .flatten = 1 };
		struct ct_digest d;
		struct ct_layer_stats ls;

		fd = open_in_root(rootfd, argv[3], O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			ct_die("Could not find the directory %s in container %s:", argv[3], c.name);
		if (ct_layer_extract(0, CT_LAYER_TAR, "stdin", fd, &o, &d, &ls, &e) < 0)
			ct_die_err(&e);
		ct_say("%llu entries into %s", (unsigned long long)ls.entries, argv[3]);
	} else {
		ct_die_usage("unknown option %s", verb);
	}
	free(rp);
	ct_container_free(&c);
	return fflush(stdout) == 0 ? 0 : CT_EXIT_FAIL;
}
