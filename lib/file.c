#include "file.h"
#include "buf.h"
#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ct_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t ct_read_full(int fd, void *data, size_t len)
{
	char *p = data;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t ct_read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = ct_read_full(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static void split_path(const char *path, char *dir, size_t dlen,
		       const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		ct_strlcpy(dir, ".", dlen);
		*base = path;
	} else if (slash == path) {
		ct_strlcpy(dir, "/", dlen);
		*base = slash + 1;
	} else {
		size_t n = (size_t)(slash - path);

		if (n >= dlen)
			n = dlen - 1;
		memcpy(dir, path, n);
		dir[n] = '\0';
		*base = slash + 1;
	}
}

int ct_fsync_dir(const char *dir, struct ct_err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ct_err(e, errno, "open %s", dir);
	if (fsync(fd) < 0 && errno != EINVAL) {
		int saved = errno;

		close(fd);
		return ct_err(e, saved, "fsync %s", dir);
	}
	close(fd);
	return 0;
}

int ct_atomic_open(const char *path, mode_t mode, char *tmp, size_t tmplen,
		   struct ct_err *e)
{
	static unsigned counter;
	char dir[PATH_MAX];
	const char *base;
	int fd, tries;

	split_path(path, dir, sizeof dir, &base);
	for (tries = 0; tries < 100; tries++) {
		int n = snprintf(tmp, tmplen, "%s/.%s.tmp-%ld-%u", dir, base,
				 (long)getpid(), counter++);

		if (n < 0 || (size_t)n >= tmplen)
			return ct_err(e, ENAMETOOLONG, "temporary name for %s", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0) {
			/* the umask must not change what the caller asked */
			if (fchmod(fd, mode) < 0) {
				int saved = errno;

				ct_atomic_abort(fd, tmp);
				return ct_err(e, saved, "chmod %s", tmp);
			}
			return fd;
		}
		if (errno != EEXIST)
			return ct_err(e, errno, "create %s", tmp);
	}
	return ct_err(e, EEXIST, "create a temporary file beside %s", path);
}

/* close, rename over path; with sync, fsync the file before and its
 * directory after */
static int commit(int fd, const char *tmp, const char *path, int sync,
		  struct ct_err *e)
{
	char dir[PATH_MAX];
	const char *base;

	if (sync && fsync(fd) < 0) {
		int saved = errno;

		ct_atomic_abort(fd, tmp);
		return ct_err(e, saved, "fsync %s", tmp);
	}
	if (close(fd) < 0) {
		int saved = errno;

		unlink(tmp);
		return ct_err(e, saved, "close %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		return ct_err(e, saved, "rename %s to %s", tmp, path);
	}
	if (!sync)
		return 0;
	split_path(path, dir, sizeof dir, &base);
	return ct_fsync_dir(dir, e);
}

int ct_atomic_commit(int fd, const char *tmp, const char *path, struct ct_err *e)
{
	return commit(fd, tmp, path, 1, e);
}

void ct_atomic_abort(int fd, const char *tmp)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
}

int ct_tmp_is_stale(const char *name)
{
	return name[0] == '.' && strstr(name, ".tmp-") != NULL;
}

static int write_file(const char *path, const void *data, size_t len,
		      mode_t mode, int sync, struct ct_err *e)
{
	char tmp[PATH_MAX];
	int fd = ct_atomic_open(path, mode, tmp, sizeof tmp, e);

	if (fd < 0)
		return -1;
	if (ct_write_all(fd, data, len) < 0) {
		int saved = errno;

		ct_atomic_abort(fd, tmp);
		return ct_err(e, saved, "write %s", tmp);
	}
	return commit(fd, tmp, path, sync, e);
}

int ct_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct ct_err *e)
{
	return write_file(path, data, len, mode, 1, e);
}

int ct_write_file_volatile(const char *path, const void *data, size_t len,
			   mode_t mode, struct ct_err *e)
{
	return write_file(path, data, len, mode, 0, e);
}

int ct_read_file(const char *path, struct ct_buf *b, size_t max, struct ct_err *e)
{
	size_t start = b->len, chunk = 4096;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	/* room for the whole file at once (plus one byte to see its end):
	 * no 64 KiB buffer for a 300-byte index.json, which musl would
	 * mmap and munmap, and each munmap flushes the TLB */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= max)
		chunk = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		ct_buf_grow(b, chunk);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			int saved = errno;

			if (saved == EINTR)
				continue;
			close(fd);
			return ct_err(e, saved, "read %s", path);
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
		if (b->len - start > max) {
			close(fd);
			b->len = start;
			b->data[start] = '\0';
			return ct_err(e, EFBIG, "read %s: larger than %zu bytes", path, max);
		}
	}
	close(fd);
	return 0;
}

int ct_mkdir_p(const char *path, mode_t mode, struct ct_err *e)
{
	char buf[PATH_MAX];
	struct stat st;
	char *p;

	if (ct_strlcpy(buf, path, sizeof buf) < 0)
		return ct_err(e, ENAMETOOLONG, "mkdir %s", path);
	for (p = buf + 1; ; p++) {
		int last = (*p == '\0');

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return ct_err(e, errno, "mkdir %s", buf);
		if (stat(buf, &st) < 0)
			return ct_err(e, errno, "stat %s", buf);
		if (!S_ISDIR(st.st_mode))
			return ct_err(e, ENOTDIR, "mkdir %s", buf);
		if (last)
			break;
		*p = '/';
		while (p[1] == '/')
			p++;
		if (p[1] == '\0')
			break;
	}
	return 0;
}

int ct_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Remove everything inside the directory open at dfd (which is on device
 * dev). path is for messages only. */
static int rm_dir_contents(int dfd, const char *path, dev_t dev, struct ct_err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return ct_err(e, errno, "opendir %s", path);
	}
	while ((de = readdir(d))) {
		struct stat st;
		char sub[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			rc = ct_err(e, errno, "stat %s", sub);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int cfd;

			if (st.st_dev != dev) {
				rc = ct_err(e, EBUSY, "remove %s: a mount point; unmount it first", sub);
				break;
			}
			cfd = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				rc = ct_err(e, errno, "open %s", sub);
				break;
			}
			if (rm_dir_contents(cfd, sub, dev, e) < 0) {
				rc = -1;
				break;
			}
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
				rc = ct_err(e, errno, "rmdir %s", sub);
				break;
			}
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
			rc = ct_err(e, errno, "unlink %s", sub);
			break;
		}
	}
	closedir(d);
	return rc;
}

int ct_rm_rf(const char *path, struct ct_err *e)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : ct_err(e, errno, "stat %s", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return ct_err(e, errno, "unlink %s", path);
		return 0;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_err(e, errno, "open %s", path);
	if (rm_dir_contents(fd, path, st.st_dev, e) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return ct_err(e, errno, "rmdir %s", path);
	return 0;
}
