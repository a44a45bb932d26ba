/* overlay: mount overlayfs (new mount API or classic), copy fallback, and
 * the upper layer back as an OCI layer tar (see overlay.h). */
#include "overlay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "buf.h"
#include "err.h"
#include "file.h"
#include "say.h"

/* The new mount API (Linux 5.2; "lowerdir+" since 6.8). musl has no
 * wrappers, and <linux/mount.h> clashes with <sys/mount.h>: the few
 * constants are spelled out here. */
#define CT_FSOPEN_CLOEXEC 0x1
#define CT_FSCONFIG_SET_FLAG 0
#define CT_FSCONFIG_SET_STRING 1
#define CT_FSCONFIG_CMD_CREATE 6
#define CT_FSMOUNT_CLOEXEC 0x1
#define CT_MOVE_MOUNT_F_EMPTY_PATH 0x4

#define OPAQUE_XATTR "trusted.overlay.opaque"

static int sys_fsopen(const char *fs, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}

static int sys_fsconfig(int fd, unsigned cmd, const char *key, const void *val, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, val, aux);
}

static int sys_fsmount(int fd, unsigned flags, unsigned attrs)
{
	return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
			  unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

/* The kernel's own words about a failed fsconfig, from the context's log
 * ("e overlay: ..."), appended to e when there are any. */
static void add_fs_log(int fsfd, struct ct_err *e)
{
	char msg[512];
	ssize_t n;

	while ((n = read(fsfd, msg, sizeof(msg) - 1)) > 0) {
		msg[n] = '\0';
		if (n > 0 && msg[n - 1] == '\n')
			msg[n - 1] = '\0';
		if (e)
			ct_err_hint(e, "kernel says: %s", msg);
	}
}

static int unusable_errno(int err)
{
	/* ENOTSUP is EOPNOTSUPP on Linux */
	return err == ENODEV || err == EINVAL || err == EOPNOTSUPP;
}

static const char *const fixed_opts[][2] = {
	{ "redirect_dir", "off" },
	{ "metacopy", "off" },
	{ "index", "off" },
};

/* ct_overlay_set_volatile(1) (ct-mount --volatile, which ct run --rm
 * passes, as Podman does for --rm) or CT_OVERLAY_VOLATILE=1: mount with
 * "volatile" (Linux 5.10), so that neither fsync inside the container nor
 * the umount syncs the whole upper file system. Such an upper cannot be
 * mounted again after a crash: only for throw-away containers. */
static int volatile_on;

void ct_overlay_set_volatile(int on)
{
	volatile_on = on;
}

int ct_overlay_volatile(void)
{
	const char *v = getenv("CT_OVERLAY_VOLATILE");

	return volatile_on || (v && !strcmp(v, "1"));
}

/* Returns 0 mounted, -1 error, 1 when this kernel lacks the new API or
 * lowerdir+ (the caller then uses the classic string). */
static int mount_new_api(const char *const *lowers, size_t n, const char *upper,
			 const char *work, const char *target, int *unusable,
			 struct ct_err *e)
{
	int fsfd, mfd, err;

	ct_say2("fsopen overlay; fsconfig lowerdir+ x%zu, upperdir, workdir; fsmount; move_mount", n);
	fsfd = sys_fsopen("overlay", CT_FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		if (errno == ENOSYS)
			return 1;
		err = errno;
		*unusable = err == ENODEV;
		return ct_err(e, err, "fsopen overlay");
	}
	if (sys_fsconfig(fsfd, CT_FSCONFIG_SET_STRING, "source", "overlay", 0) < 0) {
		ct_err(e, errno, "fsconfig overlay source");
		close(fsfd);
		return -1;
	}
	/* lowerdir+ stacks top to bottom, as the classic string lists them */
	for (size_t i = n; i-- > 0;) {
		if (sys_fsconfig(fsfd, CT_FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0) < 0) {
			err = errno;
			if (err == EINVAL && i == n - 1) {
				/* no lowerdir+ in this kernel (before 6.8) */
				ct_say2("fsconfig lowerdir+ refused: using the classic option string");
				close(fsfd);
				return 1;
			}
			ct_err(e, err, "fsconfig overlay lowerdir+=%s", lowers[i]);
			add_fs_log(fsfd, e);
			close(fsfd);
			return -1;
		}
	}
	if (sys_fsconfig(fsfd, CT_FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    sys_fsconfig(fsfd, CT_FSCONFIG_SET_STRING, "workdir", work, 0) < 0) {
		err = errno;
		*unusable = unusable_errno(err);	/* e.g. an upper fs overlay refuses */
		ct_err(e, err, "fsconfig overlay upperdir=%s workdir=%s", upper, work);
		add_fs_log(fsfd, e);
		close(fsfd);
		return -1;
	}
	for (size_t i = 0; i < sizeof(fixed_opts) / sizeof(fixed_opts[0]); i++)
		if (sys_fsconfig(fsfd, CT_FSCONFIG_SET_STRING, fixed_opts[i][0],
				 fixed_opts[i][1], 0) < 0) {
			ct_err(e, errno, "fsconfig overlay %s=%s", fixed_opts[i][0],
			       fixed_opts[i][1]);
			add_fs_log(fsfd, e);
			close(fsfd);
			return -1;
		}
	if (ct_overlay_volatile()) {
		if (sys_fsconfig(fsfd, CT_FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0)
			ct_say("fsconfig overlay volatile refused (%s): synced as usual",
			       strerror(errno));
		else
			ct_say2("fsconfig overlay volatile");
	}
	if (sys_fsconfig(fsfd, CT_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = errno;
		*unusable = unusable_errno(err);
		ct_err(e, err, "fsconfig overlay create (upper %s)", upper);
		add_fs_log(fsfd, e);
		close(fsfd);
		return -1;
	}
	mfd = sys_fsmount(fsfd, CT_FSMOUNT_CLOEXEC, 0);
	if (mfd < 0) {
		ct_err(e, errno, "fsmount overlay");
		close(fsfd);
		return -1;
	}
	close(fsfd);
	if (sys_move_mount(mfd, "", AT_FDCWD, target, CT_MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		ct_err(e, errno, "move_mount overlay to %s", target);
		close(mfd);
		return -1;
	}
	close(mfd);
	return 0;
}

/* The longest directory that holds every path ("/a/b" for /a/b/c, /a/b/d). */
static char *common_parent(const char *const *paths, size_t n)
{
	size_t len = strlen(paths[0]);

	for (size_t i = 1; i < n; i++) {
		size_t j = 0;
		while (j < len && paths[i][j] && paths[i][j] == paths[0][j])
			j++;
		len = j;
	}
	/* cut back to a whole component, and never past "/" */
	for (size_t i = 0; i < n; i++)
		if (paths[i][len] != '/' && paths[i][len] != '\0') {
			while (len > 0 && paths[0][len] != '/')
				len--;
			break;
		}
	while (len > 0 && paths[0][len - 1] == '/')
		len--;
	return len ? ct_xstrndup(paths[0], len) : ct_xstrdup("/");
}

static const char *relative_to(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, "/") == 0)
		return path + 1;
	return path[n] == '/' ? path + n + 1 : path + n;
}

/* "lowerdir=top:...:bottom,upperdir=..,workdir=..,..." with paths relative
 * to base; 0 when every path fits the classic syntax, -1 when one holds a
 * character it cannot carry (':' ',' '\'). */
static int classic_opts(const char *const *lowers, size_t n, const char *upper,
			const char *work, const char *base, struct ct_buf *opts)
{
	ct_buf_reset(opts);
	if (strpbrk(upper, ":,\\") || strpbrk(work, ":,\\"))
		return -1;
	ct_buf_puts(opts, "lowerdir=");
	for (size_t i = n; i-- > 0;) {
		if (strpbrk(lowers[i], ":,\\"))
			return -1;
		ct_buf_puts(opts, relative_to(lowers[i], base));
		if (i)
			ct_buf_putc(opts, ':');
	}
	ct_buf_printf(opts, ",upperdir=%s,workdir=%s", relative_to(upper, base),
		      relative_to(work, base));
	for (size_t i = 0; i < sizeof(fixed_opts) / sizeof(fixed_opts[0]); i++)
		ct_buf_printf(opts, ",%s=%s", fixed_opts[i][0], fixed_opts[i][1]);
	return 0;
}

/* Short names for long layer paths, as Docker's overlay2 "l/" links:
 * DIR/l/<n> -> lowers[n], in the directory that holds upper. Fills links. */
static int make_links(const char *const *lowers, size_t n, const char *dir,
		      char **links, struct ct_err *e)
{
	char *ldir = ct_xasprintf("%s/l", dir);
	int r = 0;

	if (ct_mkdir_p(ldir, 0700, e) < 0) {
		free(ldir);
		return -1;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		links[i] = ct_xasprintf("%s/%zx", ldir, i);
		if (unlink(links[i]) < 0 && errno != ENOENT)
			r = ct_err(e, errno, "unlink %s", links[i]);
		else if (symlink(lowers[i], links[i]) < 0)
			r = ct_err(e, errno, "symlink %s -> %s", links[i], lowers[i]);
	}
	ct_say("%zu short links %s/<n> to the layers", n, ldir);
	free(ldir);
	return r;
}

static int mount_classic(const char *const *lowers, size_t n, const char *upper,
			 const char *work, const char *target, int *unusable,
			 struct ct_err *e)
{
	const char **all = ct_xcalloc(n + 2, sizeof(*all));
	char **links = ct_xcalloc(n, sizeof(*links));
	struct ct_buf opts = CT_BUF_INIT;
	char *base;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int cwd = -1, r = -1, err;

	for (size_t i = 0; i < n; i++)
		all[i] = lowers[i];
	all[n] = upper;
	all[n + 1] = work;
	base = common_parent(all, n + 2);
	if (classic_opts(lowers, n, upper, work, base, &opts) < 0 || opts.len >= page) {
		/* too long, or odd characters: links beside upper/ */
		const char *slash = strrchr(upper, '/');
		free(base);
		base = slash && slash != upper ? ct_xstrndup(upper, (size_t)(slash - upper))
					       : ct_xstrdup("/");
		if (make_links(lowers, n, base, links, e) < 0)
			goto out;
		if (classic_opts((const char *const *)links, n, upper, work, base, &opts) < 0) {
			ct_err(e, 0, "overlay upper %s or work %s holds ':', ',' or '\\', which "
			       "the classic overlay option string cannot carry", upper, work);
			goto out;
		}
	}
	if (opts.len >= page) {
		ct_err(e, 0, "overlay options for %zu layers take %zu bytes, more than the "
		       "%zu-byte page mount(2) accepts", n, opts.len, page);
		ct_err_hint(e, "this kernel has no fsconfig lowerdir+ (Linux 6.8); use fewer "
			    "layers");
		goto out;
	}
	ct_say("chdir %s; mount -t overlay overlay -o %s %s", base, opts.data, target);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0) {
		ct_err(e, errno, "open the current directory");
		goto out;
	}
	if (chdir(base) < 0) {
		ct_err(e, errno, "chdir %s", base);
		goto out;
	}
	if (ct_overlay_volatile()) {
		/* after the page check: it may go again if the kernel refuses it */
		ct_buf_puts(&opts, ",volatile");
		if (mount("overlay", target, "overlay", 0, opts.data) == 0) {
			r = 0;
			goto back;
		}
		ct_say("mount overlay volatile refused (%s): synced as usual", strerror(errno));
		opts.len -= strlen(",volatile");
		opts.data[opts.len] = '\0';
	}
	if (mount("overlay", target, "overlay", 0, opts.data) < 0) {
		err = errno;
		*unusable = unusable_errno(err);
		ct_err(e, err, "mount overlay on %s (%zu layers, top %s)", target, n,
		       lowers[n - 1]);
	} else {
		r = 0;
	}
back:
	if (fchdir(cwd) < 0 && r == 0)
		r = ct_err(e, errno, "fchdir back to the working directory");
out:
	if (cwd >= 0)
		close(cwd);
	for (size_t i = 0; i < n; i++)
		free(links[i]);
	free(links);
	free(base);
	free(all);
	ct_buf_free(&opts);
	return r;
}

int ct_overlay_mount(const char *const *lowers, size_t n, const char *upper,
		     const char *work, const char *target, int *unusable,
		     struct ct_err *e)
{
	int r;

	*unusable = 0;
	if (n == 0)
		return ct_err(e, 0, "overlay needs at least one layer directory");
	if (ct_verbose()) {
		struct ct_buf b = CT_BUF_INIT;
		for (size_t i = n; i-- > 0;) {
			ct_buf_puts(&b, lowers[i]);
			if (i)
				ct_buf_putc(&b, ':');
		}
		ct_say("mount overlay lowerdir=%s,upperdir=%s,workdir=%s on %s (%zu layers)",
		       b.data, upper, work, target, n);
		ct_buf_free(&b);
	}
	/* CT_OVERLAY_API=classic: the fallback path on purpose (tests, old kernels) */
	const char *api = getenv("CT_OVERLAY_API");
	if (api && !strcmp(api, "classic"))
		r = 1;
	else
		r = mount_new_api(lowers, n, upper, work, target, unusable, e);
	if (r <= 0)
		return r;
	return mount_classic(lowers, n, upper, work, target, unusable, e);
}

int ct_is_mountpoint(const char *path)
{
	struct stat st, pst;
	char *parent = ct_xasprintf("%s/..", path);
	int r;

	if (lstat(path, &st) < 0 || stat(parent, &pst) < 0)
		r = 0;
	else
		r = st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
	free(parent);
	return r;
}

int ct_overlay_umount(const char *target, struct ct_err *e)
{
	ct_say("umount %s", target);
	if (umount2(target, UMOUNT_NOFOLLOW) < 0) {
		if (errno == EINVAL || errno == ENOENT)
			return 0;	/* not mounted (any more) */
		ct_err(e, errno, "umount %s", target);
		if (e && e->errnum == EBUSY)
			ct_err_hint(e, "a process still uses it; stop the container first");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ copy */

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path;	/* relative to the target root */
};

struct copier {
	int rootfd;		/* the target root */
	struct hardlink *links;
	size_t nlinks, cap;
	struct ct_err *e;
};

static char *fd_path(int dirfd, const char *name)
{
	return ct_xasprintf("/proc/self/fd/%d/%s", dirfd, name);
}

static int copy_xattrs(int sdir, int ddir, const char *name, const char *rel,
		       struct ct_err *e)
{
	char *src = fd_path(sdir, name), *dst = fd_path(ddir, name);
	char *list = NULL, *val = NULL;
	ssize_t n;
	int r = -1;

	n = llistxattr(src, NULL, 0);
	if (n <= 0) {
		r = n < 0 && errno != EOPNOTSUPP ? ct_err(e, errno, "llistxattr %s", rel) : 0;
		goto out;
	}
	list = ct_xmalloc((size_t)n);
	n = llistxattr(src, list, (size_t)n);
	if (n < 0) {
		ct_err(e, errno, "llistxattr %s", rel);
		goto out;
	}
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		ssize_t vn;
		if (ct_has_prefix(k, "trusted.overlay."))
			continue;
		vn = lgetxattr(src, k, NULL, 0);
		if (vn < 0) {
			ct_err(e, errno, "lgetxattr %s %s", rel, k);
			goto out;
		}
		free(val);
		val = ct_xmalloc((size_t)vn + 1);
		vn = lgetxattr(src, k, val, (size_t)vn);
		if (vn < 0 || lsetxattr(dst, k, val, (size_t)vn, 0) < 0) {
			ct_err(e, errno, "copy xattr %s of %s", k, rel);
			goto out;
		}
	}
	r = 0;
out:
	free(src);
	free(dst);
	free(list);
	free(val);
	return r;
}

static int set_meta(int sdir, int ddir, const char *name, const struct stat *st,
		    const char *rel, struct ct_err *e)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err(e, errno, "chown %s", rel);
	if (copy_xattrs(sdir, ddir, name, rel, e) < 0)
		return -1;
	if (!S_ISLNK(st->st_mode) && fchmodat(ddir, name, st->st_mode & 07777, 0) < 0)
		return ct_err(e, errno, "chmod %s", rel);
	if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err(e, errno, "utimensat %s", rel);
	return 0;
}

/* Remove name under dirfd, whatever it is (rm -rf, no symlink followed). */
static int remove_at(int dirfd, const char *name, const char *rel, struct ct_err *e)
{
	struct stat st;
	char *p;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : ct_err(e, errno, "lstat %s", rel);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return ct_err(e, errno, "unlink %s", rel);
		return 0;
	}
	p = fd_path(dirfd, name);
	r = ct_rm_rf(p, e);
	free(p);
	return r;
}

static int empty_dir(int dirfd, const char *rel, struct ct_err *e)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return ct_err(e, errno, "opendir %s", rel);
	}
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = remove_at(dirfd, de->d_name, rel, e);
	closedir(d);
	return r;
}

static int copy_file_data(int sdir, int ddir, const char *name, const struct stat *st,
			  const char *rel, struct ct_err *e)
{
	char buf[65536];
	int in, out, r = -1;
	ssize_t n;

	in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return ct_err(e, errno, "open %s in a layer", rel);
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		ct_err(e, errno, "create %s", rel);
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (ct_write_all(out, buf, (size_t)n) < 0) {
			ct_err(e, errno, "write %s", rel);
			goto out;
		}
	if (n < 0) {
		ct_err(e, errno, "read %s in a layer", rel);
		goto out;
	}
	(void)st;
	r = 0;
out:
	close(in);
	if (close(out) < 0 && r == 0)
		r = ct_err(e, errno, "close %s", rel);
	return r;
}

static int copy_dir(struct copier *cp, int sdir, int ddir, const char *rel);

static int copy_entry(struct copier *cp, int sdir, int ddir, const char *name,
		      const char *rel)
{
	struct ct_err *e = cp->e;
	struct stat st, dst;
	int have;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err(e, errno, "lstat %s in a layer", rel);
	have = fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;

	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))	/* whiteout */
		return have ? remove_at(ddir, name, rel, e) : 0;

	if (S_ISDIR(st.st_mode)) {
		int s2, d2, r;
		char opq[2];
		char *sp;
		ssize_t on;

		if (have && !S_ISDIR(dst.st_mode)) {
			if (remove_at(ddir, name, rel, e) < 0)
				return -1;
			have = 0;
		}
		if (!have && mkdirat(ddir, name, 0700) < 0)
			return ct_err(e, errno, "mkdir %s", rel);
		s2 = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s2 < 0)
			return ct_err(e, errno, "open %s in a layer", rel);
		d2 = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d2 < 0) {
			close(s2);
			return ct_err(e, errno, "open %s", rel);
		}
		sp = fd_path(sdir, name);
		on = lgetxattr(sp, OPAQUE_XATTR, opq, sizeof(opq));
		free(sp);
		r = 0;
		if (have && on == 1 && opq[0] == 'y')
			r = empty_dir(d2, rel, e);
		if (r == 0)
			r = copy_dir(cp, s2, d2, rel);
		close(s2);
		close(d2);
		return r < 0 ? -1 : set_meta(sdir, ddir, name, &st, rel, e);
	}

	if (have && remove_at(ddir, name, rel, e) < 0)
		return -1;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < cp->nlinks; i++)
			if (cp->links[i].dev == st.st_dev && cp->links[i].ino == st.st_ino) {
				if (linkat(cp->rootfd, cp->links[i].path, ddir, name, 0) < 0)
					return ct_err(e, errno, "link %s to %s", rel,
						      cp->links[i].path);
				return 0;
			}
		if (cp->nlinks == cp->cap) {
			cp->cap = cp->cap ? 2 * cp->cap : 16;
			cp->links = ct_xrealloc(cp->links, cp->cap * sizeof(*cp->links));
		}
		cp->links[cp->nlinks++] = (struct hardlink){ st.st_dev, st.st_ino,
							     ct_xstrdup(rel) };
	}
	if (S_ISREG(st.st_mode)) {
		if (copy_file_data(sdir, ddir, name, &st, rel, e) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return ct_err(e, errno, "readlink %s in a layer", rel);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return ct_err(e, errno, "symlink %s", rel);
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		if (mknodat(ddir, name, st.st_mode, st.st_rdev) < 0)
			return ct_err(e, errno, "mknod %s", rel);
	} else {
		return 0;	/* sockets are not layer content */
	}
	return set_meta(sdir, ddir, name, &st, rel, e);
}

static int copy_dir(struct copier *cp, int sdir, int ddir, const char *rel)
{
	int fd = dup(sdir);
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return ct_err(cp->e, errno, "opendir %s in a layer", rel[0] ? rel : "/");
	}
	while (r == 0 && (de = readdir(d))) {
		char *sub;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = rel[0] ? ct_xasprintf("%s/%s", rel, de->d_name) : ct_xstrdup(de->d_name);
		r = copy_entry(cp, sdir, ddir, de->d_name, sub);
		free(sub);
	}
	closedir(d);
	return r;
}

int ct_copy_layers(const char *const *lowers, size_t n, const char *target,
		   struct ct_err *e)
{
	struct copier cp = { .e = e };
	int r = 0;

	cp.rootfd = open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cp.rootfd < 0)
		return ct_err(e, errno, "open %s", target);
	for (size_t i = 0; r == 0 && i < n; i++) {
		int sfd = open(lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ct_say("copy layer %s into %s", lowers[i], target);
		if (sfd < 0) {
			r = ct_err(e, errno, "open layer %s", lowers[i]);
			break;
		}
		r = copy_dir(&cp, sfd, cp.rootfd, "");
		if (r < 0)
			ct_err_wrap(e, "copy layer %s", lowers[i]);
		close(sfd);
		for (size_t j = 0; j < cp.nlinks; j++)
			free(cp.links[j].path);
		cp.nlinks = 0;	/* hardlinks are within one layer */
	}
	free(cp.links);
	close(cp.rootfd);
	return r;
}

/* ------------------------------------------------------------------ diff */

struct differ {
	struct archive *a;
	struct hardlink *links;
	size_t nlinks, cap;
	struct ct_err *e;
};

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static int arc_err(struct differ *df, const char *what, const char *rel)
{
	return ct_err(df->e, 0, "tar %s %s: %s", what, rel, archive_error_string(df->a));
}

static int add_xattrs(struct differ *df, int dirfd, const char *name,
		      struct archive_entry *ae, const char *rel)
{
	char *p = fd_path(dirfd, name), *list = NULL, *val = NULL;
	ssize_t n;
	int r = -1;

	n = llistxattr(p, NULL, 0);
	if (n <= 0) {
		r = n < 0 && errno != EOPNOTSUPP ? ct_err(df->e, errno, "llistxattr %s", rel) : 0;
		goto out;
	}
	list = ct_xmalloc((size_t)n);
	if ((n = llistxattr(p, list, (size_t)n)) < 0) {
		ct_err(df->e, errno, "llistxattr %s", rel);
		goto out;
	}
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		ssize_t vn;
		if (ct_has_prefix(k, "trusted.overlay.")) {
			if (!strcmp(k, "trusted.overlay.redirect") ||
			    !strcmp(k, "trusted.overlay.metacopy")) {
				ct_err(df->e, 0, "%s has %s, which an OCI layer cannot express",
				       rel, k);
				goto out;
			}
			continue;
		}
		if ((vn = lgetxattr(p, k, NULL, 0)) < 0) {
			ct_err(df->e, errno, "lgetxattr %s %s", rel, k);
			goto out;
		}
		free(val);
		val = ct_xmalloc((size_t)vn + 1);
		if ((vn = lgetxattr(p, k, val, (size_t)vn)) < 0) {
			ct_err(df->e, errno, "lgetxattr %s %s", rel, k);
			goto out;
		}
		archive_entry_xattr_add_entry(ae, k, val, (size_t)vn);
	}
	r = 0;
out:
	free(p);
	free(list);
	free(val);
	return r;
}

static void fill_stat(struct archive_entry *ae, const struct stat *st)
{
	archive_entry_set_uid(ae, st->st_uid);
	archive_entry_set_gid(ae, st->st_gid);
	archive_entry_set_mtime(ae, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static int write_simple(struct differ *df, const char *path, mode_t mode,
			const struct stat *st)
{
	struct archive_entry *ae = archive_entry_new();
	int r = 0;

	archive_entry_set_pathname(ae, path);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, mode);
	archive_entry_set_size(ae, 0);
	fill_stat(ae, st);
	if (archive_write_header(df->a, ae) != ARCHIVE_OK)
		r = arc_err(df, "header", path);
	archive_entry_free(ae);
	return r;
}

static int diff_dir(struct differ *df, int dirfd, const char *rel);

static int write_file_data(struct differ *df, int dirfd, const char *name, const char *rel)
{
	char buf[65536];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return ct_err(df->e, errno, "open %s", rel);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(df->a, buf, (size_t)n) != n) {
			close(fd);
			return arc_err(df, "write", rel);
		}
	if (n < 0) {
		int err = errno;
		close(fd);
		return ct_err(df->e, err, "read %s", rel);
	}
	close(fd);
	return 0;
}

static int diff_entry(struct differ *df, int dirfd, const char *name, const char *rel)
{
	struct stat st;
	struct archive_entry *ae;
	int r = -1, data = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_err(df->e, errno, "lstat %s", rel);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		const char *slash = strrchr(rel, '/');
		char *wh = slash ? ct_xasprintf("%.*s/.wh.%s", (int)(slash - rel), rel, slash + 1)
				 : ct_xasprintf(".wh.%s", rel);
		r = write_simple(df, wh, 0644, &st);
		free(wh);
		return r;
	}
	if (S_ISSOCK(st.st_mode))
		return 0;
	ae = archive_entry_new();
	archive_entry_set_pathname(ae, rel);
	fill_stat(ae, &st);
	archive_entry_set_mode(ae, st.st_mode);
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < df->nlinks; i++)
			if (df->links[i].dev == st.st_dev && df->links[i].ino == st.st_ino) {
				archive_entry_set_hardlink(ae, df->links[i].path);
				archive_entry_set_size(ae, 0);
				if (archive_write_header(df->a, ae) != ARCHIVE_OK)
					r = arc_err(df, "header", rel);
				else
					r = 0;
				goto out;
			}
		if (df->nlinks == df->cap) {
			df->cap = df->cap ? 2 * df->cap : 16;
			df->links = ct_xrealloc(df->links, df->cap * sizeof(*df->links));
		}
		df->links[df->nlinks++] = (struct hardlink){ st.st_dev, st.st_ino,
							     ct_xstrdup(rel) };
	}
	if (S_ISREG(st.st_mode)) {
		archive_entry_set_size(ae, st.st_size);
		data = 1;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			ct_err(df->e, errno, "readlink %s", rel);
			goto out;
		}
		target[n] = '\0';
		archive_entry_set_symlink(ae, target);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		archive_entry_set_rdev(ae, st.st_rdev);
	}
	if (add_xattrs(df, dirfd, name, ae, rel) < 0)
		goto out;
	if (archive_write_header(df->a, ae) != ARCHIVE_OK) {
		arc_err(df, "header", rel);
		goto out;
	}
	if (data && write_file_data(df, dirfd, name, rel) < 0)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		char opq[2];
		char *p = fd_path(dirfd, name);
		ssize_t on = lgetxattr(p, OPAQUE_XATTR, opq, sizeof(opq));

		free(p);
		if (sub < 0) {
			ct_err(df->e, errno, "open %s", rel);
			goto out;
		}
		if (on == 1 && opq[0] == 'y') {
			char *o = ct_xasprintf("%s/.wh..wh..opq", rel);
			int w = write_simple(df, o, 0644, &st);
			free(o);
			if (w < 0) {
				close(sub);
				goto out;
			}
		}
		r = diff_dir(df, sub, rel);
		close(sub);
		goto out;
	}
	r = 0;
out:
	archive_entry_free(ae);
	return r;
}

static int diff_dir(struct differ *df, int dirfd, const char *rel)
{
	struct dirent **list;
	char *p = ct_xasprintf("/proc/self/fd/%d", dirfd);
	int n = scandir(p, &list, dots, name_cmp), r = 0;

	free(p);
	if (n < 0)
		return ct_err(df->e, errno, "scandir %s", rel[0] ? rel : "upper");
	for (int i = 0; i < n; i++) {
		if (r == 0) {
			char *sub = rel[0] ? ct_xasprintf("%s/%s", rel, list[i]->d_name)
					   : ct_xstrdup(list[i]->d_name);
			r = diff_entry(df, dirfd, list[i]->d_name, sub);
			free(sub);
		}
		free(list[i]);
	}
	free(list);
	return r;
}

int ct_overlay_diff(const char *upper, int fd, struct ct_err *e)
{
	struct differ df = { .e = e };
	int dirfd, r = -1;

	dirfd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return ct_err(e, errno, "open %s", upper);
	df.a = archive_write_new();
	if (archive_write_set_format_pax(df.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(df.a, 512) != ARCHIVE_OK ||
	    archive_write_open_fd(df.a, fd) != ARCHIVE_OK) {
		ct_err(e, 0, "tar writer: %s", archive_error_string(df.a));
		goto out;
	}
	ct_say("tar of %s (whiteouts as .wh. files)", upper);
	r = diff_dir(&df, dirfd, "");
	if (archive_write_close(df.a) != ARCHIVE_OK && r == 0)
		r = ct_err(e, 0, "tar writer: %s", archive_error_string(df.a));
out:
	archive_write_free(df.a);
	for (size_t i = 0; i < df.nlinks; i++)
		free(df.links[i].path);
	free(df.links);
	close(dirfd);
	return r;
}
