/* flatten: a tree as one tar stream (see flatten.h). */
#include "flatten.h"
#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define COPY_BLOCK (256 * 1024)
#define SCRATCH_PREFIX ".flatten-"

struct inode_seen {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct tw {
	struct archive *a;
	struct inode_seen *seen;
	size_t nseen, capseen;
	char *buf;
};

int ct_flatten_dir_is_empty(int dirfd, const char *name, struct ct_err *e)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3), empty = 1;
	struct dirent *d;
	DIR *dir;

	if (fd < 0)
		return ct_err(e, errno, "dup");
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return ct_err(e, errno, "lseek %s", name);
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return ct_err(e, errno, "opendir %s", name);
	}
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			empty = 0;
	closedir(dir);
	return empty;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted. */
static char **list_dir(int dfd, const char *path, size_t *n, struct ct_err *e)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **v = NULL;
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;

	*n = 0;
	if (fd < 0) {
		ct_err(e, errno, "open %s", path);
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir) {
		ct_err(e, errno, "opendir %s", path);
		close(fd);
		return NULL;
	}
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = ct_xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = ct_xstrdup(d->d_name);
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_names);
	else
		v = ct_xcalloc(1, sizeof *v);
	return v;
}

static int add_xattrs(struct archive_entry *ent, int dfd, const char *name,
		      const char *path, struct ct_err *e)
{
	char proc[64 + NAME_MAX], list[8192], val[65536];
	ssize_t n, vn;
	char *k;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d/%s", dfd, name);
	n = llistxattr(proc, list, sizeof list);
	if (n < 0)
		return (errno == ENOTSUP) ? 0 : ct_err(e, errno, "listxattr %s", path);
	for (k = list; k < list + n; k += strlen(k) + 1) {
		vn = lgetxattr(proc, k, val, sizeof val);
		if (vn < 0)
			return ct_err(e, errno, "getxattr %s %s", path, k);
		archive_entry_xattr_add_entry(ent, k, val, (size_t)vn);
	}
	return 0;
}

static int copy_data(struct tw *w, int dfd, const char *name, const char *path,
		     struct ct_err *e)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	while ((n = read(fd, w->buf, COPY_BLOCK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ct_err(e, errno, "read %s", path);
			close(fd);
			return -1;
		}
		if (archive_write_data(w->a, w->buf, (size_t)n) != n) {
			ct_err(e, 0, "write tar: %s", archive_error_string(w->a));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int walk(struct tw *w, int dfd, const char *prefix, struct ct_err *e);

static int one(struct tw *w, int dfd, const char *name, const char *prefix,
	       struct ct_err *e)
{
	char *path = ct_xasprintf("%s%s", prefix, name);
	struct archive_entry *ent = archive_entry_new();
	int ret = -1, data = 0;
	struct stat st;
	size_t i;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		ct_err(e, errno, "stat %s", path);
		goto out;
	}
	archive_entry_copy_stat(ent, &st);
	archive_entry_unset_atime(ent);
	archive_entry_unset_ctime(ent);
	archive_entry_unset_birthtime(ent);
	archive_entry_set_pathname(ent, path);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dfd, name, target, sizeof target - 1);

		if (n < 0) {
			ct_err(e, errno, "readlink %s", path);
			goto out;
		}
		target[n] = '\0';
		archive_entry_set_symlink(ent, target);
	} else if (S_ISREG(st.st_mode)) {
		data = st.st_size > 0;
		if (st.st_nlink > 1) {
			for (i = 0; i < w->nseen; i++)
				if (w->seen[i].dev == st.st_dev && w->seen[i].ino == st.st_ino)
					break;
			if (i < w->nseen) {
				archive_entry_set_hardlink(ent, w->seen[i].path);
				archive_entry_set_size(ent, 0);
				data = 0;
			} else {
				if (w->nseen == w->capseen) {
					w->capseen = w->capseen ? w->capseen * 2 : 64;
					w->seen = ct_xrealloc(w->seen, w->capseen * sizeof *w->seen);
				}
				w->seen[w->nseen].dev = st.st_dev;
				w->seen[w->nseen].ino = st.st_ino;
				w->seen[w->nseen].path = ct_xstrdup(path);
				w->nseen++;
			}
		}
	}
	if (add_xattrs(ent, dfd, name, path, e) < 0)
		goto out;
	if (archive_write_header(w->a, ent) < ARCHIVE_WARN) {
		ct_err(e, 0, "write tar header %s: %s", path, archive_error_string(w->a));
		goto out;
	}
	if (data && copy_data(w, dfd, name, path, e) < 0)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		char *p2;

		if (sub < 0) {
			ct_err(e, errno, "open %s", path);
			goto out;
		}
		p2 = ct_xasprintf("%s/", path);
		ret = walk(w, sub, p2, e);
		free(p2);
		close(sub);
		goto out;
	}
	ret = 0;
out:
	archive_entry_free(ent);
	free(path);
	return ret;
}

static int walk(struct tw *w, int dfd, const char *prefix, struct ct_err *e)
{
	size_t n, i;
	char **names = list_dir(dfd, *prefix ? prefix : ".", &n, e);
	int ret = 0;

	if (!names)
		return -1;
	for (i = 0; i < n; i++) {
		if (ret == 0 && one(w, dfd, names[i], prefix, e) < 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int ct_flatten_write_tar(int dirfd, int outfd, struct ct_err *e)
{
	struct tw w;
	int ret = -1;
	size_t i;

	memset(&w, 0, sizeof w);
	w.a = archive_write_new();
	if (!w.a)
		return ct_err(e, ENOMEM, "archive_write_new");
	w.buf = ct_xmalloc(COPY_BLOCK);
	if (archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(w.a) != ARCHIVE_OK ||
	    archive_write_open_fd(w.a, outfd) != ARCHIVE_OK) {
		ct_err(e, 0, "tar writer: %s", archive_error_string(w.a));
		goto out;
	}
	if (walk(&w, dirfd, "", e) < 0)
		goto out;
	if (archive_write_close(w.a) != ARCHIVE_OK) {
		ct_err(e, 0, "write tar: %s", archive_error_string(w.a));
		goto out;
	}
	ret = 0;
out:
	archive_write_free(w.a);
	for (i = 0; i < w.nseen; i++)
		free(w.seen[i].path);
	free(w.seen);
	free(w.buf);
	return ret;
}

/* Remove PARENT/.flatten-* that nobody holds locked (left by kill -9). */
static int sweep_scratch(const char *parent, struct ct_err *e)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	if (!d)
		return ct_err(e, errno, "opendir %s", parent);
	while ((de = readdir(d))) {
		char *p;
		int fd;

		if (strncmp(de->d_name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) != 0)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);    /* in use by a running ct-unpack --tar */
			continue;
		}
		p = ct_xasprintf("%s/%s", parent, de->d_name);
		ct_say("removing %s, left by an interrupted ct-unpack --tar", p);
		if (ct_rm_rf(p, e) < 0) {
			free(p);
			close(fd);
			closedir(d);
			return -1;
		}
		free(p);
		close(fd);
	}
	closedir(d);
	return 0;
}

int ct_flatten_scratch(const char *parent, char **path, struct ct_err *e)
{
	char *tmpl;
	int fd;

	*path = NULL;
	if (sweep_scratch(parent, e) < 0)
		return -1;
	tmpl = ct_xasprintf("%s/" SCRATCH_PREFIX "XXXXXX", parent);
	if (!mkdtemp(tmpl)) {
		ct_err(e, errno, "mkdtemp %s", tmpl);
		free(tmpl);
		return -1;
	}
	fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || fchmod(fd, 0755) < 0) {
		ct_err(e, errno, "open, flock and chmod %s", tmpl);
		if (fd >= 0)
			close(fd);
		rmdir(tmpl);
		free(tmpl);
		return -1;
	}
	ct_say("mkdtemp %s, flock(LOCK_EX) on it: the flattened tree, removed afterwards",
	       tmpl);
	*path = tmpl;
	return fd;
}
