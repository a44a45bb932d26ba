#include "rootfs.h"
#include "buf.h"
#include "cgroup.h"
#include "err.h"
#include "file.h"
#include "ocispec.h"
#include "say.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int openat2_in(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = resolve };

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* Open (creating if missing: a dir, or a file when as_file) PATH inside
 * the root dirfd with every symlink resolved as if root were "/".
 * Returns an O_PATH fd. */
static int open_in_root(int rootfd, const char *path, int as_file, struct ct_err *e)
{
	struct ct_buf prefix = CT_BUF_INIT;
	char *p = ct_xstrdup(path), *c = NULL, *save = NULL;
	int fd, dfd;

	while (*path == '/')
		path++;
	fd = openat2_in(rootfd, *path ? path : ".", O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	if (fd >= 0 || errno != ENOENT) {
		free(p);
		if (fd < 0)
			return ct_err(e, errno, "openat2 %s in the container root", path);
		return fd;
	}
	/* create the missing components one by one */
	dfd = openat2_in(rootfd, ".", O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
	if (dfd < 0) {
		free(p);
		return ct_err(e, errno, "open the container root");
	}
	for (c = strtok_r(p, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int last = (save == NULL || *save == 0);
		int nfd;

		if (prefix.len)
			ct_buf_putc(&prefix, '/');
		ct_buf_puts(&prefix, c);
		/* always resolve the whole prefix from the real root, so a
		 * symlink anywhere is followed as if the root were "/" */
		nfd = openat2_in(rootfd, prefix.data, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
		if (nfd < 0 && errno == ENOENT) {
			int r;

			/* c is one component that does not exist below dfd */
			if (last && as_file) {
				r = openat(dfd, c, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
				if (r >= 0)
					close(r);
			} else {
				r = mkdirat(dfd, c, 0755);
			}
			if (r < 0 && errno != EEXIST) {
				ct_err(e, errno, "create %s in the container root", path);
				break;
			}
			nfd = openat2_in(rootfd, prefix.data, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT);
		}
		if (nfd < 0) {
			ct_err(e, errno, "open %s in the container root", path);
			break;
		}
		close(dfd);
		dfd = nfd;
	}
	ct_buf_free(&prefix);
	if (c) {
		close(dfd);
		free(p);
		return -1;
	}
	free(p);
	return dfd;
}

static char *fd_path(int fd)
{
	return ct_xasprintf("/proc/self/fd/%d", fd);
}

/* Flags a bind remount must keep when they are locked on the source. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	return f;
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* After a mount on /proc/self/fd/N, that path still names the directory
 * underneath: look the destination up again to reach the new mount. */
static char *reopen_target(int rootfd, const char *dest, int *fd, struct ct_err *e)
{
	*fd = open_in_root(rootfd, dest, 0, e);
	return *fd < 0 ? NULL : fd_path(*fd);
}

static int do_bind(int rootfd, const struct oci_mount *m, const char *target, struct ct_err *e)
{
	unsigned long rest = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);

	if (mount(m->source, target, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
		return ct_err(e, errno, "mount --%s %s %s", m->flags & MS_REC ? "rbind" : "bind",
			      m->source, m->dest);
	ct_say("mount --%s %s %s", m->flags & MS_REC ? "rbind" : "bind", m->source, m->dest);
	if (rest) {
		int fd;
		char *t = reopen_target(rootfd, m->dest, &fd, e);
		unsigned long f;

		if (!t)
			return -1;
		f = MS_BIND | MS_REMOUNT | rest | (locked_flags(t) & ~MS_RDONLY);
		if (mount(NULL, t, NULL, f, NULL) < 0) {
			ct_err(e, errno, "remount %s with its options", m->dest);
			free(t);
			close(fd);
			return -1;
		}
		ct_say("mount -o remount,bind%s %s", rest & MS_RDONLY ? ",ro" : "", m->dest);
		free(t);
		close(fd);
	}
	return 0;
}

/* Bind src on dfd/name; with ro_flags, remount it read-only with them
 * (looked up again: the first fd names the directory underneath). */
static int bind_one(int dfd, const char *name, const char *src, unsigned long ro_flags,
		    struct ct_err *e)
{
	int fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), r = 0;
	char *t;

	if (fd < 0)
		return ct_err(e, errno, "open %s", name);
	t = fd_path(fd);
	if (mount(src, t, NULL, MS_BIND, NULL) < 0)
		r = ct_err(e, errno, "mount --bind %s %s", src, name);
	close(fd);
	free(t);
	if (r < 0 || !ro_flags)
		return r;
	fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ct_err(e, errno, "open %s", name);
	t = fd_path(fd);
	if (mount(NULL, t, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | ro_flags, NULL) < 0)
		r = ct_err(e, errno, "remount %s read-only", name);
	close(fd);
	free(t);
	return r;
}

/* /sys/fs/cgroup: cgroup2 where the host is v2 (the cgroup namespace makes
 * our own cgroup its root); on v1 and hybrid hosts a tmpfs holding a bind
 * of the container's own directory of every controller, never the host's
 * whole tree. */
static int mount_cgroupfs(int rootfd, const struct oci_mount *m, const char *target,
			  const struct ct_cgroup *cg, struct ct_err *e)
{
	unsigned long ro = m->flags & MS_RDONLY, fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int dfd;

	if (!cg || !cg->path)
		return 0;	/* no cgroup of our own (rootless): leave it empty */
	if (cg->mode == CT_CG_V2) {
		if (mount("cgroup2", target, "cgroup2", fl | ro, NULL) == 0) {
			ct_say("mount -t cgroup2 cgroup2 %s", m->dest);
			return 0;
		}
		if (mount(cg->v2, target, NULL, MS_BIND | MS_REC, NULL) < 0)
			return ct_err(e, errno, "mount --bind %s %s", cg->v2, m->dest);
		ct_say("mount --bind %s %s", cg->v2, m->dest);
		if (ro) {
			int fd;
			char *t = reopen_target(rootfd, m->dest, &fd, e);

			if (!t)
				return -1;
			if (mount(NULL, t, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL) < 0)
				ct_err(e, errno, "remount %s read-only", m->dest);
			free(t);
			close(fd);
			return e->msg[0] ? -1 : 0;
		}
		return 0;
	}
	if (mount("tmpfs", target, "tmpfs", fl, "mode=755") < 0)
		return ct_err(e, errno, "mount -t tmpfs tmpfs %s", m->dest);
	ct_say("mount -t tmpfs tmpfs %s (one bind per cgroup v1 controller)", m->dest);
	dfd = open_in_root(rootfd, m->dest, 0, e);
	if (dfd < 0)
		return -1;
	for (int i = 0; i < CT_CG_NV1 + 1; i++) {
		const char *src = i < CT_CG_NV1 ? cg->v1[i] : cg->v2;
		const char *name = i < CT_CG_NV1 ? ct_cgroup_v1_name(i) : "unified";

		if (!src)
			continue;
		if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST) {
			close(dfd);
			return ct_err(e, errno, "mkdir %s/%s", m->dest, name);
		}
		if (bind_one(dfd, name, src, ro ? fl : 0, e) < 0) {
			ct_err_wrap(e, "%s", m->dest);
			close(dfd);
			return -1;
		}
		ct_say2("mount --bind %s %s/%s", src, m->dest, name);
	}
	if (ro) {
		char *t = fd_path(dfd);

		if (mount(NULL, t, NULL, MS_REMOUNT | MS_RDONLY | fl, "mode=755") < 0)
			ct_err(e, errno, "remount %s read-only", m->dest);
		free(t);
	}
	close(dfd);
	return e->msg[0] ? -1 : 0;
}

/* data without its gid=N option (NULL when it has none) */
static char *without_gid(const char *data)
{
	struct ct_buf b = CT_BUF_INIT;
	const char *p = data;
	int found = 0;

	while (p && *p) {
		size_t l = strcspn(p, ",");

		if (strncmp(p, "gid=", 4) == 0 && l >= 4)
			found = 1;
		else
			ct_buf_printf(&b, "%s%.*s", b.len ? "," : "", (int)l, p);
		p += l;
		if (*p == ',')
			p++;
	}
	if (!found) {
		ct_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : ct_xstrdup("");
}

static int mount_one(int rootfd, const struct oci_mount *m, const char *target,
		     const struct ct_rootfs_opts *o, struct ct_err *e)
{
	unsigned long flags = m->flags & ~(MS_REMOUNT);
	int userns = o->userns;

	if (m->bind)
		return do_bind(rootfd, m, target, e);
	if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0)
		return mount_cgroupfs(rootfd, m, target, o->cg, e);
	if (mount(m->source, target, m->type, flags, m->data) == 0) {
		ct_say("mount -t %s %s %s%s%s", m->type, m->source, m->dest,
		       m->data ? " -o " : "", m->data ? m->data : "");
		return 0;
	}
	if (errno == EINVAL && userns && strcmp(m->type, "devpts") == 0) {
		/* gid=5 (tty) is not mapped in a single-id user namespace:
		 * the ptys then belong to the caller's group, as with crun */
		char *d = without_gid(m->data);
		int r = -1;

		if (d && (r = mount(m->source, target, m->type, flags, d)) == 0)
			ct_say("mount -t devpts %s %s -o %s (gid= dropped: that group is not mapped in the user namespace)",
			       m->source, m->dest, d);
		free(d);
		if (r == 0)
			return 0;
		errno = EINVAL;
	}
	if ((errno == EPERM || errno == EBUSY) &&
	    (strcmp(m->type, "sysfs") == 0 || strcmp(m->type, "mqueue") == 0)) {
		/* sysfs needs a network namespace of our own, mqueue an ipc
		 * namespace; without them (or in a user namespace) fall back to
		 * the host's, read-only when asked */
		struct oci_mount b = *m;
		const char *host = strcmp(m->type, "sysfs") == 0 ? "/sys" : "/dev/mqueue";

		b.source = (char *)host;
		b.flags = MS_BIND | MS_REC | (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
		ct_say("%s mount refused%s; binding the host's %s", m->type,
		       userns ? " in the user namespace" : "", host);
		return do_bind(rootfd, &b, target, e);
	}
	return ct_err(e, errno, "mount -t %s %s %s%s%s", m->type, m->source, m->dest,
		      m->data ? " -o " : "", m->data ? m->data : "");
}

static int apply_propagation(int rootfd, const struct oci_mount *m, struct ct_err *e)
{
	int fd, r = 0;
	char *t;

	if (!m->propagation)
		return 0;
	if (!(t = reopen_target(rootfd, m->dest, &fd, e)))
		return -1;
	if (mount(NULL, t, NULL, m->propagation, NULL) < 0)
		r = ct_err(e, errno, "set the propagation of %s", m->dest);
	free(t);
	close(fd);
	return r;
}

static int is_proc_mount(const struct oci_mount *m)
{
	return strcmp(m->type, "proc") == 0 || ct_has_prefix(m->dest, "/proc/") ||
	       strcmp(m->dest, "/proc") == 0;
}

static int mount_in_root(int rootfd, const struct oci_mount *m,
			 const struct ct_rootfs_opts *o, struct ct_err *e)
{
	int as_file = m->bind && !is_dir(m->source);
	int fd = open_in_root(rootfd, m->dest, as_file, e);
	char *target;
	int r;

	if (fd < 0)
		return -1;
	target = fd_path(fd);
	r = mount_one(rootfd, m, target, o, e);
	if (r == 0)
		r = apply_propagation(rootfd, m, e);
	free(target);
	close(fd);
	return r;
}

static const struct { const char *name; int major, minor; } std_devs[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int make_node(int devfd, const char *name, mode_t type, int major, int minor,
		     mode_t mode, int userns, struct ct_err *e)
{
	char *host = ct_xasprintf("/dev/%s", name);
	int r = 0;

	unlinkat(devfd, name, 0);
	if (!userns && mknodat(devfd, name, type | mode, makedev(major, minor)) == 0) {
		fchmodat(devfd, name, mode, 0);
		ct_say2("mknod /dev/%s %c %d %d", name, S_ISCHR(type) ? 'c' : 'b', major, minor);
	} else {
		/* a user namespace cannot mknod: bind the host's node */
		int fd = openat(devfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		char *t;

		if (fd < 0) {
			free(host);
			return ct_err(e, errno, "create /dev/%s", name);
		}
		t = fd_path(fd);
		close(fd);
		fd = openat(devfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
		free(t);
		t = fd_path(fd);
		if (mount(host, t, NULL, MS_BIND, NULL) < 0)
			r = ct_err(e, errno, "mount --bind %s into the container's /dev", host);
		else
			ct_say2("mount --bind %s /dev/%s", host, name);
		free(t);
		close(fd);
	}
	free(host);
	return r;
}

static int setup_dev(int rootfd, const struct oci_spec *s, struct ct_rootfs_opts *o,
		     struct ct_err *e)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	int devfd = open_in_root(rootfd, "/dev", 0, e), fd;
	size_t i;

	if (devfd < 0)
		return -1;
	fd = openat(devfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(devfd);
	if (fd < 0)
		return ct_err(e, errno, "open the container's /dev");
	devfd = fd;
	ct_say("/dev: null zero full random urandom tty, ptmx -> pts/ptmx, fd, std{in,out,err}");
	for (i = 0; i < sizeof std_devs / sizeof std_devs[0]; i++)
		if (make_node(devfd, std_devs[i].name, S_IFCHR, std_devs[i].major,
			      std_devs[i].minor, 0666, o->userns, e) < 0)
			goto fail;
	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		unlinkat(devfd, links[i][1], 0);
		if (symlinkat(links[i][0], devfd, links[i][1]) < 0) {
			ct_err(e, errno, "symlink /dev/%s", links[i][1]);
			goto fail;
		}
	}
	for (i = 0; i < s->ndevices; i++) {
		const struct oci_device *d = &s->devices[i];
		int dfd;

		if (!ct_has_prefix(d->path, "/dev/"))
			continue;
		dfd = open_in_root(rootfd, d->path, 1, e);
		if (dfd < 0)
			goto fail;
		close(dfd);
		if (o->userns) {
			/* bind the host node */
			struct oci_mount b = { .dest = d->path, .source = d->path, .flags = MS_BIND, .bind = 1 };

			if (mount_in_root(rootfd, &b, o, e) < 0)
				goto fail;
			continue;
		}
		{
			char *rel = ct_xstrdup(d->path + 1);
			int rfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			mode_t t = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;

			unlinkat(rfd, rel, 0);
			if (mknodat(rfd, rel, t | (d->mode & 07777),
				    makedev((unsigned)d->major, (unsigned)d->minor)) < 0 ||
			    fchownat(rfd, rel, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) {
				ct_err(e, errno, "mknod %s", d->path);
				free(rel);
				close(rfd);
				goto fail;
			}
			ct_say("mknod %s %c %lld %lld", d->path, d->type, (long long)d->major, (long long)d->minor);
			free(rel);
			close(rfd);
		}
	}
	if (o->console) {
		int cfd;

		if ((cfd = openat(devfd, "console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600)) >= 0)
			close(cfd);
		cfd = openat(devfd, "console", O_PATH | O_CLOEXEC | O_NOFOLLOW);
		if (cfd >= 0) {
			char *t = fd_path(cfd);

			if (mount(o->console, t, NULL, MS_BIND, NULL) < 0) {
				ct_err(e, errno, "mount --bind %s /dev/console", o->console);
				free(t);
				close(cfd);
				goto fail;
			}
			ct_say("mount --bind %s /dev/console", o->console);
			free(t);
			close(cfd);
		}
	}
	close(devfd);
	return 0;
fail:
	close(devfd);
	return -1;
}

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

/* Bind the root onto itself through fds only (open_tree + move_mount), so
 * no path above it needs to be searchable by the container's root (a user
 * namespace's uid 0 is an unprivileged host uid). Returns the new mount's
 * root as an O_PATH fd. */
static int bind_root(int dirfd, const char *rootfs, struct ct_err *e)
{
	int tree = (int)syscall(SYS_open_tree, dirfd, "",
				OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);

	if (tree < 0)
		return ct_err(e, errno, "open_tree(%s, OPEN_TREE_CLONE|AT_RECURSIVE)", rootfs);
	if (syscall(SYS_move_mount, tree, "", dirfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		close(tree);
		return ct_err(e, errno, "move_mount(%s onto itself)", rootfs);
	}
	ct_say("mount --rbind %s %s (open_tree + move_mount)", rootfs, rootfs);
	return tree;
}

int ct_rootfs_prepare(const struct oci_spec *s, struct ct_rootfs_opts *o,
		      struct ct_err *e)
{
	unsigned long prop = s->rootfs_propagation ? s->rootfs_propagation : MS_PRIVATE;
	int rootfd, r = -1, has_dev = 0;

	/* nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, (prop & ~MS_REC) | MS_REC, NULL) < 0)
		return ct_err(e, errno, "make / %s", prop & MS_SLAVE ? "rslave" : "rprivate");
	ct_say("mount --make-r%s /", prop & MS_SLAVE ? "slave" : prop & MS_SHARED ? "shared" : "private");
	if (o->rootfd < 0) {
		o->rootfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (o->rootfd < 0)
			return ct_err(e, errno, "open %s", s->rootfs);
	}
	rootfd = bind_root(o->rootfd, s->rootfs, e);
	if (rootfd < 0)
		return -1;
	close(o->rootfd);
	o->rootfd = rootfd;
	for (size_t i = 0; i < s->nmounts; i++) {
		const struct oci_mount *m = &s->mounts[i];

		if (is_proc_mount(m))
			continue;	/* after pivot_root, in the new pid namespace */
		if (strcmp(m->dest, "/dev") == 0)
			has_dev = 1;
		if (mount_in_root(rootfd, m, o, e) < 0)
			goto out;
	}
	if (has_dev && setup_dev(rootfd, s, o, e) < 0)
		goto out;
	r = 0;
out:
	return r;
}

int ct_rootfs_pivot(const struct oci_spec *s, struct ct_rootfs_opts *o, int *oldroot_out,
		    struct ct_err *e)
{
	int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int r = -1;

	if (oldroot < 0) {
		ct_err(e, errno, "open /");
		goto out;
	}
	if (fchdir(o->rootfd) < 0) {
		ct_err(e, errno, "chdir %s", s->rootfs);
		goto out;
	}
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		ct_err(e, errno, "pivot_root %s", s->rootfs);
		goto out;
	}
	ct_say("pivot_root %s (old root stacked on top until detached)", s->rootfs);
	if (chdir("/") < 0) {
		ct_err(e, errno, "chdir into the new root");
		goto out;
	}
	close(o->rootfd);
	o->rootfd = -1;
	*oldroot_out = oldroot;
	oldroot = -1;
	r = 0;
out:
	if (oldroot >= 0)
		close(oldroot);
	return r;
}

int ct_rootfs_detach_old(int oldroot, struct ct_err *e)
{
	int r = 0;

	/* the old root sits on top of the new one: detach it, without
	 * letting the unmount propagate anywhere */
	if (fchdir(oldroot) < 0 ||
	    mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2(".", MNT_DETACH) < 0)
		r = ct_err(e, errno, "detach the old root");
	else
		ct_say("umount2(old root, MNT_DETACH)");
	close(oldroot);
	if (chdir("/") < 0 && r == 0)
		r = ct_err(e, errno, "chdir /");
	return r;
}

static int mask_path(const char *p, struct ct_err *e)
{
	struct stat st;

	if (lstat(p, &st) < 0)
		return errno == ENOENT ? 0 : ct_err(e, errno, "stat masked path %s", p);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0,mode=0755") < 0)
			return ct_err(e, errno, "mask %s with an empty tmpfs", p);
	} else if (mount("/dev/null", p, NULL, MS_BIND, NULL) < 0) {
		return ct_err(e, errno, "mask %s with /dev/null", p);
	}
	ct_say2("mask %s", p);
	return 0;
}

static int readonly_path(const char *p, struct ct_err *e)
{
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return errno == ENOENT ? 0 : ct_err(e, errno, "mount --bind %s %s", p, p);
	if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(p), NULL) < 0)
		return ct_err(e, errno, "remount %s read-only", p);
	ct_say2("read-only %s", p);
	return 0;
}

static int write_sysctls(const json_t *sysctl, int userns, struct ct_err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)sysctl, k, v) {
		char *p = ct_xasprintf("/proc/sys/%s", k), *q;
		const char *val = json_string_value(v);
		int fd;

		for (q = p + 10; *q; q++)
			if (*q == '.')
				*q = '/';
		if (!val || strstr(k, "..")) {
			free(p);
			return ct_err(e, 0, "sysctl %s: bad key or value", k);
		}
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || ct_write_all(fd, val, strlen(val)) < 0) {
			ct_err(e, errno, "sysctl %s=%s (write %s)", k, val, p);
			if (fd >= 0)
				close(fd);
			if (userns && (e->errnum == EACCES || e->errnum == EPERM || e->errnum == EROFS))
				ct_err_hint(e, "in a user namespace only the sysctls of namespaces it owns can be set (net.* with a network namespace of its own, kernel.shm*/msg*/sem and fs.mqueue.* with an ipc one); drop it from linux.sysctl or run the container as root");
			free(p);
			return -1;
		}
		ct_say("sysctl %s=%s", k, val);
		close(fd);
		free(p);
	}
	return 0;
}

int ct_rootfs_finish(const struct oci_spec *s, struct ct_rootfs_opts *o,
		     struct ct_err *e)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t i;

	if (rootfd < 0)
		return ct_err(e, errno, "open /");
	for (i = 0; i < s->nmounts; i++) {
		const struct oci_mount *m = &s->mounts[i];

		if (!is_proc_mount(m))
			continue;
		/* we are inside the new root now: plain paths cannot leave it,
		 * and /proc/self/fd is not there before /proc is */
		if ((!ct_exists(m->dest) && ct_mkdir_p(m->dest, 0755, e) < 0) ||
		    mount_one(rootfd, m, m->dest, o, e) < 0 ||
		    apply_propagation(rootfd, m, e) < 0) {
			close(rootfd);
			return -1;
		}
	}
	close(rootfd);
	/* before /proc/sys becomes read-only */
	if (s->sysctl && write_sysctls(s->sysctl, o->userns, e) < 0)
		return -1;
	for (char **p = s->masked; p && *p; p++)
		if (mask_path(*p, e) < 0)
			return -1;
	for (char **p = s->readonly; p && *p; p++)
		if (readonly_path(*p, e) < 0)
			return -1;
	if (s->root_ro) {
		if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
			return ct_err(e, errno, "remount / read-only");
		ct_say("mount -o remount,bind,ro /");
	}
	return 0;
}
